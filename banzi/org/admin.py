"""The registry in the Django admin, for the system administrator; each record keeps its history tab."""
from django.contrib import admin

from banzi.core.admin import HistoryAdmin

from .models import (
    Cadre,
    Organization,
    Position,
    Team,
    TeamMembership,
    VillageDesignation,
    id_number_fingerprint,
)


@admin.register(Organization)
class OrganizationAdmin(HistoryAdmin):
    list_display = ["name", "kind", "parent", "division_code", "sort_order", "is_active"]
    list_filter = ["kind", "is_active", "township"]
    search_fields = ["name", "division_code"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]


@admin.register(VillageDesignation)
class VillageDesignationAdmin(HistoryAdmin):
    list_display = ["organization", "year", "category", "designated_on", "lifted_on"]
    list_filter = ["year", "category"]
    search_fields = ["organization__name"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]


@admin.register(Cadre)
class CadreAdmin(HistoryAdmin):
    list_display = ["name", "gender", "organization", "post", "masked_id_number", "is_newly_promoted", "is_reserve",
                    "is_key_position", "status"]
    list_filter = ["status", "gender", "is_newly_promoted", "is_reserve", "is_key_position", "organization__kind"]
    search_fields = ["name", "name_pinyin", "name_initials", "post"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]

    def get_search_results(self, request, queryset, search_term):
        """Names and posts by their parts; an ID number only whole, through its fingerprint."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        index = id_number_fingerprint(search_term)
        if index:
            results |= queryset.filter(id_number_index=index)
        return results, may_have_duplicates


@admin.register(Position)
class PositionAdmin(HistoryAdmin):
    list_display = ["name", "is_head", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    search_fields = ["name"]


class TeamMembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 0
    autocomplete_fields = ["cadre", "position"]
    fields = ["cadre", "position", "is_head", "started_on", "ended_on", "appointment_document", "sort_order"]


@admin.register(Team)
class TeamAdmin(HistoryAdmin):
    list_display = ["__str__", "township", "elected_on", "term_years", "term_ends_on"]
    list_filter = ["township"]
    search_fields = ["township__name"]
    list_select_related = ["township"]
    autocomplete_fields = ["township"]
    inlines = [TeamMembershipInline]


@admin.register(TeamMembership)
class TeamMembershipAdmin(HistoryAdmin):
    list_display = ["cadre", "position", "team", "is_head", "started_on", "ended_on"]
    list_filter = ["position", "is_head", "team__township"]
    search_fields = ["cadre__name", "cadre__name_initials", "team__township__name", "appointment_document"]
    list_select_related = ["cadre", "position", "team__township"]
    autocomplete_fields = ["team", "cadre", "position"]
