"""Login form: Bootstrap widgets and a clear message when an account is locked."""
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from banzi.core.audit import record_locked_attempt
from banzi.core.errors import Code

from .lockout import is_locked, lock_minutes


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
        username = self.cleaned_data.get("username")
        if is_locked(username):
            record_locked_attempt(self.request, username)
            raise ValidationError(
                gettext("Too many failed attempts. This account is locked for %(minutes)d minutes.")
                % {"minutes": lock_minutes()},
                code=Code.LOCKED,
            )
        return super().clean()
