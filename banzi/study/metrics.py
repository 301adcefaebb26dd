"""Read-only study figures, and the study app's own entries in the registries of group study
(`sources`) and of automatic duty credits (`credits`).

Every consumer — an organization's study calendar, a cadre's study history, a team's yearly duty
matrix — reads the registries, so group study and credits that other apps register later (a
governance meeting, a practice posting) show up there without a change here.
"""
import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from banzi.core import clock, metrics
from banzi.core.roles import STAFF, Role, has_role
from banzi.core.scoping import sees_everything
from banzi.org.models import Cadre, Organization, Team, TeamMembership

from . import credits, duties, sources
from .models import (
    VILLAGE_KINDS,
    LeadDuty,
    LeadDutyEvidence,
    LeadDutyRecord,
    StudyAttendance,
    StudyKind,
    StudyRecord,
    StudySession,
)

SESSION_SOURCE = "study.studysession"


# --- the registries: the study app's own sessions and credits ---------------------------------------

@sources.provider
def study_sessions(start, end, organization_ids=None, cadre_ids=None):
    """Group study recorded in this app: each session with its present attendees."""
    sessions = StudySession.objects.filter(held_on__range=(start, end))
    if organization_ids is not None:
        sessions = sessions.filter(organization_id__in=organization_ids)
    if cadre_ids is not None:
        sessions = sessions.filter(
            Q(lecturer_id__in=cadre_ids)
            | Q(attendances__cadre_id__in=cadre_ids, attendances__status=StudyAttendance.Status.PRESENT)).distinct()
    present = StudyAttendance.objects.filter(status=StudyAttendance.Status.PRESENT).only("session_id", "cadre_id")
    for session in sessions.prefetch_related(Prefetch("attendances", queryset=present, to_attr="present")):
        yield sources.GroupStudy(
            organization_id=session.organization_id, date=session.held_on, kind=session.kind, topic=session.topic,
            minutes=session.minutes, attendee_ids=frozenset(a.cadre_id for a in session.present),
            lecturer_id=session.lecturer_id, url=reverse("study:studysession_detail", args=[session.pk]),
            source=SESSION_SOURCE, source_id=session.pk)


@credits.provider
def party_lecture_credits(cadre_ids, start, end):
    """Giving a Party lecture: a session of kind Party lecture whose lecturer is the leader."""
    lectures = StudySession.objects.filter(kind=StudyKind.PARTY_LECTURE, lecturer_id__in=cadre_ids,
                                           held_on__range=(start, end)).only("pk", "lecturer_id", "held_on", "topic")
    for session in lectures:
        yield credits.Credit(
            cadre_id=session.lecturer_id, duty_key=duties.PARTY_LECTURE, date=session.held_on,
            label=_("Party lecture: %(topic)s") % {"topic": session.topic},
            url=reverse("study:studysession_detail", args=[session.pk]), source=SESSION_SOURCE, source_id=session.pk)


@credits.provider
def village_study_credits(cadre_ids, start, end):
    """Guiding village Party study: a session at a village the leader attended as its guide."""
    guided = (StudyAttendance.objects.filter(
        cadre_id__in=cadre_ids, role=StudyAttendance.AttendanceRole.GUIDE, status=StudyAttendance.Status.PRESENT,
        session__held_on__range=(start, end), session__organization__kind__in=VILLAGE_KINDS)
        .select_related("session__organization"))
    for attendance in guided:
        session = attendance.session
        yield credits.Credit(
            cadre_id=attendance.cadre_id, duty_key=duties.VILLAGE_STUDY, date=session.held_on,
            label=_("Guided the study of %(village)s: %(topic)s") % {
                "village": session.organization.name, "topic": session.topic},
            url=reverse("study:studysession_detail", args=[session.pk]), source=SESSION_SOURCE, source_id=session.pk)


# --- periods -------------------------------------------------------------------------------------

def year_bounds(year):
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def month_bounds(year, month):
    return datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1])


