"""The client's address (X-Forwarded-For only through a trusted proxy) and the limits on guessing passwords: per
account (5 failures lock it for 30 minutes) and per address (20 failures refuse the address, whatever the
usernames), shared by the login page and the token endpoint; the token endpoint's throttle by address."""
import datetime

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from banzi.accounts.lockout import BLOCKED_DETAIL, LOCKED_DETAIL
from banzi.core import audit, net
from banzi.core.errors import Code
from banzi.core.models import AuditEvent
from tests import factories as f
from tests.errors import api_codes
from tests.second_factor import enrol, recovery_codes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_second_factor")]

TOKEN_URL = "/api/v1/auth/token/"
LOGIN_URL = "/accounts/login/"
MINUTES = datetime.timedelta(minutes=1)
PROXY = "10.0.0.2"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def request_from(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def login(username, password, remote="127.0.0.1", forwarded=None, client=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return (client or Client()).post(LOGIN_URL, {"username": username, "password": password}, **extra)


def token(username, password, remote="127.0.0.1", forwarded=None, **data):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return APIClient(HTTP_ACCEPT_LANGUAGE="en").post(TOKEN_URL, {"username": username, "password": password, **data},
                                                     **extra)


def signed_in(response):
    return response.status_code == 302 and response.wsgi_request.user.is_authenticated


def login_error_code(response):
    return [error.code for error in response.context["form"].errors.as_data()["__all__"]]


# --- the client's address ---------------------------------------------------------------------------

def test_without_trusted_proxies_forwarded_for_is_ignored(settings):
    settings.BANZI_TRUSTED_PROXIES = []
    assert net.client_ip(request_from("203.0.113.7", "1.2.3.4")) == "203.0.113.7"
    assert net.client_ip(None) is None


@pytest.mark.parametrize(("remote", "forwarded", "client"), [
    (PROXY, "198.51.100.9", "198.51.100.9"),  # through our proxy
    (PROXY, "6.6.6.6, 198.51.100.9", "198.51.100.9"),  # the client's own header left of the proxy's entry
    (PROXY, "198.51.100.9, 10.0.0.3", "198.51.100.9"),  # two proxies of ours in a row
    (PROXY, "not-an-ip, 198.51.100.9", "198.51.100.9"),
    (PROXY, "198.51.100.9, garbage", PROXY),  # malformed right of the client: nothing past it is trusted
    (PROXY, None, PROXY),
    ("203.0.113.7", "198.51.100.9", "203.0.113.7"),  # not our proxy: its header means nothing
    ("2001:db8::1", "198.51.100.9", "2001:db8::1"),
])
def test_forwarded_for_is_read_only_through_a_trusted_proxy(settings, remote, forwarded, client):
    settings.BANZI_TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert net.client_ip(request_from(remote, forwarded)) == client


def test_the_audit_trail_records_the_real_client(county_admin, settings):
    settings.BANZI_TRUSTED_PROXIES = [PROXY]
    login("county", "wrong", remote="203.0.113.7", forwarded="1.2.3.4")
    login("county", "wrong", remote=PROXY, forwarded="198.51.100.9")
    assert list(AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED).order_by("id")
                .values_list("ip_address", flat=True)) == ["203.0.113.7", "198.51.100.9"]
    assert audit.client_ip(request_from(PROXY, "198.51.100.9")) == "198.51.100.9"


# --- the token endpoint's throttle ------------------------------------------------------------------

def test_changing_forwarded_for_does_not_escape_the_token_throttle(county_admin, settings):
    settings.BANZI_LOGIN_MAX_FAILURES_PER_IP = 0  # the throttle alone
    settings.BANZI_LOGIN_MAX_FAILURES = 1000
    codes = [token("county", "guess", remote="203.0.113.7", forwarded=f"1.2.3.{i}").status_code for i in range(21)]
    assert codes[:20] == [400] * 20
    assert codes[20] == 429


def test_clients_behind_the_trusted_proxy_are_throttled_apart(county_admin, settings):
    settings.BANZI_TRUSTED_PROXIES = [PROXY]
    settings.BANZI_LOGIN_MAX_FAILURES_PER_IP = 0
    settings.BANZI_LOGIN_MAX_FAILURES = 1000
    codes = [token("county", "guess", remote=PROXY, forwarded=f"198.51.100.{i}").status_code for i in range(25)]
    assert codes == [400] * 25


# --- per account ------------------------------------------------------------------------------------

def test_five_failures_lock_the_account_for_30_minutes(county_admin, travel, settings):
    assert (settings.BANZI_LOGIN_MAX_FAILURES, settings.BANZI_LOGIN_LOCK_MINUTES) == (5, 30)
    for _ in range(4):
        login("county", "wrong")
    travel.shift(MINUTES)
    assert signed_in(login("county", f.PASSWORD))  # four failures lock nothing, and a success starts again
    for _ in range(5):
        login("county", "wrong")
    response = login("county", f.PASSWORD)
    assert not signed_in(response) and login_error_code(response) == [Code.LOCKED]
    assert "locked for 30 minutes" in response.content.decode()
    assert api_codes(token("county", f.PASSWORD)) == {"non_field_errors": [Code.LOCKED]}

    travel.shift(29 * MINUTES)
    assert login_error_code(login("county", f.PASSWORD)) == [Code.LOCKED]
    travel.shift(2 * MINUTES)
    assert signed_in(login("county", f.PASSWORD))

    locks = AuditEvent.objects.filter(action=AuditEvent.Action.LOCKOUT, detail=LOCKED_DETAIL)
    assert list(locks.values_list("username", "kind")) == [("county", AuditEvent.Kind.SECURITY)]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED, username="county").count() == 9


