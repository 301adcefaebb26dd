"""Users, their role and the organization or cadre their access is tied to."""
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
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
    history = HistoricalRecords(excluded_fields=["last_login", "password"])

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

    @cached_property
    def township_id(self):
        """The township a township user manages (None for county-wide roles)."""
        if self.organization_id is None:
            return None
        return self.organization.township_id

    @property
    def display_name(self):
        return self.get_full_name() or (str(self.cadre) if self.cadre_id else self.username)

    @property
    def is_county_admin(self):
        return self.role == Role.COUNTY_ADMIN

    @property
    def is_auditor(self):
        return self.role == Role.AUDITOR

    @property
    def is_administrator(self):
        """One of the three separated administrators (三员分立)."""
        return self.role in ADMINISTRATORS