def month_weeks(year, month):
    """The month as weeks of seven dates (Monday first), None outside the month."""
    return [[d if d.month == month else None for d in week]
            for week in calendar.Calendar().monthdatescalendar(year, month)]


def visible_organization_ids(user):
    """The organizations whose study a user may see; None when they see the whole county."""
    if sees_everything(user):
        return None
    return set(Organization.objects.visible_to(user).values_list("pk", flat=True))


# --- group study: the organization's calendar and a cadre's history --------------------------------

def organization_calendar(user, year, month, organization_ids=None):
    """{date: [GroupStudy]} of the month, from every registered source, within the user's scope."""
    visible = visible_organization_ids(user)
    if organization_ids is not None:
        visible = set(organization_ids) if visible is None else visible & set(organization_ids)
    start, end = month_bounds(year, month)
    days = defaultdict(list)
    for study in sources.group_studies(start, end, organization_ids=visible):
        days[study.date].append(study)
    return dict(days)


def cadre_group_studies(cadre, year):
    """The group study a cadre attended or lectured at in a year, from every registered source."""
    start, end = year_bounds(year)
    return sources.group_studies(start, end, cadre_ids={cadre.pk})


# --- personal daily study ------------------------------------------------------------------------

def my_month(cadre, year, month):
    """{date: [StudyRecord]} of one cadre's own records in a month, and the month's totals."""
    start, end = month_bounds(year, month)
    days = defaultdict(list)
    for record in StudyRecord.objects.filter(cadre=cadre, studied_on__range=(start, end)).order_by("studied_on", "id"):
        days[record.studied_on].append(record)
    return dict(days), sum(r.minutes for rs in days.values() for r in rs)


def cadre_months(cadre, year):
    """A cadre's daily study per month of a year: [{"month", "days", "minutes"}] for all twelve."""
    start, end = year_bounds(year)
    rows = (StudyRecord.objects.filter(cadre=cadre, studied_on__range=(start, end))
            .values("studied_on__month").annotate(days=Count("studied_on", distinct=True), minutes=Sum("minutes")))
    found = {row["studied_on__month"]: row for row in rows}
    return [{"month": m, "days": found.get(m, {}).get("days", 0), "minutes": found.get(m, {}).get("minutes", 0)}
            for m in range(1, 13)]


def monthly_totals(user, year, month, township=None):
    """Per person, the month's study days and minutes: the committee's view (no notes, no rank).

    Every active cadre in the user's scope is listed, by name, with what they recorded. Each figure is
    a subquery over the cadre's records of the month (the index on cadre and date), not a join of every
    cadre with all their records grouped afterwards, so a page of 100 reads only those 100 cadres' month.
    """
    start, end = month_bounds(year, month)
    cadres = Cadre.objects.visible_to(user).filter(status=Cadre.Status.ACTIVE)
    if township is not None:
        cadres = cadres.filter(organization__township=township)
    month_records = (StudyRecord.objects.filter(cadre=OuterRef("pk"), studied_on__range=(start, end))
                     .order_by().values("cadre"))
    minutes = month_records.annotate(total=Sum("minutes")).values("total")
    days = month_records.annotate(days=Count("studied_on", distinct=True)).values("days")
    return (cadres.select_related("organization")
            .annotate(study_minutes=Coalesce(Subquery(minutes), 0, output_field=IntegerField()),
                      study_days=Coalesce(Subquery(days), 0, output_field=IntegerField()))
            .order_by("organization__township__sort_order", "organization__name", "name_pinyin", "pk"))


# --- the nine lead-by-example duties -------------------------------------------------------------

def current_team(township, on=None):
    return Team.objects.current(on).filter(township=township).order_by("-elected_on").first()


