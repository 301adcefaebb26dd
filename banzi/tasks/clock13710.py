"""The 13710 clock of a supervised item (督办事项): deployed within 1 day of assignment, a first
progress report within 3 days, an ordinary item done within 7 days, a complex or major item done
within 1 month — or, with a filed timetable, by the timetable's date with a report every month until
done — and every item tracked until it is closed out (销号), so that none is left open (0).

Nobody counts days by hand: each stage's due time, actual time and state come from the item's
timestamps, the rule `tasks.13710` (county overrides in the `Rule` table) and the working-day
calendar in `core.workdays`.

Counting follows the rule for periods in the Civil Code (arts. 200–203): the day of assignment is
not counted, so an item assigned at 09:00 or at 23:59 on a Monday is due to be deployed by the end
of Tuesday; a period runs to the end (23:59:59 local time) of its last day.

An open item's overall state is "overdue" when a stage is past its due time, and otherwise "at
risk" only when its time runs ahead of its work: the share of its time elapsed, counted in whole
days from the day of assignment to the day the "done" stage is due, exceeds its latest reported
progress (0 before any report) by more than the progress rule's `at_risk_lag` points — the margin
tasks have on the battle map (`metrics.progress_rule`). A new item is on track; a stage falling
due soon is a reminder, not a risk (`at_risk_ceiling`).

Load the calendar and the rules once for a batch (`Clock.for_items`) and ask it about every item;
the module-level functions do the same for a single item.
"""
import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from banzi.core import clock, rules
from banzi.core.workdays import Calendar, end_of_day

from .models import SupervisedItem, SupervisedReport

RULE_KEY = "tasks.13710"
# Day mode "calendar" is the default because the 13710 method's "1 day, 3 days, 7 days" are
# natural days in the provincial rules, and periods in Chinese law are counted that way: a period
# whose last day is a rest day (a weekend or public holiday) runs to the next working day (Civil
# Code art. 203), so nobody is due on a holiday. "working" counts only working days, with the
# State Council's holidays and adjusted working days, for counties that set it so.
DAY_MODE_CALENDAR = "calendar"
DAY_MODE_WORKING = "working"
rules.register(
    RULE_KEY,
    {
        "deploy_days": 1,
        "report_days": 3,
        "ordinary_days": 7,
        "complex_months": 1,
        "monthly_report_days": 30,
        "day_mode": DAY_MODE_CALENDAR,
    },
    _("13710 clock of supervised items"),
    fields={
        "deploy_days": _("Days to deploy"),
        "report_days": _("Days to the first progress report"),
        "ordinary_days": _("Days to finish an ordinary item"),
        "complex_months": _("Months to finish a complex or major item"),
        "monthly_report_days": _("Days between monthly reports on a timetable"),
        "day_mode": _("Count days as"),
    },
    choices={"day_mode": [
        (DAY_MODE_CALENDAR, _("Calendar days (a period ending on a rest day runs to the next working day)")),
        (DAY_MODE_WORKING, _("Working days (public holidays and adjusted working days)")),
    ]},
)

DONE, DONE_LATE, PENDING, OVERDUE = "done", "done_late", "pending", "overdue"
STAGE_STATES = {
    DONE: _("Done"),
    DONE_LATE: _("Done late"),
    PENDING: _("Pending"),
    OVERDUE: _("Overdue"),
}
# The overall state of an item, the same four a task has on the battle map.
ITEM_DONE, ON_TRACK, AT_RISK, ITEM_OVERDUE = "done", "on_track", "at_risk", "overdue"
ITEM_STATES = {
    ITEM_DONE: _("Done"),
    ON_TRACK: _("On track"),
    AT_RISK: _("At risk"),
    ITEM_OVERDUE: _("Overdue"),
}
# Report kinds that count as the month's report of an item on a timetable.
MONTHLY_KINDS = (SupervisedReport.Kind.MONTHLY, SupervisedReport.Kind.PROGRESS)
# A monthly schedule never runs longer than this (ten years): a guard against a bad date.
MAX_MONTHLY_REPORTS = 120


def rule():
    """The 13710 rule values in force (the defaults overlaid with the county's)."""
    return rules.get(RULE_KEY)


@dataclass
class Stage:
    """One stage of the clock: when it is due, when it was done, and its state."""

    name: str
    label: str
    due_at: datetime.datetime | None
    done_at: datetime.datetime | None
    state: str
    # True when done_at is not recorded for this stage but implied by a later one (completion).
    inferred: bool = False

    @property
    def due_on(self):
        return clock.local_date(self.due_at) if self.due_at else None

    @property
    def state_label(self):
        return STAGE_STATES[self.state]

    @property
    def is_open(self):
        return self.state in (PENDING, OVERDUE)


