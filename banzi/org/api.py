"""The registry's API: /api/v1/org/{organizations,designations,cadres,positions,teams,memberships}/."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action

from banzi.core import masking
from banzi.core.api import BaseSerializer, ScopedModelViewSet, name_of

from . import filters, services
from .models import Cadre, Organization, Position, Team, TeamMembership, VillageDesignation

TIMESTAMPS = ["created_at", "updated_at"]


class OrganizationSerializer(BaseSerializer):
    parent_name = name_of("parent.name")

    class Meta:
        model = Organization
        fields = ["id", "name", "kind", "parent", "parent_name", "township", "division_code", "address", "phone",
                  "sort_order", "is_active", *TIMESTAMPS]
        read_only_fields = ["township"]


class VillageDesignationSerializer(BaseSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = VillageDesignation
        fields = ["id", "organization", "organization_name", "year", "category", "reason", "designated_on",
                  "lifted_on", *TIMESTAMPS]


class CadreSerializer(BaseSerializer):
    """A cadre's record.

    ID numbers and phone numbers are personal data, sealed at rest. They are returned in full only
    to those who keep the cadre's file (`core.masking`: the county organization department, the
    township Party committee of the cadre's township, the cadre themself); everyone else who can read
    the record gets them masked, as `1410**********1234` and `139****5678`. The list's `q` finds an
    ID number or a phone number only whole.
    """

    organization_name = serializers.CharField(source="organization.name", read_only=True)
    id_number = serializers.CharField(
        label=Cadre._meta.get_field("id_number").verbose_name, required=False, allow_null=True, allow_blank=True,
        max_length=18, validators=Cadre._meta.get_field("id_number").validators,
        help_text=_("18-digit resident ID number. Shown in full only to the county organization department, the "
                    "cadre's township Party committee and the cadre themself; masked (middle digits as *) for "
                    "everyone else."),
    )

    class Meta:
        model = Cadre
        fields = ["id", "name", "name_pinyin", "name_initials", "gender", "ethnicity", "birth_date", "native_place",
                  "id_number", "party_joined_on", "work_started_on", "education_fulltime", "education_inservice",
                  "organization", "organization_name", "post", "rank", "phone", "is_newly_promoted", "promoted_on",
                  "is_reserve", "is_key_position", "status", "archived_on", "notes", *TIMESTAMPS]
        read_only_fields = ["status", "archived_on", "is_reserve"]  # the reserve pool keeps the flag

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if not masking.may_see_personal_data(getattr(request, "user", None), instance):
            data["id_number"] = masking.mask_id_number(data.get("id_number"))
            data["phone"] = masking.mask_phone(data.get("phone"))
        return data


class CadreArchiveSerializer(serializers.Serializer):
    on = serializers.DateField(label=_("archived on"), required=False, help_text=_("Defaults to today."))
    reason = serializers.CharField(label=_("reason"), required=False, allow_blank=True, max_length=500)


class PositionSerializer(BaseSerializer):
    class Meta:
        model = Position
        fields = ["id", "name", "is_head", "sort_order", "is_active"]


class TeamSerializer(BaseSerializer):
    township_name = serializers.CharField(source="township.name", read_only=True)

    class Meta:
        model = Team
        fields = ["id", "township", "township_name", "elected_on", "term_years", "term_ends_on", "notes",
                  *TIMESTAMPS]


class TeamMembershipSerializer(BaseSerializer):
    township = serializers.PrimaryKeyRelatedField(source="team.township", read_only=True)
    township_name = serializers.CharField(source="team.township.name", read_only=True)
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    position_name = serializers.CharField(source="position.name", read_only=True)

    class Meta:
        model = TeamMembership
        fields = ["id", "team", "township", "township_name", "cadre", "cadre_name", "position", "position_name",
                  "is_head", "started_on", "ended_on", "appointment_document", "sort_order", "notes", *TIMESTAMPS]


class OrganizationViewSet(ScopedModelViewSet):
    """Organizations: the county, townships, villages and communities, county departments and
    enterprises. A township Party committee sees its township and the units under it."""

    queryset = Organization.objects.select_related("parent")
    serializer_class = OrganizationSerializer
    filterset_class = filters.OrganizationFilterSet
    ordering_fields = ["name", "kind", "sort_order", "division_code"]


class VillageDesignationViewSet(ScopedModelViewSet):
    """Village designations by year: weak and lax, dispute-heavy, weak collective economy,
    registered poor, model unit."""

    queryset = VillageDesignation.objects.select_related("organization")
    serializer_class = VillageDesignationSerializer
    filterset_class = filters.VillageDesignationFilterSet
    ordering_fields = ["year", "category"]


@masking.no_store
class CadreViewSet(ScopedModelViewSet):
    """Cadres' records. `q` searches name, full pinyin or pinyin initials (`zs` finds 张三), phone
    and post. A cadre cannot be deleted while memberships refer to them: archive them instead."""

    # organization__township: deciding whether the ID number is shown in full follows it.
    queryset = Cadre.objects.select_related("organization__township")
    serializer_class = CadreSerializer
    filterset_class = filters.CadreFilterSet
    ordering_fields = ["name_pinyin", "birth_date", "promoted_on", "work_started_on"]

    @extend_schema(operation_id="org_cadres_archive", request=CadreArchiveSerializer, responses=CadreSerializer)
    @action(detail=True, methods=["post"], step="archive")
    def archive(self, request, pk=None):
        """Archive a cadre who has left: their open memberships end on the archive date."""
        return self.run_step(request, services.archive_cadre, CadreArchiveSerializer)

    @extend_schema(operation_id="org_cadres_restore", request=None, responses=CadreSerializer)
    @action(detail=True, methods=["post"], step="restore")
    def restore(self, request, pk=None):
        """Bring an archived cadre back to active."""
        return self.run_step(request, services.restore_cadre)


class PositionViewSet(ScopedModelViewSet):
    """The catalog of team positions (党委书记, 乡镇长, …); only the county organization department
    edits it."""

    queryset = Position.objects.all()
    serializer_class = PositionSerializer
    filterset_class = filters.PositionFilterSet
    ordering_fields = ["sort_order", "name"]


class TeamViewSet(ScopedModelViewSet):
    """Township leadership teams, one per township per term."""

    queryset = Team.objects.select_related("township")
    serializer_class = TeamSerializer
    filterset_class = filters.TeamFilterSet
    ordering_fields = ["elected_on"]


class TeamMembershipViewSet(ScopedModelViewSet):
    """Team memberships: a cadre in a position of a leadership team from a start to an end date.
    A team has one head at a time, and a cadre holds a position once at a time."""

    queryset = TeamMembership.objects.select_related("cadre", "position", "team__township")
    serializer_class = TeamMembershipSerializer
    filterset_class = filters.TeamMembershipFilterSet
    ordering_fields = ["started_on", "sort_order"]
