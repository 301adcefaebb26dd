"""Training figures, computed from the records in the user's scope (never typed in).

Definitions (shown on the statistics page as well):

- Person-times (人次): present attendances summed over sessions. A cadre present at 6 sessions
  counts 6; absent and excused attendances count nothing.
- People trained: distinct cadres with at least one present attendance.
- Training day: a calendar date on which the cadre was present at at least one session. Two
  sessions on the same date make one day; a session's length does not matter.
- Credit hours (学时): the credit hours of every session the cadre was present at, summed.
- The yearly minimum is the rule `training.yearly_minimum` (default, for township-level cadres and
  below: 12 training days or 90 credit hours a year, per the 2023 cadre training regulations);
  meeting either one meets the minimum. A cadre below both is on the shortfall list, with the
  days and the credit hours they still need (either one is enough).

Scope: the county sees every attendance; a township committee the attendances of its own cadres
(in its own and in county-wide programs); a cadre their own.
"""
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, ExtractMonth
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from banzi.core import clock, metrics, rules
from banzi.core.roles import STAFF, Role, has_role
from banzi.org.models import Cadre, TeamMembership

from .models import Attendance, TrainingNeed, TrainingProgram

RULE = "training.yearly_minimum"
rules.register(
    RULE, {"days": 12, "credit_hours": 90}, _("Yearly training minimum (township-level cadres and below)"),
    fields={"days": _("training days a year"), "credit_hours": _("credit hours a year")},
)

PRESENT = Attendance.Status.PRESENT
ZERO = Decimal("0")


def hours(value):
    """Credit hours to one decimal place, as they are shown and compared (5 → 5.0)."""
    return Decimal(value or 0).quantize(Decimal("0.1"))


def minimum():
    """The yearly minimum in force: {"days": int, "credit_hours": Decimal}."""
    value = rules.get(RULE)
    return {"days": int(value["days"]), "credit_hours": hours(Decimal(str(value["credit_hours"])))}


def meets(days, credit_hours, rule=None):
    """Whether a cadre's training days or credit hours meet the yearly minimum (either one is enough)."""
    rule = rule or minimum()
    return days >= rule["days"] or Decimal(credit_hours or 0) >= rule["credit_hours"]


def needs(days, credit_hours, rule=None):
    """What a cadre still needs: more days, or more credit hours (either one is enough); zeros once met."""
    rule = rule or minimum()
    if meets(days, credit_hours, rule):
        return {"days": 0, "credit_hours": hours(0)}
    return {"days": rule["days"] - days, "credit_hours": hours(rule["credit_hours"] - Decimal(credit_hours or 0))}


# --- attendance-based figures ------------------------------------------------------------------

def present_attendances(user, *, year=None, township=None):
    """Present attendances the user may see, optionally of one year and one township's cadres."""
    qs = Attendance.objects.visible_to(user).filter(status=PRESENT)
    if year:
        qs = qs.filter(session__held_on__year=year)
    if township is not None:
        qs = qs.filter(cadre__organization__township=township)
    return qs


def summary(attendances):
    """Person-times, people trained, programs, sessions and credit hours earned of attendances."""
    figures = attendances.order_by().aggregate(
        person_times=Count("id"), people=Count("cadre", distinct=True),
        programs=Count("session__program", distinct=True), sessions=Count("session", distinct=True),
        credit_hours=Coalesce(Sum("session__credit_hours"), Value(ZERO), output_field=DecimalField()),
    )
    figures["credit_hours"] = hours(figures["credit_hours"])
    return figures


def program_figures(program):
    """One program's figures over all its sessions (aggregates, whoever is looking)."""
    figures = summary(Attendance.objects.filter(session__program=program, status=PRESENT))
    sessions = program.sessions.order_by().aggregate(
        count=Count("id"), hours=Coalesce(Sum("credit_hours"), Value(ZERO), output_field=DecimalField()),
        days=Count("held_on", distinct=True))
    figures.update(session_count=sessions["count"], program_hours=hours(sessions["hours"]), session_days=sessions["days"],
                   enrolled=program.enrollments.count())
    return figures


