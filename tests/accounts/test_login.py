"""Login, logout, lockout and the password policy."""
import pytest
from django.test import Client

from banzi.accounts.validators import CharacterClassValidator
from banzi.core.errors import Code
from banzi.core.models import AuditEvent
from tests.errors import ALL, api_codes, refused
from tests.factories import PASSWORD


@pytest.mark.django_db
def test_login_page_logs_in_and_records_a_security_event(county_admin):
    client = Client()
    response = client.post("/accounts/login/", {"username": "county", "password": PASSWORD})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN, username="county").exists()


@pytest.mark.django_db
def test_wrong_password_is_refused_and_recorded(county_admin):
    client = Client()
    response = client.post("/accounts/login/", {"username": "county", "password": "wrong"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED, username="county").count() == 1


@pytest.mark.django_db
def test_account_locks_after_repeated_failures(county_admin, settings):
    settings.BANZI_LOGIN_MAX_FAILURES = 3
    client = Client()
    for _ in range(3):
        client.post("/accounts/login/", {"username": "county", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "county", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.context["form"].errors["__all__"][0]
    assert response.context["form"].has_error("__all__", code=Code.LOCKED)


@pytest.mark.django_db
def test_lock_also_applies_to_the_api_token(county_admin, settings):
    settings.BANZI_LOGIN_MAX_FAILURES = 2
    client = Client()
    for _ in range(2):
        client.post("/accounts/login/", {"username": "county", "password": "wrong"})
    response = client.post("/api/v1/auth/token/", {"username": "county", "password": PASSWORD})
    assert api_codes(response) == {"non_field_errors": [Code.LOCKED]}


@pytest.mark.django_db
def test_logout_requires_post_and_ends_the_session(county_client):
    response = county_client.post("/accounts/logout/")
    assert response.status_code == 302
    assert county_client.get("/").status_code == 302


@pytest.mark.parametrize("password", ["abcdefgh", "ABCDEFGH1", "12345678"])
def test_simple_passwords_are_refused(password):
    with refused(ALL, Code.PASSWORD_TOO_SIMPLE):
        CharacterClassValidator().validate(password)


def test_mixed_password_is_accepted():
    assert CharacterClassValidator().validate("Banzi#2026") is None


@pytest.mark.django_db
def test_login_stamps_last_login_without_a_history_version(county_admin):
    versions = county_admin.history.count()
    client = Client()
    client.post("/accounts/login/", {"username": "county", "password": PASSWORD})
    county_admin.refresh_from_db()
    assert county_admin.last_login is not None
    assert county_admin.history.count() == versions


@pytest.mark.django_db
def test_a_new_password_set_by_any_means_revokes_api_tokens(county_admin):
    from banzi.accounts import tokens

    tokens.issue(county_admin)
    county_admin.first_name = "张"
    county_admin.save()
    assert tokens.live(county_admin).exists()
    county_admin.set_password("Another#2027")
    county_admin.save()
    assert not tokens.live(county_admin).exists()
