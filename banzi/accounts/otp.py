"""The second factor (GB/T 22239-2019 8.1.4.1 d): a TOTP authenticator app and single-use recovery codes.

django-otp keeps the devices: a `TOTPDevice` (the app's secret; wrong codes lock it for 1, 2, 4 … seconds)
and a `StaticDevice` holding the recovery codes, each deleted when used. The roles of
`settings.BANZI_SECOND_FACTOR_ROLES` (the three administrators and the county organization department) must
sign in with it; any other user may enrol and must then use it too. Demo accounts (`User.is_demo`) are exempt,
and `manage.py check --deploy` refuses them in production (banzi/accounts/checks.py).

A session is verified when django-otp's `OTPMiddleware` finds the device that verified it in the session
(`django_otp.login`); `SecondFactorMiddleware` below sends every page of an unverified user who needs the
second factor to the verification or enrolment page, and refuses their session's API requests (403).
Every enrolment, verification, failure, recovery-code use and reset is written to the audit trail.
"""
from base64 import b32encode

import segno
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_lazy, ngettext
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from banzi.core import clock
from banzi.core.audit import record_event
from banzi.core.errors import Code
from banzi.core.models import AuditEvent
from banzi.core.roles import Role

# The three separated administrators: their second factor is reset only on the server.
ADMINISTRATORS = {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR}
TOTP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
# What an unverified user has still to do.
VERIFY, ENROL = "verify", "enrol"


def required_roles():
    return set(settings.BANZI_SECOND_FACTOR_ROLES)


def is_administrator(user):
    return bool(user.is_superuser or user.role in ADMINISTRATORS)


def requires_second_factor(user):
    """Whether the user's role (or superuser status) needs a second factor; demo accounts never do."""
    if not user.is_authenticated or getattr(user, "is_demo", False):
        return False
    return bool(user.is_superuser or user.role in required_roles())


def authenticator(user, confirmed=True):
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("-pk").first()


