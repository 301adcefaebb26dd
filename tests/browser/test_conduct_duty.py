"""At phone width: the cadre on duty opens tonight's duty, checks in, and the county sees the
check-in on its view of tonight's duty across the townships."""
import pytest

from banzi.conduct.duty.models import DutyCheckIn
from banzi.core.roles import Role
from tests import factories as f
from tests.browser.conftest import PHONE
from tests.conduct import duty_factories as d

pytestmark = pytest.mark.django_db(transaction=True)


def test_cadre_checks_in_on_a_phone_and_the_county_sees_it(live_server, open_page, log_in, township):
    night = d.shift(township)
    f.UserFactory(username="duty_cadre", role=Role.CADRE, cadre=night.staff)
    f.UserFactory(username="county_head", role=Role.COUNTY_ADMIN)

    page = open_page(PHONE)
    log_in(page, "duty_cadre", f.PASSWORD)
    page.goto(f"{live_server.url}/conduct/duty/tonight/")
    page.click("details.step summary")
    page.fill("input[name=location]", "乡镇值班室")
    page.click("form[action$='/check-in/'] button[type=submit]")
    page.wait_for_url(f"{live_server.url}{night.get_absolute_url()}")
    assert night.staff.name in page.inner_text("#check-ins")
    record = DutyCheckIn.objects.get()
    assert record.cadre == night.staff and record.location == "乡镇值班室"
    # The page fits the phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    county = open_page(PHONE)
    log_in(county, "county_head", f.PASSWORD)
    county.goto(f"{live_server.url}/conduct/duty/tonight/")
    row = county.locator("tbody tr", has_text=township.name)
    assert row.locator(".badge.bg-green-lt").count() == 1
    assert night.leader.name in row.inner_text()
