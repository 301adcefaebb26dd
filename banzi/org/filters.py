"""Filters for the registry lists, shared by the UI and the API."""
import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from banzi.core.filters import BaseFilterSet, YesNoFilter

from .metrics import incomplete_q
from .models import (
    Cadre,
    Organization,
    Position,
    Team,
    TeamMembership,
    VillageDesignation,
    id_number_fingerprint,
    phone_fingerprint,
)


def townships(request):
    qs = Organization.objects.filter(kind=Organization.Kind.TOWNSHIP)
    user = getattr(request, "user", None)
    return qs.visible_to(user) if user is not None else qs.none()


class OrganizationFilterSet(BaseFilterSet):
    search_fields = ("name", "division_code")
    kind = django_filters.ChoiceFilter(choices=Organization.Kind.choices, label=_("kind"))
    township = django_filters.ModelChoiceFilter(queryset=townships, label=_("township"))
    is_active = YesNoFilter(label=_("active"))

    class Meta:
        model = Organization
        fields = ["q", "kind", "township", "parent", "is_active"]


class VillageDesignationFilterSet(BaseFilterSet):
    search_fields = ("organization__name", "reason")
    township = django_filters.ModelChoiceFilter(
        field_name="organization__township", queryset=townships, label=_("township")
    )
    lifted = django_filters.BooleanFilter(field_name="lifted_on", lookup_expr="isnull", exclude=True, label=_("lifted"))

    class Meta:
        model = VillageDesignation
        fields = ["q", "year", "category", "township", "organization", "lifted"]


class CadreFilterSet(BaseFilterSet):
    """Search by name, full pinyin or initials (zs finds 张三), post, or an exact ID number or phone
    number. ID numbers and phones are sealed at rest: they are found through their fingerprints, whole,
    never by a part."""

    search_fields = ("name", "name_pinyin", "name_initials", "post")
    township = django_filters.ModelChoiceFilter(
        field_name="organization__township", queryset=townships, label=_("township")
    )
    position = django_filters.ModelChoiceFilter(
        queryset=Position.objects.all(), method="filter_position", label=_("current team position")
    )
    is_newly_promoted = YesNoFilter(label=_("newly promoted"))
    is_reserve = YesNoFilter(label=_("reserve cadre"))
    is_key_position = YesNoFilter(label=_("key position"))
    is_team_member = YesNoFilter(method="filter_team_member", label=_("current team member"))
    incomplete = YesNoFilter(method="filter_incomplete", label=_("incomplete record"))

    class Meta:
        model = Cadre
        fields = ["q", "township", "organization", "position", "is_team_member", "is_newly_promoted",
                  "is_reserve", "is_key_position", "gender", "rank", "status", "incomplete"]

    def search(self, queryset, name, value):
        value = (value or "").strip()
        if value.isascii() and value.isalpha():
            value = value.lower()
            return queryset.filter(Q(name_initials__startswith=value) | Q(name_pinyin__startswith=value))
        if not value:
            return queryset
        cond = Q(id_number_index=id_number_fingerprint(value)) | Q(phone_index=phone_fingerprint(value))
        for lookup in self.search_fields:
            cond |= Q(**{f"{lookup}__icontains": value})
        return queryset.filter(cond)

    @extend_schema_field(OpenApiTypes.INT)  # the API takes a position id
    def filter_position(self, queryset, name, value):
        if not value:
            return queryset
        current = TeamMembership.objects.current().filter(position=value)
        return queryset.filter(pk__in=current.values("cadre_id"))

    def filter_team_member(self, queryset, name, value):
        if value is None:
            return queryset
        current = TeamMembership.objects.current().values("cadre_id")
        return queryset.filter(pk__in=current) if value else queryset.exclude(pk__in=current)

    def filter_incomplete(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(incomplete_q()) if value else queryset.exclude(incomplete_q())


class PositionFilterSet(BaseFilterSet):
    search_fields = ("name",)

    class Meta:
        model = Position
        fields = ["q", "is_head", "is_active"]


class TeamFilterSet(BaseFilterSet):
    search_fields = ("township__name",)
    township = django_filters.ModelChoiceFilter(queryset=townships, label=_("township"))
    current = YesNoFilter(method="filter_current", label=_("current term"))

    class Meta:
        model = Team
        fields = ["q", "township", "current"]

    def filter_current(self, queryset, name, value):
        if value is None:
            return queryset
        current = Team.objects.current().values("pk")
        return queryset.filter(pk__in=current) if value else queryset.exclude(pk__in=current)


class TeamMembershipFilterSet(BaseFilterSet):
    search_fields = ("cadre__name", "cadre__name_initials", "cadre__name_pinyin", "position__name")
    township = django_filters.ModelChoiceFilter(field_name="team__township", queryset=townships, label=_("township"))
    # A team's name shows its township: join it, or every choice costs a query.
    team = django_filters.ModelChoiceFilter(queryset=Team.objects.select_related("township"),
                                            label=_("leadership team"))
    current = YesNoFilter(method="filter_current", label=_("current"))

    class Meta:
        model = TeamMembership
        fields = ["q", "township", "team", "position", "is_head", "current"]

    def filter_current(self, queryset, name, value):
        if value is None:
            return queryset
        current = TeamMembership.objects.current().values("pk")
        return queryset.filter(pk__in=current) if value else queryset.exclude(pk__in=current)