def is_enrolled(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_verified(user):
    """Whether this request's session was verified with a second factor (set by OTPMiddleware)."""
    return bool(getattr(user, "is_verified", None) and user.is_verified())


def pending_step(user):
    """VERIFY if the signed-in user has an authenticator and has not used it in this session, ENROL if their
    role needs one and none is enrolled, None if they may go on."""
    if not user.is_authenticated or is_verified(user):
        return None
    if is_enrolled(user):
        return VERIFY
    if requires_second_factor(user):
        return ENROL
    return None


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- enrolment ------------------------------------------------------------------------------------

def start_enrolment(user):
    """The authenticator being enrolled: a new secret, kept unconfirmed until the user types a code from it
    (a page reload shows the same one). A confirmed authenticator stays in use until then."""
    device = authenticator(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def secret_text(device):
    """The secret in base32, in groups of four, for typing into the app by hand."""
    text = b32encode(device.bin_key).decode()
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


def qr_svg(device):
    """The provisioning URL as a QR code in inline SVG, drawn here (no image service, no script)."""
    svg = segno.make(device.config_url, error="m").svg_inline(scale=4, border=4, dark="#000", light="#fff")
    return mark_safe(svg)  # noqa: S308  (segno's markup: an <svg> of path data, no text from anyone)


def confirm_enrolment(user, device, code, request=None):
    """Confirm the authenticator being enrolled with a code from it: it replaces any earlier one, and a new set
    of recovery codes replaces the old. Returns (device, recovery codes). A wrong code confirms nothing."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(pk=device.pk, user=user, confirmed=False).first()
        allowed, info = device.verify_is_allowed() if device else (False, None)
        ok = bool(allowed and device.verify_token(_digits(code)))
        if ok:
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = _replace_recovery_codes(user)
    if device is None:
        raise ValidationError(gettext("Start the enrolment again: the secret shown has expired."),
                              code=Code.SECOND_FACTOR_INVALID)
    if not ok:
        _refuse(user, request, info, detail=gettext("enrolment"))
    record_event(kind=AuditEvent.Kind.SECURITY, action=AuditEvent.Action.OTP_ENROLLED, user=user, obj=user,
                 request=request, detail=gettext("Authenticator app enrolled; new recovery codes issued"))
    return device, codes


# --- verification ---------------------------------------------------------------------------------

def verify(user, code, request=None):
    """Check a code of the user's authenticator app, or one of their recovery codes (which is then used up).
    Returns the device that accepted it; refuses with SECOND_FACTOR_INVALID or, after repeated wrong codes,
    SECOND_FACTOR_THROTTLED (the device is locked for a while, longer at each failure)."""
    code = (code or "").strip()
    digits = _digits(code)
    recovery = not (digits.isdigit() and len(digits) in (6, 8))
    model = StaticDevice if recovery else TOTPDevice
    with transaction.atomic():
        device = model.objects.select_for_update().filter(user=user, confirmed=True).order_by("-pk").first()
        allowed, info = device.verify_is_allowed() if device else (True, None)
        ok = bool(device and allowed and device.verify_token(_recovery(code) if recovery else digits))
    if not ok:
        _refuse(user, request, info)
    if recovery:
        left = device.token_set.count()
        record_event(kind=AuditEvent.Kind.SECURITY, action=AuditEvent.Action.OTP_RECOVERY, user=user, obj=user,
                     request=request, detail=ngettext(
                         "%(count)d recovery code left", "%(count)d recovery codes left", left) % {"count": left})
    else:
        record_event(kind=AuditEvent.Kind.SECURITY, action=AuditEvent.Action.OTP_VERIFIED, user=user,
                     request=request)
    return device


def verify_for_token(user, code, request=None):
    """The second factor of an API token request: needed from the roles that require it and from anyone who
    enrolled one. Refusals are on the `otp` field."""
    if not (requires_second_factor(user) or is_enrolled(user)):
        return None
    if not is_enrolled(user):
        raise ValidationError({"otp": ValidationError(
            gettext("Your role signs in with a second factor: sign in on the web once to set up your "
                    "authenticator app."), code=Code.SECOND_FACTOR_NOT_ENROLLED)})
    if not (code or "").strip():
        raise ValidationError({"otp": ValidationError(
            gettext("Give the code of your authenticator app (or a recovery code) in the otp field."),
            code=Code.SECOND_FACTOR_REQUIRED)})
    try:
        return verify(user, code, request)
    except ValidationError as exc:
        errors = {"otp": exc.error_list}  # the refusal of `verify`, with its code, on the field
        raise ValidationError(errors) from None


def _digits(code):
    return "".join((code or "").split())


def _recovery(code):
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def _refuse(user, request, info, detail=""):
    locked_until = (info or {}).get("locked_until")
    record_event(kind=AuditEvent.Kind.SECURITY, action=AuditEvent.Action.OTP_FAILED, user=user, request=request,
                 detail=" ".join(filter(None, [detail, gettext("locked") if locked_until else ""])),
                 outcome=AuditEvent.Outcome.DENIED if locked_until else AuditEvent.Outcome.FAILURE)
    if locked_until:
        seconds = max(1, int((locked_until - clock.now()).total_seconds() + 0.999))
        raise ValidationError(
            gettext("Too many wrong codes. Try again in %(seconds)d seconds.") % {"seconds": seconds},
            code=Code.SECOND_FACTOR_THROTTLED,
        )
    raise ValidationError(gettext("The code is wrong, expired or already used."), code=Code.SECOND_FACTOR_INVALID)


# --- recovery codes and resets --------------------------------------------------------------------

def _replace_recovery_codes(user):
    device = StaticDevice.objects.filter(user=user).order_by("pk").first()
    if device is None:
        device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.token_set.all().delete()
    codes = set()
    while len(codes) < settings.BANZI_RECOVERY_CODES:
        token = StaticToken.random_token()
        if not token.isdigit():  # all digits would be read as an app's code (see `verify`)
            codes.add(token)
    codes = sorted(codes)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    device.confirmed = True
    device.throttle_reset(commit=False)
    device.save()
    return codes


def renew_recovery_codes(user, request=None):
    """A new set of recovery codes for an enrolled user; the old ones stop working. Returns the codes, which
    are shown once."""
    if not is_enrolled(user):
        raise ValidationError(gettext("Set up the authenticator app first."), code=Code.SECOND_FACTOR_NOT_ENROLLED)
    with transaction.atomic():
        codes = _replace_recovery_codes(user)
    record_event(kind=AuditEvent.Kind.SECURITY, action=AuditEvent.Action.OTP_CODES, user=user, obj=user,
                 request=request, detail=gettext("New recovery codes issued"))
    return codes


def _remove_devices(user):
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


RESET_REFUSED = gettext_lazy("Only the system administrator may reset a second factor.")


def may_reset(actor):
    return bool(actor.is_authenticated and actor.is_active and actor.role == Role.SYSTEM_ADMIN)


def reset_second_factor(actor, user, request=None):
    """The system administrator removes a user's authenticator and recovery codes (a lost phone); the user
    enrols again at the next sign-in. An administrator's second factor is reset only on the server."""
    if not may_reset(actor):
        raise PermissionDenied(RESET_REFUSED)
    if is_administrator(user):
        raise ValidationError(
            gettext("An administrator's second factor is reset only on the server, with manage.py "
                    "reset_second_factor."), code=Code.ADMINISTRATOR_SECOND_FACTOR,
        )
    with transaction.atomic():
        _remove_devices(user)
    record_event(kind=AuditEvent.Kind.SECURITY, action=AuditEvent.Action.OTP_RESET, user=actor, obj=user,
                 request=request, detail=gettext("Second factor reset by the system administrator"))


def reset_on_server(user):
    """`manage.py reset_second_factor`: any user's, administrators' included."""
    with transaction.atomic():
        _remove_devices(user)
    record_event(kind=AuditEvent.Kind.SECURITY, action=AuditEvent.Action.OTP_RESET, obj=user,
                 username="manage.py", detail=gettext("Second factor reset on the server"))


# --- every request --------------------------------------------------------------------------------

class SecondFactorMiddleware:
    """After OTPMiddleware: an unverified user who needs the second factor sees only the verification or
    enrolment page (every other page redirects there) and their session's API requests answer 403. Requests
    with an `Authorization` header are left to the API's token authentication."""

    # Signing in and out, the language, the second factor itself, and the public phone voting page (a code
    # opens it, not the account: a voter who happens to be signed in is not sent to the second factor).
    OPEN_URLS = ("login", "logout", "set_language", "api-token", "second_factor_verify", "second_factor_enrol",
                 "assessment:vote", "assessment:vote_thanks")

    def __init__(self, get_response):
        self.get_response = get_response
        self._open = None

    def open_paths(self):
        if self._open is None:
            self._open = {reverse(name) for name in self.OPEN_URLS}
        return self._open

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not self.is_open(request):
            step = pending_step(user)
            if step is not None:
                return self.refuse(request, step)
        return self.get_response(request)

    def is_open(self, request):
        path = request.path_info
        return path in self.open_paths() or path.startswith(settings.STATIC_URL)

    def refuse(self, request, step):
        if request.path_info.startswith("/api/"):
            if "HTTP_AUTHORIZATION" in request.META:
                return self.get_response(request)
            message = (gettext("Verify your sign-in with your authenticator app first.") if step == VERIFY else
                       gettext("Set up your authenticator app first: your role signs in with a second factor."))
            record_event(kind=AuditEvent.Kind.SECURITY, action=AuditEvent.Action.DENIED, user=request.user,
                         request=request, detail=f"{request.method} {request.path}: second factor not verified"[:500])
            return JsonResponse({"detail": [{"message": message, "code": Code.SECOND_FACTOR_REQUIRED.value}]},
                                status=403)
        url = reverse("second_factor_verify" if step == VERIFY else "second_factor_enrol")
        return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")
