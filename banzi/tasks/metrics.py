"""Read-only figures of work implementation, computed from records in the user's scope: task
states, the implementation rate (done on time ÷ due), on-time rates per township and per person,
overdue items, problems opened and closed, the battle-map data and the dashboard's cards and to-dos.

A task or a supervised item becomes an `Entry` (start, deadline, progress, state, milestones); the
battle map, the bulletins and the reminders all read entries, so a figure means the same everywhere.
`collect()` builds them in a fixed number of queries whatever the number of rows: the rows with
their milestones and reports prefetched, the rules once and the working-day calendar once.

The battle map and the dashboard do not build an entry per record: `summary()` has the database
count the same figures per township, per person or in all (see "figures in SQL" below), and
`listed_entries()` builds entries only for what a page lists. A township or a person with less than
a page of work (`few_entries()`) has its figures counted from the entries its page lists anyway,
read as plain values: fewer queries, and none of the grouped ones to build.
"""
import copy
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from functools import reduce

from django.db.models import (
    Case,
    Count,
    DateField,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Mod, TruncDate
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from banzi.core import clock, metrics, rules
from banzi.core.roles import BUSINESS, has_role
from banzi.core.scoping import sees_everything
from banzi.org.models import Cadre, Organization, TeamMembership

from . import clock13710
from .models import Milestone, Problem, SupervisedItem, SupervisedReport, Task

PROGRESS_RULE = "tasks.progress"
rules.register(
    PROGRESS_RULE,
    # A task is at risk when its progress lags the straight line from start to deadline by more
    # than this many points; reminders go out this many working days before a deadline.
    {"at_risk_lag": 20, "remind_working_days": 1},
    gettext_lazy("Task progress and reminders"),
    fields={
        "at_risk_lag": gettext_lazy("At risk when progress lags the schedule by more than (points)"),
        "remind_working_days": gettext_lazy("Remind this many working days before a deadline"),
    },
)

DONE, ON_TRACK, AT_RISK, OVERDUE, CANCELLED = "done", "on_track", "at_risk", "overdue", "cancelled"
# The traffic lights of the battle map, in the order they are shown.
STATES = {
    ON_TRACK: (gettext_lazy("On track"), "#2fb344"),
    AT_RISK: (gettext_lazy("At risk"), "#f59f00"),
    OVERDUE: (gettext_lazy("Overdue"), "#d63939"),
    DONE: (gettext_lazy("Done"), "#206bc4"),
    CANCELLED: (gettext_lazy("Cancelled"), "#9aa0ac"),
}
TARGET_RATE = 100
# How many entries of each to-do the home page names, and overdue entries the county map lists.
ITEMS_SHOWN = 8
COUNTY_ITEMS_SHOWN = 200
# How many entries the battle map lists at each level (the figures always count every entry): the
# county lists overdue entries only; a township or a person all of theirs, up to a page's worth.
ITEMS_SHOWN_AT = {"county": COUNTY_ITEMS_SHOWN, "township": 500, "person": 500}



def state_label(state):
    return str(STATES[state][0])


def state_colour(state):
    return STATES[state][1]


def progress_rule():
    return rules.get(PROGRESS_RULE)


# --- tasks -------------------------------------------------------------------------------------

def expected_progress(task, today):
    """Where the task should be on the straight line from its start to its deadline (0–100)."""
    if today <= task.start_on:
        return 0
    span = (task.deadline - task.start_on).days
    if span <= 0 or today >= task.deadline:
        return 100
    return round(100 * (today - task.start_on).days / span)


def milestone_state(milestone, today):
    if milestone.done_on:
        return clock13710.DONE if milestone.done_on <= milestone.due_on else clock13710.DONE_LATE
    return clock13710.OVERDUE if milestone.due_on < today else clock13710.PENDING


def task_state(task, today=None, at_risk_lag=None):
    """"done", "on_track", "at_risk" or "overdue" ("cancelled" for a cancelled task).

    At risk: a milestone is past its date, or the progress lags the straight line from start to
    deadline by more than the rule's `at_risk_lag` points. Reads `task.milestones.all()`, so
    prefetch milestones when asking about many tasks, and pass `at_risk_lag` to skip the rule read.
    """
    if task.status == Task.Status.CANCELLED:
        return CANCELLED
    if task.status == Task.Status.DONE:
        return DONE
    today = today or clock.today()
    if today > task.deadline:
        return OVERDUE
    if any(m.done_on is None and m.due_on < today for m in task.milestones.all()):
        return AT_RISK
    lag = progress_rule()["at_risk_lag"] if at_risk_lag is None else at_risk_lag
    if expected_progress(task, today) - task.progress > lag:
        return AT_RISK
    return ON_TRACK


# --- entries -----------------------------------------------------------------------------------

@dataclass
class Entry:
    """A task or a supervised item as the battle map and bulletins see it."""

    kind: str  # "task" or "supervised"
    obj: object
    title: str
    township_id: int | None
    township: str
    organization: str
    person_id: int
    person: str
    post: str
    start: datetime.date
    deadline: datetime.date
    done_on: datetime.date | None
    progress: int
    state: str
    milestones: list = field(default_factory=list)
    target: str = ""
    effect: str = ""
    warnings: list = field(default_factory=list)
    deadline_at: datetime.datetime | None = None

    @property
    def is_done(self):
        return self.state == DONE

    @property
    def on_time(self):
        return self.done_on is not None and self.done_on <= self.deadline

    @property
    def state_label(self):
        return state_label(self.state)

    @property
    def url(self):
        try:
            return self.obj.get_absolute_url()
        except NoReverseMatch:
            return None

    def is_due(self, start, end, today):
        """Whether the entry counts in the implementation rate of the period [start, end] as of today:
        its deadline falls in the period and has passed, or it is already done."""
        if self.state == CANCELLED or not (start <= self.deadline <= end):
            return False
        return self.is_done or self.deadline < today


def _township(org):
    township = org.township if org.township_id else None
    return (township.pk, township.name) if township else (None, "")


def task_entry(task, today, lag):
    """The entry of a `TaskRow` (see `task_rows`)."""
    state = task_state(task, today, lag)
    milestones = [
        {"title": m.title, "due": m.due_on, "done": m.done_on, "state": milestone_state(m, today)}
        for m in task.milestones.all()
    ]
    return Entry(
        kind="task", obj=task, title=task.title, township_id=task.township_id, township=task.township_name or "",
        organization=task.organization_name, person_id=task.responsible_id, person=task.responsible_name,
        post=task.responsible_post, start=task.start_on, deadline=task.deadline,
        done_on=task.completed_on if state == DONE else None,
        progress=100 if state == DONE else task.progress, state=state, milestones=milestones,
        target=task.target, effect=task.latest_effect,
    )


def item_entry(item, item_clock):
    township_id, township = _township(item.organization)
    stages = item_clock.stages(item)
    state = item_clock.item_state(item, stages)
    done_stage = next(s for s in stages if s.name == "done")
    milestones = [
        {"title": s.label, "due": s.due_on, "done": clock.local_date(s.done_at) if s.done_at else None,
         "state": s.state}
        for s in stages if s.due_at is not None and s.name != "done"
    ]
    return Entry(
        kind="supervised", obj=item, title=item.title, township_id=township_id, township=township,
        organization=item.organization.name, person_id=item.assignee_id, person=item.assignee.name,
        post=item.assignee.post, start=clock.local_date(item.assigned_at), deadline=done_stage.due_on,
        done_on=clock.local_date(done_stage.done_at) if done_stage.done_at else None,
        progress=100 if state == DONE else clock13710.latest_percent(item), state=state,
        milestones=milestones, target=item.description, warnings=item_clock.warnings(item, stages),
        deadline_at=done_stage.due_at,
    )


@dataclass
class Period:
    start: datetime.date
    end: datetime.date

    @classmethod
    def year(cls, year):
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    def task_filter(self):
        """Tasks alive at some time in the period (open tasks from earlier years stay on the map)."""
        open_task = ~Q(status__in=(Task.Status.DONE, Task.Status.CANCELLED))
        return Q(start_on__lte=self.end) & (
            Q(deadline__gte=self.start) | Q(completed_on__gte=self.start) | open_task
        )

    def item_filter(self):
        start = timezone.make_aware(datetime.datetime.combine(self.start, datetime.time.min))
        end = timezone.make_aware(datetime.datetime.combine(self.end, datetime.time.max))
        return Q(assigned_at__lte=end) & (Q(closed_at__isnull=True) | Q(closed_at__gte=start))


# Open work of any year (the dashboard's overdue list): a period wider than any record.
ALL_TIME = Period(datetime.date(1970, 1, 1), datetime.date(2999, 12, 31))


class TaskRow:
    """A task read as plain values with its milestones: what an entry needs, without building model
    instances (on a province's worth of tasks that is most of the time). `task_state` reads it like
    a task: `milestones.all()` gives the milestones."""

    __slots__ = ("pk", "title", "start_on", "deadline", "status", "completed_on", "progress", "target",
                 "latest_effect", "organization_id", "organization_name", "township_id", "township_name",
                 "responsible_id", "responsible_name", "responsible_post", "milestones")

    def __init__(self, values, milestones):
        for name, value in zip(self.__slots__, values, strict=False):
            setattr(self, name, value)
        self.milestones = milestones

    def get_absolute_url(self):
        return reverse("tasks:task_detail", args=[self.pk])


class MilestoneRow:
    __slots__ = ("title", "due_on", "done_on")

    def __init__(self, title, due_on, done_on):
        self.title, self.due_on, self.done_on = title, due_on, done_on


class _Rows(list):
    """Rows read like a related manager: `all()` gives them."""

    def all(self):
        return self


TASK_COLUMNS = ("pk", "title", "start_on", "deadline", "status", "completed_on", "progress", "target",
                "latest_effect", "organization_id", "organization__name", "organization__township_id",
                "organization__township__name", "responsible_id", "responsible__name", "responsible__post")


def task_rows(tasks):
    """The tasks of a (scoped, filtered) queryset as `TaskRow`s, in two queries (a sliced queryset
    keeps its order and slice)."""
    if tasks.query.is_sliced:
        # A page of tasks: their milestones by id (a sliced subquery is planned badly by PostgreSQL).
        rows = list(tasks.values_list(*TASK_COLUMNS))
        chosen = Milestone.objects.filter(task__in=[values[0] for values in rows])
    else:
        rows, chosen = None, Milestone.objects.filter(task__in=tasks.values("pk"))
    milestones = defaultdict(_Rows)
    for task_id, title, due_on, done_on in (
        chosen.order_by("due_on", "pk").values_list("task_id", "title", "due_on", "done_on")
    ):
        milestones[task_id].append(MilestoneRow(title, due_on, done_on))
    if rows is None:
        rows = tasks.order_by().values_list(*TASK_COLUMNS)
    return [TaskRow(values, milestones.get(values[0]) or _Rows()) for values in rows]


class _Place:
    """An organization or a cadre as an entry reads it (`_township`, `item_entry`)."""

    __slots__ = ("pk", "name", "post", "township_id", "township")

    def __init__(self, pk, name, post="", township_id=None, township=None):
        self.pk, self.name, self.post, self.township_id, self.township = pk, name, post, township_id, township


class ReportRow:
    """A supervised item's report as an entry and the clock read it."""

    __slots__ = ("pk", "kind", "reported_at", "percent")

    def __init__(self, pk, kind, reported_at, percent):
        self.pk, self.kind, self.reported_at, self.percent = pk, kind, reported_at, percent


class ItemRow:
    """A supervised item read as plain values with its reports: what an entry and the 13710 clock
    read of it, without building model instances (see `TaskRow`)."""

    __slots__ = ("pk", "title", "description", "item_class", "status", "assigned_at", "deployed_at",
                 "first_report_at", "done_at", "closed_at", "timetable_due_on", "organization_id", "assignee_id",
                 "organization", "assignee", "reports")
    Status, ItemClass = SupervisedItem.Status, SupervisedItem.ItemClass

    def __init__(self, values, reports):
        (self.pk, self.title, self.description, self.item_class, self.status, self.assigned_at, self.deployed_at,
         self.first_report_at, self.done_at, self.closed_at, self.timetable_due_on, self.organization_id,
         organization_name, township_id, township_name, self.assignee_id, assignee_name, assignee_post) = values
        township = _Place(township_id, township_name) if township_id else None
        self.organization = _Place(self.organization_id, organization_name, township_id=township_id, township=township)
        self.assignee = _Place(self.assignee_id, assignee_name, assignee_post)
        self.reports = reports

    @property
    def is_closed(self):
        return self.status == SupervisedItem.Status.CLOSED

    def get_absolute_url(self):
        return reverse(SupervisedItem.url_name("detail"), args=[self.pk])


ITEM_COLUMNS = ("pk", "title", "description", "item_class", "status", "assigned_at", "deployed_at", "first_report_at",
                "done_at", "closed_at", "timetable_due_on", "organization_id", "organization__name",
                "organization__township_id", "organization__township__name", "assignee_id", "assignee__name",
                "assignee__post")


def item_rows(rows):
    """`ItemRow`s of rows of `ITEM_COLUMNS` values, their reports read in one query."""
    reports = defaultdict(_Rows)
    if rows:
        chosen = SupervisedReport.objects.filter(item__in=[values[0] for values in rows])
        for item_id, *values in chosen.order_by("-reported_at", "-pk").values_list(
                "item_id", "pk", "kind", "reported_at", "percent"):
            reports[item_id].append(ReportRow(*values))
    return [ItemRow(values, reports.get(values[0]) or _Rows()) for values in rows]


# Only the columns an entry reads: on a province's worth of rows, building model instances and
# converting timestamps nobody reads is most of the time.
_PLACE = ("organization__name", "organization__township_id", "organization__township__name")


def item_queryset(user):
    return (
        SupervisedItem.objects.visible_to(user)
        .select_related("organization__township", "assignee")
        .only("title", "description", "item_class", "status", "assigned_at", "deployed_at", "first_report_at",
              "done_at", "closed_at", "timetable_due_on", "assigned_by_id", "organization_id", "assignee_id",
              "assignee__name", "assignee__post", *_PLACE)
        .prefetch_related(Prefetch("reports", queryset=SupervisedReport.objects.only(
            "pk", "item_id", "kind", "reported_at", "percent")))
    )


def county_filter(county, prefix="organization"):
    """Records of one county: its townships and villages, and its own departments and enterprises."""
    return (Q(**{f"{prefix}__township__parent": county}) | Q(**{prefix: county})
            | Q(**{f"{prefix}__parent": county, f"{prefix}__township__isnull": True}))


def scope_filter(township=None, cadre=None, county=None, *, task=True):
    """The filter for a person's, a township's or a county's entries; with none of them, everything
    the user sees (the county level of a one-county installation)."""
    if cadre is not None:
        return Q(responsible=cadre) if task else Q(assignee=cadre)
    if township is not None:
        return Q(organization__township=township)
    if county is not None:
        return county_filter(county)
    return Q()


def collect(user, period, *, township=None, cadre=None, county=None, today=None, now=None):
    """Every task and supervised item in the scope alive during the period, as entries, in a fixed
    number of queries."""
    now = now or clock.now()
    today = today or clock.local_date(now)
    lag = progress_rule()["at_risk_lag"]
    tasks = task_rows(Task.objects.visible_to(user).filter(period.task_filter(), scope_filter(township, cadre, county)))
    items = list(item_queryset(user).filter(period.item_filter(), scope_filter(township, cadre, county, task=False)))
    item_clock = clock13710.Clock.for_items(items, now=now, at_risk_lag=lag)
    entries = [task_entry(t, today, lag) for t in tasks]
    entries += [item_entry(i, item_clock) for i in items]
    entries.sort(key=lambda e: (e.deadline, e.kind, e.obj.pk))
    return entries


# --- rates -------------------------------------------------------------------------------------

@dataclass
class Rate:
    """Done on time out of due; `percent` is None when nothing was due."""

    due: int = 0
    on_time: int = 0

    @property
    def percent(self):
        return None if not self.due else round(100 * self.on_time / self.due, 1)

    def display(self):
        value = self.percent
        return "—" if value is None else f"{value:g}%"

    def as_dict(self):
        return {"due": self.due, "on_time": self.on_time, "percent": self.percent, "target": TARGET_RATE}


def implementation_rate(entries, period, today):
    """The implementation rate: entries done on time ÷ entries due in the period (as of today)."""
    rate = Rate()
    for entry in entries:
        if entry.is_due(period.start, period.end, today):
            rate.due += 1
            rate.on_time += entry.on_time
    return rate


def state_counts(entries):
    counts = dict.fromkeys(STATES, 0)
    for entry in entries:
        counts[entry.state] += 1
    return counts


def average_progress(entries):
    live = [e.progress for e in entries if e.state != CANCELLED]
    return round(sum(live) / len(live)) if live else None


def overdue(entries):
    return [e for e in entries if e.state == OVERDUE]


def group_by(entries, key):
    groups = defaultdict(list)
    for entry in entries:
        groups[key(entry)].append(entry)
    return groups


def rates_by(entries, key, period, today):
    """{group key: Rate} — the on-time rate per township (key: township_id) or per person."""
    return {k: implementation_rate(v, period, today) for k, v in group_by(entries, key).items()}


def ranked(rows):
    """Rows (dicts with a "rate" Rate) ranked by on-time rate, best first; rows with nothing due
    last. Equal rates share a rank."""
    rows = sorted(rows, key=lambda r: (r["rate"].percent is None, -(r["rate"].percent or 0), r["name"]))
    rank, previous = 0, object()
    for position, row in enumerate(rows, start=1):
        if row["rate"].percent is None:
            row["rank"] = None
            continue
        if row["rate"].percent != previous:
            rank, previous = position, row["rate"].percent
        row["rank"] = rank
    return rows


# --- figures in SQL ----------------------------------------------------------------------------
# The battle map's and the dashboard's figures, counted by the database: per township, per person
# or in all, whatever the number of rows, without building an entry per task. They mean exactly
# what `implementation_rate`, `state_counts` and `average_progress` give over `collect()`'s entries
# (tests/tasks/test_sql_figures.py checks both ways on the same records).
#
# A task's state is a function of its columns and today. A supervised item's stage due times depend
# only on the day it was assigned and its class (ordinary or not), through the rule and the
# working-day calendar: the clock is asked once per distinct (day, class) in the scope — a few
# hundred at most in a year — and the answers go into the query as ranges of `assigned_at`. So does
# an item's at-risk test: in whole days, the share of its time elapsed depends only on that day, its
# class and today, so the clock gives one ceiling per (day, class) — the highest latest progress at
# which it is at risk (`clock13710.at_risk_ceiling`) — and the query compares the latest report's
# percent with it. Items on a filed timetable have monthly stages matched against their reports;
# the few of them are counted from their entries.

class DayNumber(Func):
    """A date as a whole number of days since 1970-01-01, the same on SQLite and PostgreSQL: the
    day arithmetic of a task's straight-line schedule."""

    output_field = IntegerField()
    arity = 1
    template = "(%(expressions)s - DATE '1970-01-01')"

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="CAST(julianday(%(expressions)s) - 2440587.5 AS INTEGER)",
                           **extra)


