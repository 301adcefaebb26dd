"""Sessions end after 30 idle minutes and 8 hours after signing in; "sign out everywhere" ends every session and
API token of the user; signing out on the web ends only that session."""
import datetime

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from rest_framework.test import APIClient

from banzi.accounts import tokens
from banzi.core.models import AuditEvent
from tests import factories as f
from tests.second_factor import verify_session

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_second_factor")]

MINUTES = datetime.timedelta(minutes=1)


def token_client(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def signed_out(response):
    return response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_defaults(settings):
    assert settings.BANZI_SESSION_IDLE_MINUTES == 30
    assert settings.SESSION_COOKIE_AGE == 8 * 3600


def test_a_session_idle_for_29_minutes_goes_on(county_client, travel):
    assert county_client.get("/").status_code == 200
    travel.shift(29 * MINUTES)
    assert county_client.get("/").status_code == 200


def test_a_session_idle_for_31_minutes_is_signed_out_with_a_message(county_client, county_admin, travel):
    assert county_client.get("/").status_code == 200
    travel.shift(31 * MINUTES)
    response = county_client.get("/org/cadres/?q=x")
    assert signed_out(response)
    assert "next=/org/cadres/%3Fq%3Dx" in response.url
    assert "_auth_user_id" not in county_client.session
    login = county_client.get(response.url)
    assert any("30 minutes without activity" in str(m) for m in get_messages(login.wsgi_request))
    assert county_client.get("/").status_code == 302  # and stays signed out
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGOUT)
    assert (event.user, event.detail) == (county_admin, "Session ended: idle")


def test_activity_keeps_a_session_alive(county_client, travel):
    for _ in range(4):
        travel.shift(20 * MINUTES)
        assert county_client.get("/").status_code == 200


def test_an_idle_api_session_is_no_longer_signed_in(county_client, travel):
    assert county_client.get("/api/v1/me/").status_code == 200
    travel.shift(31 * MINUTES)
    assert county_client.get("/api/v1/me/").status_code in (401, 403)


def test_the_idle_time_is_configurable(county_client, travel, settings):
    settings.BANZI_SESSION_IDLE_MINUTES = 5
    county_client.get("/")
    travel.shift(6 * MINUTES)
    assert signed_out(county_client.get("/"))


def test_a_busy_session_still_ends_at_its_maximum_age(county_client, travel, settings):
    settings.SESSION_COOKIE_AGE = 3600
    for _ in range(2):
        travel.shift(25 * MINUTES)
        assert county_client.get("/").status_code == 200
    travel.shift(25 * MINUTES)
    assert signed_out(county_client.get("/"))
    assert AuditEvent.objects.filter(detail="Session ended: maximum age").exists()


# --- sign out everywhere ----------------------------------------------------------------------------

def test_sign_out_everywhere_ends_every_session_and_token(county_admin, client_for):
    here, elsewhere, other_user = client_for(county_admin), client_for(county_admin), client_for(f.UserFactory())
    _token, key = tokens.issue(county_admin)
    api = token_client(key)
    assert api.get("/api/v1/me/").status_code == 200

    page = here.get("/accounts/sign-out-everywhere/")
    assert page.status_code == 200 and "1 API token in use" in page.content.decode()
    response = here.post("/accounts/sign-out-everywhere/")
    assert response.status_code == 302 and response.url == "/accounts/login/"

    assert signed_out(here.get("/"))
    assert signed_out(elsewhere.get("/"))
    assert api.get("/api/v1/me/").status_code == 401
    assert not tokens.live(county_admin).exists()
    assert other_user.get("/").status_code == 200  # other users are untouched
    assert AuditEvent.objects.filter(user=county_admin, action=AuditEvent.Action.LOGOUT,
                                     detail="Signed out everywhere").count() == 1
    assert AuditEvent.objects.filter(user=county_admin, detail__startswith="Signed out everywhere: 1 API").exists()


def test_signing_in_again_after_signing_out_everywhere_works(county_admin, client_for):
    client_for(county_admin).post("/accounts/sign-out-everywhere/")
    client = Client()
    assert client.post("/accounts/login/", {"username": "county", "password": f.PASSWORD}).status_code == 302
    verify_session(client, county_admin)  # the second factor's step
    assert client.get("/").status_code == 200


def test_sign_out_everywhere_needs_a_signed_in_user_and_a_post(county_admin, client_for):
    assert signed_out(Client().post("/accounts/sign-out-everywhere/"))
    client = client_for(county_admin)
    client.get("/accounts/sign-out-everywhere/")
    assert client.get("/").status_code == 200  # looking at the page ends nothing


def test_signing_out_on_the_web_ends_only_that_session(county_admin, client_for):
    here, elsewhere = client_for(county_admin), client_for(county_admin)
    _token, key = tokens.issue(county_admin)
    assert here.post("/accounts/logout/").status_code == 302
    assert signed_out(here.get("/"))
    assert elsewhere.get("/").status_code == 200
    assert token_client(key).get("/api/v1/me/").status_code == 200
