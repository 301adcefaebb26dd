"""Filters of the overnight duty and attendance lists, shared by the pages and the API."""
import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from banzi.core.filters import BaseFilterSet
from banzi.org.filters import townships
from banzi.org.models import Cadre

from .models import AttendanceRecord, DutyCheckIn, DutyRoster, DutyShift, DutySwap, SpotCheck


def cadres(request):
    user = getattr(request, "user", None)
    return Cadre.objects.visible_to(user).filter(status=Cadre.Status.ACTIVE) if user is not None else Cadre.objects.none()


def _township(lookup):
    return django_filters.ModelChoiceFilter(field_name=lookup, queryset=townships, label=_("township"))


def _date_range(lookup):
    return django_filters.DateFromToRangeFilter(field_name=lookup, label=_("date"))


class DutyRosterFilterSet(BaseFilterSet):
    search_fields = ("township__name", "notes")
    township = _township("township")

    class Meta:
        model = DutyRoster
        fields = ["township", "year", "month", "status"]


class DutyShiftFilterSet(BaseFilterSet):
    search_fields = ("leader__name", "leader__name_initials", "staff__name", "staff__name_initials")
    township = _township("roster__township")
    date = _date_range("date")
    cadre = django_filters.ModelChoiceFilter(queryset=cadres, label=_("cadre on duty"), method="on_duty")
    roster = django_filters.NumberFilter(field_name="roster", label=_("duty roster"), widget=forms.HiddenInput)

    class Meta:
        model = DutyShift
        fields = ["township", "roster", "date", "cadre"]

    def on_duty(self, queryset, name, value: int):  # the type tells the API schema: a cadre id
        return queryset.filter(Q(leader=value) | Q(staff=value)) if value else queryset


class DutySwapFilterSet(BaseFilterSet):
    search_fields = ("requested_by__name", "requested_by__name_initials", "replacement__name", "reason")
    township = _township("shift__roster__township")
    date = _date_range("shift__date")

    class Meta:
        model = DutySwap
        fields = ["township", "status", "date"]


class DutyCheckInFilterSet(BaseFilterSet):
    search_fields = ("cadre__name", "cadre__name_initials", "location")
    township = _township("shift__roster__township")
    date = _date_range("shift__date")

    class Meta:
        model = DutyCheckIn
        fields = ["township", "date"]


class SpotCheckFilterSet(BaseFilterSet):
    search_fields = ("cadre__name", "cadre__name_initials", "notes")
    township = _township("township")
    cadre = django_filters.ModelChoiceFilter(queryset=cadres, label=_("cadre"))
    date = _date_range("duty_date")

    class Meta:
        model = SpotCheck
        fields = ["township", "cadre", "method", "result", "date"]


class AttendanceRecordFilterSet(BaseFilterSet):
    search_fields = ("cadre__name", "cadre__name_initials", "note")
    township = _township("organization__township")
    cadre = django_filters.ModelChoiceFilter(queryset=cadres, label=_("cadre"))
    date = _date_range("date")

    class Meta:
        model = AttendanceRecord
        fields = ["township", "cadre", "status", "date"]
