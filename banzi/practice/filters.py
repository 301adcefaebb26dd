"""Filters of the frontline-practice lists, shared by the pages and the API."""
import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from banzi.core import clock
from banzi.core.filters import BaseFilterSet, OnePerFilter, YesNoFilter
from banzi.org.filters import townships
from banzi.org.models import VillageDesignation

from .models import (
    HARD_CATEGORIES,
    Mentorship,
    MentorshipMeeting,
    Posting,
    RectificationGroup,
    StudyVisit,
    VillageRectification,
    WorkLog,
)


def _township(lookup):
    return django_filters.ModelChoiceFilter(field_name=lookup, queryset=townships, label=_("township"))


def _hidden(lookup, label):
    """A filter by a record's id that pages link to (?cadre=12), not a drop-down of thousands."""
    return extend_schema_field(OpenApiTypes.INT)(
        django_filters.NumberFilter(field_name=lookup, label=label, widget=forms.HiddenInput))


def _active_q(prefix=""):
    today = clock.today()
    return Q(**{f"{prefix}started_on__lte": today}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": today}))


class ActiveFilterMixin:
    def filter_active(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(_active_q()) if value else queryset.exclude(_active_q())


def _during():
    """`during_after` / `during_before`: at work for part of the period (started on or before its end,
    not ended before its start), as the year-end report's figures count them (core.metrics.overlapping)."""
    return django_filters.DateFromToRangeFilter(method="filter_during", label=_("at work during"))


class DuringFilterMixin:
    def filter_during(self, queryset, name, value):
        if not value:
            return queryset
        start, end = value.start, value.stop
        if start is not None:
            queryset = queryset.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        if end is not None:
            queryset = queryset.filter(started_on__lte=end)
        return queryset


class DesignationOverviewFilterSet(BaseFilterSet):
    """The designated villages (the registry's designations) with their rectification."""

    search_fields = ("organization__name", "reason", "rectification__target")
    township = _township("organization__township")
    category = django_filters.ChoiceFilter(choices=VillageDesignation.Category.choices, label=_("category"))
    lifted = django_filters.BooleanFilter(field_name="lifted_on", lookup_expr="isnull", exclude=True,
                                          label=_("lifted"), widget=forms.NullBooleanSelect)

    class Meta:
        model = VillageDesignation
        fields = ["q", "year", "category", "township", "lifted"]


class VillageRectificationFilterSet(BaseFilterSet):
    search_fields = ("designation__organization__name", "target", "progress_note")
    township = _township("designation__organization__township")
    year = django_filters.NumberFilter(field_name="designation__year", label=_("year"))
    category = django_filters.ChoiceFilter(field_name="designation__category", label=_("category"),
                                           choices=[(c.value, c.label) for c in HARD_CATEGORIES])

    class Meta:
        model = VillageRectification
        fields = ["q", "year", "category", "township"]


class RectificationGroupFilterSet(DuringFilterMixin, BaseFilterSet):
    search_fields = ("campaign", "township__name", "leader__name", "leader__name_initials")
    township = _township("township")
    during = _during()
    one_per = OnePerFilter(("township", "township", _("one per township")))

    class Meta:
        model = RectificationGroup
        fields = ["q", "year", "township", "campaign", "during", "one_per"]


class PostingFilterSet(DuringFilterMixin, ActiveFilterMixin, BaseFilterSet):
    search_fields = ("cadre__name", "cadre__name_pinyin", "cadre__name_initials", "organization__name", "goals")
    township = _township("organization__township")
    kind = django_filters.ChoiceFilter(choices=Posting.Kind.choices, label=_("kind"))
    active = YesNoFilter(method="filter_active", label=_("serving now"))
    year = django_filters.NumberFilter(field_name="started_on", lookup_expr="year", label=_("year started"))
    cadre = _hidden("cadre", _("cadre"))
    organization = _hidden("organization", _("posted to"))
    group = _hidden("group", _("rectification working group"))
    during = _during()
    one_per = OnePerFilter(("cadre", "cadre", _("one per cadre")), ("organization", "organization", _("one per unit")))

    class Meta:
        model = Posting
        fields = ["q", "kind", "township", "active", "year", "result", "cadre", "organization", "group", "during",
                  "one_per"]


class WorkLogFilterSet(BaseFilterSet):
    search_fields = ("posting__cadre__name", "posting__cadre__name_initials", "posting__organization__name", "content")
    township = _township("posting__organization__township")
    kind = django_filters.ChoiceFilter(field_name="posting__kind", choices=Posting.Kind.choices, label=_("kind"))
    posting = _hidden("posting", _("posting"))
    date_from = django_filters.DateFilter(field_name="logged_on", lookup_expr="gte", label=_("from"))
    date_to = django_filters.DateFilter(field_name="logged_on", lookup_expr="lte", label=_("to"))

    class Meta:
        model = WorkLog
        fields = ["q", "township", "kind", "date_from", "date_to", "posting"]


class MentorshipFilterSet(DuringFilterMixin, ActiveFilterMixin, BaseFilterSet):
    search_fields = ("mentor__name", "mentor__name_initials", "mentee__name", "mentee__name_initials", "goals")
    township = _township("mentee__organization__township")
    active = YesNoFilter(method="filter_active_pair", label=_("active"))
    cadre = _hidden("mentee", _("mentee"))
    during = _during()

    class Meta:
        model = Mentorship
        fields = ["q", "township", "active", "cadre", "during"]

    def filter_active_pair(self, queryset, name, value):
        if value is None:
            return queryset
        today = clock.today()
        active = Q(started_on__lte=today) & (Q(ended_on__isnull=True) | Q(ended_on__gt=today))
        return queryset.filter(active) if value else queryset.exclude(active)


class MentorshipMeetingFilterSet(BaseFilterSet):
    search_fields = ("topic", "notes", "mentorship__mentee__name", "mentorship__mentor__name")
    township = _township("mentorship__mentee__organization__township")
    mentorship = _hidden("mentorship", _("mentoring pair"))

    class Meta:
        model = MentorshipMeeting
        fields = ["q", "township", "mentorship"]


class StudyVisitFilterSet(BaseFilterSet):
    search_fields = ("title", "host__name", "learned")
    township = _township("organization__township")
    year = django_filters.NumberFilter(field_name="visited_on", lookup_expr="year", label=_("year"))
    participant = _hidden("participants", _("participant"))
    visited = django_filters.DateFromToRangeFilter(field_name="visited_on", label=_("visited on"))

    class Meta:
        model = StudyVisit
        fields = ["q", "year", "township", "participant", "visited"]
