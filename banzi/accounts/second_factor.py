"""Pages of the second factor: verify a sign-in, enrol an authenticator app, renew recovery codes, and the
system administrator's reset of a user's second factor. The rules live in `otp`."""
import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from banzi.core import clock

from . import otp

REENROL_KEY = "banzi_otp_reenrol"
REENROL_MINUTES = 10


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=32, strip=True,
        help_text=_("The six-digit code shown by your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "one-time-code", "autofocus": True,
                                      "spellcheck": "false", "autocapitalize": "off"}),
    )


class EnrolForm(CodeForm):
    code = forms.CharField(
        label=_("Code"), max_length=8, strip=True,
        help_text=_("The six-digit code your authenticator app shows for Banzi."),
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "one-time-code", "autofocus": True,
                                      "inputmode": "numeric"}),
    )


def _next(request, default="dashboard:home"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return redirect(default).url


def _use(form, exc):
    for error in exc.error_list:
        form.add_error("code", error)


@never_cache
@login_required
def verify(request):
    """The second step of signing in: a code of the authenticator app or a recovery code."""
    step = otp.pending_step(request.user)
    if step == otp.ENROL:
        return redirect(f"{reverse('second_factor_enrol')}?{request.GET.urlencode()}")
    if step is None:
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = otp.verify(request.user, form.cleaned_data["code"], request)
        except ValidationError as exc:
            _use(form, exc)
        else:
            otp_login(request, device)
            if otp.recovery_codes_left(request.user) < 3:
                messages.warning(request, gettext("Few recovery codes are left: make new ones on the second "
                                                  "factor page."))
            return redirect(_next(request))
    return render(request, "accounts/second_factor_verify.html", {"form": form, "next": _next(request)})


def _may_enrol(request):
    """A user without an authenticator may enrol one; one who has it, only just after typing a current code
    (or a recovery code) on the second factor page."""
    if not otp.is_enrolled(request.user):
        return True
    started = request.session.get(REENROL_KEY)
    if not started:
        return False
    return clock.now() - datetime.datetime.fromisoformat(started) < datetime.timedelta(minutes=REENROL_MINUTES)


@never_cache
@login_required
def enrol(request):
    """Enrol an authenticator app: a QR code (and the secret as text), confirmed with a code from the app;
    the recovery codes are shown once, at the end."""
    if not _may_enrol(request):
        return redirect("second_factor_verify" if not otp.is_verified(request.user) else "second_factor")
    device = otp.start_enrolment(request.user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = otp.confirm_enrolment(request.user, device, form.cleaned_data["code"], request)
        except ValidationError as exc:
            _use(form, exc)
        else:
            request.session.pop(REENROL_KEY, None)
            otp_login(request, device)
            return render(request, "accounts/second_factor_codes.html",
                          {"codes": codes, "next": _next(request), "enrolled": True})
    return render(request, "accounts/second_factor_enrol.html", {
        "form": form, "next": _next(request), "qr_svg": otp.qr_svg(device), "secret": otp.secret_text(device),
        "required": otp.requires_second_factor(request.user),
    })


@never_cache
@login_required
def manage(request):
    """The user's own second factor: whether it is set up, the recovery codes left, and the ways to renew."""
    return render(request, "accounts/second_factor.html", {
        "enrolled": otp.is_enrolled(request.user), "codes_left": otp.recovery_codes_left(request.user),
        "required": otp.requires_second_factor(request.user), "form": CodeForm(),
    })


@never_cache
@login_required
@require_POST
def reenrol(request):
    """Replace the authenticator app (a new phone): first a current code or a recovery code."""
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            otp.verify(request.user, form.cleaned_data["code"], request)
        except ValidationError as exc:
            _use(form, exc)
        else:
            request.session[REENROL_KEY] = clock.now().isoformat()
            return redirect("second_factor_enrol")
    return render(request, "accounts/second_factor.html", {
        "enrolled": otp.is_enrolled(request.user), "codes_left": otp.recovery_codes_left(request.user),
        "required": otp.requires_second_factor(request.user), "form": form,
    }, status=400)


@never_cache
@login_required
@require_POST
def renew_codes(request):
    """A new set of recovery codes, shown once; the old ones stop working."""
    if not otp.is_verified(request.user):
        return redirect("second_factor")
    try:
        codes = otp.renew_recovery_codes(request.user, request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("second_factor")
    return render(request, "accounts/second_factor_codes.html", {"codes": codes, "next": _next(request)})


@login_required
@require_POST
def reset(request, pk):
    """The system administrator resets a (non-administrator) user's second factor."""
    if not otp.may_reset(request.user):
        raise PermissionDenied(otp.RESET_REFUSED)
    user = get_object_or_404(get_user_model(), pk=pk)
    try:
        otp.reset_second_factor(request.user, user, request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, gettext("The second factor of %(user)s was reset: they set up their "
                                          "authenticator app again at the next sign-in.") % {"user": user.username})
    return redirect(_next(request))