def _grouped(attendances, key, label_key=None):
    rows = (attendances.order_by().values(key, *([label_key] if label_key else []))
            .annotate(person_times=Count("id"), people=Count("cadre", distinct=True))
            .order_by("-person_times", key))
    return [{"key": r[key], "label": r[label_key or key], "person_times": r["person_times"], "people": r["people"]}
            for r in rows]


def by_program(attendances, limit=None):
    rows = _grouped(attendances, "session__program", "session__program__name")
    return rows[:limit] if limit else rows


def by_kind(attendances):
    labels = dict(TrainingProgram.Kind.choices)
    rows = _grouped(attendances, "session__program__kind")
    for row in rows:
        row["label"] = labels.get(row["key"], row["key"])
    return rows


def by_topic(attendances):
    return _grouped(attendances, "session__topic", "session__topic__name")


def by_organization(attendances):
    """By the program's organizer."""
    return _grouped(attendances, "session__program__organizer", "session__program__organizer__name")


def by_township(attendances):
    """By the township the cadres work in; county departments' cadres together."""
    rows = _grouped(attendances, "cadre__organization__township", "cadre__organization__township__name")
    for row in rows:
        if row["key"] is None:
            row["label"] = _("County departments")
    return rows


def by_month(attendances):
    """Twelve months of the year, January first, months without training included."""
    rows = (attendances.order_by().annotate(month=ExtractMonth("session__held_on")).values("month")
            .annotate(person_times=Count("id"), people=Count("cadre", distinct=True)))
    found = {r["month"]: r for r in rows}
    return [{"key": m, "label": _("Month %(month)d") % {"month": m},
             "person_times": found.get(m, {}).get("person_times", 0), "people": found.get(m, {}).get("people", 0)}
            for m in range(1, 13)]


def chart(rows, series):
    """The data of a bar chart (see banzi.js: labels, values, series)."""
    return {"labels": [str(r["label"]) for r in rows], "values": [r["person_times"] for r in rows],
            "series": str(series)}


def statistics(user, year, *, township=None):
    """Everything the statistics page and its API endpoint show, for one year."""
    attendances = present_attendances(user, year=year, township=township)
    rule = minimum()
    cadres = cadre_hours(user, year, township=township)
    counted = cadres.aggregate(total=Count("id"))["total"]
    short = shortfall(cadres, rule).count()
    return {
        "year": year,
        "summary": summary(attendances),
        "minimum": rule,
        "cadres": counted,
        "cadres_meeting": counted - short,
        "cadres_short": short,
        "by_program": by_program(attendances),
        "by_kind": by_kind(attendances),
        "by_topic": by_topic(attendances),
        "by_organization": by_organization(attendances),
        "by_township": by_township(attendances),
        "by_month": by_month(attendances),
    }


# --- per cadre ---------------------------------------------------------------------------------

def cadre_hours(user, year, *, township=None):
    """Active cadres the user may see, each annotated with `training_days` and `credit_hours` of
    the year (from their present attendances; see the module's definitions).

    Each figure is a subquery over the cadre's own attendances of the year (the cadre/status index),
    so a page of cadres reads only theirs and the list is not grouped over every cadre's attendances."""
    attended = (Attendance.objects.filter(cadre=OuterRef("pk"), status=PRESENT, session__held_on__year=year)
                .order_by().values("cadre"))
    days = attended.annotate(days=Count("session__held_on", distinct=True)).values("days")
    credit_hours = attended.annotate(hours=Sum("session__credit_hours")).values("hours")
    qs = Cadre.objects.visible_to(user).filter(status=Cadre.Status.ACTIVE)
    if township is not None:
        qs = qs.filter(organization__township=township)
    return qs.annotate(
        training_days=Coalesce(Subquery(days), 0, output_field=IntegerField()),
        credit_hours=Coalesce(Subquery(credit_hours), Value(ZERO), output_field=DecimalField()),
    )


def shortfall(cadres, rule=None):
    """Of annotated cadres (`cadre_hours`), those below both the days and the credit-hours minimum."""
    rule = rule or minimum()
    return cadres.filter(training_days__lt=rule["days"], credit_hours__lt=rule["credit_hours"])


