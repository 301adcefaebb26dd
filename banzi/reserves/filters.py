"""Filters of the reserve pool's lists, shared by the pages and the API."""
import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from banzi.core.filters import BaseFilterSet
from banzi.org.filters import townships

from .models import DevelopmentMeasure, ReserveEntry, ReserveReview


def _township(lookup):
    return django_filters.ModelChoiceFilter(field_name=lookup, queryset=townships, label=_("township"))


def _hidden(lookup, label):
    return extend_schema_field(OpenApiTypes.INT)(
        django_filters.NumberFilter(field_name=lookup, label=label, widget=forms.HiddenInput))


class ReserveEntryFilterSet(BaseFilterSet):
    search_fields = ("cadre__name", "cadre__name_pinyin", "cadre__name_initials")
    township = _township("unit__township")
    status = django_filters.ChoiceFilter(choices=ReserveEntry.Status.choices, label=_("status"))
    year = extend_schema_field(OpenApiTypes.INT)(
        django_filters.NumberFilter(method="filter_year", label=_("year")))
    cadre = _hidden("cadre", _("cadre"))

    class Meta:
        model = ReserveEntry
        fields = ["q", "township", "status", "year", "source", "cadre"]

    def filter_year(self, queryset, name, value):
        """Entries nominated, entering or leaving the pool in the year, or in the pool during it."""
        if value is None:
            return queryset
        year = int(value)
        return queryset.filter(
            Q(nominated_on__year=year) | Q(entered_on__year__lte=year) & (Q(exited_on__isnull=True) | Q(exited_on__year__gte=year)))


class ReserveReviewFilterSet(BaseFilterSet):
    search_fields = ("entry__cadre__name", "entry__cadre__name_initials")
    township = _township("entry__unit__township")
    year = django_filters.NumberFilter(label=_("year"))
    conclusion = django_filters.ChoiceFilter(choices=ReserveReview.Conclusion.choices, label=_("conclusion"))
    entry = _hidden("entry", _("reserve cadre entry"))

    class Meta:
        model = ReserveReview
        fields = ["q", "township", "year", "conclusion", "entry"]


class DevelopmentMeasureFilterSet(BaseFilterSet):
    search_fields = ("entry__cadre__name", "entry__cadre__name_initials", "description")
    township = _township("entry__unit__township")
    kind = django_filters.ChoiceFilter(choices=DevelopmentMeasure.Kind.choices, label=_("kind"))
    entry = _hidden("entry", _("reserve cadre entry"))

    class Meta:
        model = DevelopmentMeasure
        fields = ["q", "township", "kind", "entry"]
