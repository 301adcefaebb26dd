"""Filters of the cadre-file lists, shared by the pages and the API: by township, by cadre (?cadre=12,
the link from the cadre's page) and a search box."""
import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from banzi.core.filters import BaseFilterSet
from banzi.org.filters import townships

from .models import (
    CadreProfile,
    EarlierAssessmentResult,
    EducationRecord,
    FamilyMember,
    ResumeEntry,
    RewardPunishment,
)

CADRE_SEARCH = ("cadre__name", "cadre__name_initials")


def _township():
    return django_filters.ModelChoiceFilter(field_name="cadre__organization__township", queryset=townships,
                                            label=_("township"))


def _cadre():
    """A filter by the cadre's id that pages link to (?cadre=12), not a drop-down of thousands."""
    return extend_schema_field(OpenApiTypes.INT)(
        django_filters.NumberFilter(field_name="cadre", label=_("cadre"), widget=forms.HiddenInput))


class CadreProfileFilterSet(BaseFilterSet):
    search_fields = (*CADRE_SEARCH, "birthplace", "professional_title", "speciality")
    township = _township()
    cadre = _cadre()

    class Meta:
        model = CadreProfile
        fields = ["q", "township", "cadre"]


class ResumeEntryFilterSet(BaseFilterSet):
    search_fields = (*CADRE_SEARCH, "text")
    township = _township()
    concurrent = django_filters.BooleanFilter(label=_("concurrent post"), widget=forms.NullBooleanSelect)
    cadre = _cadre()

    class Meta:
        model = ResumeEntry
        fields = ["q", "township", "concurrent", "cadre"]


class EducationRecordFilterSet(BaseFilterSet):
    search_fields = (*CADRE_SEARCH, "school", "major", "degree")
    township = _township()
    cadre = _cadre()

    class Meta:
        model = EducationRecord
        fields = ["q", "township", "kind", "level", "cadre"]


class FamilyMemberFilterSet(BaseFilterSet):
    search_fields = (*CADRE_SEARCH, "relation", "name", "unit_and_post")
    township = _township()
    cadre = _cadre()

    class Meta:
        model = FamilyMember
        fields = ["q", "township", "cadre"]


class RewardPunishmentFilterSet(BaseFilterSet):
    search_fields = (*CADRE_SEARCH, "title", "decided_by", "document_number")
    township = _township()
    cadre = _cadre()

    class Meta:
        model = RewardPunishment
        fields = ["q", "township", "kind", "cadre"]


class EarlierAssessmentResultFilterSet(BaseFilterSet):
    search_fields = (*CADRE_SEARCH, "result")
    township = _township()
    cadre = _cadre()

    class Meta:
        model = EarlierAssessmentResult
        fields = ["q", "township", "year", "cadre"]