# A condition no row meets (the primary key is never null), for an empty set of days.
NEVER = Q(pk__isnull=True)


@dataclass
class Figures:
    """The figures of a group of entries: the implementation rate, the traffic-light counts, the
    average progress (cancelled entries left out) and the number of entries."""

    due: int = 0
    on_time: int = 0
    counts: dict = field(default_factory=lambda: dict.fromkeys(STATES, 0))
    progress_sum: int = 0
    progress_n: int = 0
    total: int = 0

    @property
    def rate(self):
        return Rate(self.due, self.on_time)

    @property
    def progress(self):
        return round(self.progress_sum / self.progress_n) if self.progress_n else None

    def add(self, other):
        self.due += other.due
        self.on_time += other.on_time
        for state, count in other.counts.items():
            self.counts[state] += count
        self.progress_sum += other.progress_sum
        self.progress_n += other.progress_n
        self.total += other.total
        return self

    def add_entry(self, entry, period, today):
        if entry.is_due(period.start, period.end, today):
            self.due += 1
            self.on_time += entry.on_time
        self.counts[entry.state] += 1
        if entry.state != CANCELLED:
            self.progress_sum += entry.progress
            self.progress_n += 1
        self.total += 1


def _start_of(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), timezone.get_default_timezone())


def _days_q(days, chosen):
    """`assigned_at` on one of the `chosen` days, as few ranges as the sorted list of every `days` in
    the scope allows (no row falls on a day outside the list)."""
    condition, run = NEVER, None
    for day in days + [None]:
        if day is not None and day in chosen:
            run = (run[0], day) if run else (day, day)
            continue
        if run:
            condition |= Q(assigned_at__gte=_start_of(run[0]),
                           assigned_at__lt=_start_of(run[1] + datetime.timedelta(days=1)))
            run = None
    return condition


