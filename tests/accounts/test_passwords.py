"""The password policy: a new password every 90 days, none of the last 5 again, and a password that the user did
not choose (never chosen, or set by an administrator) changed before anything else, on the pages and the API."""
import datetime

import pytest
from django.contrib.auth.hashers import check_password
from django.test import Client
from rest_framework.test import APIClient

from banzi.accounts import passwords
from banzi.accounts.models import PasswordHistory
from banzi.core import clock
from banzi.core.errors import Code
from banzi.core.models import AuditEvent
from banzi.core.roles import Role
from tests import factories as f
from tests.errors import ALL, api_codes, form_codes, refused

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_second_factor")]

PAGE = "/accounts/password/"
NEW = ["Banzi#2027a", "Banzi#2027b", "Banzi#2027c", "Banzi#2027d", "Banzi#2027e"]


def change_on_page(client, old, new):
    return client.post(PAGE, {"old_password": old, "new_password1": new, "new_password2": new})


def sends_to_password_change(response):
    return response.status_code == 302 and response.url == PAGE


# --- expiry -----------------------------------------------------------------------------------------

def test_defaults_are_90_days_and_5_passwords(settings):
    assert settings.BANZI_PASSWORD_MAX_AGE_DAYS == 90
    assert settings.BANZI_PASSWORD_HISTORY == 5


def test_a_password_expires_after_90_days(county_admin, client_for, travel):
    travel.shift(datetime.timedelta(days=89, hours=23))
    assert client_for(county_admin).get("/").status_code == 200
    travel.shift(datetime.timedelta(hours=2))
    client = client_for(county_admin)
    assert sends_to_password_change(client.get("/"))
    assert sends_to_password_change(client.get("/org/cadres/"))
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "older than 90 days" in page.content.decode()

    assert sends_to_password_change(change_on_page(client, f.PASSWORD, NEW[0])) is False
    assert client.get("/").status_code == 200
    county_admin.refresh_from_db()
    assert passwords.expires_on(county_admin) > clock.now() + datetime.timedelta(days=89)


def test_the_age_is_configurable_and_zero_never_expires(county_admin, client_for, travel, settings):
    settings.BANZI_PASSWORD_MAX_AGE_DAYS = 30
    travel.shift(datetime.timedelta(days=31))
    assert passwords.change_reason(county_admin) == passwords.EXPIRED
    settings.BANZI_PASSWORD_MAX_AGE_DAYS = 0
    assert passwords.change_reason(county_admin) is None
    assert client_for(county_admin).get("/").status_code == 200


def test_an_expired_password_refuses_api_session_requests_with_a_code(county_admin, client_for, travel):
    travel.shift(datetime.timedelta(days=91))
    response = client_for(county_admin).get("/api/v1/org/positions/")
    assert response.status_code == 403
    assert api_codes(response) == {"detail": [Code.PASSWORD_CHANGE_REQUIRED]}


# --- history ----------------------------------------------------------------------------------------

@pytest.fixture
def five_changes(county_admin):
    """The factory's password, then five of the user's own: the last five are NEW, the sixth-oldest the first."""
    for new in NEW:
        passwords.change_own_password(county_admin, new)
    return county_admin


@pytest.mark.parametrize("reused", NEW)
def test_none_of_the_last_five_passwords_again(five_changes, reused):
    with refused(ALL, Code.PASSWORD_REUSED):
        passwords.change_own_password(five_changes, reused)
    assert check_password(NEW[-1], type(five_changes).objects.get(pk=five_changes.pk).password)


def test_the_sixth_oldest_password_may_come_back(five_changes):
    passwords.change_own_password(five_changes, f.PASSWORD)
    five_changes.refresh_from_db()
    assert five_changes.check_password(f.PASSWORD)


def test_the_history_length_is_configurable(five_changes, settings):
    settings.BANZI_PASSWORD_HISTORY = 2
    passwords.change_own_password(five_changes, NEW[2])  # third-last: outside a history of 2
    with refused(ALL, Code.PASSWORD_REUSED):
        passwords.change_own_password(five_changes, NEW[4])  # the one before, within the last 2


def test_the_page_refuses_a_recent_password_with_a_clear_message(county_admin, client_for):
    client = client_for(county_admin)
    response = change_on_page(client, f.PASSWORD, f.PASSWORD)
    assert response.status_code == 200
    assert Code.PASSWORD_REUSED in form_codes(response.context["form"])["new_password2"]
    assert "must differ from each of your last 5 passwords" in response.content.decode()
    county_admin.refresh_from_db()
    assert county_admin.check_password(f.PASSWORD)


def test_the_history_keeps_only_hashes_and_only_as_many_as_it_needs(five_changes):
    stored = list(PasswordHistory.objects.filter(user=five_changes).values_list("password", flat=True))
    assert len(stored) == 5
    for raw in [*NEW, f.PASSWORD]:
        assert all(raw not in value for value in stored)
    assert {value.split("$")[0] for value in stored} == {"md5"}  # the hasher's format, as in the user table


def test_a_password_set_any_other_way_enters_the_history(county_admin):
    county_admin.set_password(NEW[0])
    county_admin.save()
    with refused(ALL, Code.PASSWORD_REUSED):
        passwords.change_own_password(county_admin, NEW[0])


