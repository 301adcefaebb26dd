"""The second factor (GB/T 22239-2019 8.1.4.1 d): who must use it, enrolment, verification, recovery codes,
re-enrolment, resets, API tokens, throttling and the demo's exemption."""
import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from banzi.accounts import checks, otp
from banzi.core import clock
from banzi.core.errors import Code
from banzi.core.models import AuditEvent
from banzi.core.roles import Role
from tests import factories as f
from tests.errors import api_codes, codes

from ..second_factor import code, enrol, recovery_codes, verify_session

pytestmark = pytest.mark.django_db

REQUIRING = [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR, Role.COUNTY_ADMIN]
OPTIONAL = [Role.TOWNSHIP_ADMIN, Role.CADRE]
PAGE = "/"
MANAGE = "/accounts/second-factor/"
VERIFY = "/accounts/second-factor/verify/"
ENROL = "/accounts/second-factor/enrol/"
REENROL = "/accounts/second-factor/replace/"
RENEW = "/accounts/second-factor/recovery-codes/"
API = "/api/v1/me/"
TOKEN = "/api/v1/auth/token/"


def make_user(role, township, **fields):
    if role == Role.TOWNSHIP_ADMIN:
        fields.setdefault("organization", township)
    if role == Role.CADRE:
        fields.setdefault("cadre", f.CadreFactory(organization=township))
    return f.UserFactory(role=role, **fields)


