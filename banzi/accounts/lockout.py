"""Limits on guessing passwords, per account and per client address, on the login page and the token endpoint alike.

- An account is locked for BANZI_LOGIN_LOCK_MINUTES (30) once it has BANZI_LOGIN_MAX_FAILURES (5) failed
  sign-ins within that many minutes (a successful sign-in starts the count again). The lock is an audit event
  (DENIED, "Account locked"), so it lasts its full time from the last failure that set it.
- A client address (`banzi.core.net.client_ip`: X-Forwarded-For counts only through a trusted proxy) is refused
  once BANZI_LOGIN_MAX_FAILURES_PER_IP (20) sign-ins from it failed within BANZI_LOGIN_LOCK_MINUTES, whatever the
  usernames: one address can neither guess across accounts nor lock every account.

Failures are read from the audit trail (LOGIN_FAILED events), so the limits hold across several app servers
without a shared cache, and the login page and the token endpoint share the same counts.
"""
import datetime

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.utils.translation import gettext

from banzi.core import clock
from banzi.core.audit import record_event
from banzi.core.models import AuditEvent
from banzi.core.net import client_ip

LOCKED_DETAIL = "Account locked after repeated failed sign-ins"
BLOCKED_DETAIL = "Client address refused after too many failed sign-ins"


def max_failures():
    return getattr(settings, "BANZI_LOGIN_MAX_FAILURES", 5)


def lock_minutes():
    return getattr(settings, "BANZI_LOGIN_LOCK_MINUTES", 30)


def max_failures_per_ip():
    return getattr(settings, "BANZI_LOGIN_MAX_FAILURES_PER_IP", 20)


def _window_start():
    return clock.now() - datetime.timedelta(minutes=lock_minutes())


def _security(action, **filters):
    return AuditEvent.objects.filter(kind=AuditEvent.Kind.SECURITY, action=action, **filters)


def is_locked(username):
    """Whether this username is locked now."""
    if not username:
        return False
    return _security(AuditEvent.Action.LOCKOUT, username__iexact=username, detail=LOCKED_DETAIL,
                     time__gte=_window_start()).exists()


def _failures_since_last_lock_or_success(username):
    since = _window_start()
    successes = _security(AuditEvent.Action.LOGIN, username__iexact=username, time__gte=since)
    locks = _security(AuditEvent.Action.LOCKOUT, username__iexact=username, detail=LOCKED_DETAIL, time__gte=since)
    for moment in (successes.order_by("-time").values_list("time", flat=True).first(),
                   locks.order_by("-time").values_list("time", flat=True).first()):
        if moment is not None and moment > since:
            since = moment
    return _security(AuditEvent.Action.LOGIN_FAILED, username__iexact=username, time__gt=since).count()


def is_ip_blocked(ip):
    """Whether too many sign-ins failed from this client address within the window."""
    if not ip or not max_failures_per_ip():
        return False
    failures = _security(AuditEvent.Action.LOGIN_FAILED, ip_address=ip, time__gte=_window_start())
    return failures.count() >= max_failures_per_ip()


def request_blocked(request):
    """Whether this request's client address is refused (see `is_ip_blocked`)."""
    return is_ip_blocked(client_ip(request))


def locked_message():
    return gettext("Too many failed attempts. This account is locked for %(minutes)d minutes.") % {
        "minutes": lock_minutes()}


def ip_blocked_message():
    return gettext("Too many failed sign-ins from your address. Try again in %(minutes)d minutes.") % {
        "minutes": lock_minutes()}


@receiver(user_login_failed, dispatch_uid="banzi_lock_after_failures")
def lock_after_failures(sender, credentials, request=None, **kwargs):
    """After a failure (already in the audit trail, banzi.core.audit records it first): lock the account when its
    failures reach the limit, and record when the client address reaches its own."""
    username = str(credentials.get("username", ""))[:150]
    if username and not is_locked(username) and _failures_since_last_lock_or_success(username) >= max_failures():
        record_event(kind=AuditEvent.Kind.SECURITY, action=AuditEvent.Action.LOCKOUT, username=username,
                     request=request, detail=LOCKED_DETAIL)
    ip = client_ip(request)
    if ip and max_failures_per_ip():
        failures = _security(AuditEvent.Action.LOGIN_FAILED, ip_address=ip, time__gte=_window_start()).count()
        if failures == max_failures_per_ip():
            record_event(kind=AuditEvent.Kind.SECURITY, action=AuditEvent.Action.DENIED, request=request,
                         username=username, detail=BLOCKED_DETAIL)
