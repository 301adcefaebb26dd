"""Sessions that end: after BANZI_SESSION_IDLE_MINUTES without a request (30), BANZI_SESSION_MAX_HOURS after signing
in (8, also SESSION_COOKIE_AGE), on "sign out everywhere" and on a new password; and a user who must change their
password does that before anything else.

The session generation (`User.session_generation`, part of the session hash, see `User._get_session_auth_hash`)
makes "sign out everywhere" work with any session backend: Django's AuthenticationMiddleware ends every session
whose hash no longer matches.
"""
import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.db.models import F
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext

from banzi.core import clock
from banzi.core.api_settings import error_body
from banzi.core.audit import record_event
from banzi.core.errors import Code
from banzi.core.models import AuditEvent

from . import passwords, tokens

LAST_ACTIVITY = "banzi_last_activity"
SIGNED_IN_AT = "banzi_signed_in_at"
# How often the last activity is written to the session: each write is a database write with the DB backend.
ACTIVITY_STEP = datetime.timedelta(seconds=60)


def idle_minutes():
    return getattr(settings, "BANZI_SESSION_IDLE_MINUTES", 30)


def max_age():
    return datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)


def is_api(request):
    return request.path.startswith("/api/")


@receiver(user_logged_in, dispatch_uid="banzi_session_signed_in_at")
def stamp_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = clock.now().timestamp()
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_ACTIVITY] = now


def _end(request, message, detail):
    """Sign the session out (one audit event that says why) and tell the user."""
    record_event(kind=AuditEvent.Kind.SECURITY, action=AuditEvent.Action.LOGOUT, user=request.user, request=request,
                 detail=detail)
    request.session.flush()
    request.user = AnonymousUser()
    if is_api(request):
        return None  # the API then answers as to anyone not signed in (401)
    messages.warning(request, message)
    return redirect_to_login(request.get_full_path())


class IdleSessionMiddleware:
    """Signs out a session idle for too long, or older than the absolute maximum: the page goes to the login page
    with a message (and back after signing in); an API request is then simply not signed in (401)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = clock.now().timestamp()
            session = request.session
            last = session.get(LAST_ACTIVITY)
            signed_in = session.get(SIGNED_IN_AT)
            if last is not None and now - last > idle_minutes() * 60:
                response = _end(request, gettext(
                    "You were signed out after %(minutes)d minutes without activity. Please sign in again.")
                    % {"minutes": idle_minutes()}, "Session ended: idle")
                if response is not None:
                    return response
            elif signed_in is not None and now - signed_in > max_age().total_seconds():
                response = _end(request, gettext(
                    "You were signed out %(hours)d hours after signing in. Please sign in again.")
                    % {"hours": max_age().total_seconds() // 3600}, "Session ended: maximum age")
                if response is not None:
                    return response
            else:
                if last is None or now - last >= ACTIVITY_STEP.total_seconds():
                    session[LAST_ACTIVITY] = now
                if signed_in is None:
                    session[SIGNED_IN_AT] = now
        return self.get_response(request)


# Where a user who must change their password may still go: the change itself, signing out, switching language.
ALLOWED_URL_NAMES = ("password_change", "logout", "login", "sign_out_everywhere", "set_language",
                     "second_factor_verify", "second_factor_enrol")  # the second factor comes first
ALLOWED_PREFIXES = ("/static/", "/media/", "/i18n/", "/favicon")


class PasswordChangeRequiredMiddleware:
    """A signed-in user whose password must change (first sign-in, set by an administrator, expired) is sent to the
    password change page from every page, and an API request in their session answers 403 with the code
    `password_change_required`, until they have chosen a new password."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._allowed = None

    def allowed_paths(self):
        """The pages above, and those named in settings.BANZI_PASSWORD_CHANGE_EXEMPT_URL_NAMES (e.g. the second
        factor's verification, which must come before a password change and is checked by its own middleware,
        placed before this one)."""
        if self._allowed is None:
            names = [*ALLOWED_URL_NAMES, *getattr(settings, "BANZI_PASSWORD_CHANGE_EXEMPT_URL_NAMES", ())]
            allowed = set()
            for name in names:
                try:
                    allowed.add(reverse(name))
                except NoReverseMatch:
                    continue  # a page that takes arguments, or is not installed: nothing to exempt
            self._allowed = allowed
        return self._allowed

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            reason = passwords.change_reason(user)
            if reason is not None and request.path not in self.allowed_paths() \
                    and not request.path.startswith(ALLOWED_PREFIXES):
                message = passwords.reason_message(reason)
                if is_api(request):
                    return JsonResponse(error_body({"detail": [_detail(message)]}), status=403)
                return redirect("password_change")
        return self.get_response(request)


def _detail(message):
    from rest_framework.exceptions import ErrorDetail

    return ErrorDetail(message, Code.PASSWORD_CHANGE_REQUIRED)


def sign_out_everywhere(user, request=None):
    """End every session of the user (on every device: the session generation changes) and revoke their API
    tokens. The caller signs the current session out too."""
    user._meta.model._default_manager.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])
    tokens.revoke_all(user, request=request, reason="Signed out everywhere")
    record_event(kind=AuditEvent.Kind.SECURITY, action=AuditEvent.Action.LOGOUT, user=user, request=request,
                 detail="Signed out everywhere")
