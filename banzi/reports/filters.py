"""Filters of the report paragraphs, shared by the page and the API."""
import django_filters
from django.utils.translation import gettext_lazy as _

from banzi.core.filters import BaseFilterSet

from .models import Part, ReportTemplate


class ReportTemplateFilterSet(BaseFilterSet):
    search_fields = ("title", "text", "empty_text")
    part = django_filters.ChoiceFilter(choices=Part.choices, label=_("part"))

    class Meta:
        model = ReportTemplate
        fields = ["q", "part", "is_active"]
