"""API tokens: shown once and stored only as a hash, expire after 12 hours, end on the client's logout, on a new
password, on signing out everywhere and when the account is disabled; each issue and revocation audited."""
import datetime

import pytest
from django.core.cache import cache
from django.utils.dateparse import parse_datetime
from django_otp.plugins.otp_static.models import StaticToken
from rest_framework.test import APIClient

from banzi.accounts import passwords, tokens
from banzi.accounts.models import ApiToken, User
from banzi.accounts.otp import requires_second_factor
from banzi.core import clock
from banzi.core.errors import Code
from banzi.core.models import AuditEvent
from tests import factories as f
from tests.errors import api_codes
from tests.second_factor import enrol, recovery_codes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_second_factor")]

TOKEN_URL = "/api/v1/auth/token/"
LOGOUT_URL = "/api/v1/auth/logout/"
ME = "/api/v1/me/"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def obtain(username="county", password=f.PASSWORD, **extra):
    data = {"username": username, "password": password}
    user = User.objects.filter(username=username).first()
    if user is not None and requires_second_factor(user):  # a fresh recovery code as the second factor
        enrol(user)
        data["otp"] = otp_code = StaticToken.random_token()
        recovery_codes(user, otp_code)
    response = APIClient().post(TOKEN_URL, data, **extra)
    assert response.status_code == 200, response.content
    return response.json()


def with_token(key):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_the_token_is_returned_once_with_its_expiry_and_only_its_hash_is_stored(county_admin):
    body = obtain()
    key = body["token"]
    assert parse_datetime(body["expires"]) == ApiToken.objects.get().expires
    assert with_token(key).get(ME).status_code == 200

    row = ApiToken.objects.values().get()
    secret = key.split(".", 1)[1]
    for value in row.values():
        assert secret not in str(value)
    assert row["digest"] == tokens.digest(key) != key
    assert key.startswith(row["prefix"] + ".")
    assert row["client_ip"] == "127.0.0.1"


def test_a_token_expires_after_12_hours(county_admin, travel, settings):
    assert settings.BANZI_TOKEN_HOURS == 12
    body = obtain()
    expires = parse_datetime(body["expires"])
    assert expires - clock.now() > datetime.timedelta(hours=11, minutes=59)
    client = with_token(body["token"])
    travel.shift(datetime.timedelta(hours=11, minutes=58))
    assert client.get(ME).status_code == 200
    travel.shift(datetime.timedelta(minutes=3))
    response = client.get(ME)
    assert response.status_code == 401
    assert api_codes(response) == {"detail": ["authentication_failed"]}
    assert response.headers["WWW-Authenticate"].startswith("Token")


def test_the_token_life_is_configurable(county_admin, travel, settings):
    settings.BANZI_TOKEN_HOURS = 1
    client = with_token(obtain()["token"])
    travel.shift(datetime.timedelta(minutes=61))
    assert client.get(ME).status_code == 401


def test_logout_revokes_the_token_in_use_and_no_other(county_admin):
    first, second = obtain()["token"], obtain()["token"]
    response = with_token(first).post(LOGOUT_URL)
    assert response.status_code == 200 and response.json() == {"revoked": True}
    assert with_token(first).get(ME).status_code == 401
    assert with_token(first).post(LOGOUT_URL).status_code == 401
    assert with_token(second).get(ME).status_code == 200
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGOUT)
    assert event.user == county_admin and event.detail.startswith("API token revoked by logout")


def test_logout_needs_a_signed_in_client():
    assert APIClient().post(LOGOUT_URL).status_code == 401


def test_a_session_logout_through_the_api_revokes_nothing(county_admin, county_client):
    key = obtain()["token"]
    response = county_client.post(LOGOUT_URL)
    assert response.status_code == 200 and response.json() == {"revoked": False}
    assert with_token(key).get(ME).status_code == 200


def test_changing_ones_password_ends_every_token(county_admin):
    client = with_token(obtain()["token"])
    passwords.change_own_password(county_admin, "Banzi#2027z")
    assert client.get(ME).status_code == 401
    assert AuditEvent.objects.filter(user=county_admin, action=AuditEvent.Action.LOGOUT,
                                     detail="Password changed: 1 API token(s) revoked").exists()


def test_a_reset_by_an_administrator_ends_every_token(county_admin):
    user = f.UserFactory(username="member")
    client = with_token(obtain("member")["token"])
    passwords.set_password_by_administrator(user, "Reset#2026x", by=county_admin)
    assert client.get(ME).status_code == 401


def test_a_disabled_account_loses_its_tokens(county_admin):
    client = with_token(obtain()["token"])
    county_admin.is_active = False
    county_admin.save()
    assert client.get(ME).status_code == 401
    assert not tokens.live(county_admin).exists()


@pytest.mark.parametrize("forge", [
    lambda key: key[:-1] + ("A" if key[-1] != "A" else "B"),  # right prefix, wrong secret
    lambda key: key.split(".")[0],  # the prefix alone
    lambda key: "x" + key,
    lambda key: key.replace(".", ""),
])
def test_a_forged_key_is_refused(county_admin, forge):
    key = obtain()["token"]
    assert with_token(forge(key)).get(ME).status_code == 401


def test_last_use_is_recorded_without_a_write_on_every_request(county_admin, travel):
    key = obtain()["token"]
    client = with_token(key)
    issued = ApiToken.objects.get().last_used
    assert issued is not None
    client.get(ME)
    assert ApiToken.objects.get().last_used == issued
    travel.shift(datetime.timedelta(minutes=2))
    client.get(ME)
    used = ApiToken.objects.get().last_used
    assert used > issued + datetime.timedelta(minutes=1)
    client.get(ME)
    assert ApiToken.objects.get().last_used == used


def test_a_password_expiring_during_a_tokens_life_refuses_it_with_a_code(county_admin, travel):
    county_admin.password_changed_at = clock.now() - datetime.timedelta(days=90) + datetime.timedelta(hours=1)
    county_admin.save()
    client = with_token(obtain()["token"])
    travel.shift(datetime.timedelta(hours=2))
    response = client.get(ME)
    assert response.status_code == 403
    assert api_codes(response) == {"detail": [Code.PASSWORD_CHANGE_REQUIRED]}


def test_issue_and_revocation_are_audited(county_admin):
    key = obtain()["token"]
    issued = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN)
    assert issued.kind == AuditEvent.Kind.SECURITY and issued.user == county_admin
    assert issued.detail.startswith(f"API token issued ({key.split('.')[0]}")
    assert key not in issued.detail
    with_token(key).post(LOGOUT_URL)
    revoked = AuditEvent.objects.get(action=AuditEvent.Action.LOGOUT)
    assert key.split(".")[1] not in revoked.detail


def test_the_schema_documents_the_token_and_its_expiry(county_client):
    schema = county_client.get("/api/schema/?format=json").json()
    answer = schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]["200"]["content"]["application/json"]
    ref = answer["schema"]["$ref"].rsplit("/", 1)[1]
    assert set(schema["components"]["schemas"][ref]["properties"]) == {"token", "expires"}
    assert "/api/v1/auth/logout/" in schema["paths"]
    assert "12 hours" in schema["info"]["description"]
