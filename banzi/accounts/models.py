"""Users, their role and the organization or cadre their access is tied to."""
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from banzi.core.errors import Code
from banzi.core.roles import Role


class User(AbstractUser):
    """A person who signs in. The role decides what they may do; organization and cadre decide where."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CADRE)
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
    is_demo = models.BooleanField(
        _("demo account"),
        default=False,
        help_text=_("Created by the demo loader: exempt from the second factor, refused by the production check."),
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
        return self.is_superuser or self.role == Role.COUNTY_ADMIN

    @property
    def is_auditor(self):
        return self.role == Role.AUDITOR