def own_hours(cadre, year):
    """A cadre's own training days and credit hours in a year, and whether they meet the minimum."""
    figures = Attendance.objects.filter(cadre=cadre, status=PRESENT, session__held_on__year=year).aggregate(
        days=Count("session__held_on", distinct=True),
        credit_hours=Coalesce(Sum("session__credit_hours"), Value(ZERO), output_field=DecimalField()))
    rule = minimum()
    figures["credit_hours"] = hours(figures["credit_hours"])
    return {**figures, "minimum": rule, "meets": meets(figures["days"], figures["credit_hours"], rule),
            "needs": needs(figures["days"], figures["credit_hours"], rule)}


# --- training needs ----------------------------------------------------------------------------

def upcoming_programs(user, today=None):
    today = today or clock.today()
    return (TrainingProgram.objects.visible_to(user).filter(start_on__gte=today)
            .select_related("organizer").prefetch_related("topics").order_by("start_on", "id"))


def open_needs(user, *, township=None):
    """The open training needs the user may see (of one township's organizations), in the matching page's order."""
    needs = (TrainingNeed.objects.visible_to(user).filter(status=TrainingNeed.Status.OPEN)
             .select_related("organization", "cadre", "topic").order_by("topic__sort_order", "organization__name", "id"))
    if township is not None:
        needs = needs.filter(organization__township=township)
    return needs


def match_needs(user, today=None, *, township=None):
    """Each open need the user may see, with the upcoming programs that cover it: programs on the
    need's topic, organized county-wide or by the need's own township. [(need, [programs])]."""
    needs_qs = open_needs(user, township=township)
    by_topic = defaultdict(list)
    for program in upcoming_programs(user, today):
        for topic in program.topics.all():
            by_topic[topic.pk].append(program)
    matches = []
    for need in needs_qs:
        township_id = need.organization.township_id
        programs = [p for p in by_topic[need.topic_id] if p.organizer.township_id in (None, township_id)]
        matches.append((need, programs))
    return matches


def uncovered_needs(user, today=None, *, township=None):
    """The open needs no upcoming program covers (see `match_needs`), found by the database."""
    today = today or clock.today()
    covering = TrainingProgram.objects.visible_to(user).filter(start_on__gte=today, topics=OuterRef("topic_id")).filter(
        Q(organizer__township__isnull=True) | Q(organizer__township_id=OuterRef("organization__township_id")))
    return list(open_needs(user, township=township).exclude(Exists(covering)))


# --- the dashboard -----------------------------------------------------------------------------

@metrics.card(50, part="training")
def training_cards(user):
    year = clock.today().year
    if user.role == Role.CADRE:
        if not user.cadre_id:
            return []
        own = own_hours(user.cadre, year)
        return [{"label": _("My training this year"),
                 "value": _("%(days)d days · %(hours)s credit hours") % {"days": own["days"],
                                                                          "hours": own["credit_hours"]},
                 "url": reverse("training:hours")}]
    if not has_role(user, STAFF):
        return []
    person_times = present_attendances(user, year=year).count()
    return [{"label": _("Training person-times this year"), "value": person_times,
             "url": reverse("training:statistics")}]


@metrics.panel(50)
def training_by_month_chart(user):
    """Bar chart of this year's training person-times by month, for the county and townships."""
    if not has_role(user, STAFF):
        return []
    year = clock.today().year
    rows = by_month(present_attendances(user, year=year))
    return [{
        "title": _("Training person-times by month this year"),
        "template": "dashboard/panels/bar_chart.html",
        "chart_id": "chart-training-by-month",
        "url": reverse("training:statistics"),
        "chart": chart(rows, _("person-times")),
        "table": [(r["label"], r["person_times"]) for r in rows],
    }]


@metrics.action(50)
def training_actions(user):
    if not has_role(user, STAFF):
        return []
    needs_open = TrainingNeed.objects.visible_to(user).filter(status=TrainingNeed.Status.OPEN).count()
    if not needs_open:
        return []
    return [{"label": _("Open training needs"), "count": needs_open, "level": "info",
             "url": reverse("training:needs_matching")}]


# --- indicators of the assessment (core.metrics.indicator) ------------------------------------------