def _by_days(days, value_of, output_field):
    """A CASE giving `value_of(day)` for a row assigned on one of `days` (None: no value), with
    consecutive days of the same value in one branch."""
    whens, run = [], None
    for day in days + [None]:
        value = value_of(day) if day is not None else None
        if run and day is not None and value == run[2]:
            run = (run[0], day, value)
            continue
        if run and run[2] is not None:
            whens.append(When(assigned_at__gte=_start_of(run[0]),
                              assigned_at__lt=_start_of(run[1] + datetime.timedelta(days=1)),
                              then=Value(run[2], output_field=output_field)))
        run = (day, day, value) if day is not None else None
    return Case(*whens, default=Cast(None, output_field), output_field=output_field)


ORDINARY_Q = Q(item_class=SupervisedItem.ItemClass.ORDINARY)
ON_TIMETABLE_Q = ~ORDINARY_Q & Q(timetable_due_on__isnull=False)
ITEM_DONE_Q = Q(done_at__isnull=False) | Q(status__in=(SupervisedItem.Status.DONE, SupervisedItem.Status.CLOSED),
                                           closed_at__isnull=False)


@dataclass
class ItemTimes:
    """The clock's answers for the supervised items of a scope that are not on a timetable, per
    distinct (assigned day, ordinary?) — enough to count their states and rate in SQL — and the
    clock itself, its calendar covering the items on a timetable too."""

    days: dict  # {True (ordinary) / False: sorted local days}
    stages: dict  # {(day, ordinary): {stage name: Stage}}
    warnings: set
    clock: clock13710.Clock
    # {(day, ordinary): the highest latest progress percent at which such an item is at risk today}
    ceilings: dict = field(default_factory=dict)

    @property
    def now(self):
        return self.clock.now

    @classmethod
    def load(cls, items, now, timetabled=(), values=None, lag=None):
        """`items`: a queryset of items not on a timetable; `timetabled`: the others, loaded;
        `values`: the 13710 rule and `lag` the progress rule's `at_risk_lag`, when already read."""
        tz = timezone.get_default_timezone()
        keys = sorted({
            (day, item_class == SupervisedItem.ItemClass.ORDINARY)
            for day, item_class in items.order_by().annotate(_day=TruncDate("assigned_at", tzinfo=tz))
            .values_list("_day", "item_class").distinct()
        })
        probes = {
            key: SupervisedItem(
                assigned_at=timezone.make_aware(datetime.datetime.combine(key[0], datetime.time(12)), tz),
                item_class=SupervisedItem.ItemClass.ORDINARY if key[1] else SupervisedItem.ItemClass.COMPLEX)
            for key in keys
        }
        item_clock = clock13710.Clock.for_items([*probes.values(), *timetabled], now=now, values=values,
                                                at_risk_lag=lag)
        stages, warnings, ceilings = {}, set(), {}
        for key, probe in probes.items():
            found = item_clock.stages(probe)
            stages[key] = {s.name: s for s in found}
            warnings.update(item_clock.warnings(probe, found))
            ceilings[key] = item_clock.at_risk_ceiling(key[0], stages[key]["done"].due_at)
        days = {ordinary: [day for day, o in keys if o == ordinary] for ordinary in (True, False)}
        return cls(days=days, stages=stages, warnings=warnings, clock=item_clock, ceilings=ceilings)

    def where(self, test):
        """Rows whose (day, class) passes `test(stages)`."""
        condition = NEVER
        for ordinary, class_q in ((True, ORDINARY_Q), (False, ~ORDINARY_Q)):
            chosen = {day for day in self.days[ordinary] if test(self.stages[(day, ordinary)])}
            if chosen:
                condition |= class_q & _days_q(self.days[ordinary], chosen)
        return condition

    def by_days(self, value_of, output_field):
        """A CASE giving `value_of(stages)` per row."""
        return self.by_keys(lambda key: value_of(self.stages[key]), output_field)

    def by_keys(self, value_of, output_field):
        """A CASE giving `value_of((day, ordinary))` per row."""
        whens = []
        for ordinary, class_q in ((True, ORDINARY_Q), (False, ~ORDINARY_Q)):
            days = self.days[ordinary]
            if days:
                case = _by_days(days, lambda day, o=ordinary: value_of((day, o)), output_field)
                whens.append(When(class_q, then=case))
        return Case(*whens, default=Cast(None, output_field), output_field=output_field)

    def at_risk_ceiling(self):
        """Each row's at-risk ceiling (`clock13710.at_risk_ceiling`): an open item that is not
        overdue is at risk when its latest progress is at most this."""
        return self.by_keys(self.ceilings.__getitem__, IntegerField())

    def overdue_q(self):
        now = self.now
        return ~ITEM_DONE_Q & (
            Q(deployed_at__isnull=True) & self.where(lambda s: now > s["deploy"].due_at)
            | Q(first_report_at__isnull=True) & self.where(lambda s: now > s["first_report"].due_at)
            | self.where(lambda s: now > s["done"].due_at)
        )

    def deadline(self):
        """Each row's deadline (the "done" stage's day)."""
        return self.by_days(lambda s: s["done"].due_on, DateField())


