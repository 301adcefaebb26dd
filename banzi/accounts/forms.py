"""Login form (Bootstrap widgets, a clear message when an account is locked or the address refused), the form
to change one's own password, and the account pages' forms."""
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from banzi.core.audit import record_locked_attempt
from banzi.core.errors import Code

from . import passwords
from .lockout import ip_blocked_message, is_locked, locked_message, request_blocked
from .models import User


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


# --- account pages (banzi.accounts.services): each administrator's form holds only their fields ---

def _bootstrap(form):
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", css)


class NewPasswordFields(forms.Form):
    """A password typed twice; the service validates it against the password rules."""

    password1 = forms.CharField(label=_("New password"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("New password again"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bootstrap(self)

    def clean_password2(self):
        first, second = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if first and second and first != second:
            raise ValidationError(gettext("The two passwords differ."), code=Code.INVALID)
        return second


class AccountForm(forms.ModelForm):
    """The system administrator's fields of an account: username, name and e-mail."""

    class Meta:
        model = User
        fields = ["username", "last_name", "first_name", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class NewAccountForm(AccountForm):
    """A new account: its fields and a first password (the account has no role yet)."""

    password1 = NewPasswordFields.base_fields["password1"]
    password2 = NewPasswordFields.base_fields["password2"]
    clean_password2 = NewPasswordFields.clean_password2


class RoleForm(forms.ModelForm):
    """The security administrator's fields of an account: its role and scope. Only business roles
    (or none) are offered; the organizations and cadre records are offered by name."""

    class Meta:
        model = User
        fields = ["role", "organization", "cadre"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from banzi.core.roles import BUSINESS, Role
        from banzi.org.models import Cadre, Organization

        self.fields["role"].choices = [("", gettext("No role (opens nothing)"))] + [
            (value, label) for value, label in Role.choices if value in BUSINESS]
        from banzi.core.forms import use_pickers

        self.fields["organization"].queryset = Organization.objects.filter(is_active=True)
        self.fields["cadre"].queryset = Cadre.objects.order_by("name", "pk")
        _bootstrap(self)
        use_pickers(self)  # searchable by name or pinyin; a cadre as 姓名 · 单位 · 职务, not a bare name