def _state(due_at, done_at, now):
    if done_at is not None:
        return DONE if due_at is None or done_at <= due_at else DONE_LATE
    if due_at is not None and now > due_at:
        return OVERDUE
    return PENDING


def _local_day(moment):
    return clock.local_date(moment) if timezone.is_aware(moment) else moment.date()


def at_risk_ceiling(start, deadline, today, lag):
    """The highest progress percent at which an open item assigned on the day `start` and due to be
    done on the day `deadline` is at risk on `today`; below 0 when none is.

    The share of its time elapsed is (today − start) ÷ (deadline − start) in whole days, from 0 on
    the day of assignment to 100% on the deadline's day (100% when the deadline is not after the
    day of assignment). The item is at risk when that share exceeds its progress by more than `lag`
    points: 100·elapsed − progress·span > lag·span, in integers, so that the clock and the figures
    counted in SQL (`metrics.ItemTimes`, one ceiling per assigned day and class) agree exactly."""
    span = (deadline - start).days
    if span <= 0:
        elapsed, span = 1, 1
    else:
        elapsed = min(max((today - start).days, 0), span)
    # progress·span < 100·elapsed − lag·span  ⇔  progress ≤ ⌊(100·elapsed − lag·span − 1) ÷ span⌋
    return (100 * elapsed - int(lag) * span - 1) // span


def latest_percent(item):
    """The item's latest reported progress percent (the latest report with one), 0 before any.
    Reads `item.reports.all()`: prefetch the reports when asking about many items."""
    percents = [r for r in item.reports.all() if r.percent is not None]
    return max(percents, key=lambda r: (r.reported_at, r.pk)).percent if percents else 0


@dataclass
class Clock:
    """The 13710 clock with its rule and calendar loaded once, for any number of items."""

    values: dict
    calendar: Calendar
    now: datetime.datetime
    _years: dict = field(default_factory=dict)
    # The progress rule's `at_risk_lag` (points); read when first needed if not given.
    at_risk_lag: int | None = None

    @classmethod
    def for_items(cls, items, now=None, calendar=None, values=None, at_risk_lag=None):
        """A clock for a batch: one read of the rules (this one and the progress rule's margin) and
        one load of the calendar covering every year the items' stages can reach."""
        now = now or clock.now()
        if not values:
            values, read_lag = _rules()
            at_risk_lag = read_lag if at_risk_lag is None else at_risk_lag
        if calendar is None:
            calendar = load_calendar(items, now)
        return cls(values=values, calendar=calendar, now=now, at_risk_lag=at_risk_lag)

    @property
    def lag(self):
        if self.at_risk_lag is None:
            self.at_risk_lag = _progress_lag()
        return self.at_risk_lag

    @property
    def today(self):
        return _local_day(self.now)

    @property
    def working(self):
        return self.values.get("day_mode") == DAY_MODE_WORKING

    def _due(self, start, days):
        return end_of_day(self.calendar.add_days(start, days, working=self.working))

    def _month_due(self, start, months):
        return end_of_day(self.calendar.add_months(start, months))

    def _monthly_dues(self, start, until):
        """Due times of the monthly reports whose month has begun before `until`."""
        step = self.values["monthly_report_days"]
        dues = []
        for k in range(1, MAX_MONTHLY_REPORTS + 1):
            # Months are counted in calendar days in both modes (a "month" of working days would be
            # six weeks); a month ending on a rest day still runs to the next working day.
            due = end_of_day(self.calendar.add_calendar_days(start, step * k))
            dues.append(due)
            if due >= until:
                break
        return dues

    def stages(self, item):
        """The item's stages in the order they fall due."""
        v, now = self.values, self.now
        start = _local_day(item.assigned_at)
        done_at = item.done_at or (item.closed_at if item.status in (item.Status.DONE, item.Status.CLOSED) else None)

        def stage(name, label, due_at, actual):
            inferred = False
            if actual is None and done_at is not None and name in ("deploy", "first_report"):
                # Completion proves deployment and a report even where their times were not recorded.
                actual, inferred = done_at, True
            return Stage(name, str(label), due_at, actual, _state(due_at, actual, now), inferred)

        out = [
            stage("deploy", _("Deployed"), self._due(start, v["deploy_days"]), item.deployed_at),
            stage("first_report", _("First progress report"), self._due(start, v["report_days"]),
                  item.first_report_at),
        ]
        ordinary = item.item_class == SupervisedItem.ItemClass.ORDINARY
        if ordinary:
            done_due = self._due(start, v["ordinary_days"])
        elif item.timetable_due_on:
            done_due = end_of_day(item.timetable_due_on)
        else:
            done_due = self._month_due(start, v["complex_months"])
        later = []
        if not ordinary and item.timetable_due_on:
            later.extend(self._monthly_stages(item, start, done_at))
        later.append(stage("done", _("Done"), done_due, done_at))
        later.sort(key=lambda s: s.due_at)
        out.extend(later)
        out.append(stage("close_out", _("Closed out"), None, item.closed_at if item.is_closed else None))
        return out

    def _monthly_stages(self, item, start, done_at):
        """One stage per month until the item is done; each month needs its own report, filed after
        the previous month's due time (the first report of a later month cannot count twice)."""
        reports = sorted(r.reported_at for r in item.reports.all() if r.kind in MONTHLY_KINDS)
        # A month that ends after completion needs no report: the completion report covers it.
        until = done_at or self.now
        dues = [d for d in self._monthly_dues(start, until) if done_at is None or d < done_at]
        stages, used, window_start = [], 0, item.assigned_at
        for k, due in enumerate(dues, start=1):
            actual = None
            while used < len(reports):
                candidate = reports[used]
                used += 1
                if candidate > window_start:
                    actual = candidate
                    break
            stages.append(Stage(f"monthly_{k}", str(_("Monthly report %(n)d") % {"n": k}), due, actual,
                                _state(due, actual, self.now)))
            window_start = due if actual is None or actual <= due else actual
        return stages

    def at_risk_ceiling(self, start, done_due_at):
        """`at_risk_ceiling` of an item assigned on the day `start` whose "done" stage is due at
        `done_due_at`, today (the clock's), with the progress rule's margin."""
        return at_risk_ceiling(start, _local_day(done_due_at), self.today, self.lag)

    def item_state(self, item, stages=None):
        """done (the "done" stage is done) / overdue (an open stage is past its due time) / at_risk
        (the share of its time elapsed exceeds its latest progress by more than the progress rule's
        `at_risk_lag` points, see `at_risk_ceiling`) / on_track. A stage falling due soon is not a
        risk: the reminders see to it."""
        stages = stages if stages is not None else self.stages(item)
        done = next(s for s in stages if s.name == "done")
        if done.done_at is not None:
            return ITEM_DONE
        if any(s.state == OVERDUE for s in stages if s.is_open and s.due_at is not None):
            return ITEM_OVERDUE
        if latest_percent(item) <= self.at_risk_ceiling(_local_day(item.assigned_at), done.due_at):
            return AT_RISK
        return ON_TRACK

    def deadline(self, item, stages=None):
        """When the item is due to be done (the "done" stage's due time)."""
        stages = stages if stages is not None else self.stages(item)
        return next(s for s in stages if s.name == "done").due_at

    def years_without_schedule(self, item, stages=None):
        """Years the item's stages run through that have no official holiday schedule on record."""
        stages = stages if stages is not None else self.stages(item)
        first = _local_day(item.assigned_at).year
        last = max([first] + [s.due_on.year for s in stages if s.due_at is not None])
        return sorted(y for y in range(first, last + 1) if y not in self.calendar.known_years)

    def warnings(self, item, stages=None):
        years = self.years_without_schedule(item, stages)
        if not years:
            return []
        return [str(_("No holiday schedule is on record for %(years)s: only weekends count as rest days "
                      "until the county enters that year's schedule.") % {"years": "、".join(map(str, years))})]