def _task_lags(today, lag):
    """Progress lags the straight line from start to deadline by more than `lag` points: the
    integer form of `expected_progress(task, today) - task.progress > lag`, with Python's rounding
    of halves to even."""
    t = (today - datetime.date(1970, 1, 1)).days
    start, deadline = DayNumber("start_on"), DayNumber("deadline")
    # expected ≥ k, k = progress + lag + 1; in the middle of the line expected = round(100·a/b).
    k = ExpressionWrapper(F("progress") + Value(int(lag) + 1), output_field=IntegerField())
    a, b = Value(t) - start, deadline - start
    excess = ExpressionWrapper(200 * a - (2 * k - 1) * b, output_field=IntegerField())
    return [
        ("_start_n", start), ("_deadline_n", deadline), ("_k", k), ("_excess", excess),
        ("_k_odd", Mod(k, 2)),
    ], (
        Q(_start_n__gte=t, _k__lte=0)
        | Q(_start_n__lt=t) & (Q(_deadline_n__lte=F("_start_n")) | Q(_deadline_n__lte=t)) & Q(_k__lte=100)
        | Q(_start_n__lt=t, _deadline_n__gt=t) & Q(_deadline_n__gt=F("_start_n"))
        & (Q(_excess__gt=0) | Q(_excess=0, _k_odd=0))
    )


def _task_figures(tasks, key, period, today, lag):
    """{group: Figures} of tasks, in one query grouped by group and state."""
    annotations, lags = _task_lags(today, lag)
    late_milestone = Exists(Milestone.objects.filter(task=OuterRef("pk"), done_on__isnull=True, due_on__lt=today))
    state = Case(
        When(status=Task.Status.CANCELLED, then=Value(CANCELLED)),
        When(status=Task.Status.DONE, then=Value(DONE)),
        When(deadline__lt=today, then=Value(OVERDUE)),
        When(Q(_late=True) | lags, then=Value(AT_RISK)),
        default=Value(ON_TRACK),
    )
    in_period = Q(deadline__gte=period.start, deadline__lte=period.end)
    rows = (
        tasks.order_by().alias(**dict(annotations), _late=late_milestone).annotate(_state=state)
        .values(key, "_state").annotate(
            _total=Count("pk"),
            # Due: done, or open past its deadline (overdue) — with the deadline in the period.
            _due=Count("pk", filter=in_period),
            _on_time=Count("pk", filter=in_period & Q(completed_on__lte=F("deadline"))),
            _progress=Sum("progress"),
        )
    )
    return _grouped(rows, key, due_states=(DONE, OVERDUE))


def _item_figures(items, key, period, today, times):
    """{group: Figures} of supervised items not on a timetable, in one query grouped by group and
    state."""
    latest = (SupervisedReport.objects.filter(item=OuterRef("pk"), percent__isnull=False)
              .order_by("-reported_at", "-pk").values("percent")[:1])
    done_at = Coalesce("done_at", Case(When(status__in=(SupervisedItem.Status.DONE, SupervisedItem.Status.CLOSED),
                                            then=F("closed_at"))))
    state = Case(
        When(ITEM_DONE_Q, then=Value(DONE)),
        When(times.overdue_q(), then=Value(OVERDUE)),
        # Time runs ahead of the work: the latest percent is at or below the (day, class)'s ceiling.
        When(_percent__lte=F("_ceiling"), then=Value(AT_RISK)),
        default=Value(ON_TRACK),
    )
    in_period = times.where(lambda s: period.start <= s["done"].due_on <= period.end)
    past = times.where(lambda s: s["done"].due_on < today)
    # Done on time: done on or before the deadline's day (local), i.e. before the next day begins.
    next_day = times.by_days(lambda s: _start_of(s["done"].due_on + datetime.timedelta(days=1))
                             if period.start <= s["done"].due_on <= period.end else None, DateTimeField())
    rows = (
        items.order_by().alias(_done_at=done_at, _next_day=next_day, _ceiling=times.at_risk_ceiling(),
                               _percent=Coalesce(Subquery(latest), Value(0)))
        .annotate(_state=state)
        .values(key, "_state").annotate(
            _total=Count("pk"),
            _due=Count("pk", filter=in_period & (ITEM_DONE_Q | past)),
            _on_time=Count("pk", filter=ITEM_DONE_Q & Q(_done_at__lt=F("_next_day"))),
            _progress=Sum(Case(When(ITEM_DONE_Q, then=Value(0)), default=F("_percent"),
                               output_field=IntegerField())),
        )
    )
    return _grouped(rows, key)


