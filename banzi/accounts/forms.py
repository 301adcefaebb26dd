"""Login form (Bootstrap widgets, a clear message when an account is locked or the address refused) and the form
to change one's own password."""
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from banzi.core.audit import record_locked_attempt
from banzi.core.errors import Code

from . import passwords
from .lockout import ip_blocked_message, is_locked, locked_message, request_blocked


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username"),
        widget=forms.TextInput(attrs={"autofocus": True, "class": "form-control", "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "current-password"}),
    )

    def clean(self):
        if self.request is not None and request_blocked(self.request):
            raise ValidationError(ip_blocked_message(), code=Code.TOO_MANY_ATTEMPTS)
        username = self.cleaned_data.get("username")
        if is_locked(username):
            record_locked_attempt(self.request, username)
            raise ValidationError(locked_message(), code=Code.LOCKED)
        return super().clean()


class OwnPasswordChangeForm(PasswordChangeForm):
    """Django's form (old password, new one twice, checked against AUTH_PASSWORD_VALIDATORS, the history among
    them); saving goes through `passwords.change_own_password`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")

    def save(self, commit=True):
        passwords.change_own_password(self.user, self.cleaned_data["new_password1"], validated=True)
        return self.user
