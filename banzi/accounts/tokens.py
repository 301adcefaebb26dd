"""API tokens that expire, end on sign-out and on a new password, and are stored only as a keyed hash.

A key is `<prefix>.<secret>`: the prefix (8 characters) finds the row, the HMAC-SM3 of the whole key under
settings.BANZI_INDEX_KEY must match the stored hash. The key itself is shown once, when it is issued
(POST /api/v1/auth/token/), and never stored. Clients send it as before: `Authorization: Token <key>`.

Settings: BANZI_TOKEN_HOURS (12), how long a token lives from its issue.
"""
import datetime
import hmac
import secrets

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from banzi.core import clock
from banzi.core.audit import record_event
from banzi.core.crypto import hmac_sm3
from banzi.core.errors import Code
from banzi.core.models import AuditEvent
from banzi.core.net import client_ip

from .models import ApiToken

PREFIX_LENGTH = 8
# How often last_used is written: not on every request, a token in steady use would write on each.
LAST_USED_STEP = datetime.timedelta(minutes=1)


def token_hours():
    return getattr(settings, "BANZI_TOKEN_HOURS", 12)


def digest(key):
    return hmac_sm3(settings.BANZI_INDEX_KEY, f"api-token\x00{key}").hex()


def issue(user, request=None):
    """A new token for the user; returns (token, key). The key is not kept anywhere: give it to the client now."""
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    key = f"{prefix}.{secrets.token_urlsafe(32)}"
    now = clock.now()
    token = ApiToken.objects.create(
        user=user, prefix=prefix, digest=digest(key), created=now,
        expires=now + datetime.timedelta(hours=token_hours()),
        client_ip=client_ip(request) if request is not None else None,
    )
    record_event(kind=AuditEvent.Kind.SECURITY, action=AuditEvent.Action.LOGIN, user=user, request=request,
                 detail=f"API token issued ({prefix}…), expires {clock.local(token.expires):%Y-%m-%d %H:%M}")
    return token, key


def find(key):
    """The live token with this key, or None (unknown, wrong, revoked, expired)."""
    prefix, dot, _rest = (key or "").partition(".")
    if not dot or len(prefix) != PREFIX_LENGTH:
        return None
    wanted = digest(key)
    for token in ApiToken.objects.filter(prefix=prefix).select_related("user"):
        if hmac.compare_digest(token.digest, wanted):
            if token.revoked is not None or token.expires <= clock.now():
                return None
            return token
    return None


def live(user):
    return ApiToken.objects.filter(user=user, revoked__isnull=True, expires__gt=clock.now())


def revoke(token, request=None, reason="API token revoked"):
    if token.revoked is not None:
        return
    token.revoked = clock.now()
    ApiToken.objects.filter(pk=token.pk).update(revoked=token.revoked)
    record_event(kind=AuditEvent.Kind.SECURITY, action=AuditEvent.Action.LOGOUT, user=token.user, request=request,
                 detail=f"{reason} ({token.prefix}…)")


def revoke_all(user, request=None, reason="API tokens revoked"):
    """Revoke every live token of the user; returns how many. An audit event says why, when there was one."""
    if user.pk is None:
        return 0
    count = live(user).update(revoked=clock.now())
    if count:
        record_event(kind=AuditEvent.Kind.SECURITY, action=AuditEvent.Action.LOGOUT, user=user, request=request,
                     detail=f"{reason}: {count} API token(s) revoked")
    return count


class ApiTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>` against our hashed, expiring tokens: an unknown, expired or revoked token, or
    one of a disabled account, answers 401."""

    keyword = "Token"
    model = ApiToken

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            token = result[1]
            now = clock.now()
            if token.last_used is None or now - token.last_used >= LAST_USED_STEP:
                ApiToken.objects.filter(pk=token.pk).update(last_used=now)
        return result

    def authenticate_credentials(self, key):
        token = find(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token, or it has expired or been revoked."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        from .passwords import change_reason, reason_message

        reason = change_reason(token.user)
        if reason is not None:
            raise exceptions.PermissionDenied(reason_message(reason), code=Code.PASSWORD_CHANGE_REQUIRED)
        return token.user, token