def _grouped(rows, key, due_states=None):
    """{group: Figures} from rows of (group, state, total, due, on time, progress of the live ones);
    with `due_states`, only rows of those states count as due."""
    out = defaultdict(Figures)
    for row in rows:
        figures, state, total = out[row[key]], row["_state"], row["_total"]
        figures.total += total
        figures.counts[state] += total
        if due_states is None or state in due_states:
            figures.due += row["_due"]
        if state == DONE:
            figures.on_time += row["_on_time"]
            figures.progress_sum += 100 * total
        elif state != CANCELLED:
            figures.progress_sum += row["_progress"] or 0
        if state != CANCELLED:
            figures.progress_n += total
    return dict(out)


GROUP_KEYS = {None: ("organization__township", "organization__township"),
              "township": ("organization__township", "organization__township"),
              "person": ("responsible", "assignee")}


@dataclass
class Summary:
    """Figures per group (township id, person id, or None for all), the calendar warnings, the
    clock's answers and the entries of the items on a timetable."""

    groups: dict
    warnings: set
    times: ItemTimes | None
    timetabled: list
    lag: int
    # Every entry of the scope, in the order of `collect()`, when `few_entries` built them all.
    entries: list | None = None

    def total(self):
        return reduce(Figures.add, self.groups.values(), Figures())


def _scoped(user, period, township, cadre, county):
    tasks = Task.objects.visible_to(user).filter(period.task_filter(), scope_filter(township, cadre, county))
    items = SupervisedItem.objects.visible_to(user).filter(
        period.item_filter(), scope_filter(township, cadre, county, task=False))
    return tasks, items


def _scoped_items(user, period, township, cadre, county):
    """The items of the scope with what an entry reads (see `item_queryset`)."""
    return item_queryset(user).filter(period.item_filter(), scope_filter(township, cadre, county, task=False))


def _clocked(user, period, township, cadre, county, now):
    """The scope's tasks and items (querysets), the progress rule's lag, the clock's answers for
    the items not on a timetable and the entries of those on one."""
    values = rules.get_many(PROGRESS_RULE, clock13710.RULE_KEY)
    lag = values[PROGRESS_RULE]["at_risk_lag"]
    tasks, items = _scoped(user, period, township, cadre, county)
    timetabled = list(_scoped_items(user, period, township, cadre, county).filter(ON_TIMETABLE_Q))
    times = ItemTimes.load(items.exclude(ON_TIMETABLE_Q), now, timetabled, values=values[clock13710.RULE_KEY],
                           lag=lag)
    return tasks, items, lag, times, [item_entry(item, times.clock) for item in timetabled]


def summary(user, period, *, by=None, township=None, cadre=None, county=None, today=None, now=None):
    """The figures of the entries `collect()` would give, per `by` ("township", "person" or None),
    counted by the database in a fixed number of queries."""
    now = now or clock.now()
    today = today or clock.local_date(now)
    task_key, item_key = GROUP_KEYS[by]
    tasks, items, lag, times, entries = _clocked(user, period, township, cadre, county, now)
    groups = defaultdict(Figures)
    for part in (_task_figures(tasks, task_key, period, today, lag),
                 _item_figures(items.exclude(ON_TIMETABLE_Q), item_key, period, today, times)):
        for group, figures in part.items():
            groups[group if by else None].add(figures)
    warnings = set(times.warnings)
    for entry in entries:
        group = {None: None, "township": entry.township_id, "person": entry.person_id}[by]
        groups[group].add_entry(entry, period, today)
        warnings.update(entry.warnings)
    return Summary(groups=dict(groups), warnings=warnings, times=times, timetabled=entries, lag=lag)


def overdue_count(user, period, *, today=None, now=None):
    """How many entries of the user's scope in `period` are overdue — what `summary(…).total()`
    counts as OVERDUE — and a `Summary` without figures for `listed_entries`: two counts instead
    of the grouped figures of every state, which read each item's latest report and each task's
    milestones."""
    now = now or clock.now()
    today = today or clock.local_date(now)
    tasks, items, lag, times, entries = _clocked(user, period, None, None, None, now)
    count = (
        tasks.exclude(status__in=(Task.Status.DONE, Task.Status.CANCELLED)).filter(deadline__lt=today).count()
        + items.exclude(ON_TIMETABLE_Q).filter(times.overdue_q()).count()
        + sum(entry.state == OVERDUE for entry in entries)
    )
    warnings = set(times.warnings).union(*(entry.warnings for entry in entries))
    return count, Summary(groups={}, warnings=warnings, times=times, timetabled=entries, lag=lag)


def few_entries(user, period, limit, *, by=None, township=None, cadre=None, county=None, today=None, now=None):
    """The `summary` of a scope with at most `limit` tasks and `limit` supervised items — a
    township's or a person's, which the battle map lists in full anyway — counted from its entries,
    which it keeps (`Summary.entries`); None when there are more. Entries and figures mean what
    `collect()` and `summary()` give (tests/tasks/test_sql_figures.py), in fewer queries and
    without building the grouped queries: the tasks, their milestones, the items, their reports,
    both rules at once and the calendar."""
    now = now or clock.now()
    today = today or clock.local_date(now)
    tasks = Task.objects.visible_to(user).filter(period.task_filter(), scope_filter(township, cadre, county))
    rows = list(tasks.order_by("deadline", "pk").values_list(*TASK_COLUMNS)[:limit + 1])
    if len(rows) > limit:
        return None
    items = SupervisedItem.objects.visible_to(user).filter(
        period.item_filter(), scope_filter(township, cadre, county, task=False))
    items = list(items.order_by("pk").values_list(*ITEM_COLUMNS)[:limit + 1])
    if len(items) > limit:
        return None
    items = item_rows(items)
    milestones = defaultdict(_Rows)
    if rows:
        for task_id, title, due_on, done_on in (
            Milestone.objects.filter(task__in=[values[0] for values in rows]).order_by("due_on", "pk")
            .values_list("task_id", "title", "due_on", "done_on")
        ):
            milestones[task_id].append(MilestoneRow(title, due_on, done_on))
    values = rules.get_many(PROGRESS_RULE, clock13710.RULE_KEY)
    lag = values[PROGRESS_RULE]["at_risk_lag"]
    item_clock = clock13710.Clock.for_items(items, now=now, values=values[clock13710.RULE_KEY], at_risk_lag=lag)
    entries = [task_entry(TaskRow(row, milestones.get(row[0]) or _Rows()), today, lag) for row in rows]
    entries += [item_entry(item, item_clock) for item in items]
    entries.sort(key=lambda e: (e.deadline, e.kind, e.obj.pk))
    groups, warnings = defaultdict(Figures), set()
    for entry in entries:
        group = {None: None, "township": entry.township_id, "person": entry.person_id}[by]
        groups[group].add_entry(entry, period, today)
        warnings.update(entry.warnings)
    return Summary(groups=dict(groups), warnings=warnings, times=None, lag=lag, entries=entries,
                   timetabled=[e for e in entries if e.kind == "supervised" and _on_timetable(e.obj)])


