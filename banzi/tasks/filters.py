"""Filters of the work-implementation lists, shared by the pages and the API: year, township,
responsible cadre, status, source and the computed state (on track / at risk / overdue / done)."""
import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from banzi.core import clock
from banzi.core.filters import BaseFilterSet, YesNoFilter
from banzi.org.filters import townships
from banzi.org.models import Cadre, Organization

from . import clock13710, metrics
from .models import (
    Bulletin,
    Inspection,
    Milestone,
    Problem,
    ProgressReport,
    SupervisedItem,
    SupervisedReopening,
    SupervisedReport,
    Task,
    TaskReview,
    WorkList,
)

STATE_CHOICES = [
    ("on_track", _("On track")),
    ("at_risk", _("At risk")),
    ("overdue", _("Overdue")),
    ("done", _("Done")),
]
TASK_STATE_CHOICES = [*STATE_CHOICES, ("cancelled", _("Cancelled"))]


def cadres(request):
    user = getattr(request, "user", None)
    return Cadre.objects.visible_to(user).filter(status=Cadre.Status.ACTIVE) if user is not None else Cadre.objects.none()


def _township(lookup):
    return django_filters.ModelChoiceFilter(field_name=lookup, queryset=townships, label=_("township"))


def _responsible(lookup):
    return django_filters.ModelChoiceFilter(field_name=lookup, queryset=cadres, label=_("responsible cadre"))


def _year(lookup):
    return django_filters.NumberFilter(field_name=lookup, label=_("year"))


def _hidden(lookup, label):
    """A filter by a record's id that pages link to (?task=12) but that is not a drop-down of
    thousands of records."""
    return django_filters.NumberFilter(field_name=lookup, label=label, widget=forms.HiddenInput)


def work_lists(request):
    user = getattr(request, "user", None)
    return WorkList.objects.visible_to(user).select_related("cadre") if user is not None else WorkList.objects.none()


def inspections(request):
    user = getattr(request, "user", None)
    return Inspection.objects.visible_to(user) if user is not None else Inspection.objects.none()


def inspecting_organizations(request):
    """Any township or department may inspect; their names are no secret within the county."""
    return Organization.objects.filter(kind__in=[Organization.Kind.COUNTY, Organization.Kind.TOWNSHIP,
                                                 Organization.Kind.DEPARTMENT])


def task_state(task, today=None, at_risk_lag=None):
    """A task's state on the battle map (metrics.task_state): done, on_track, at_risk, overdue or
    cancelled. Pass `at_risk_lag` (metrics.progress_rule()) when asking about many tasks."""
    return metrics.task_state(task, today=today, at_risk_lag=at_risk_lag)


def task_states(tasks, today=None):
    """{task pk: state} of a batch of tasks (their milestones prefetched), the rule read once."""
    lag = metrics.progress_rule()["at_risk_lag"]
    return {task.pk: task_state(task, today=today, at_risk_lag=lag) for task in tasks}


def item_states(items, now=None):
    """{item pk: state} of supervised items on one 13710 clock (the rule and calendar loaded once)."""
    items = list(items)
    batch = clock13710.Clock.for_items(items, now=now)
    return {item.pk: batch.item_state(item) for item in items}


class WorkListFilterSet(BaseFilterSet):
    search_fields = ("cadre__name", "cadre__name_pinyin", "cadre__name_initials", "responsibilities")
    township = _township("organization__township")
    cadre = django_filters.ModelChoiceFilter(queryset=cadres, label=_("team member"))

    class Meta:
        model = WorkList
        fields = ["q", "year", "township", "cadre"]


class TaskFilterSet(BaseFilterSet):
    search_fields = ("title", "target", "measures", "responsible__name", "responsible__name_initials")
    year = _year("deadline__year")
    township = _township("organization__township")
    responsible = _responsible("responsible")
    state = django_filters.ChoiceFilter(choices=TASK_STATE_CHOICES, method="filter_state", label=_("state"))
    work_list = django_filters.ModelChoiceFilter(queryset=work_lists, label=_("work list"))
    deadline = django_filters.DateFromToRangeFilter(field_name="deadline", label=_("deadline"))
    cancelled = YesNoFilter(method="filter_cancelled", label=_("cancelled"))

    class Meta:
        model = Task
        fields = ["q", "year", "township", "responsible", "status", "source", "state", "work_list", "deadline",
                  "cancelled"]

    def filter_cancelled(self, queryset, name, value):
        if value is None:
            return queryset
        cancelled = Q(status=Task.Status.CANCELLED)
        return queryset.filter(cancelled) if value else queryset.exclude(cancelled)

    def filter_state(self, queryset, name, value):
        if not value:
            return queryset
        if value in ("done", "cancelled"):
            return queryset.filter(status=value)
        candidates = queryset.exclude(status__in=[Task.Status.DONE, Task.Status.CANCELLED])
        states = task_states(candidates.select_related(None).prefetch_related("milestones"))
        return queryset.filter(pk__in=[pk for pk, state in states.items() if state == value])