def _rules():
    """(this rule, the progress rule's `at_risk_lag`), read in one query."""
    from .metrics import PROGRESS_RULE  # registers the progress rule (metrics imports this module)

    values = rules.get_many(RULE_KEY, PROGRESS_RULE)
    return values[RULE_KEY], values[PROGRESS_RULE]["at_risk_lag"]


def _progress_lag():
    from .metrics import progress_rule

    return progress_rule()["at_risk_lag"]


def calendar_years(items, now):
    """The span of years a batch of items' stages can reach."""
    first, last = now.year, now.year
    for item in items:
        first = min(first, _local_day(item.assigned_at).year)
        last = max(last, _local_day(item.assigned_at).year)
        if item.timetable_due_on:
            last = max(last, item.timetable_due_on.year)
    # A deadline near the end of a year spills into the next one.
    return first, last + 1


def load_calendar(items, now=None):
    """The working-day calendar for a batch of items, loaded once."""
    now = now or clock.now()
    first, last = calendar_years(items, timezone.localtime(now) if timezone.is_aware(now) else now)
    return Calendar.load(first, last)


def _clock(item, calendar, now):
    return Clock.for_items([item], now=now, calendar=calendar)


def stages(item, calendar=None, now=None):
    """The item's 13710 stages (name, label, due_at, done_at, state), in the order they fall due."""
    return _clock(item, calendar, now).stages(item)


def item_state(item, now=None, calendar=None):
    """The item's overall state: "done", "on_track", "at_risk" or "overdue"."""
    return _clock(item, calendar, now).item_state(item)


def warnings(item, calendar=None, now=None):
    """Warnings to show with the item, e.g. that a year it runs through has no holiday schedule."""
    return _clock(item, calendar, now).warnings(item)