def _on_timetable(item):
    return item.item_class != SupervisedItem.ItemClass.ORDINARY and item.timetable_due_on is not None


def listed_entries(user, period, limit, found, *, overdue_only=False, township=None, cadre=None, county=None,
                   today=None):
    """The first `limit` entries of the scope (only the overdue ones with `overdue_only`) in the
    order of `collect()`, building entries for those only. `found` is the scope's `summary`."""
    today = today or clock.local_date(found.times.now)
    lag, times = found.lag, found.times
    tasks, _items = _scoped(user, period, township, cadre, county)
    items = _scoped_items(user, period, township, cadre, county).exclude(ON_TIMETABLE_Q)
    if overdue_only:
        tasks = tasks.exclude(status__in=(Task.Status.DONE, Task.Status.CANCELLED)).filter(deadline__lt=today)
        items = items.filter(times.overdue_q())
    entries = [task_entry(t, today, lag) for t in task_rows(tasks.order_by("deadline", "pk")[:limit])]
    chosen = items.annotate(_deadline=times.deadline()).order_by("_deadline", "pk")[:limit]
    entries += [item_entry(i, times.clock) for i in chosen]
    # Items on a timetable are few: they come from the summary.
    entries += [e for e in found.timetabled if not overdue_only or e.state == OVERDUE]
    entries.sort(key=lambda e: (e.deadline, e.kind, e.obj.pk))
    return entries[:limit]


# --- problems ----------------------------------------------------------------------------------

