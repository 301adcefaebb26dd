"""Filters of the study lists, shared by the pages and the API. A personal study record is found
by person and period only: its material and note are never searchable by anyone but its cadre."""
import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from banzi.core.filters import BaseFilterSet, YesNoFilter
from banzi.org.filters import townships
from banzi.org.models import Cadre

from .models import (
    LeadDuty,
    LeadDutyEvidence,
    LeadDutyRecord,
    StudyAttendance,
    StudyKind,
    StudyRecord,
    StudySession,
)


def cadres(request):
    user = getattr(request, "user", None)
    return Cadre.objects.visible_to(user).filter(status=Cadre.Status.ACTIVE) if user is not None else Cadre.objects.none()


def _township(lookup):
    return django_filters.ModelChoiceFilter(field_name=lookup, queryset=townships, label=_("township"))


def _year(lookup):
    return django_filters.NumberFilter(field_name=lookup, label=_("year"))


def _hidden(lookup, label):
    return django_filters.NumberFilter(field_name=lookup, label=label, widget=forms.HiddenInput)


class StudySessionFilterSet(BaseFilterSet):
    search_fields = ("topic", "materials", "lecturer__name", "lecturer_name", "organization__name")
    year = _year("held_on__year")
    month = django_filters.NumberFilter(field_name="held_on__month", label=_("month"))
    township = _township("organization__township")
    organization = _hidden("organization", _("organization"))
    kind = django_filters.ChoiceFilter(choices=StudyKind.choices, label=_("kind"))
    lecturer = _hidden("lecturer", _("lecturer"))
    held = django_filters.DateFromToRangeFilter(field_name="held_on", label=_("held on"))

    class Meta:
        model = StudySession
        fields = ["q", "year", "month", "township", "kind", "organization", "lecturer", "held"]


class StudyAttendanceFilterSet(BaseFilterSet):
    search_fields = ("cadre__name", "cadre__name_initials", "session__topic")
    year = _year("session__held_on__year")
    township = _township("session__organization__township")
    status = django_filters.ChoiceFilter(choices=StudyAttendance.Status.choices, label=_("attendance"))
    role = django_filters.ChoiceFilter(choices=StudyAttendance.AttendanceRole.choices, label=_("role"))
    session = _hidden("session", _("group study session"))
    cadre = _hidden("cadre", _("cadre"))
    held = django_filters.DateFromToRangeFilter(field_name="session__held_on", label=_("held on"))

    class Meta:
        model = StudyAttendance
        fields = ["q", "year", "township", "status", "role", "session", "cadre", "held"]


class StudyRecordFilterSet(BaseFilterSet):
    search_fields = ("cadre__name", "cadre__name_initials")
    year = _year("studied_on__year")
    month = django_filters.NumberFilter(field_name="studied_on__month", label=_("month"))
    township = _township("cadre__organization__township")
    cadre = django_filters.ModelChoiceFilter(queryset=cadres, label=_("cadre"))

    class Meta:
        model = StudyRecord
        fields = ["q", "year", "month", "township", "cadre"]


class LeadDutyFilterSet(BaseFilterSet):
    search_fields = ("name", "description")
    is_active = YesNoFilter(label=_("active"))

    class Meta:
        model = LeadDuty
        fields = ["q", "is_active"]


class LeadDutyRecordFilterSet(BaseFilterSet):
    search_fields = ("cadre__name", "cadre__name_initials", "description", "duty__name")
    year = _year("done_on__year")
    township = _township("cadre__organization__township")
    duty = django_filters.ModelChoiceFilter(queryset=LeadDuty.objects.all(), label=_("lead-by-example duty"))
    cadre = _hidden("cadre", _("leader"))

    class Meta:
        model = LeadDutyRecord
        fields = ["q", "year", "township", "duty", "cadre"]


class LeadDutyEvidenceFilterSet(BaseFilterSet):
    search_fields = ("caption", "record__cadre__name", "record__duty__name")
    record = _hidden("record", _("lead-by-example record"))

    class Meta:
        model = LeadDutyEvidence
        fields = ["q", "record"]


