"""Forms for the registry. Choices are limited to what the user may see."""
from django import forms
from django.utils.translation import gettext_lazy as _

from banzi.core.forms import BaseModelForm

from .models import Cadre, Organization, Position, Team, TeamMembership, VillageDesignation


class OrganizationForm(BaseModelForm):
    takes_user = True

    class Meta:
        model = Organization
        fields = ["name", "kind", "parent", "division_code", "address", "phone", "sort_order", "is_active"]


class VillageDesignationForm(BaseModelForm):
    takes_user = True

    class Meta:
        model = VillageDesignation
        fields = ["organization", "year", "category", "reason", "designated_on", "lifted_on"]

    def limit_to_user(self, user):
        super().limit_to_user(user)
        self.fields["organization"].queryset = self.fields["organization"].queryset.exclude(
            kind__in=[Organization.Kind.COUNTY, Organization.Kind.DEPARTMENT]
        )


class CadreForm(BaseModelForm):
    takes_user = True

    class Meta:
        model = Cadre
        fields = [
            "name", "gender", "ethnicity", "birth_date", "native_place", "id_number", "party_joined_on",
            "work_started_on", "education_fulltime", "education_inservice", "organization", "post", "rank",
            "phone", "is_newly_promoted", "promoted_on", "is_key_position", "notes",
        ]


class PositionForm(BaseModelForm):
    class Meta:
        model = Position
        fields = ["name", "is_head", "sort_order", "is_active"]


class TeamForm(BaseModelForm):
    takes_user = True

    class Meta:
        model = Team
        fields = ["township", "elected_on", "term_years", "notes"]

    def limit_to_user(self, user):
        super().limit_to_user(user)
        self.fields["township"].queryset = self.fields["township"].queryset.filter(kind=Organization.Kind.TOWNSHIP)


class TeamMembershipForm(BaseModelForm):
    takes_user = True

    class Meta:
        model = TeamMembership
        fields = ["team", "cadre", "position", "is_head", "started_on", "ended_on", "appointment_document",
                  "sort_order", "notes"]

    def limit_to_user(self, user):
        super().limit_to_user(user)
        self.fields["team"].queryset = self.fields["team"].queryset.select_related("township")
        self.fields["cadre"].queryset = self.fields["cadre"].queryset.filter(status=Cadre.Status.ACTIVE)
        self.fields["position"].queryset = Position.objects.filter(is_active=True)


class ArchiveStepForm(forms.Form):
    """Archiving a cadre: the reason, if one is given (their open team memberships end today)."""

    reason = forms.CharField(label=_("reason"), required=False, max_length=500)