def _period_minimum(start, end):
    """The yearly minimum pro rata to the period: days rounded up, credit hours to one decimal."""
    rule = minimum()
    share = metrics.year_share(start, end)
    return {"days": metrics.pro_rata(rule["days"], start, end),
            "credit_hours": hours(rule["credit_hours"] * share.numerator / share.denominator)}


@metrics.indicator("training", group="ability", subject="cadre", order=50, unit="percent", direction="up",
                   label=_("Training against the minimum"))
def training_indicator(ids, start, end):
    """Training days (distinct dates of sessions attended) and credit hours in the period against the
    yearly minimum pro rata to the period (`meets`: either is enough), as the better of the two shares."""
    rule = _period_minimum(start, end)
    figures = {row["cadre"]: row for row in Attendance.objects.filter(
        cadre__in=ids, status=Attendance.Status.PRESENT, session__held_on__range=(start, end)).order_by()
        .values("cadre").annotate(days=Count("session__held_on", distinct=True),
                                  credit=Coalesce(Sum("session__credit_hours"), Value(ZERO), output_field=DecimalField()))}
    url = reverse("training:attendance_list")
    out = {}
    for pk in ids:
        row = figures.get(pk, {"days": 0, "credit": ZERO})
        shares = [100 * row["days"] / rule["days"] if rule["days"] else 100,
                  100 * row["credit"] / rule["credit_hours"] if rule["credit_hours"] else 100]
        value = 100 if meets(row["days"], row["credit"], rule) else min(99, int(max(shares)))
        out[pk] = metrics.Reading(value, str(_("%(days)d days, %(hours)s credit hours; the minimum is %(min_days)d "
                                               "days or %(min_hours)s hours") % {
            "days": row["days"], "hours": hours(row["credit"]), "min_days": rule["days"],
            "min_hours": rule["credit_hours"]}), f"{url}?cadre={pk}&year={start.year}")
    return out


@metrics.indicator("team_training", group="ability", subject="team", order=50, unit="percent", direction="up",
                   label=_("Team members meeting the training minimum"))
def team_training_indicator(ids, start, end):
    """The share of those who sat on the team in the period whose training in the period meets the
    yearly minimum pro rata to it (as `training` reads it per cadre)."""
    rule = _period_minimum(start, end)
    members = set(TeamMembership.objects.filter(team__in=ids, started_on__lte=end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=start)).values_list("team_id", "cadre_id"))
    figures = {row["cadre"]: row for row in Attendance.objects.filter(
        cadre__in={cadre for _team, cadre in members}, status=Attendance.Status.PRESENT,
        session__held_on__range=(start, end)).order_by()
        .values("cadre").annotate(days=Count("session__held_on", distinct=True),
                                  credit=Coalesce(Sum("session__credit_hours"), Value(ZERO), output_field=DecimalField()))}
    url = reverse("training:attendance_list")
    out = {}
    for pk in ids:
        cadres = [cadre for team, cadre in members if team == pk]
        met = sum(1 for cadre in cadres if cadre in figures
                  and meets(figures[cadre]["days"], figures[cadre]["credit"], rule))
        out[pk] = metrics.Reading(metrics.percent(met, len(cadres)), str(_(
            "%(met)d of %(members)d team members met the minimum of %(min_days)d days or %(min_hours)s hours") % {
            "met": met, "members": len(cadres), "min_days": rule["days"], "min_hours": rule["credit_hours"]}),
            f"{url}?year={start.year}")
    return out


# --- report figures (the year-end report, banzi.reports) -------------------------------------------

def _present_in(township_ids, start, end, *kinds):
    """Present attendances at sessions held in start..end (of programs of these kinds), of the
    townships' cadres (every cadre for the county)."""
    qs = Attendance.objects.filter(status=PRESENT, session__held_on__range=(start, end))
    if kinds:
        qs = qs.filter(session__program__kind__in=kinds)
    return metrics.scoped(qs, "cadre__organization__township", township_ids).order_by()


def _attendance_link(township_ids, start, end, **params):
    """Present attendances at sessions held in the period, of the scope's cadres; `one_per` keeps one
    row per cadre, program, lecturer or day, for the figures that count those."""
    return metrics.list_link("training:attendance_list", township_ids, status=PRESENT,
                             held_after=start.isoformat(), held_before=end.isoformat(), **params)


