"""Users, their role and the organization or cadre their access is tied to."""
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from banzi.core.errors import Code
from banzi.core.roles import ADMINISTRATORS, BUSINESS, Role


class User(AbstractUser):
    """A person who signs in. The role decides what they may do; organization and cadre decide where."""

    # An account is created without a role (by the system administrator, or by `createsuperuser`) and
    # opens nothing until the security administrator gives it one (三员分立).
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True, default="",
                            help_text=_("Given by the security administrator; an account without a role opens "
                                        "nothing."))
    organization = models.ForeignKey(
        "org.Organization",
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_("For a township Party committee user: the township they manage."),
    )
    cadre = models.OneToOneField(
        "org.Cadre",
        verbose_name=_("cadre record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="user",
        help_text=_("For a cadre: their own cadre record."),
    )
    # The password policy (banzi/accounts/passwords.py): when the user last chose their own password (None: never,
    # so the first sign-in asks for one), and whether a password set by someone else must be changed.
    password_changed_at = models.DateTimeField(_("password changed"), null=True, blank=True)
    must_change_password = models.BooleanField(
        _("must change password"), default=False,
        help_text=_("Asked for a new password at the next sign-in (after a password set by an administrator)."),
    )
    # Raised by "sign out everywhere": it is part of the session hash, so every session signed in before ends.
    session_generation = models.PositiveIntegerField(default=0, editable=False)
    history = HistoricalRecords(excluded_fields=["last_login", "password", "session_generation"])
    is_demo = models.BooleanField(
        _("demo account"),
        default=False,
        help_text=_("Created by the demo loader: exempt from the second factor, refused by the production check."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def clean(self):
        super().clean()
        if self.role == Role.TOWNSHIP_ADMIN and not self.organization_id:
            raise ValidationError({"organization": ValidationError(
                _("A township Party committee user needs the township they manage."), code=Code.REQUIRED)})
        if self.role == Role.CADRE and not self.cadre_id:
            raise ValidationError({"cadre": ValidationError(_("A cadre user needs their own cadre record."), code=Code.REQUIRED)})
        if self.role not in BUSINESS:
            # An administrator, or an account without a role yet, reaches no organization or cadre.
            errors = {name: ValidationError(_("Only a business role is tied to an organization or a cadre."),
                                            code=Code.NOT_APPLICABLE)
                      for name in ("organization", "cadre") if getattr(self, f"{name}_id")}
            if errors:
                raise ValidationError(errors)

    def _get_session_auth_hash(self, secret=None):
        """Django's session hash (of the password hash) with the session generation: a new password or
        "sign out everywhere" ends every session signed in before."""
        key_salt = "banzi.accounts.models.User.get_session_auth_hash"
        return salted_hmac(key_salt, f"{self.password}:{self.session_generation}", secret=secret,
                           algorithm="sha256").hexdigest()

    @cached_property
    def township_id(self):
        """The township a township user manages (None for county-wide roles)."""
        if self.organization_id is None:
            return None
        return self.organization.township_id

    @property
    def display_name(self):
        """How the user is shown to people: their name, their cadre's name, or else their unit and
        role (县委组织部 · 县级管理员) — never the username, which is a sign-in key, not a name."""
        if self.get_full_name():
            return self.get_full_name()
        if self.cadre_id:
            return str(self.cadre)
        role = str(self.get_role_display()) if self.role else str(_("User"))
        return f"{self.organization} · {role}" if self.organization_id else role

    @property
    def is_county_admin(self):
        return self.role == Role.COUNTY_ADMIN

    @property
    def is_auditor(self):
        return self.role == Role.AUDITOR


class PasswordHistory(models.Model):
    """A password a user had, as its hash (never the password): none of the last few may be chosen again."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(_("password hash"), max_length=128)
    created = models.DateTimeField(_("set on"))

    class Meta:
        verbose_name = _("previous password")
        verbose_name_plural = _("previous passwords")
        ordering = ["-created", "-id"]
        default_permissions = ()

    def __str__(self):
        return f"{self.user} {self.created:%Y-%m-%d %H:%M}"


class ApiToken(models.Model):
    """An API token: only its prefix (to find it) and its keyed hash are stored; the key is shown once."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    digest = models.CharField(_("hash"), max_length=64, unique=True)
    created = models.DateTimeField(_("created"))
    expires = models.DateTimeField(_("expires"))
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)
    client_ip = models.GenericIPAddressField(_("client IP address"), null=True, blank=True)
    revoked = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created", "-id"]
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.user} {self.prefix}…"

    @property
    def is_administrator(self):
        """One of the three separated administrators (三员分立)."""
        return self.role in ADMINISTRATORS