def signed_in(user):
    """A client past the password only (no second factor yet)."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def events(action, **filters):
    return AuditEvent.objects.filter(kind=AuditEvent.Kind.SECURITY, action=action, **filters)


def assert_goes_to(response, url):
    assert response.status_code == 302, response.status_code
    assert response["Location"].startswith(url), response["Location"]


# --- who must use it ------------------------------------------------------------------------------

@pytest.mark.parametrize("role", REQUIRING)
def test_a_requiring_role_without_an_authenticator_is_sent_to_enrol_and_the_api_refuses(role, township):
    client = signed_in(make_user(role, township))
    assert_goes_to(client.get("/org/cadres/"), f"{ENROL}?next=%2Forg%2Fcadres%2F")
    assert_goes_to(client.get(MANAGE), ENROL)
    response = client.get(API)
    assert response.status_code == 403
    assert api_codes(response) == {"detail": [Code.SECOND_FACTOR_REQUIRED]}
    assert "authenticator app" in response.json()["detail"][0]["message"]
    assert client.post("/api/v1/org/positions/", {"name": "挂职副书记"}, content_type="application/json"
                       ).status_code == 403
    denied = events(AuditEvent.Action.DENIED, outcome=AuditEvent.Outcome.DENIED)
    assert [e.detail for e in denied.order_by("id")] == [
        "GET /api/v1/me/: second factor not verified", "POST /api/v1/org/positions/: second factor not verified"]


@pytest.mark.parametrize("role", REQUIRING)
def test_a_requiring_role_with_an_authenticator_verifies_before_anything_else(role, township):
    user = make_user(role, township)
    device = enrol(user)
    client = signed_in(user)
    assert_goes_to(client.get("/org/cadres/"), f"{VERIFY}?next=%2Forg%2Fcadres%2F")
    assert client.get(API).status_code == 403
    response = client.post(VERIFY, {"code": code(device), "next": "/org/cadres/"})
    assert_goes_to(response, "/org/cadres/")
    assert client.get(MANAGE).status_code == 200
    assert client.get(API).status_code == 200
    assert events(AuditEvent.Action.OTP_VERIFIED, user=user).count() == 1


@pytest.mark.parametrize("role", OPTIONAL)
def test_optional_roles_go_straight_in_until_they_enrol(role, township):
    user = make_user(role, township)
    client = signed_in(user)
    assert client.get(PAGE).status_code == 200
    assert client.get(API).status_code == 200
    enrol(user)
    assert_goes_to(signed_in(user).get(PAGE), VERIFY)
    assert signed_in(user).get(API).status_code == 403


def test_the_roles_are_configurable(township, settings):
    settings.BANZI_SECOND_FACTOR_ROLES = [Role.TOWNSHIP_ADMIN]
    assert_goes_to(signed_in(make_user(Role.TOWNSHIP_ADMIN, township)).get(PAGE), ENROL)
    assert signed_in(make_user(Role.COUNTY_ADMIN, township)).get(API).status_code == 200


def test_a_superuser_needs_it_whatever_the_role(township):
    user = make_user(Role.CADRE, township, is_superuser=True, is_staff=True)
    assert_goes_to(signed_in(user).get("/admin/"), ENROL)


def test_an_api_token_is_not_stopped_by_an_unverified_session(county_admin):
    from banzi.accounts import tokens

    client = signed_in(county_admin)
    _token, key = tokens.issue(county_admin)
    assert client.get(API, HTTP_AUTHORIZATION=f"Token {key}").status_code == 200


def test_the_sign_in_pages_stay_open(county_admin):
    client = signed_in(county_admin)
    assert client.get(ENROL).status_code == 200
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    assert_goes_to(client.post("/accounts/logout/"), "/accounts/login/")


def test_sign_in_with_password_then_code_lands_on_the_page_asked_for(county_admin):
    device = enrol(county_admin)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/accounts/login/?next=/org/cadres/",
                           {"username": "county", "password": f.PASSWORD, "next": "/org/cadres/"})
    assert_goes_to(response, "/org/cadres/")
    response = client.get("/org/cadres/")
    assert_goes_to(response, VERIFY)
    page = client.get(response["Location"])
    assert page.status_code == 200 and b'name="next" value="/org/cadres/"' in page.content
    assert_goes_to(client.post(VERIFY, {"code": code(device), "next": "/org/cadres/"}), "/org/cadres/")
    assert client.get("/org/cadres/").status_code == 200


def test_verification_refuses_a_foreign_next(county_admin):
    device = enrol(county_admin)
    client = signed_in(county_admin)
    assert_goes_to(client.post(VERIFY, {"code": code(device), "next": "https://evil.example/"}), "/")
    assert client.get(PAGE).status_code == 200


def test_a_wrong_code_is_refused_recorded_and_leaves_the_session_unverified(county_admin):
    enrol(county_admin)
    client = signed_in(county_admin)
    response = client.post(VERIFY, {"code": "000000"})
    assert response.status_code == 200
    assert response.context["form"].has_error("code", Code.SECOND_FACTOR_INVALID)
    assert_goes_to(client.get(PAGE), VERIFY)
    [failed] = events(AuditEvent.Action.OTP_FAILED, user=county_admin)
    assert failed.outcome == AuditEvent.Outcome.FAILURE and failed.ip_address == "127.0.0.1"


# --- enrolment ------------------------------------------------------------------------------------

def test_enrolment_shows_an_offline_qr_code_and_the_secret(county_admin):
    client = signed_in(county_admin)
    response = client.get(ENROL)
    assert response.status_code == 200
    body = response.content.decode()
    device = TOTPDevice.objects.get(user=county_admin)
    assert not device.confirmed
    assert re.search(r'<div[^>]*data-qr>\s*<svg[^>]*class="segno"', body)
    assert "<script" not in body and "http://" not in body.replace("http://www.w3.org", "")
    assert otp.secret_text(device) in body
    assert response["Cache-Control"].startswith("max-age=0") and "no-store" in response["Cache-Control"]
    assert client.get(ENROL).context["secret"] == otp.secret_text(device)  # a reload shows the same secret


def test_the_qr_code_holds_the_provisioning_url(county_admin):
    device = otp.start_enrolment(county_admin)
    assert device.config_url.startswith("otpauth://totp/Banzi%3Acounty?secret=")
    assert otp.qr_svg(device).startswith("<svg")


def test_a_wrong_code_confirms_nothing(county_admin):
    client = signed_in(county_admin)
    client.get(ENROL)
    response = client.post(ENROL, {"code": "123456"})
    assert response.status_code == 200
    assert response.context["form"].has_error("code", Code.SECOND_FACTOR_INVALID)
    assert not otp.is_enrolled(county_admin)
    assert not StaticDevice.objects.filter(user=county_admin).exists()
    assert events(AuditEvent.Action.OTP_FAILED, user=county_admin).exists()
    assert not events(AuditEvent.Action.OTP_ENROLLED).exists()
    assert_goes_to(client.get(PAGE), ENROL)


def test_the_right_code_enrols_verifies_and_shows_ten_recovery_codes_once(county_admin):
    client = signed_in(county_admin)
    client.get(ENROL + "?next=/org/cadres/")
    device = TOTPDevice.objects.get(user=county_admin)
    response = client.post(ENROL, {"code": code(device), "next": "/org/cadres/"})
    assert response.status_code == 200
    shown = response.context["codes"]
    assert len(shown) == 10 and len(set(shown)) == 10
    assert all(c in response.content.decode() for c in shown)
    assert b'href="/org/cadres/"' in response.content
    device.refresh_from_db()
    assert device.confirmed
    assert sorted(StaticToken.objects.filter(device__user=county_admin).values_list("token", flat=True)) == shown
    assert client.get(PAGE).status_code == 200  # the session is verified
    assert events(AuditEvent.Action.OTP_ENROLLED, user=county_admin).count() == 1
    assert b"10 recovery codes are left" in client.get(MANAGE).content


def test_an_enrolled_user_cannot_enrol_again_without_a_current_code(county_admin):
    enrol(county_admin)
    assert_goes_to(signed_in(county_admin).get(ENROL), VERIFY)
    client = _verified_client(county_admin)
    assert_goes_to(client.get(ENROL), MANAGE)
    assert TOTPDevice.objects.filter(user=county_admin).count() == 1


def _verified_client(user):
    client = signed_in(user)
    verify_session(client, user)
    return client


# --- recovery codes -------------------------------------------------------------------------------

def test_a_recovery_code_signs_in_once(county_admin):
    enrol(county_admin)
    recovery_codes(county_admin, "abcd2345", "efgh2345")
    client = signed_in(county_admin)
    assert_goes_to(client.post(VERIFY, {"code": "ABCD 2345"}), "/")
    assert client.get(PAGE).status_code == 200
    [used] = events(AuditEvent.Action.OTP_RECOVERY, user=county_admin)
    assert used.detail == "1 recovery code left"
    again = signed_in(county_admin).post(VERIFY, {"code": "abcd2345"})
    assert again.context["form"].has_error("code", Code.SECOND_FACTOR_INVALID)
    assert list(StaticToken.objects.values_list("token", flat=True)) == ["efgh2345"]


def test_new_recovery_codes_replace_the_old_ones(county_admin):
    enrol(county_admin)
    recovery_codes(county_admin, "abcd2345")
    client = _verified_client(county_admin)
    response = client.post(RENEW, {"next": MANAGE})
    assert response.status_code == 200
    shown = response.context["codes"]
    assert len(shown) == 10 and "abcd2345" not in shown
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(shown)
    assert events(AuditEvent.Action.OTP_CODES, user=county_admin).count() == 1
    assert b"10 recovery codes are left" in client.get(MANAGE).content


def test_recovery_codes_are_renewed_only_in_a_verified_session(township_admin):
    enrol(township_admin)
    recovery_codes(township_admin, "abcd2345")
    assert signed_in(township_admin).post(RENEW).status_code == 302
    assert list(StaticToken.objects.values_list("token", flat=True)) == ["abcd2345"]


# --- a new phone ----------------------------------------------------------------------------------

@pytest.mark.parametrize("with_recovery_code", [False, True])
def test_a_new_authenticator_replaces_the_old_after_a_current_code(county_admin, with_recovery_code, travel):
    old = enrol(county_admin)
    recovery_codes(county_admin, "abcd2345")
    client = _verified_client(county_admin)
    refused = client.post(REENROL, {"code": "000000"})
    assert refused.status_code == 400
    assert refused.context["form"].has_error("code", Code.SECOND_FACTOR_INVALID)
    assert_goes_to(client.get(ENROL), MANAGE)
    travel.shift(datetime.timedelta(seconds=1.5))  # past the wrong code's lock
    assert_goes_to(client.post(REENROL, {"code": "abcd2345" if with_recovery_code else code(old)}), ENROL)
    assert client.get(ENROL).status_code == 200
    new = TOTPDevice.objects.get(user=county_admin, confirmed=False)
    assert client.post(ENROL, {"code": code(new)}).status_code == 200
    assert list(TOTPDevice.objects.filter(user=county_admin)) == [new]
    assert "abcd2345" not in StaticToken.objects.values_list("token", flat=True)
    assert StaticToken.objects.filter(device__user=county_admin).count() == 10
    assert client.get(PAGE).status_code == 200


def test_permission_to_replace_the_authenticator_lapses(county_admin, travel):
    old = enrol(county_admin)
    client = _verified_client(county_admin)
    client.post(REENROL, {"code": code(old)})
    travel.shift(datetime.timedelta(minutes=11))
    assert_goes_to(client.get(ENROL), MANAGE)


# --- resets ---------------------------------------------------------------------------------------

@pytest.fixture
def system_admin(county):
    return f.UserFactory(username="sysadmin", role=Role.SYSTEM_ADMIN)


@pytest.mark.parametrize("role", [Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN, Role.CADRE])
def test_the_system_administrator_resets_a_users_second_factor(role, township, system_admin):
    user = make_user(role, township)
    enrol(user)
    recovery_codes(user, "abcd2345")
    users_session = _verified_client(user)
    otp.reset_second_factor(system_admin, user)
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    [event] = events(AuditEvent.Action.OTP_RESET, user=system_admin)
    assert event.object_repr == str(user)
    if role == Role.COUNTY_ADMIN:
        assert_goes_to(users_session.get(PAGE), ENROL)  # enrols again before anything else
    else:
        assert users_session.get(PAGE).status_code == 200


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR])
def test_an_administrators_second_factor_is_not_reset_in_the_application(role, township, system_admin):
    user = system_admin if role == Role.SYSTEM_ADMIN else make_user(role, township)
    enrol(user)
    with pytest.raises(ValidationError) as info:
        otp.reset_second_factor(system_admin, user)
    assert codes(info.value) == {"__all__": [Code.ADMINISTRATOR_SECOND_FACTOR]}
    assert otp.is_enrolled(user)
    superuser = make_user(Role.COUNTY_ADMIN, township, is_superuser=True)
    with pytest.raises(ValidationError):
        otp.reset_second_factor(system_admin, superuser)


@pytest.mark.parametrize("role", [Role.SECURITY_ADMIN, Role.AUDITOR, Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN])
def test_only_the_system_administrator_resets(role, township, cadre_user):
    enrol(cadre_user)
    actor = make_user(role, township)
    with pytest.raises(PermissionDenied):
        otp.reset_second_factor(actor, cadre_user)
    assert otp.is_enrolled(cadre_user)
    response = _verified_client(actor).post(reverse("second_factor_reset", args=[cadre_user.pk]))
    assert response.status_code == 403
    assert otp.is_enrolled(cadre_user)
    assert not events(AuditEvent.Action.OTP_RESET).exists()


def test_the_reset_page_for_the_system_administrator(system_admin, cadre_user, auditor):
    enrol(cadre_user)
    enrol(auditor)
    client = _verified_client(system_admin)
    response = client.post(reverse("second_factor_reset", args=[cadre_user.pk]), {"next": "/org/cadres/"})
    assert_goes_to(response, "/org/cadres/")
    assert not otp.is_enrolled(cadre_user)
    client.get("/accounts/second-factor/")  # shows the message of the reset
    response = client.post(reverse("second_factor_reset", args=[auditor.pk]), follow=True)
    [message] = response.context["messages"]
    assert "only on the server" in str(message)
    assert otp.is_enrolled(auditor)
    assert client.get(reverse("second_factor_reset", args=[auditor.pk])).status_code == 405


def test_the_server_command_resets_any_second_factor(auditor):
    enrol(auditor)
    recovery_codes(auditor, "abcd2345")
    call_command("reset_second_factor", "auditor")
    assert not otp.is_enrolled(auditor) and not StaticDevice.objects.filter(user=auditor).exists()
    [event] = events(AuditEvent.Action.OTP_RESET)
    assert event.username == "manage.py" and event.object_repr == str(auditor)
    with pytest.raises(CommandError):
        call_command("reset_second_factor", "nobody")


# --- API tokens -----------------------------------------------------------------------------------

def token_request(username, **extra):
    return Client(HTTP_ACCEPT_LANGUAGE="en").post(TOKEN, {"username": username, "password": f.PASSWORD, **extra})


def test_a_token_for_a_requiring_role_needs_an_enrolled_second_factor(county_admin):
    response = token_request("county")
    assert api_codes(response) == {"otp": [Code.SECOND_FACTOR_NOT_ENROLLED]}


def test_a_token_needs_the_code_once_enrolled(county_admin):
    device = enrol(county_admin)
    recovery_codes(county_admin, "abcd2345")
    assert api_codes(token_request("county")) == {"otp": [Code.SECOND_FACTOR_REQUIRED]}
    assert api_codes(token_request("county", otp="")) == {"otp": [Code.SECOND_FACTOR_REQUIRED]}
    assert api_codes(token_request("county", otp="000000")) == {"otp": [Code.SECOND_FACTOR_INVALID]}
    device.throttle_reset()
    response = token_request("county", otp=code(device))
    assert response.status_code == 200 and response.json()["token"]
    assert token_request("county", otp="abcd2345").status_code == 200
    assert api_codes(token_request("county", otp="abcd2345")) == {"otp": [Code.SECOND_FACTOR_INVALID]}
    assert events(AuditEvent.Action.OTP_RECOVERY, user=county_admin).count() == 1


def test_a_wrong_password_is_refused_before_the_code_is_asked(county_admin):
    enrol(county_admin)
    response = Client().post(TOKEN, {"username": "county", "password": "wrong"})
    assert api_codes(response) == {"non_field_errors": [Code.AUTHORIZATION]}


def test_optional_roles_get_a_token_without_a_code_until_they_enrol(township_admin):
    assert token_request("township").status_code == 200
    device = enrol(township_admin)
    assert api_codes(token_request("township")) == {"otp": [Code.SECOND_FACTOR_REQUIRED]}
    assert token_request("township", otp=code(device)).status_code == 200


def test_the_schema_documents_the_otp_field(client):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    fields = schema["components"]["schemas"]["TokenCredentialsRequest"]["properties"]
    assert "otp" in fields and "second_factor_required" in fields["otp"]["description"]


# --- throttling -----------------------------------------------------------------------------------

def test_wrong_codes_lock_the_authenticator_for_longer_each_time(county_admin, travel):
    device = enrol(county_admin)
    assert codes_of(county_admin, "000000") == Code.SECOND_FACTOR_INVALID  # locked for 1 s
    travel.shift(datetime.timedelta(seconds=1.5))
    assert codes_of(county_admin, "000000") == Code.SECOND_FACTOR_INVALID  # locked for 2 s
    assert codes_of(county_admin, code(device)) == Code.SECOND_FACTOR_THROTTLED  # even the right code
    travel.shift(datetime.timedelta(seconds=1))
    assert codes_of(county_admin, code(device)) == Code.SECOND_FACTOR_THROTTLED
    travel.shift(datetime.timedelta(seconds=1.5))
    assert otp.verify(county_admin, code(device)) == device
    device.refresh_from_db()
    assert device.throttling_failure_count == 0
    assert events(AuditEvent.Action.OTP_FAILED, user=county_admin).count() == 4


def codes_of(user, value):
    with pytest.raises(ValidationError) as info:
        otp.verify(user, value)
    [error] = info.value.error_list
    return error.code


def test_the_verification_page_says_how_long_to_wait(county_admin):
    device = enrol(county_admin)
    device.throttling_failure_count = 5  # locked for 2**4 seconds from now
    device.throttling_failure_timestamp = clock.now()
    device.save()
    response = signed_in(county_admin).post(VERIFY, {"code": code(device)})
    assert response.context["form"].has_error("code", Code.SECOND_FACTOR_THROTTLED)
    assert "Try again in 16 seconds" in response.content.decode()


def test_a_used_code_is_not_accepted_twice(county_admin):
    device = enrol(county_admin)
    value = code(device)
    assert otp.verify(county_admin, value) == device
    assert codes_of(county_admin, value) == Code.SECOND_FACTOR_INVALID


# --- the demo -------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", REQUIRING)
def test_demo_accounts_are_exempt(role, township):
    client = signed_in(make_user(role, township, is_demo=True))
    assert client.get(MANAGE).status_code == 200
    assert client.get(API).status_code == 200


def test_the_deploy_check_refuses_active_demo_accounts_in_production(county_admin, settings):
    demo = f.UserFactory(username="county_admin_demo", role=Role.COUNTY_ADMIN, is_demo=True)
    settings.PRODUCTION = False
    assert checks.demo_accounts_in_production() == []
    settings.PRODUCTION = True
    [error] = checks.demo_accounts_in_production()
    assert error.id == "accounts.E001" and error.is_serious() and "county_admin_demo" in error.msg
    demo.is_active = False
    demo.save()
    assert checks.demo_accounts_in_production() == []


def test_the_deploy_check_warns_when_a_role_loses_the_second_factor(settings):
    settings.PRODUCTION = True
    assert checks.second_factor_roles() == []
    settings.BANZI_SECOND_FACTOR_ROLES = [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR]
    [warning] = checks.second_factor_roles()
    assert warning.id == "accounts.W001" and not warning.is_serious() and "county_admin" in warning.msg


def test_the_second_factor_comes_before_a_forced_password_change(county):
    user = f.UserFactory(username="newcomer", role=Role.COUNTY_ADMIN, password_changed_at=None)
    device = enrol(user)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.post("/accounts/login/", {"username": "newcomer", "password": f.PASSWORD})
    assert_goes_to(client.get(PAGE), VERIFY)
    assert_goes_to(client.get("/accounts/password/"), VERIFY)  # no new password on the password alone
    assert client.get(VERIFY).status_code == 200
    assert_goes_to(client.post(VERIFY, {"code": code(device)}), "/")
    assert_goes_to(client.get(PAGE), "/accounts/password/")
    assert client.get("/accounts/password/").status_code == 200