def test_failures_on_the_page_and_the_token_endpoint_count_together(county_admin):
    for _ in range(3):
        login("county", "wrong")
    for _ in range(2):
        token("county", "wrong")
    assert login_error_code(login("county", f.PASSWORD)) == [Code.LOCKED]


def test_the_lock_is_per_account(county_admin, township_admin):
    for _ in range(5):
        login("county", "wrong", remote="203.0.113.7")
    assert signed_in(login("township", f.PASSWORD, remote="203.0.113.7"))


# --- per client address -----------------------------------------------------------------------------

@pytest.fixture
def few_per_address(settings):
    settings.BANZI_LOGIN_MAX_FAILURES_PER_IP = 6
    return 6


def guess_across_accounts(count, remote="203.0.113.7", forwarded=None):
    for i in range(count):
        login(f"someone{i % 3}", "wrong", remote=remote, forwarded=forwarded)


def test_one_address_guessing_across_accounts_is_refused(county_admin, few_per_address, travel):
    guess_across_accounts(few_per_address)
    response = login("county", f.PASSWORD, remote="203.0.113.7")
    assert not signed_in(response) and login_error_code(response) == [Code.TOO_MANY_ATTEMPTS]
    assert "Too many failed sign-ins from your address" in response.content.decode()
    api = token("county", f.PASSWORD, remote="203.0.113.7")
    assert api.status_code == 429
    assert api_codes(api) == {"detail": [Code.TOO_MANY_ATTEMPTS]}
    assert "Retry-After" in api.headers

    # The account itself is not locked: from another address its owner signs in.
    assert signed_in(login("county", f.PASSWORD, remote="198.51.100.9"))
    blocked = AuditEvent.objects.filter(action=AuditEvent.Action.DENIED, detail=BLOCKED_DETAIL)
    assert list(blocked.values_list("ip_address", flat=True)) == ["203.0.113.7"]

    travel.shift(31 * MINUTES)
    assert signed_in(login("county", f.PASSWORD, remote="203.0.113.7"))


def test_one_address_cannot_lock_every_account(county_admin, township_admin, few_per_address):
    """After 6 failures the address is refused before any account reaches 5: no account is locked."""
    for username in ["county", "township"]:
        for _ in range(3):
            login(username, "wrong", remote="203.0.113.7")
    for username in ["county", "township"]:
        assert login_error_code(login(username, "wrong", remote="203.0.113.7")) == [Code.TOO_MANY_ATTEMPTS]
    assert not AuditEvent.objects.filter(detail=LOCKED_DETAIL).exists()
    assert signed_in(login("county", f.PASSWORD, remote="198.51.100.9"))
    assert signed_in(login("township", f.PASSWORD, remote="198.51.100.9"))


def test_the_token_endpoint_and_the_login_page_share_the_address_count(county_admin, few_per_address):
    for i in range(few_per_address):
        token(f"someone{i}", "wrong", remote="203.0.113.7")
    assert login_error_code(login("county", f.PASSWORD, remote="203.0.113.7")) == [Code.TOO_MANY_ATTEMPTS]


def test_a_spoofed_forwarded_for_from_an_untrusted_address_changes_nothing(county_admin, few_per_address):
    for i in range(few_per_address):
        login(f"someone{i}", "wrong", remote="203.0.113.7", forwarded=f"1.2.3.{i}")
    response = login("county", f.PASSWORD, remote="203.0.113.7", forwarded="9.9.9.9")
    assert login_error_code(response) == [Code.TOO_MANY_ATTEMPTS]
    assert token("county", f.PASSWORD, remote="203.0.113.7", forwarded="9.9.9.9").status_code == 429


def test_through_the_trusted_proxy_each_client_has_its_own_count(county_admin, few_per_address, settings):
    settings.BANZI_TRUSTED_PROXIES = [PROXY]
    guess_across_accounts(few_per_address, remote=PROXY, forwarded="203.0.113.7")
    assert login_error_code(login("county", f.PASSWORD, remote=PROXY, forwarded="203.0.113.7")) == [
        Code.TOO_MANY_ATTEMPTS]
    assert signed_in(login("county", f.PASSWORD, remote=PROXY, forwarded="198.51.100.9"))
    enrol(county_admin)  # the county's second factor
    recovery_codes(county_admin, "abcd2345")
    assert token("county", f.PASSWORD, remote=PROXY, forwarded="198.51.100.10", otp="abcd2345").status_code == 200


def test_the_per_address_default_is_20(settings):
    assert settings.BANZI_LOGIN_MAX_FAILURES_PER_IP == 20