class MilestoneFilterSet(BaseFilterSet):
    search_fields = ("title", "task__title")
    year = _year("due_on__year")
    township = _township("task__organization__township")
    responsible = _responsible("task__responsible")
    done = YesNoFilter(field_name="done_on", lookup_expr="isnull", exclude=True, label=_("done"))
    overdue = YesNoFilter(method="filter_overdue", label=_("overdue"))
    task = _hidden("task", _("task"))

    class Meta:
        model = Milestone
        fields = ["q", "year", "township", "responsible", "task", "done", "overdue"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = {"done_on__isnull": True, "due_on__lt": clock.today()}
        return queryset.filter(**late) if value else queryset.exclude(**late)


class ProgressReportFilterSet(BaseFilterSet):
    search_fields = ("task__title", "narrative", "effect")
    year = _year("reported_on__year")
    township = _township("task__organization__township")
    responsible = _responsible("task__responsible")
    task = _hidden("task", _("task"))

    class Meta:
        model = ProgressReport
        fields = ["q", "year", "township", "responsible", "task"]


class SupervisedItemFilterSet(BaseFilterSet):
    search_fields = ("title", "description", "assigner_name", "assignee__name", "assignee__name_initials")
    year = _year("assigned_at__year")
    township = _township("organization__township")
    responsible = _responsible("assignee")
    state = django_filters.ChoiceFilter(choices=STATE_CHOICES, method="filter_state", label=_("state"))
    closed = django_filters.DateFromToRangeFilter(field_name="closed_at__date", label=_("closed out on"))

    class Meta:
        model = SupervisedItem
        fields = ["q", "year", "township", "responsible", "status", "item_class", "state", "closed"]

    def filter_state(self, queryset, name, value):
        if not value:
            return queryset
        if value == "done":
            return queryset.filter(status__in=[SupervisedItem.Status.DONE, SupervisedItem.Status.CLOSED])
        candidates = queryset.exclude(status__in=[SupervisedItem.Status.DONE, SupervisedItem.Status.CLOSED])
        states = item_states(candidates.select_related(None).prefetch_related("reports"))
        return queryset.filter(pk__in=[pk for pk, state in states.items() if state == value])


class SupervisedReportFilterSet(BaseFilterSet):
    search_fields = ("item__title", "content")
    year = _year("reported_at__year")
    township = _township("item__organization__township")
    responsible = _responsible("item__assignee")
    item = _hidden("item", _("supervised item"))

    class Meta:
        model = SupervisedReport
        fields = ["q", "year", "township", "responsible", "kind", "item"]


class SupervisedReopeningFilterSet(BaseFilterSet):
    search_fields = ("item__title", "reason")
    year = _year("created_at__year")
    township = _township("item__organization__township")
    responsible = _responsible("item__assignee")
    item = _hidden("item", _("supervised item"))

    class Meta:
        model = SupervisedReopening
        fields = ["q", "year", "township", "responsible", "item"]


class InspectionFilterSet(BaseFilterSet):
    search_fields = ("title", "organization__name", "inspecting_organization__name", "leader__name")
    township = _township("organization__township")
    inspecting_organization = django_filters.ModelChoiceFilter(
        queryset=inspecting_organizations, label=_("inspecting organization"))

    class Meta:
        model = Inspection
        fields = ["q", "year", "township", "inspecting_organization"]


class ProblemFilterSet(BaseFilterSet):
    search_fields = ("description", "measures", "source_reference", "responsible__name", "responsible__name_initials")
    year = _year("deadline__year")
    township = _township("organization__township")
    responsible = _responsible("responsible")
    overdue = YesNoFilter(method="filter_overdue", label=_("overdue"))
    inspection = django_filters.ModelChoiceFilter(queryset=inspections, label=_("cross-inspection"))

    class Meta:
        model = Problem
        fields = ["q", "year", "township", "responsible", "status", "source", "overdue", "inspection"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = queryset.exclude(status=Problem.Status.CLOSED).filter(deadline__lt=clock.today())
        return late if value else queryset.exclude(pk__in=late.values("pk"))


class TaskReviewFilterSet(BaseFilterSet):
    search_fields = ("task__title", "gap", "task__responsible__name")
    year = _year("reviewed_on__year")
    township = _township("task__organization__township")
    responsible = _responsible("task__responsible")
    work_list = django_filters.ModelChoiceFilter(field_name="task__work_list", queryset=work_lists,
                                                 label=_("work list"))

    class Meta:
        model = TaskReview
        fields = ["q", "year", "township", "responsible", "outcome", "work_list"]


class ReviewSheetFilterSet(BaseFilterSet):
    """The look-back review sheet: every task of a year, a township or a work list, reviewed or not."""

    search_fields = ("title", "responsible__name", "responsible__name_initials")
    year = _year("deadline__year")
    township = _township("organization__township")
    responsible = _responsible("responsible")
    outcome = django_filters.ChoiceFilter(field_name="review__outcome", choices=TaskReview.Outcome.choices,
                                          label=_("outcome"))
    reviewed = YesNoFilter(field_name="review", lookup_expr="isnull", exclude=True, label=_("reviewed"))
    work_list = django_filters.ModelChoiceFilter(queryset=work_lists, label=_("work list"))

    class Meta:
        model = Task
        fields = ["q", "year", "township", "work_list", "responsible", "outcome", "reviewed"]


class BulletinFilterSet(BaseFilterSet):
    search_fields = ("title", "document_number", "issuing_body")
    year = _year("period_end__year")
    township = _township("organization__township")

    class Meta:
        model = Bulletin
        fields = ["q", "year", "township"]
