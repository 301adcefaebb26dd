"""Tables of the work-implementation lists (also the columns of their Excel exports). Computed
states come from the battle map's definitions (`metrics.task_state`, the 13710 `clock`), worked
out once per page rather than once per row."""
import django_tables2 as tables
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from banzi.core import clock
from banzi.core.tables import BaseTable
from banzi.core.workdays import Calendar

from . import clock13710, metrics
from .filters import task_state
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

STATE_LABELS = {
    "done": _("Done"),
    "on_track": _("On track"),
    "at_risk": _("At risk"),
    "overdue": _("Overdue"),
    "cancelled": _("Cancelled"),
}
STATE_COLOURS = {"done": "blue", "on_track": "green", "at_risk": "yellow", "overdue": "red", "cancelled": "secondary"}


def state_badge(state):
    if not state:
        return "—"
    return format_html('<span class="badge bg-{}-lt" data-state="{}">{}</span>', STATE_COLOURS.get(state, "secondary"),
                       state, STATE_LABELS.get(state, state))


def clock_for(queryset, now=None):
    """One 13710 clock for every item of a list: the rule read once and the calendar loaded once,
    for the span of years the items' stages reach (two queries, however many rows)."""
    now = now or clock.now()
    span = queryset.order_by().aggregate(first=Min("assigned_at"), last=Max("assigned_at"),
                                         timetable=Max("timetable_due_on"))
    this_year = clock.local_date(now).year
    first = clock.local_date(span["first"]).year if span["first"] else this_year
    last = max(this_year, clock.local_date(span["last"]).year if span["last"] else this_year,
               span["timetable"].year if span["timetable"] else this_year)
    return clock13710.Clock(values=clock13710.rule(), calendar=Calendar.load(min(first, this_year), last + 1), now=now)


class TaskStateColumn(tables.Column):
    """A task's state on the battle map: done, on track, at risk or overdue."""

    def __init__(self, **kwargs):
        kwargs.setdefault("verbose_name", _("state"))
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("empty_values", ())
        super().__init__(accessor="pk", **kwargs)

    @staticmethod
    def state(record, table):
        # The rule is read once per table, not once per row.
        if getattr(table, "_at_risk_lag", None) is None:
            table._at_risk_lag = metrics.progress_rule()["at_risk_lag"]
        return task_state(record, at_risk_lag=table._at_risk_lag)

    def render(self, record, table):
        return state_badge(self.state(record, table))

    def value(self, record, table):
        return str(STATE_LABELS.get(self.state(record, table), ""))


class WorkListTable(BaseTable):
    cadre = tables.Column(linkify=lambda record: record.get_absolute_url())
    organization = tables.Column(linkify=True)
    task_count = tables.Column(verbose_name=_("tasks"), orderable=False)

    class Meta(BaseTable.Meta):
        model = WorkList
        fields = ("year", "cadre", "organization", "responsibilities", "task_count")


class TaskTable(BaseTable):
    title = tables.Column(linkify=True)
    organization = tables.Column(linkify=True)
    responsible = tables.Column(linkify=True)
    progress = tables.Column(attrs={"td": {"class": "text-end"}})
    state = TaskStateColumn()

    class Meta(BaseTable.Meta):
        model = Task
        fields = ("title", "organization", "responsible", "source", "start_on", "deadline", "status", "progress",
                  "state", "last_reported_on")

    def render_progress(self, value):
        return f"{value}%"


class MilestoneTable(BaseTable):
    title = tables.Column(linkify=True)
    task = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Milestone
        fields = ("title", "task", "due_on", "done_on", "days_before_deadline", "weight")


class ProgressReportTable(BaseTable):
    reported_on = tables.Column(linkify=True)
    task = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = ProgressReport
        fields = ("reported_on", "task", "percent", "narrative", "effect")


class SupervisedItemTable(BaseTable):
    title = tables.Column(linkify=True)
    organization = tables.Column(linkify=True)
    assignee = tables.Column(linkify=True)
    assigned_at = tables.DateTimeColumn(format="Y-m-d H:i")
    due = tables.Column(accessor="pk", verbose_name=_("due to be done"), orderable=False, empty_values=())
    state = tables.Column(accessor="pk", verbose_name=_("state"), orderable=False, empty_values=())

    class Meta(BaseTable.Meta):
        model = SupervisedItem
        fields = ("title", "item_class", "organization", "assignee", "assigner_name", "assigned_at", "due", "status",
                  "state")

    def _clock(self):
        if getattr(self, "_item_clock", None) is None:
            self._item_clock = clock_for(self.data.data)
        return self._item_clock

    def _state(self, record):
        return self._clock().item_state(record)

    def render_state(self, record):
        return state_badge(self._state(record))

    def value_state(self, record):
        return str(STATE_LABELS.get(self._state(record), ""))

    def render_due(self, record):
        return timezone.localtime(self._clock().deadline(record)).strftime("%Y-%m-%d %H:%M")

    def value_due(self, record):
        return self.render_due(record)


