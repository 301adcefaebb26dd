"""Lock an account for a while after repeated failed logins.

Failures are read from the audit trail (LOGIN_FAILED events), so the lock holds across several app
servers without a shared cache.
"""
import datetime

from django.conf import settings

from banzi.core import clock
from banzi.core.models import AuditEvent


def max_failures():
    return getattr(settings, "BANZI_LOGIN_MAX_FAILURES", 5)


def lock_minutes():
    return getattr(settings, "BANZI_LOGIN_LOCK_MINUTES", 15)


def is_locked(username):
    """Whether this username has failed too often within the lock window."""
    if not username:
        return False
    since = clock.now() - datetime.timedelta(minutes=lock_minutes())
    last_success = (
        AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN, username__iexact=username, time__gte=since)
        .order_by("-time").values_list("time", flat=True).first()
    )
    failures = AuditEvent.objects.filter(
        action=AuditEvent.Action.LOGIN_FAILED, username__iexact=username, time__gte=last_success or since
    )
    return failures.count() >= max_failures()
