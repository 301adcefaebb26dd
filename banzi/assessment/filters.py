"""Filters of the assessment lists, shared by the pages and the API."""
import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from banzi.core.filters import BaseFilterSet, YesNoFilter
from banzi.org.filters import townships

from .models import (
    Assessee,
    Assessment,
    AssessmentGroup,
    Award,
    Consequence,
    EvaluationGroup,
    Grade,
    QuotaApproval,
)

# The assessments whose results count (as the year-end report's figures read them).
RESULT_STATUSES = (Assessment.Status.CONFIRMED, Assessment.Status.PUBLISHED)


def assessments(request):
    user = getattr(request, "user", None)
    return Assessment.objects.visible_to(user) if user is not None else Assessment.objects.none()


class AssessmentFilterSet(BaseFilterSet):
    search_fields = ("title",)
    kind = django_filters.ChoiceFilter(choices=Assessment.Kind.choices, label=_("kind"))
    status = django_filters.ChoiceFilter(choices=Assessment.Status.choices, label=_("status"))
    year = django_filters.NumberFilter(label=_("year"))

    class Meta:
        model = Assessment
        fields = ["q", "kind", "status", "year"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["q"].widget.attrs["placeholder"] = _("Title")


class AssesseeFilterSet(BaseFilterSet):
    search_fields = ("cadre__name", "cadre__name_initials", "unit__name")
    assessment = django_filters.ModelChoiceFilter(queryset=assessments, label=_("assessment"))
    unit = django_filters.ModelChoiceFilter(queryset=townships, label=_("unit"))
    category = django_filters.ChoiceFilter(choices=Assessee.Category.choices, label=_("category"))
    confirmed_grade = django_filters.ChoiceFilter(choices=Grade.choices, label=_("confirmed grade"))
    township = django_filters.ModelChoiceFilter(field_name="unit__township", queryset=townships, label=_("township"))
    ends = django_filters.DateFromToRangeFilter(field_name="assessment__ends_on", label=_("assessment period ends"))
    results = YesNoFilter(method="filter_results", label=_("results confirmed or published"))

    class Meta:
        model = Assessee
        fields = ["q", "assessment", "unit", "category", "confirmed_grade", "township", "ends", "results"]

    def filter_results(self, queryset, name, value):
        if value is None:
            return queryset
        published = Q(assessment__status__in=RESULT_STATUSES)
        return queryset.filter(published) if value else queryset.exclude(published)


class QuotaApprovalFilterSet(BaseFilterSet):
    search_fields = ("document_number", "unit__name")
    assessment = django_filters.ModelChoiceFilter(queryset=assessments, label=_("assessment"))
    unit = django_filters.ModelChoiceFilter(queryset=townships, label=_("unit"))

    class Meta:
        model = QuotaApproval
        fields = ["q", "assessment", "unit"]


class AssessmentGroupFilterSet(BaseFilterSet):
    search_fields = ("name", "leader__name")
    assessment = django_filters.ModelChoiceFilter(queryset=assessments, label=_("assessment"))
    unit = django_filters.ModelChoiceFilter(queryset=townships, field_name="units", label=_("township assessed"))

    class Meta:
        model = AssessmentGroup
        fields = ["q", "assessment", "unit"]


class EvaluationGroupFilterSet(BaseFilterSet):
    search_fields = ("unit__name",)
    assessment = django_filters.ModelChoiceFilter(queryset=assessments, label=_("assessment"))
    unit = django_filters.ModelChoiceFilter(queryset=townships, label=_("unit"))
    kind = django_filters.ChoiceFilter(choices=EvaluationGroup.Kind.choices, label=_("group"))

    class Meta:
        model = EvaluationGroup
        fields = ["q", "assessment", "unit", "kind"]


class AwardFilterSet(BaseFilterSet):
    search_fields = ("assessee__cadre__name", "assessee__cadre__name_initials", "assessee__unit__name", "reason")
    assessment = django_filters.ModelChoiceFilter(queryset=assessments, label=_("assessment"))
    unit = django_filters.ModelChoiceFilter(queryset=townships, field_name="assessee__unit", label=_("unit"))
    kind = django_filters.ChoiceFilter(choices=Award.Kind.choices, label=_("award"))
    status = django_filters.ChoiceFilter(choices=Award.Status.choices, label=_("status"))
    township = django_filters.ModelChoiceFilter(field_name="assessee__unit__township", queryset=townships,
                                                label=_("township"))
    decided = django_filters.DateFromToRangeFilter(field_name="decided_on", label=_("decided on"))

    class Meta:
        model = Award
        fields = ["q", "assessment", "unit", "kind", "status", "township", "decided"]


class ConsequenceFilterSet(BaseFilterSet):
    search_fields = ("assessee__cadre__name", "assessee__cadre__name_initials", "assessee__unit__name", "topic",
                     "note")
    assessment = django_filters.ModelChoiceFilter(queryset=assessments, label=_("assessment"))
    unit = django_filters.ModelChoiceFilter(queryset=townships, field_name="assessee__unit", label=_("unit"))
    kind = django_filters.ChoiceFilter(choices=Consequence.Kind.choices, label=_("consequence"))
    status = django_filters.ChoiceFilter(choices=Consequence.Status.choices, label=_("status"))

    class Meta:
        model = Consequence
        fields = ["q", "assessment", "unit", "kind", "status"]