def day_bounds(period):
    start = timezone.make_aware(datetime.datetime.combine(period.start, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(period.end, datetime.time.max))
    return start, end


def problems_in_period(user, period, *, township=None, cadre=None, county=None):
    """Problems opened (recorded) or closed (verified) in the period, in one query."""
    start, end = day_bounds(period)
    qs = Problem.objects.visible_to(user).select_related("organization__township", "responsible").filter(
        Q(created_at__range=(start, end)) | Q(status=Problem.Status.CLOSED, verified_at__range=(start, end))
    )
    if cadre is not None:
        qs = qs.filter(responsible=cadre)
    elif township is not None:
        qs = qs.filter(organization__township=township)
    elif county is not None:
        qs = qs.filter(county_filter(county))
    return list(qs.order_by("deadline", "pk"))


@dataclass
class ProblemCount:
    opened: int = 0
    closed: int = 0


def problem_counts(problems, period, key=lambda p: None):
    """{group key: ProblemCount} of problems opened and closed in the period."""
    start, end = day_bounds(period)
    counts = defaultdict(ProblemCount)
    for problem in problems:
        group = counts[key(problem)]
        if start <= problem.created_at <= end:
            group.opened += 1
        if problem.status == Problem.Status.CLOSED and problem.verified_at and start <= problem.verified_at <= end:
            group.closed += 1
    return counts


def problem_township(problem):
    return problem.organization.township_id


def problem_person(problem):
    return problem.responsible_id


def problems_past_deadline(user, today=None):
    today = today or clock.local_date(clock.now())
    return (
        Problem.objects.visible_to(user).exclude(status=Problem.Status.CLOSED).filter(deadline__lt=today)
        .select_related("organization", "responsible").order_by("deadline", "pk")
    )


# --- the battle map ----------------------------------------------------------------------------

def _date(value):
    return value.isoformat() if value else None


class EntryUrls:
    """The detail pages of many entries: `reverse()` once per kind of record, then each id in its
    place (reversing every URL is most of the time of listing a few hundred entries)."""

    MARK = 987654321987

    def __init__(self):
        self.templates = {}

    def __call__(self, entry):
        kind = type(entry.obj)
        if kind not in self.templates:
            probe = copy.copy(entry.obj)
            probe.pk = self.MARK
            try:
                self.templates[kind] = probe.get_absolute_url()
            except NoReverseMatch:
                self.templates[kind] = None
        template = self.templates[kind]
        return template.replace(str(self.MARK), str(entry.obj.pk)) if template else None


def entry_json(entry, urls=None):
    return {
        "kind": entry.kind,
        "id": entry.obj.pk,
        "title": entry.title,
        "url": urls(entry) if urls else entry.url,
        "township": entry.township,
        "organization": entry.organization,
        "person": entry.person,
        "person_id": entry.person_id,
        "start": _date(entry.start),
        "deadline": _date(entry.deadline),
        "done_on": _date(entry.done_on),
        "progress": entry.progress,
        "state": entry.state,
        "state_label": state_label(entry.state),
        "colour": state_colour(entry.state),
        "target": entry.target,
        "effect": entry.effect,
        "warnings": entry.warnings,
        "milestones": [
            {"title": m["title"], "due": _date(m["due"]), "done": _date(m["done"]), "state": m["state"]}
            for m in entry.milestones
        ],
    }


def _group(key, name, figures, **extra):
    return {
        "id": key, "name": name, "rate": figures.rate, "counts": figures.counts, "progress": figures.progress,
        "total": figures.total, **extra,
    }


def _group_json(group):
    return {**group, "rate": group["rate"].as_dict()}


def battle_map(user, *, township=None, cadre=None, year=None, today=None, now=None):
    """The battle-map data of a scope: the county (a row per township, and the overdue entries), a
    township (a row per team member, and its entries) or a person (their entries), with the
    implementation rate of the year against the 100% target. The figures are counted by the
    database; entries are built only for what the page lists (at most `ITEMS_SHOWN_AT` of a level).
    The caller has checked that the user may see the scope."""
    now = now or clock.now()
    today = today or clock.local_date(now)
    year = year or today.year
    period = Period.year(year)
    scope = {"township": township, "cadre": cadre}
    if cadre is not None:
        level, name, by = "person", cadre.name, None
    elif township is not None:
        level, name, by = "township", township.name, "person"
    else:
        level, name, by = "county", _county_name(user), "township"
    limit = ITEMS_SHOWN_AT[level]
    # A township or a person usually has less than a page of work: then its figures come from the
    # entries the page lists anyway.
    found = None if level == "county" else few_entries(user, period, limit, by=by, today=today, now=now, **scope)
    if found is None:
        found = summary(user, period, by=by, today=today, now=now, **scope)
        shown = listed_entries(user, period, limit, found, overdue_only=level == "county", today=today, **scope)
    else:
        shown = found.entries[:limit]
    if level == "person":
        groups = []
    elif level == "township":
        groups = _person_groups(user, township, found.groups, today)
    else:
        groups = _township_groups(user, found.groups)
    figures, urls = found.total(), EntryUrls()
    return {
        "scope": {"level": level, "name": name, "year": year, "today": today.isoformat(),
                  "township_id": getattr(township, "pk", None) or getattr(cadre, "organization_id", None),
                  "cadre_id": getattr(cadre, "pk", None)},
        "rate": figures.rate.as_dict(),
        "counts": figures.counts,
        "progress": figures.progress,
        "total": figures.total,
        "groups": [_group_json(g) for g in groups],
        "items": [entry_json(e, urls) for e in shown],
        "items_are_overdue_only": level == "county",
        "items_limited": len(shown) == limit and (level == "county" or figures.total > limit),
        "states": {k: {"label": str(label), "colour": colour} for k, (label, colour) in STATES.items()},
        "warnings": sorted(found.warnings),
    }


def _county_name(user):
    counties = list(Organization.objects.filter(kind=Organization.Kind.COUNTY).values_list("name", flat=True)[:2])
    return counties[0] if len(counties) == 1 else _("All townships")


def _township_groups(user, figures):
    townships = Organization.objects.visible_to(user).filter(kind=Organization.Kind.TOWNSHIP, is_active=True)
    groups = [
        _group(pk, name, figures.get(pk) or Figures(), level="township")
        for pk, name in townships.order_by("sort_order", "name").values_list("pk", "name")
    ]
    if figures.get(None) and figures[None].total:
        groups.append(_group(None, _("County departments and others"), figures[None], level="other"))
    return groups


def _person_groups(user, township, figures, today):
    """A row per current team member (even with nothing assigned), then anyone else with entries."""
    members = (
        TeamMembership.objects.visible_to(user).current(today)
        .filter(team__township=township, team__elected_on__lte=today, team__term_ends_on__gt=today)
        .order_by("sort_order", "position__sort_order", "pk").values_list("cadre_id", "cadre__name", "position__name")
    )
    groups, seen = [], set()
    for cadre_id, name, post in members:
        if cadre_id in seen:
            continue
        seen.add(cadre_id)
        groups.append(_group(cadre_id, name, figures.get(cadre_id) or Figures(), level="person", post=post))
    others = [k for k, f in figures.items() if k not in seen and f.total]
    if others:
        for pk, name, post in Cadre.objects.filter(pk__in=others).order_by("name", "pk").values_list("pk", "name", "post"):
            groups.append(_group(pk, name, figures[pk], level="person", post=post))
    return groups


# --- dashboard ---------------------------------------------------------------------------------

def _url(name, query=""):
    try:
        return reverse(name) + query
    except NoReverseMatch:
        return None


def _works(user):
    """Users who have work to do here: the business roles."""
    return has_role(user, BUSINESS)


def open_entries(user, today=None, now=None):
    """Entries not yet done in the user's scope (any year), for the dashboard and reminders."""
    now = now or clock.now()
    today = today or clock.local_date(now)
    lag = progress_rule()["at_risk_lag"]
    tasks = task_rows(Task.objects.visible_to(user).exclude(status__in=(Task.Status.DONE, Task.Status.CANCELLED)))
    items = list(item_queryset(user).exclude(status__in=(SupervisedItem.Status.DONE, SupervisedItem.Status.CLOSED)))
    item_clock = clock13710.Clock.for_items(items, now=now, at_risk_lag=lag)
    return [task_entry(t, today, lag) for t in tasks] + [item_entry(i, item_clock) for i in items]


def _entry_item(entry):
    return {"label": entry.title, "url": entry.url or _url("tasks:battle_map"),
            "note": _("%(person)s · due %(date)s") % {"person": entry.person, "date": entry.deadline.isoformat()}}


@metrics.card(30, part="supervision")
def work_cards(user):
    if not _works(user):
        return []
    now = clock.now()
    today = clock.local_date(now)
    period = Period.year(today.year)
    figures = summary(user, period, today=today, now=now).total()
    rate, counts = figures.rate, figures.counts
    url = _url("tasks:battle_map")
    return [
        {"label": _("Implementation rate %(year)s (target 100%%)") % {"year": today.year}, "value": rate.display(),
         "url": url},
        {"label": _("Overdue tasks and supervised items"), "value": counts[OVERDUE], "url": url},
        {"label": _("At-risk tasks and supervised items"), "value": counts[AT_RISK], "url": url},
    ]


@metrics.action(30)
def overdue_work(user):
    if not _works(user):
        return []
    now = clock.now()
    today = clock.local_date(now)
    count, found = overdue_count(user, ALL_TIME, today=today, now=now)
    if not count:
        return []
    late = listed_entries(user, ALL_TIME, ITEMS_SHOWN, found, overdue_only=True, today=today)
    return [{"label": _("Overdue tasks and supervised items"), "count": count,
             "items": [_entry_item(e) for e in late], "url": _url("tasks:battle_map"), "level": "danger"}]


def awaiting_close_out(user):
    """Supervised items reported done that this user assigned and must confirm (销号)."""
    return (
        SupervisedItem.objects.visible_to(user).filter(status=SupervisedItem.Status.DONE, assigned_by=user)
        .select_related("assignee").order_by("done_at", "pk")
    )


@metrics.action(31)
def close_outs_waiting(user):
    if not _works(user):
        return []
    items = list(awaiting_close_out(user)[: ITEMS_SHOWN + 1])
    if not items:
        return []
    count = len(items) if len(items) <= ITEMS_SHOWN else awaiting_close_out(user).count()
    shown = [{"label": i.title, "url": i.get_url("detail") or _url("tasks:battle_map"),
              "note": _("%(person)s reported it done") % {"person": i.assignee.name}} for i in items[:ITEMS_SHOWN]]
    return [{"label": _("Supervised items awaiting your close-out"), "count": count, "items": shown,
             "url": _url("tasks:superviseditem_list") or _url("tasks:battle_map"), "level": "warning"}]


@metrics.action(32)
def late_problems(user):
    if not _works(user):
        return []
    problems = problems_past_deadline(user)
    rows = list(problems[: ITEMS_SHOWN + 1])
    if not rows:
        return []
    count = len(rows) if len(rows) <= ITEMS_SHOWN else problems.count()
    shown = [{"label": str(p), "url": p.get_url("detail") or "",
              "note": _("%(person)s · deadline %(date)s") % {"person": p.responsible.name,
                                                            "date": p.deadline.isoformat()}}
             for p in rows[:ITEMS_SHOWN]]
    return [{"label": _("Problems past their rectification deadline"), "count": count, "items": shown,
             "url": _url("tasks:problem_list") or _url("tasks:battle_map"), "level": "danger"}]


def may_see_county(user):
    return sees_everything(user)


# --- indicators of the assessment (core.metrics.indicator) ------------------------------------------
# The same figures as the battle map's implementation rate (`summary`), for given cadres or townships
# rather than a user's scope: done on time out of due (done, or open past the deadline) in the period.

def _task_readings(ids, start, end, key, detail, url):
    today = clock.today()
    period = Period(start, end)
    lag = rules.get(PROGRESS_RULE)["at_risk_lag"]
    tasks = Task.objects.filter(period.task_filter(), **{f"{key}__in": ids})
    found = _task_figures(tasks, key, period, today, lag)
    out = {}
    for pk in ids:
        figures = found.get(pk) or Figures()
        out[pk] = metrics.Reading(metrics.percent(figures.on_time, figures.due),
                                  detail % {"on_time": figures.on_time, "due": figures.due}, url(pk))
    return out


def _item_readings(ids, start, end, key, entry_key, detail, url):
    now = clock.now()
    today = clock.local_date(now)
    period = Period(start, end)
    items = SupervisedItem.objects.filter(period.item_filter(), **{f"{key}__in": ids})
    timetabled = list(items.filter(ON_TIMETABLE_Q).select_related("organization__township", "assignee")
                      .prefetch_related("reports"))
    values = rules.get_many(PROGRESS_RULE, clock13710.RULE_KEY)
    times = ItemTimes.load(items.exclude(ON_TIMETABLE_Q), now, timetabled, values=values[clock13710.RULE_KEY],
                           lag=values[PROGRESS_RULE]["at_risk_lag"])
    found = defaultdict(Figures, _item_figures(items.exclude(ON_TIMETABLE_Q), key, period, today, times))
    for item in timetabled:
        entry = item_entry(item, times.clock)
        found[getattr(entry, entry_key)].add_entry(entry, period, today)
    out = {}
    for pk in ids:
        figures = found.get(pk) or Figures()
        out[pk] = metrics.Reading(metrics.percent(figures.on_time, figures.due),
                                  detail % {"on_time": figures.on_time, "due": figures.due}, url(pk))
    return out


def _problem_readings(ids, start, end, key, url):
    """Problems whose deadline falls in the period and is past (or that are closed): closed (verified)
    by the deadline's day, out of them."""
    today = clock.today()
    closed = Q(status=Problem.Status.CLOSED, verified_at__isnull=False)
    rows = {row[key]: row for row in Problem.objects.filter(deadline__range=(start, end), **{f"{key}__in": ids})
            .order_by().values(key).annotate(
                due=Count("pk", filter=closed | Q(deadline__lt=today)),
                on_time=Count("pk", filter=closed & Q(verified_at__date__lte=F("deadline"))))}
    out = {}
    for pk in ids:
        row = rows.get(pk, {"due": 0, "on_time": 0})
        out[pk] = metrics.Reading(metrics.percent(row["on_time"], row["due"]), _(
            "%(on_time)d of %(due)d problems closed by their deadline") % row, url(pk))
    return out


def _url(name, **params):
    return f"{reverse(name)}?" + "&".join(f"{k}={v}" for k, v in params.items())


@metrics.indicator("tasks_on_time", group="performance", subject="cadre", order=70, unit="percent", direction="up",
                   label=gettext_lazy("Tasks done on time"))
def tasks_on_time_indicator(ids, start, end):
    return _task_readings(ids, start, end, "responsible", _("%(on_time)d of %(due)d tasks due done on time"),
                          lambda pk: _url("tasks:task_list", responsible=pk, year=start.year))


@metrics.indicator("township_tasks_on_time", group="performance", subject="team", order=70, unit="percent",
                   direction="up", label=gettext_lazy("The township's tasks done on time"))
def township_tasks_on_time_indicator(ids, start, end):
    return metrics.by_township(ids, lambda townships: _task_readings(
        townships, start, end, "organization__township", _("%(on_time)d of %(due)d tasks due done on time"),
        lambda pk: _url("tasks:task_list", township=pk, year=start.year)))


@metrics.indicator("items_on_time", group="performance", subject="cadre", order=71, unit="percent", direction="up",
                   label=gettext_lazy("13710 supervised items done on time"))
def items_on_time_indicator(ids, start, end):
    return _item_readings(ids, start, end, "assignee", "person_id",
                          _("%(on_time)d of %(due)d supervised items due done on time"),
                          lambda pk: _url("tasks:superviseditem_list", responsible=pk, year=start.year))


@metrics.indicator("township_items_on_time", group="performance", subject="team", order=71, unit="percent",
                   direction="up", label=gettext_lazy("The township's 13710 supervised items done on time"))
def township_items_on_time_indicator(ids, start, end):
    return metrics.by_township(ids, lambda townships: _item_readings(
        townships, start, end, "organization__township", "township_id",
        _("%(on_time)d of %(due)d supervised items due done on time"),
        lambda pk: _url("tasks:superviseditem_list", township=pk, year=start.year)))


@metrics.indicator("problems_on_time", group="performance", subject="cadre", order=72, unit="percent",
                   direction="up", label=gettext_lazy("Problems closed on time"))
def problems_on_time_indicator(ids, start, end):
    return _problem_readings(ids, start, end, "responsible",
                             lambda pk: _url("tasks:problem_list", responsible=pk, year=start.year))


@metrics.indicator("township_problems_on_time", group="performance", subject="team", order=72, unit="percent",
                   direction="up", label=gettext_lazy("The township's problems closed on time"))
def township_problems_on_time_indicator(ids, start, end):
    return metrics.by_township(ids, lambda townships: _problem_readings(
        townships, start, end, "organization__township",
        lambda pk: _url("tasks:problem_list", township=pk, year=start.year)))


@metrics.indicator("inspection_findings", group="performance", subject="team", order=73, unit="count",
                   direction="down", label=gettext_lazy("Problems found by cross-inspections"))
def inspection_findings_indicator(ids, start, end):
    """Problems found in the township by the cross-inspections that ended in the period."""
    def of_townships(townships):
        rows = dict(Problem.objects.filter(inspection__isnull=False, inspection__end_on__range=(start, end),
                                           organization__township__in=townships).order_by()
                    .values("organization__township").annotate(n=Count("pk"))
                    .values_list("organization__township", "n"))
        return {pk: metrics.Reading(rows.get(pk, 0), _("%(n)d problems found by cross-inspections") % {
            "n": rows.get(pk, 0)}, _url("tasks:problem_list", township=pk, source=Problem.Source.INSPECTION,
                                        year=start.year)) for pk in townships}
    return metrics.by_township(ids, of_townships)


# --- report figures (the year-end report, banzi.reports) -------------------------------------------

def _tasks_due(township_ids, start, end):
    """Tasks (cancelled ones aside) of the scope's organizations with their deadline in start..end."""
    qs = Task.objects.filter(deadline__range=(start, end)).exclude(status=Task.Status.CANCELLED)
    return metrics.scoped(qs, "organization__township", township_ids).order_by()


def _tasks_link(township_ids, start, end):
    return metrics.list_link("tasks:task_list", township_ids, deadline_after=start.isoformat(),
                             deadline_before=end.isoformat(), cancelled="false")


@metrics.figure("tasks.tasks", part="supervision", order=20, label=gettext_lazy("Tasks due"),
                unit=pgettext_lazy("unit", "items"), list_url=_tasks_link, definition=gettext_lazy(
                    "Tasks of the work lists and of assignments (cancelled ones aside) with their deadline in the "
                    "period."))
def tasks_due(township_ids, start, end):
    return _tasks_due(township_ids, start, end).aggregate(n=Count("id"))["n"]


@metrics.figure("tasks.on_time_rate", part="supervision", order=21, label=gettext_lazy("Tasks done on time"),
                unit=pgettext_lazy("unit", "%"), list_url=_tasks_link, definition=gettext_lazy(
                    "Of the tasks due in the period, the share done by their deadline, as a whole percentage."))
def on_time_rate(township_ids, start, end):
    row = _tasks_due(township_ids, start, end).aggregate(
        due=Count("id"), on_time=Count("id", filter=Q(status=Task.Status.DONE, completed_on__lte=F("deadline"))))
    return metrics.percent(row["on_time"], row["due"])


@metrics.figure("tasks.items_closed", part="supervision", order=22,
                label=gettext_lazy("Supervised items closed out (13710)"), unit=pgettext_lazy("unit", "items"),
                list_url=lambda ids, start, end: metrics.list_link(
                    "tasks:superviseditem_list", ids, status=SupervisedItem.Status.CLOSED,
                    closed_after=start.isoformat(), closed_before=end.isoformat()),
                definition=gettext_lazy("Items under the 13710 supervision closed out in the period."))
def items_closed(township_ids, start, end):
    qs = SupervisedItem.objects.filter(status=SupervisedItem.Status.CLOSED, closed_at__date__range=(start, end))
    return metrics.scoped(qs, "organization__township", township_ids).order_by().aggregate(n=Count("id"))["n"]
