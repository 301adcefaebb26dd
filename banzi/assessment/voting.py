"""Limits on guessing ballot codes on the phone voting page, per client address.

The mechanism of the sign-in limits (`banzi.accounts.lockout`): a ballot code that was never issued is
a security event (DENIED, `WRONG_CODE_DETAIL`) with the client address (`banzi.core.net.client_ip`)
and nothing of the code; once BANZI_BALLOT_CODE_MAX_FAILURES_PER_IP (10) of them come from one address
within BANZI_LOGIN_LOCK_MINUTES (30), that address is refused until the window has passed. The counts
live in the audit trail, so they hold across several app servers. A cast ballot is recorded without
any address (`services.cast_ballot`), so these events never tie an address to a ballot.
"""
from django.conf import settings
from django.utils.translation import gettext

from banzi.accounts.lockout import _window_start, lock_minutes
from banzi.core.audit import record_event
from banzi.core.models import AuditEvent
from banzi.core.net import client_ip

WRONG_CODE_DETAIL = "Ballot code not issued"
BLOCKED_DETAIL = "Client address refused after too many wrong ballot codes"


def max_failures_per_ip():
    return getattr(settings, "BANZI_BALLOT_CODE_MAX_FAILURES_PER_IP", 10)


def _failures(ip):
    return AuditEvent.objects.filter(kind=AuditEvent.Kind.SECURITY, action=AuditEvent.Action.DENIED,
                                     ip_address=ip, detail=WRONG_CODE_DETAIL, time__gte=_window_start()).count()


def request_blocked(request):
    """Whether this request's client address guessed too many wrong codes within the window."""
    ip = client_ip(request)
    if not ip or not max_failures_per_ip():
        return False
    return _failures(ip) >= max_failures_per_ip()


def record_wrong_code(request):
    """Record a code that was never issued (not the code itself), and the block when the address
    reaches its limit."""
    record_event(kind=AuditEvent.Kind.SECURITY, action=AuditEvent.Action.DENIED, request=request,
                 detail=WRONG_CODE_DETAIL)
    ip = client_ip(request)
    if ip and max_failures_per_ip() and _failures(ip) == max_failures_per_ip():
        record_event(kind=AuditEvent.Kind.SECURITY, action=AuditEvent.Action.DENIED, request=request,
                     detail=BLOCKED_DETAIL)


def blocked_message():
    return gettext("Too many wrong ballot codes came from your address. Try again in %(minutes)d minutes.") % {
        "minutes": lock_minutes()}
