"""The password policy: a new password every so often, none of the last few again, and a password set by
someone else (or never chosen) changed at the next sign-in.

Settings (from the environment, see banzi/settings.py): BANZI_PASSWORD_MAX_AGE_DAYS (90; 0 never expires),
BANZI_PASSWORD_HISTORY (5; 0 keeps none). The strength rules are AUTH_PASSWORD_VALIDATORS, the history among
them (`validators.PasswordHistoryValidator`).

Every password change goes through `change_own_password` (the user chose it) or `set_password_by_administrator`
(someone else did: the user must change it). Any change of a password hash, by whatever way (these two, the
Django admin, a management command), is kept in the history and revokes the user's API tokens (signals in
accounts.apps), and ends the user's other sessions (the session hash covers the password).
"""
import datetime

from django.conf import settings
from django.contrib.auth import password_validation
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from banzi.core import clock
from banzi.core.audit import current_request, record_event
from banzi.core.models import AuditEvent

from .models import PasswordHistory

# Why a user is sent to the password change page (see `change_reason`).
FIRST_SIGN_IN = "first_sign_in"
SET_BY_ADMINISTRATOR = "set_by_administrator"
EXPIRED = "expired"

REASONS = {
    FIRST_SIGN_IN: _("Please choose your own password before you go on."),
    SET_BY_ADMINISTRATOR: _("Your password was set by an administrator. Please choose your own before you go on."),
    EXPIRED: _("Your password is older than %(days)d days. Please choose a new one before you go on."),
}


def max_age_days():
    return getattr(settings, "BANZI_PASSWORD_MAX_AGE_DAYS", 90)


def history_size():
    return getattr(settings, "BANZI_PASSWORD_HISTORY", 5)


def expires_on(user):
    """When the user's password expires (None: it does not, or they never chose one)."""
    if not max_age_days() or user.password_changed_at is None:
        return None
    return user.password_changed_at + datetime.timedelta(days=max_age_days())


def change_reason(user):
    """Why this signed-in user must change their password now (one of the constants above), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.must_change_password:
        return SET_BY_ADMINISTRATOR
    if user.password_changed_at is None:
        return FIRST_SIGN_IN
    expires = expires_on(user)
    if expires is not None and clock.now() >= expires:
        return EXPIRED
    return None


def reason_message(reason):
    message = REASONS[reason]
    return message % {"days": max_age_days()} if reason == EXPIRED else str(message)


def remember(user):
    """Keep the user's current password hash in their history, and only as many as the policy looks at."""
    if not user.password or not user.has_usable_password():
        return
    PasswordHistory.objects.create(user=user, password=user.password, created=clock.now())
    keep = max(history_size(), 1)
    old = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[keep:]
    PasswordHistory.objects.filter(pk__in=list(old)).delete()


def _set(user, raw, *, must_change, detail, by=None, validated=False):
    if not validated:
        password_validation.validate_password(raw, user)
    with transaction.atomic():
        user.set_password(raw)
        user.must_change_password = must_change
        if not must_change:
            user.password_changed_at = clock.now()
        user.save()  # remembered in the history and tokens revoked by accounts.apps.on_user_saved
        request = current_request()
        actor = by if by is not None else getattr(request, "user", None) or user
        record_event(kind=AuditEvent.Kind.SECURITY, action=AuditEvent.Action.UPDATE, user=actor, obj=user,
                     detail=detail, request=request)


def change_own_password(user, raw, validated=False):
    """The user chose a new password: checked against the rules and the history (unless a form just did,
    `validated`), then set; their other sessions end (a view keeps the current one with
    `update_session_auth_hash`) and their API tokens are revoked. Raises ValidationError on a refused password."""
    _set(user, raw, must_change=False, detail="Password changed", validated=validated)


def set_password_by_administrator(user, raw, by=None, validated=False):
    """Someone else (an administrator, `by`; by default the request's user) set the user's password, for a new
    account or a reset: the user must change it at the next sign-in; every session and API token of the user ends.
    Raises ValidationError on a refused password. Who may do it is the caller's check."""
    _set(user, raw, must_change=True, detail="Password set by an administrator", by=by, validated=validated)
