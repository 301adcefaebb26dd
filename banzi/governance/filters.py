"""Filters of the governance lists, shared by the pages and the API: year, township, organization,
meeting kind, item category and outcome."""
import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from banzi.core.filters import BaseFilterSet
from banzi.org.filters import townships
from banzi.org.models import Organization

from .models import AgendaItem, Meeting, MeetingKind, OrgLifeRule


def organizations(request):
    user = getattr(request, "user", None)
    return Organization.objects.visible_to(user).exclude(kind=Organization.Kind.COUNTY) if user is not None \
        else Organization.objects.none()


class MeetingFilterSet(BaseFilterSet):
    search_fields = ("topic", "organization__name", "chair__name", "chair__name_initials")
    year = django_filters.NumberFilter(field_name="held_on__year", label=_("year"))
    township = django_filters.ModelChoiceFilter(field_name="organization__township", queryset=townships,
                                                label=_("township"))
    organization = django_filters.ModelChoiceFilter(queryset=organizations, label=_("organization"))
    kind = django_filters.ChoiceFilter(choices=MeetingKind.choices, label=_("kind"))
    held = django_filters.DateFromToRangeFilter(field_name="held_on", label=_("held on"))

    class Meta:
        model = Meeting
        fields = ["q", "year", "township", "organization", "kind", "held"]


class AgendaItemFilterSet(BaseFilterSet):
    search_fields = ("title", "description", "meeting__topic")
    year = django_filters.NumberFilter(field_name="meeting__held_on__year", label=_("year"))
    township = django_filters.ModelChoiceFilter(field_name="meeting__organization__township", queryset=townships,
                                                label=_("township"))
    meeting = django_filters.NumberFilter(field_name="meeting", label=_("meeting"), widget=forms.HiddenInput)
    major = django_filters.BooleanFilter(method="filter_major", label=_("major matter"), widget=forms.Select(
        choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))]))

    class Meta:
        model = AgendaItem
        fields = ["q", "year", "township", "category", "outcome", "major", "meeting"]

    def filter_major(self, queryset, name, value):
        if value is None:
            return queryset
        ordinary = AgendaItem.Category.ORDINARY
        return queryset.exclude(category=ordinary) if value else queryset.filter(category=ordinary)


class OrgLifeRuleFilterSet(BaseFilterSet):
    search_fields = ()

    class Meta:
        model = OrgLifeRule
        fields = ["organization_kind", "meeting_kind", "frequency", "is_active"]
