"""Login form: Bootstrap widgets and a clear message when an account is locked; the account pages' forms."""
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from banzi.core.errors import Code

from .lockout import is_locked, lock_minutes
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
        username = self.cleaned_data.get("username")
        if is_locked(username):
            raise ValidationError(
                gettext("Too many failed attempts. This account is locked for %(minutes)d minutes.")
                % {"minutes": lock_minutes()},
                code=Code.LOCKED,
            )
        return super().clean()


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
        self.fields["organization"].queryset = Organization.objects.filter(is_active=True).only("name", "kind")
        self.fields["cadre"].queryset = Cadre.objects.only("name").order_by("name", "pk")
        _bootstrap(self)
