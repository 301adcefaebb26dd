"""The registry's API: /api/v1/org/{organizations,designations,cadres,positions,teams,memberships}/."""
from rest_framework import serializers

from banzi.core.api import BaseSerializer, ScopedModelViewSet

from . import filters
from .models import Cadre, Organization, Position, Team, TeamMembership, VillageDesignation


class OrganizationSerializer(BaseSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "kind", "parent", "township", "division_code", "address", "phone", "sort_order",
                  "is_active", "created_at", "updated_at"]
        read_only_fields = ["township"]


class VillageDesignationSerializer(BaseSerializer):
    class Meta:
        model = VillageDesignation
        fields = ["id", "organization", "year", "category", "reason", "designated_on", "lifted_on",
                  "created_at", "updated_at"]


class CadreSerializer(BaseSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = Cadre
        fields = ["id", "name", "name_pinyin", "name_initials", "gender", "ethnicity", "birth_date", "native_place",
                  "id_number", "party_joined_on", "work_started_on", "education_fulltime", "education_inservice",
                  "organization", "organization_name", "post", "rank", "phone", "is_newly_promoted", "promoted_on",
                  "is_reserve", "is_key_position", "status", "archived_on", "notes", "created_at", "updated_at"]
        read_only_fields = ["status", "archived_on"]
        extra_kwargs = {"id_number": {"validators": []}}


class PositionSerializer(BaseSerializer):
    class Meta:
        model = Position
        fields = ["id", "name", "is_head", "sort_order", "is_active"]
        extra_kwargs = {"name": {"validators": []}}


class TeamSerializer(BaseSerializer):
    township_name = serializers.CharField(source="township.name", read_only=True)

    class Meta:
        model = Team
        fields = ["id", "township", "township_name", "elected_on", "term_years", "term_ends_on", "notes",
                  "created_at", "updated_at"]


class TeamMembershipSerializer(BaseSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    position_name = serializers.CharField(source="position.name", read_only=True)

    class Meta:
        model = TeamMembership
        fields = ["id", "team", "cadre", "cadre_name", "position", "position_name", "is_head", "started_on",
                  "ended_on", "appointment_document", "sort_order", "notes", "created_at", "updated_at"]


class OrganizationViewSet(ScopedModelViewSet):
    queryset = Organization.objects.select_related("parent")
    serializer_class = OrganizationSerializer
    filterset_class = filters.OrganizationFilterSet
    ordering_fields = ["name", "kind", "sort_order"]


class VillageDesignationViewSet(ScopedModelViewSet):
    queryset = VillageDesignation.objects.select_related("organization")
    serializer_class = VillageDesignationSerializer
    filterset_class = filters.VillageDesignationFilterSet
    ordering_fields = ["year", "category"]


class CadreViewSet(ScopedModelViewSet):
    queryset = Cadre.objects.select_related("organization")
    serializer_class = CadreSerializer
    filterset_class = filters.CadreFilterSet
    ordering_fields = ["name_pinyin", "birth_date", "promoted_on"]


class PositionViewSet(ScopedModelViewSet):
    queryset = Position.objects.all()
    serializer_class = PositionSerializer
    filterset_class = filters.PositionFilterSet


class TeamViewSet(ScopedModelViewSet):
    queryset = Team.objects.select_related("township")
    serializer_class = TeamSerializer
    filterset_class = filters.TeamFilterSet
    ordering_fields = ["elected_on"]


class TeamMembershipViewSet(ScopedModelViewSet):
    queryset = TeamMembership.objects.select_related("cadre", "position", "team")
    serializer_class = TeamMembershipSerializer
    filterset_class = filters.TeamMembershipFilterSet
    ordering_fields = ["started_on", "sort_order"]