class SupervisedReportTable(BaseTable):
    reported_at = tables.DateTimeColumn(linkify=True, format="Y-m-d H:i")
    item = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = SupervisedReport
        fields = ("reported_at", "item", "kind", "percent", "content")


class SupervisedReopeningTable(BaseTable):
    created_at = tables.DateTimeColumn(linkify=True, format="Y-m-d H:i", verbose_name=_("reopened at"))
    previous_closed_at = tables.DateTimeColumn(format="Y-m-d H:i")
    item = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = SupervisedReopening
        fields = ("created_at", "item", "reason", "previous_closed_at")


class InspectionTable(BaseTable):
    title = tables.Column(linkify=True)
    organization = tables.Column(linkify=True)
    leader = tables.Column(linkify=True)
    finding_count = tables.Column(verbose_name=_("findings"), orderable=False)

    class Meta(BaseTable.Meta):
        model = Inspection
        fields = ("title", "year", "inspecting_organization", "organization", "leader", "start_on", "end_on",
                  "finding_count")


class ProblemTable(BaseTable):
    description = tables.Column(linkify=True)
    organization = tables.Column(linkify=True)
    responsible = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Problem
        fields = ("description", "organization", "source", "responsible", "measures", "deadline", "status")

    def render_description(self, value):
        return value if len(value) <= 60 else f"{value[:60]}…"


class TaskReviewTable(BaseTable):
    task = tables.Column(linkify=lambda record: record.get_absolute_url())
    responsible = tables.Column(accessor="task__responsible", verbose_name=_("responsible cadre"))
    problem = tables.Column(accessor="pk", verbose_name=_("problem"), orderable=False, empty_values=())

    class Meta(BaseTable.Meta):
        model = TaskReview
        fields = ("task", "responsible", "outcome", "gap", "reviewed_on", "problem")

    def render_problem(self, record):
        problem = _related(record, "problem")
        if problem is None:
            return "—"
        return format_html('<a href="{}">{}</a>', problem.get_absolute_url(), problem.get_status_display())

    def value_problem(self, record):
        problem = _related(record, "problem")
        return problem.get_status_display() if problem else ""


def _related(record, name):
    """A reverse one-to-one (a task's review, a review's problem), or None when there is none."""
    try:
        return getattr(record, name)
    except ObjectDoesNotExist:
        return None


class ReviewSheetTable(BaseTable):
    """The look-back review sheet (回头看): each task with its target, progress, outcome, gap and the
    problem the gap became, with its responsible cadre and deadline."""

    cadre = tables.Column(accessor="work_list__cadre", verbose_name=_("team member"), default="")
    title = tables.Column(linkify=True)
    responsible = tables.Column()
    outcome = tables.Column(accessor="review__outcome", verbose_name=_("outcome"), default="")
    gap = tables.Column(accessor="review__gap", verbose_name=_("gap"), default="")
    problem_responsible = tables.Column(accessor="review__problem__responsible",
                                        verbose_name=_("responsible for the gap"), default="")
    problem_deadline = tables.Column(accessor="review__problem__deadline", verbose_name=_("rectification deadline"),
                                     default="")
    problem_status = tables.Column(accessor="review__problem__status", verbose_name=_("rectification status"),
                                   default="")

    class Meta(BaseTable.Meta):
        model = Task
        fields = ("cadre", "title", "responsible", "target", "deadline", "status", "progress", "outcome", "gap",
                  "problem_responsible", "problem_deadline", "problem_status")
        empty_text = _("No tasks match. Change the year, township or work list.")

    def render_outcome(self, record):
        review = _review(record)
        return review.get_outcome_display() if review else "—"

    def value_outcome(self, record):
        review = _review(record)
        return review.get_outcome_display() if review else ""

    def render_problem_status(self, record):
        problem = _review_problem(record)
        if problem is None:
            return "—"
        return format_html('<a href="{}">{}</a>', problem.get_absolute_url(), problem.get_status_display())

    def value_problem_status(self, record):
        problem = _review_problem(record)
        return problem.get_status_display() if problem else ""

    def render_progress(self, value):
        return f"{value}%"


def _review(task):
    return _related(task, "review")


def _review_problem(task):
    review = _review(task)
    return _related(review, "problem") if review is not None else None


class BulletinTable(BaseTable):
    title = tables.Column(linkify=True)
    organization = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Bulletin
        fields = ("title", "organization", "period_start", "period_end", "issuing_body", "document_number",
                  "issued_on")