def team_leaders(team, on=None):
    """The team's current members (one line per cadre, in the team's order)."""
    memberships = (TeamMembership.objects.current(on).filter(team=team).select_related("cadre", "position")
                   .order_by("-is_head", "sort_order", "position__sort_order", "started_on"))
    seen, leaders = set(), []
    for membership in memberships:
        if membership.cadre_id not in seen:
            seen.add(membership.cadre_id)
            leaders.append(membership)
    return leaders


@dataclass
class Cell:
    """One leader's proofs of one duty in a year: manual records and automatic credits."""

    records: list = field(default_factory=list)
    credits: list = field(default_factory=list)

    @property
    def count(self):
        return len(self.records) + len(self.credits)


@dataclass
class Matrix:
    year: int
    duties: list
    rows: list  # [(leader label, cadre, [Cell per duty])]

    def totals(self):
        return [sum(row[2][i].count for row in self.rows) for i in range(len(self.duties))]

    def shown(self, cadre_id):
        return next((sum(1 for c in cells if c.count) for _l, cadre, cells in self.rows if cadre.pk == cadre_id), 0)


def duty_matrix(cadres, year, labels=None):
    """Leaders × active duties for a year, each cell with its records and credits.

    A fixed number of queries: the duties, the records with their evidence, and one per credit provider.
    """
    start, end = year_bounds(year)
    duty_list = list(LeadDuty.objects.filter(is_active=True))
    ids = [c.pk for c in cadres]
    records = defaultdict(list)
    for record in (LeadDutyRecord.objects.filter(cadre_id__in=ids, done_on__range=(start, end))
                   .prefetch_related(Prefetch("evidence", queryset=LeadDutyEvidence.objects.order_by("id")))
                   .order_by("done_on", "id")):
        records[(record.cadre_id, record.duty_id)].append(record)
    by_key = credits.credits_by_cadre_and_duty(ids, start, end)
    rows = []
    for cadre in cadres:
        cells = [Cell(records=records.get((cadre.pk, duty.pk), []), credits=by_key.get((cadre.pk, duty.key), []))
                 for duty in duty_list]
        rows.append(((labels or {}).get(cadre.pk, ""), cadre, cells))
    return Matrix(year=year, duties=duty_list, rows=rows)


def team_matrix(team, year):
    """The team's yearly matrix: its current members × the nine duties."""
    leaders = team_leaders(team)
    return duty_matrix([m.cadre for m in leaders], year, labels={m.cadre_id: str(m.position) for m in leaders})


# --- the dashboard ---------------------------------------------------------------------------------

@metrics.card(20, part="training")
def study_cards(user):
    today = clock.today()
    if getattr(user, "role", None) == Role.CADRE and user.cadre_id:
        start, end = month_bounds(today.year, today.month)
        minutes = StudyRecord.objects.filter(cadre_id=user.cadre_id, studied_on__range=(start, end)).aggregate(
            total=Sum("minutes"))["total"] or 0
        return [{"label": _("My study this month (minutes)"), "value": minutes, "url": reverse("study:my_study")}]
    if has_role(user, STAFF):
        start, end = year_bounds(today.year)
        count = StudySession.objects.visible_to(user).filter(held_on__range=(start, end)).count()
        return [{"label": _("Group study sessions %(year)s") % {"year": today.year}, "value": count,
                 "url": reverse("study:studysession_list")}]
    return []


# --- indicators of the assessment (core.metrics.indicator) ------------------------------------------

@metrics.indicator("lead_duties", group="political", subject="cadre", order=25, unit="percent", direction="up",
                   label=gettext_lazy("Lead-by-example duties shown"))