def _attendances(kind, **params):
    def link(township_ids, start, end):
        return _attendance_link(township_ids, start, end, kind=kind, **params)
    return link


@metrics.figure("training.newly_promoted_trained", part="training", order=10, label=_("Newly promoted cadres trained"),
                unit=pgettext_lazy("unit", "people"),
                list_url=_attendances(TrainingProgram.Kind.SPECIAL, newly_promoted="true", one_per="cadre"), definition=_(
                    "Newly promoted cadres present at least once at a session of a special training held in the "
                    "period (each cadre once)."))
def newly_promoted_trained(township_ids, start, end):
    return _present_in(township_ids, start, end, TrainingProgram.Kind.SPECIAL).filter(
        cadre__is_newly_promoted=True).aggregate(n=Count("cadre", distinct=True))["n"]


@metrics.figure("training.special_training_days", part="training", order=11, label=_("Days of special training"),
                unit=pgettext_lazy("unit", "days"), list_url=_attendances(TrainingProgram.Kind.SPECIAL, one_per="day"),
                definition=_(
                    "Calendar days on which a session of a special training was held in the period, with at "
                    "least one cadre of the scope present."))
def special_training_days(township_ids, start, end):
    return _present_in(township_ids, start, end, TrainingProgram.Kind.SPECIAL).aggregate(
        n=Count("session__held_on", distinct=True))["n"]


@metrics.figure("training.lecture_halls", part="training", order=12, label=_("Cadre lecture halls held"),
                unit=pgettext_lazy("unit", "editions"),
                list_url=_attendances(TrainingProgram.Kind.LECTURE_HALL, one_per="program"), definition=_(
                    "Cadre lecture hall programs with a session held in the period and at least one cadre of the "
                    "scope present."))
def lecture_halls(township_ids, start, end):
    return _present_in(township_ids, start, end, TrainingProgram.Kind.LECTURE_HALL).aggregate(
        n=Count("session__program", distinct=True))["n"]


@metrics.figure("training.to_townships_lecturers", part="training", order=13,
                label=_("Lecturers of the training brought to the townships"), unit=pgettext_lazy("unit", "people"),
                list_url=_attendances(TrainingProgram.Kind.TO_TOWNSHIPS, one_per="lecturer"), definition=_(
                    "Distinct lecturers of the sessions of training brought to the townships held in the period "
                    "with at least one cadre of the scope present."))
def to_townships_lecturers(township_ids, start, end):
    return _present_in(township_ids, start, end, TrainingProgram.Kind.TO_TOWNSHIPS).aggregate(
        n=Count("session__lecturer", distinct=True))["n"]


@metrics.figure("training.to_townships_days", part="training", order=14,
                label=_("Days of training brought to the townships"), unit=pgettext_lazy("unit", "days"),
                list_url=_attendances(TrainingProgram.Kind.TO_TOWNSHIPS, one_per="day"), definition=_(
                    "Calendar days on which a session of training brought to the townships was held in the "
                    "period, with at least one cadre of the scope present."))
def to_townships_days(township_ids, start, end):
    return _present_in(township_ids, start, end, TrainingProgram.Kind.TO_TOWNSHIPS).aggregate(
        n=Count("session__held_on", distinct=True))["n"]


@metrics.figure("training.person_times", part="training", order=15, label=_("Person-times trained"),
                unit=pgettext_lazy("unit", "person-times"), list_url=_attendance_link, definition=_(
                    "Present attendances at every training session held in the period, summed over sessions "
                    "(a cadre present at 6 sessions counts 6)."))
def person_times(township_ids, start, end):
    return _present_in(township_ids, start, end).aggregate(n=Count("id"))["n"]


@metrics.figure("training.to_townships_person_times", part="training", order=16,
                label=_("Person-times of the training brought to the townships"), unit=pgettext_lazy("unit", "person-times"),
                list_url=_attendances(TrainingProgram.Kind.TO_TOWNSHIPS), definition=_(
                    "Present attendances at the sessions of training brought to the townships held in the period, "
                    "summed over sessions."))
def to_townships_person_times(township_ids, start, end):
    return _present_in(township_ids, start, end, TrainingProgram.Kind.TO_TOWNSHIPS).aggregate(n=Count("id"))["n"]
