"""A county officer signs in for the first time in Chromium: after the password comes the enrolment of an
authenticator app (a QR code drawn on the page, the key as text), a code from the app, the recovery codes
once, then the page they asked for; on a phone the QR code fits the screen."""
import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from banzi.core.roles import Role
from tests import factories as f
from tests.second_factor import code

from .conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_first_sign_in_enrols_an_authenticator_app(live_server, open_page, county):
    f.UserFactory(username="zuzhibu", role=Role.COUNTY_ADMIN)
    page = open_page(PHONE)
    page.goto(f"{live_server.url}/org/cadres/")
    page.fill("#id_username", "zuzhibu")
    page.fill("#id_password", f.PASSWORD)
    page.click("form.card button[type=submit]")
    page.wait_for_url(f"{live_server.url}/accounts/second-factor/enrol/**")

    qr = page.locator("[data-qr] svg")
    box = qr.bounding_box()
    assert 150 <= box["width"] <= PHONE["width"] and box["x"] >= 0
    assert page.locator("[data-secret]").inner_text().replace(" ", "").isalnum()
    assert page.locator("script").count() == 0  # the page runs no script at all

    page.fill("#id_code", "000000")
    page.click("main form button[type=submit]")
    assert page.locator("[data-field-error=code]").is_visible()

    page.wait_for_timeout(1100)  # the wrong code locked the app's codes for a second
    device = TOTPDevice.objects.get(user__username="zuzhibu")
    page.fill("#id_code", code(device))
    page.click("main form button[type=submit]")
    assert page.locator("[data-recovery-codes] li").count() == 10
    page.click("main a.btn-primary")
    page.wait_for_url(f"{live_server.url}/org/cadres/")