# --- forced change ----------------------------------------------------------------------------------

def test_first_sign_in_asks_for_a_new_password_on_every_page(township):
    # (a role without the second factor, which would come first)
    user = f.UserFactory(username="newcomer", password_changed_at=None, role=Role.TOWNSHIP_ADMIN, organization=township)
    client = Client()
    response = client.post("/accounts/login/", {"username": "newcomer", "password": f.PASSWORD})
    assert response.status_code == 302
    for url in ["/", "/org/cadres/", "/core/audit/"]:
        assert sends_to_password_change(client.get(url)), url
    page = client.get(PAGE)
    assert "choose your own password" in page.content.decode()
    assert b'href="/"' not in page.content.split(b"<form")[1].split(b"</form>")[0]  # no way round it

    response = change_on_page(client, f.PASSWORD, NEW[0])
    assert response.status_code == 302 and response.url == "/"
    assert client.get("/").status_code == 200
    user.refresh_from_db()
    assert user.password_changed_at is not None and not user.must_change_password


def test_first_sign_in_refuses_an_api_token(township):
    f.UserFactory(username="newcomer", password_changed_at=None, role=Role.TOWNSHIP_ADMIN, organization=township)
    response = APIClient().post("/api/v1/auth/token/", {"username": "newcomer", "password": f.PASSWORD})
    assert response.status_code == 403
    assert api_codes(response) == {"detail": [Code.PASSWORD_CHANGE_REQUIRED]}


def test_a_reset_by_an_administrator_forces_a_change_at_the_next_sign_in(county_admin, client_for):
    user = f.UserFactory(username="member", role=Role.CADRE, cadre=f.CadreFactory())  # no second factor
    passwords.set_password_by_administrator(user, "Reset#2026x", by=county_admin)
    user.refresh_from_db()
    assert user.must_change_password

    client = Client()
    client.post("/accounts/login/", {"username": "member", "password": "Reset#2026x"})
    assert sends_to_password_change(client.get("/"))
    assert "set by an administrator" in client.get(PAGE).content.decode()
    api = client.get("/api/v1/me/")
    assert api.status_code == 403 and api_codes(api) == {"detail": [Code.PASSWORD_CHANGE_REQUIRED]}
    token = APIClient().post("/api/v1/auth/token/", {"username": "member", "password": "Reset#2026x"})
    assert token.status_code == 403 and api_codes(token) == {"detail": [Code.PASSWORD_CHANGE_REQUIRED]}

    # Signing out and changing the password stay open; then everything is.
    assert change_on_page(client, "Reset#2026x", NEW[0]).status_code == 302
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/me/").status_code == 200
    user.refresh_from_db()
    assert not user.must_change_password


def test_pages_exempted_in_the_settings_stay_open(client_for, settings):
    settings.BANZI_PASSWORD_CHANGE_EXEMPT_URL_NAMES = ["api-docs", "no-such-page"]
    client = client_for(f.UserFactory(must_change_password=True))
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert sends_to_password_change(client.get("/"))


def test_a_user_who_must_change_may_still_sign_out(client_for):
    user = f.UserFactory(must_change_password=True)
    client = client_for(user)
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_reset_ends_the_users_sessions(county_admin, client_for):
    user = f.UserFactory()
    client = client_for(user)
    assert client.get("/").status_code == 200
    passwords.set_password_by_administrator(user, "Reset#2026x", by=county_admin)
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_a_refused_reset_changes_nothing(county_admin):
    user = f.UserFactory()
    with refused(ALL, Code.PASSWORD_TOO_SIMPLE):
        passwords.set_password_by_administrator(user, "abcdefghij", by=county_admin)
    user.refresh_from_db()
    assert user.check_password(f.PASSWORD) and not user.must_change_password


# --- sessions and audit -----------------------------------------------------------------------------

def test_changing_the_password_keeps_this_session_and_ends_the_others(county_admin, client_for):
    here, elsewhere = client_for(county_admin), client_for(county_admin)
    response = change_on_page(here, f.PASSWORD, NEW[0])
    assert response.status_code == 302
    assert here.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302


def test_a_wrong_current_password_changes_nothing(county_admin, client_for):
    response = change_on_page(client_for(county_admin), "not-it", NEW[0])
    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    county_admin.refresh_from_db()
    assert county_admin.check_password(f.PASSWORD)
    assert not AuditEvent.objects.filter(detail="Password changed").exists()


def test_password_changes_are_audited_with_who_did_them(county_admin, client_for):
    change_on_page(client_for(county_admin), f.PASSWORD, NEW[0])
    own = AuditEvent.objects.get(detail="Password changed")
    assert (own.kind, own.action, own.user, own.object_id) == (
        AuditEvent.Kind.SECURITY, AuditEvent.Action.UPDATE, county_admin, str(county_admin.pk))
    assert own.ip_address == "127.0.0.1"

    user = f.UserFactory(username="member")
    passwords.set_password_by_administrator(user, "Reset#2026x", by=county_admin)
    reset = AuditEvent.objects.get(detail="Password set by an administrator")
    assert (reset.user, reset.object_id) == (county_admin, str(user.pk))