def lead_duties_indicator(ids, start, end):
    """Team members only: how many of the active lead-by-example duties the cadre showed in the
    period (a record of it, or a record elsewhere that proves it: the duty matrix's cells), out of
    all of them. A count of duties with proof: never the time spent on study."""
    members = metrics.team_member_ids(ids, start, end)
    active = dict(LeadDuty.objects.filter(is_active=True).values_list("pk", "key"))
    shown = defaultdict(set)
    for cadre_id, duty_id in (LeadDutyRecord.objects.filter(cadre_id__in=members, done_on__range=(start, end),
                                                            duty_id__in=list(active))
                              .order_by().values_list("cadre_id", "duty_id").distinct()):
        shown[cadre_id].add(active[duty_id])
    keys = set(active.values())
    for cadre_id, duty_key in credits.credits_by_cadre_and_duty(members, start, end):
        if duty_key in keys:
            shown[cadre_id].add(duty_key)
    out = {}
    for pk in ids:
        if pk not in members:
            out[pk] = metrics.Reading(None, _("not a team member in the period"), "")
            continue
        n = len(shown[pk])
        out[pk] = metrics.Reading(metrics.percent(n, len(keys)), _("%(shown)d of %(total)d duties shown") % {
            "shown": n, "total": len(keys)}, f"{reverse('study:leader_duties', args=[pk])}?year={start.year}")
    return out


# --- report figures (the year-end report, banzi.reports) -------------------------------------------
# Group study held and attended: never minutes, time online or check-ins (DESIGN.md principle 2).

def _sessions(township_ids, start, end, **filters):
    qs = StudySession.objects.filter(held_on__range=(start, end), **filters)
    return metrics.scoped(qs, "organization__township", township_ids).order_by()


def _session_link(**params):
    def link(township_ids, start, end):
        return metrics.list_link("study:studysession_list", township_ids, held_after=start.isoformat(),
                                 held_before=end.isoformat(), **params)
    return link


def _attendance_link(township_ids, start, end):
    return metrics.list_link("study:studyattendance_list", township_ids, held_after=start.isoformat(),
                             held_before=end.isoformat(), status=StudyAttendance.Status.PRESENT)


@metrics.figure("study.sessions", part="training", order=1, label=gettext_lazy("Group study sessions held"),
                unit=pgettext_lazy("unit", "times"), list_url=_session_link(), definition=gettext_lazy(
                    "Group study sessions of every kind (committee theory study, staff study, Party group study, "
                    "Party lectures) recorded as held in the period by organizations of the scope."))
def sessions_held(township_ids, start, end):
    return _sessions(township_ids, start, end).aggregate(n=Count("id"))["n"]


@metrics.figure("study.committee_theory_sessions", part="training", order=2,
                label=gettext_lazy("Committee theory study sessions held"), unit=pgettext_lazy("unit", "times"),
                list_url=_session_link(kind=StudyKind.COMMITTEE_THEORY), definition=gettext_lazy(
                    "Group study sessions of the kind committee theory study (党委中心组学习) held in the period by "
                    "organizations of the scope."))
def committee_theory_sessions(township_ids, start, end):
    return _sessions(township_ids, start, end, kind=StudyKind.COMMITTEE_THEORY).aggregate(n=Count("id"))["n"]


@metrics.figure("study.party_lectures", part="training", order=3, label=gettext_lazy("Party lectures given"),
                unit=pgettext_lazy("unit", "times"), list_url=_session_link(kind=StudyKind.PARTY_LECTURE),
                definition=gettext_lazy("Group study sessions of the kind Party lecture held in the period by "
                                        "organizations of the scope."))
def party_lectures(township_ids, start, end):
    return _sessions(township_ids, start, end, kind=StudyKind.PARTY_LECTURE).aggregate(n=Count("id"))["n"]


@metrics.figure("study.person_times", part="training", order=4, label=gettext_lazy("Person-times at group study"),
                unit=pgettext_lazy("unit", "person-times"), list_url=_attendance_link, definition=gettext_lazy(
                    "Cadres marked present at the group study sessions held in the period by organizations of "
                    "the scope, summed over the sessions (a cadre at two sessions counts twice)."))
def study_person_times(township_ids, start, end):
    qs = StudyAttendance.objects.filter(status=StudyAttendance.Status.PRESENT, session__held_on__range=(start, end))
    return metrics.scoped(qs, "session__organization__township", township_ids).order_by().aggregate(
        n=Count("id"))["n"]
