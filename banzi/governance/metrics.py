"""Read-only governance figures, computed from the meetings as recorded: the organizational-life
compliance calendar (period × meeting kind: held / missing / not yet due) per organization and year,
the county overview, and the team members' attendance at lower-level organizational life meetings.

Principle 1 ("enter once"): meetings also report themselves to the study app, as group study
(central-group study, Party lectures) and as lead-by-example duty credits (theme Party day, dual
organizational life, democratic appraisal, giving a Party lecture). Each function runs a constant
number of queries, whatever the number of organizations, meetings or cadres.
"""
import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThan, GreaterThanOrEqual
from django.urls import reverse
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from banzi.core import clock, rules
from banzi.core import metrics as dashboard
from banzi.core.roles import STAFF, has_role
from banzi.org.models import Organization, TeamMembership
from banzi.study import credits, duties, sources
from banzi.study.models import StudyKind

from .models import (
    LOWER_LEVEL_ORG_KINDS,
    TEAM_KINDS,
    AgendaItem,
    Attendance,
    Frequency,
    Meeting,
    MeetingKind,
    OrgLifeRule,
    Threshold,
)
from .services import _FRACTIONS, meets

ORG_LIFE_RULE = "governance.org_life"
rules.register(
    ORG_LIFE_RULE,
    {"lower_level_minimum": 2},
    _("Team members' dual organizational life"),
    fields={"lower_level_minimum": _("Lower-level organizational life meetings a team member attends each year")},
)

HELD, MISSING, SHORT, NOT_DUE = "held", "missing", "short", "not_due"
STATUS_LABELS = {
    HELD: _("Held"),
    MISSING: _("Missing"),
    SHORT: _("Attendance below the minimum"),
    NOT_DUE: _("Not yet due"),
}
STATUS_COLOURS = {HELD: "green", MISSING: "red", SHORT: "orange", NOT_DUE: "secondary"}
# How many of a to-do the home page names.
ITEMS_SHOWN = 8

# Study kinds: a meeting of these kinds is its attendees' group study.
STUDY_KINDS = {MeetingKind.CENTRAL_GROUP: StudyKind.COMMITTEE_THEORY, MeetingKind.PARTY_LECTURE: StudyKind.PARTY_LECTURE}


def year_param(value):
    """A year asked for in a page's or the API's query (this year when missing or out of range)."""
    this_year = clock.today().year
    try:
        year = int(value or "")
    except ValueError:
        return this_year
    return year if 2000 <= year <= 2100 else this_year


@dataclass(frozen=True)
class Period:
    label: str
    start: datetime.date
    end: datetime.date


def periods(frequency, year):
    """The periods of a year for a frequency: 12 months, 4 quarters, 2 halves or the year."""
    def last_day(month):
        return datetime.date(year, month, calendar.monthrange(year, month)[1])

    if frequency == Frequency.MONTHLY:
        return [Period(str(_("Month %(n)d") % {"n": m}), datetime.date(year, m, 1), last_day(m)) for m in range(1, 13)]
    if frequency == Frequency.QUARTERLY:
        return [Period(str(_("Q%(n)d") % {"n": q}), datetime.date(year, 3 * q - 2, 1), last_day(3 * q))
                for q in range(1, 5)]
    if frequency == Frequency.HALF_YEARLY:
        return [Period(str(_("First half")), datetime.date(year, 1, 1), last_day(6)),
                Period(str(_("Second half")), datetime.date(year, 7, 1), last_day(12))]
    return [Period(str(year), datetime.date(year, 1, 1), last_day(12))]


def period_index(frequency, day):
    """The position of a day's period among `periods(frequency, day.year)`."""
    months = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.HALF_YEARLY: 6}.get(frequency, 12)
    return (day.month - 1) // months


@dataclass
class Cell:
    period: Period
    status: str
    meetings: list = field(default_factory=list)

    @property
    def label(self):
        return STATUS_LABELS[self.status]

    @property
    def colour(self):
        return STATUS_COLOURS[self.status]


@dataclass
class RuleRow:
    rule: OrgLifeRule
    cells: list

    def count(self, status):
        return sum(1 for c in self.cells if c.status == status)


@dataclass
class OrganizationCompliance:
    organization: Organization
    rows: list

    def count(self, status):
        return sum(row.count(status) for row in self.rows)

    @property
    def due(self):
        """Periods that have ended or already have their meeting."""
        return self.count(HELD) + self.count(MISSING) + self.count(SHORT)

    @property
    def rate(self):
        return round(100 * self.count(HELD) / self.due) if self.due else None


def _meetings_of(organization_ids, start, end):
    """The meetings of these organizations in the range with their attendance counts (one query)."""
    member = Q(attendances__role=Attendance.Role.MEMBER)
    return (Meeting.objects.filter(organization_id__in=organization_ids, held_on__range=(start, end))
            .annotate(due_count=Count("attendances", filter=member),
                      present_count=Count("attendances", filter=member & Q(attendances__present=True)))
            .only("id", "organization_id", "kind", "held_on", "topic", "other_members_due", "other_members_present")
            .order_by("held_on", "id"))


def counts_toward(meeting, rule):
    """Whether a meeting satisfies the rule's minimum attendance (always, without a minimum)."""
    if not rule.min_attendance:
        return True
    due = meeting.due_count + meeting.other_members_due
    present = meeting.present_count + meeting.other_members_present
    return due > 0 and meets(present, due, rule.min_attendance)


def active_rules():
    return list(OrgLifeRule.objects.filter(is_active=True).order_by("organization_kind", "meeting_kind"))


def compliance(organizations, year, today=None, rule_list=None):
    """The compliance calendar of each organization for a year: for each rule of its kind, each
    period of the rule's frequency is held (a meeting of the kind meeting the minimum attendance
    was held in it), short (held, but below the minimum), missing (ended without one) or not yet
    due, with the meetings held in it. Three queries whatever the number of organizations; the county
    figures are counted by the database instead (`county_overview`)."""
    today = today or clock.today()
    organizations = list(organizations)
    rule_list = active_rules() if rule_list is None else rule_list
    by_kind = defaultdict(list)
    for rule in rule_list:
        by_kind[rule.organization_kind].append(rule)
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    # Each meeting filed once under its period, so that a calendar costs as much as its meetings.
    period_lists = {frequency: periods(frequency, year) for frequency in {rule.frequency for rule in rule_list}}
    held = defaultdict(list)
    for meeting in _meetings_of([o.pk for o in organizations if by_kind.get(o.kind)], start, end):
        held[(meeting.organization_id, meeting.kind)].append(meeting)
    result = []
    for organization in organizations:
        rows = []
        for rule in by_kind.get(organization.kind, []):
            inside = defaultdict(list)
            for meeting in held.get((organization.pk, rule.meeting_kind), ()):
                inside[period_index(rule.frequency, meeting.held_on)].append(meeting)
            cells = []
            for index, period in enumerate(period_lists[rule.frequency]):
                meetings = inside.get(index, [])
                if any(counts_toward(m, rule) for m in meetings):
                    status = HELD
                elif meetings and period.end < today:
                    status = SHORT
                elif period.end < today:
                    status = MISSING
                else:
                    status = NOT_DUE
                cells.append(Cell(period, status, meetings))
            rows.append(RuleRow(rule, cells))
        result.append(OrganizationCompliance(organization, rows))
    return result


def organizations_with_rules(user, township=None):
    """The organizations the user sees that some active rule applies to, townships first."""
    kinds = OrgLifeRule.objects.filter(is_active=True).values_list("organization_kind", flat=True).distinct()
    qs = Organization.objects.visible_to(user).filter(kind__in=list(kinds), is_active=True)
    if township is not None:
        qs = qs.filter(township=township)
    return qs.select_related("township").order_by("township__sort_order", "township__name", "kind", "sort_order",
                                                   "name")


@dataclass
class TownshipOverview:
    township: Organization
    organizations: int
    held: int
    missing: int
    short: int

    @property
    def due(self):
        return self.held + self.missing + self.short

    @property
    def rate(self):
        return round(100 * self.held / self.due) if self.due else None


def _count_of(queryset, field):
    """The number of rows of a correlated queryset, as an expression (0 when there are none)."""
    counted = queryset.order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _counts_toward_q(threshold):
    """In SQL, what `counts_toward` decides for one meeting with a minimum attendance: its present
    share of the members due reaching the threshold (the queryset aliases `due` and `present`)."""
    numerator, denominator, strict = _FRACTIONS[Threshold(threshold)]
    lookup = "gt" if strict else "gte"
    return Q(due__gt=0, **{f"present_scaled__{lookup}": F("due") * numerator})


def _with_attendance(meetings, threshold):
    """Alias each meeting's members due and present (attendance rows plus members outside the registry)."""
    if not threshold:
        return meetings
    numerator, denominator, _strict = _FRACTIONS[Threshold(threshold)]
    member = Attendance.objects.filter(meeting=OuterRef("pk"), role=Attendance.Role.MEMBER)
    return meetings.alias(
        due=_count_of(member, "meeting") + F("other_members_due"),
        present=_count_of(member.filter(present=True), "meeting") + F("other_members_present"),
        present_scaled=F("present") * denominator,
    )


def _period_index(frequency, year):
    """The index of a meeting's period among `periods(frequency, year)`, as an expression over the
    meetings of that year. Plain date comparisons: a date function would run in Python, row by row,
    on SQLite."""
    ends = [p.end for p in periods(frequency, year)]
    if len(ends) == 1:
        return Value(0)
    return Case(*[When(held_on__lte=end, then=Value(i)) for i, end in enumerate(ends[:-1])],
                default=Value(len(ends) - 1), output_field=IntegerField())


def _township_totals(organizations, rule_list, year, today):
    """Per township (an organization outside any township counts as its own): its organizations under
    rules and its held / missing / short periods, in SQL: one query for the organizations and one per
    (frequency, minimum attendance) among the rules, whatever the number of organizations and meetings."""
    by_kind = defaultdict(list)
    for rule in rule_list:
        by_kind[rule.organization_kind].append(rule)
    organizations = organizations.filter(kind__in=list(by_kind)).order_by()
    township = Coalesce("township_id", "pk")
    org_counts = defaultdict(dict)
    for township_id, kind, n in (organizations.annotate(tw=township).values("tw", "kind").annotate(n=Count("pk"))
                                 .values_list("tw", "kind", "n")):
        org_counts[township_id][kind] = n
    totals = {pk: {"organizations": sum(kinds.values()), HELD: 0, MISSING: 0, SHORT: 0}
              for pk, kinds in org_counts.items()}
    groups = defaultdict(list)
    for rule in rule_list:
        groups[(rule.frequency, rule.min_attendance or "")].append(rule)
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    for (frequency, threshold), rules_of in groups.items():
        ended = [p for p in periods(frequency, year) if p.end < today]
        in_ended = Q(held_on__lte=ended[-1].end) if ended else Q(pk__isnull=True)
        org_kinds = {rule.organization_kind for rule in rules_of}
        meeting_kinds = {rule.meeting_kind for rule in rules_of}
        meetings = Meeting.objects.filter(organization__in=organizations.values("pk"), held_on__range=(start, end),
                                          kind__in=meeting_kinds, organization__kind__in=org_kinds)
        if len(rules_of) < len(org_kinds) * len(meeting_kinds):
            pairs = Q()
            for rule in rules_of:
                pairs |= Q(organization__kind=rule.organization_kind, kind=rule.meeting_kind)
            meetings = meetings.filter(pairs)
        # One number per (organization, meeting kind, period): a cell of the compliance calendar.
        kind_index = Case(*[When(kind=k, then=Value(i)) for i, k in enumerate(sorted(meeting_kinds))],
                          output_field=IntegerField())
        cell = ExpressionWrapper(F("organization_id") * 1024 + kind_index * 16 + _period_index(frequency, year),
                                 output_field=BigIntegerField())
        counts = {"any_ended": Count("cell", distinct=True, filter=in_ended)}
        if threshold:
            ok = _counts_toward_q(threshold)
            counts.update(held=Count("cell", distinct=True, filter=ok),
                          held_ended=Count("cell", distinct=True, filter=ok & in_ended))
        else:
            # Every meeting counts: a cell is held as soon as it has one.
            counts.update(held=Count("cell", distinct=True))
        rows = (_with_attendance(meetings, threshold).alias(cell=cell)
                .annotate(tw=Coalesce("organization__township_id", "organization_id")).values("tw")
                .annotate(**counts).order_by())
        found = {row["tw"]: {"held_ended": row["any_ended"], **row} for row in rows}
        for township_id, kinds in org_counts.items():
            row = found.get(township_id, {"held": 0, "held_ended": 0, "any_ended": 0})
            cells_ended = len(ended) * sum(kinds.get(rule.organization_kind, 0) for rule in rules_of)
            totals[township_id][HELD] += row["held"]
            totals[township_id][SHORT] += row["any_ended"] - row["held_ended"]
            totals[township_id][MISSING] += cells_ended - row["any_ended"]
    return totals


def county_overview(user, year, today=None):
    """Per township: the organizations under rules and their held / missing / short periods of the year,
    the same figures as summing `compliance()` over them, counted by the database."""
    today = today or clock.today()
    kinds = OrgLifeRule.objects.filter(is_active=True).values_list("organization_kind", flat=True)
    organizations = Organization.objects.visible_to(user).filter(kind__in=kinds, is_active=True)
    totals = _township_totals(organizations, active_rules(), year, today)
    townships = Organization.objects.filter(pk__in=list(totals))
    rows = [TownshipOverview(t, totals[t.pk]["organizations"], totals[t.pk][HELD], totals[t.pk][MISSING],
                             totals[t.pk][SHORT]) for t in townships]
    return sorted(rows, key=lambda r: (r.township.sort_order, r.township.name))


def missing_meetings(entries):
    """(organization, rule, period) of every missing or short period, for the list of misses."""
    return [(entry.organization, row.rule, cell) for entry in entries for row in entry.rows for cell in row.cells
            if cell.status in (MISSING, SHORT)]


# --- team members at lower-level organizational life --------------------------------------------

@dataclass
class DualLife:
    membership: TeamMembership
    attended: list
    minimum: int

    @property
    def count(self):
        return len(self.attended)

    @property
    def short_by(self):
        return max(0, self.minimum - self.count)


def _branch_meeting_attendance():
    """Present attendances at branch meetings (of the kinds that are not the team's own). Written as
    "not a team kind" rather than "one of the branch kinds" on purpose: SQLite then reads the few
    attendance rows of the cadres asked for, instead of probing every branch meeting of the year
    for each of them."""
    return Attendance.objects.filter(present=True).exclude(meeting__kind__in=TEAM_KINDS)


def _lower_level_present():
    """Present attendances at meetings of lower-level branches (filter by cadre and year after)."""
    return _branch_meeting_attendance().filter(meeting__organization__kind__in=LOWER_LEVEL_ORG_KINDS)


def lower_level_attendance(cadre_ids, start, end):
    """Present attendances of these cadres at meetings of lower-level branches (one query). `cadre_ids`
    may be a queryset of ids, which the database reads as a subquery."""
    return (_lower_level_present().filter(cadre_id__in=cadre_ids, meeting__held_on__range=(start, end))
            .select_related("meeting__organization").order_by("meeting__held_on"))


def _team_members_in_year(user, year, township=None):
    """Memberships in the user's scope held for part of the year, in the order of the page."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    memberships = (TeamMembership.objects.visible_to(user).filter(started_on__lte=end)
                   .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=start))
                   .order_by("team__township__sort_order", "team__township__name", "sort_order",
                             "position__sort_order"))
    if township is not None:
        memberships = memberships.filter(team__township=township)
    return memberships


def dual_org_life(user, year, township=None, today=None):
    """Each team member on a team during the year, with the lower-level organizational life meetings
    they attended that year against the minimum (three queries)."""
    minimum = rules.get(ORG_LIFE_RULE)["lower_level_minimum"]
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    memberships = _team_members_in_year(user, year, township)
    attended = defaultdict(list)
    rows = lower_level_attendance(memberships.order_by().values("cadre_id"), start, end).only(
        "cadre_id", "meeting__held_on", "meeting__kind", "meeting__topic", "meeting__organization__name",
        "meeting__organization__kind")
    for row in rows:
        attended[row.cadre_id].append(row.meeting)
    # Only what the page shows: a cadre's whole record would be decrypted for nothing.
    memberships = memberships.select_related("cadre", "position", "team__township").only(
        "cadre_id", "team_id", "position_id", "started_on", "ended_on", "is_head", "sort_order", "cadre__name",
        "position__name", "position__sort_order", "team__township__name", "team__township__sort_order",
        "team__township__kind")
    seen, out = set(), []
    for membership in memberships:
        if membership.cadre_id in seen:
            continue
        seen.add(membership.cadre_id)
        out.append(DualLife(membership, attended.get(membership.cadre_id, []), minimum))
    return out


def dual_life_shortfall(user, year, township=None, limit=ITEMS_SHOWN):
    """The team members of the year (as in `dual_org_life`) who attended fewer lower-level meetings than
    the minimum: their number and the first `limit` of them as (cadre id, name, attended), counted by the
    database (three queries whatever the number of members and meetings)."""
    minimum = rules.get(ORG_LIFE_RULE)["lower_level_minimum"]
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    present = _lower_level_present().filter(cadre_id=OuterRef("cadre_id"), meeting__held_on__range=(start, end))
    short = (_team_members_in_year(user, year, township).alias(attended=_count_of(present, "cadre_id"))
             .filter(attended__lt=minimum))
    count = short.order_by().values("cadre_id").distinct().count()
    first, seen = [], set()
    if count:
        # A member with two memberships in the year is listed once, where the first one puts them.
        for cadre_id, name, attended in (short.annotate(n=F("attended"))
                                         .values_list("cadre_id", "cadre__name", "n").iterator(chunk_size=100)):
            if cadre_id not in seen:
                seen.add(cadre_id)
                first.append((cadre_id, name, attended))
            if len(first) >= limit:
                break
    return minimum, count, first


# --- enter once: group study and duty credits ------------------------------------------------------

@sources.provider
def meeting_studies(start, end, organization_ids=None, cadre_ids=None):
    """Central-group studies and Party lectures count as their attendees' group study (two queries)."""
    qs = Meeting.objects.filter(kind__in=list(STUDY_KINDS), held_on__range=(start, end))
    if organization_ids is not None:
        qs = qs.filter(organization_id__in=organization_ids)
    if cadre_ids is not None:
        qs = qs.filter(Q(attendances__cadre_id__in=cadre_ids, attendances__present=True)
                       | Q(lecturer_id__in=cadre_ids)).distinct()
    present = Attendance.objects.filter(present=True).only("id", "meeting_id", "cadre_id")
    for meeting in qs.prefetch_related(Prefetch("attendances", queryset=present, to_attr="present_rows")):
        yield sources.GroupStudy(
            organization_id=meeting.organization_id, date=meeting.held_on, kind=STUDY_KINDS[meeting.kind],
            topic=meeting.topic, minutes=meeting.duration_minutes,
            attendee_ids=frozenset(a.cadre_id for a in meeting.present_rows), lecturer_id=meeting.lecturer_id,
            url=meeting.get_absolute_url(), source="governance.meeting", source_id=meeting.pk)


@credits.provider
def meeting_credits(cadre_ids, start, end):
    """Duties a meeting proves (two queries): attending a theme Party day; a team member attending a
    lower-level branch's organizational life (dual organizational life: the database checks that the
    attendee was on a team that day); attending a democratic appraisal; giving a Party lecture."""
    on_team = (TeamMembership.objects.filter(cadre_id=OuterRef("cadre_id"), started_on__lte=OuterRef("meeting__held_on"))
               .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=OuterRef("meeting__held_on"))))
    rows = (_branch_meeting_attendance().filter(cadre_id__in=cadre_ids, meeting__held_on__range=(start, end))
            .annotate(dual=ExpressionWrapper(Q(meeting__organization__kind__in=LOWER_LEVEL_ORG_KINDS)
                                             & Exists(on_team), output_field=BooleanField()))
            .select_related("meeting").only("cadre_id", "meeting__held_on", "meeting__kind", "meeting__topic"))
    for row in rows:
        meeting = row.meeting
        label, url = str(meeting), meeting.get_absolute_url()
        common = {"cadre_id": row.cadre_id, "date": meeting.held_on, "label": label, "url": url,
                  "source": "governance.meeting", "source_id": meeting.pk}
        if meeting.kind == MeetingKind.THEME_PARTY_DAY:
            yield credits.Credit(duty_key=duties.THEME_PARTY_DAY, **common)
        if meeting.kind == MeetingKind.DEMOCRATIC_APPRAISAL:
            yield credits.Credit(duty_key=duties.DEMOCRATIC_APPRAISAL, **common)
        if row.dual:
            yield credits.Credit(duty_key=duties.DUAL_ORG_LIFE, **common)
    lectures = Meeting.objects.filter(lecturer_id__in=cadre_ids, kind=MeetingKind.PARTY_LECTURE,
                                      held_on__range=(start, end)).only("lecturer_id", "held_on", "kind", "topic")
    for meeting in lectures:
        yield credits.Credit(cadre_id=meeting.lecturer_id, duty_key=duties.PARTY_LECTURE, date=meeting.held_on,
                             label=str(meeting), url=meeting.get_absolute_url(), source="governance.meeting",
                             source_id=meeting.pk)


# --- the dashboard ----------------------------------------------------------------------------------


def _manages(user):
    return has_role(user, STAFF)


@dashboard.card(35, part="mechanism")
def compliance_cards(user):
    """This year's organizational-life compliance in the user's scope: held as a share of the due periods."""
    if not _manages(user):
        return []
    year = clock.today().year
    rows = county_overview(user, year)
    held, due = sum(r.held for r in rows), sum(r.due for r in rows)
    return [{"label": _("Organizational-life meetings held %(year)s") % {"year": year},
             "value": f"{round(100 * held / due)}%" if due else "—", "url": reverse("governance:overview")}]


@dashboard.action(35)
def dual_life_short(user):
    """Team members who have not yet attended the minimum of lower-level organizational life meetings."""
    if not _manages(user):
        return []
    minimum, count, first = dual_life_shortfall(user, clock.today().year)
    if not count:
        return []
    url = reverse("governance:dual_life")
    items = [{"label": name, "url": url,
              "note": _("%(count)d of %(minimum)d attended") % {"count": attended, "minimum": minimum}}
             for _cadre_id, name, attended in first]
    return [{"label": _("Team members short of lower-level organizational life"), "count": count,
             "items": items, "url": url, "level": "warning"}]


# --- indicators of the assessment (core.metrics.indicator) ------------------------------------------

def _org_life_of_townships(township_ids, start, end):
    """{township id: Reading}: the periods of the township's organizational-life rules that lie in
    start..end and have ended (or have their meeting), and how many of them had their meeting."""
    today = min(clock.today(), end + datetime.timedelta(days=1))
    townships = list(Organization.objects.filter(pk__in=township_ids).only("pk", "kind"))
    rule_list = active_rules()
    counts = defaultdict(lambda: [0, 0])
    for year in range(start.year, end.year + 1):
        for entry in compliance(townships, year, today=today, rule_list=rule_list):
            for row in entry.rows:
                for cell in row.cells:
                    if start <= cell.period.start and cell.period.end <= end and cell.status != NOT_DUE:
                        counts[entry.organization.pk][0] += cell.status == HELD
                        counts[entry.organization.pk][1] += 1
    url = reverse("governance:compliance")
    out = {}
    for pk in township_ids:
        held, due = counts[pk]
        out[pk] = dashboard.Reading(dashboard.percent(held, due), gettext(
            "%(held)d of %(due)d required meetings held") % {"held": held, "due": due},
            f"{url}?township={pk}&year={start.year}")
    return out


@dashboard.indicator("org_life", group="political", subject="team", order=10, unit="percent", direction="up",
                     label=_("Organizational life held as required"))
def org_life_indicator(ids, start, end):
    return dashboard.by_township(ids, lambda townships: _org_life_of_townships(townships, start, end))


@dashboard.indicator("dual_life", group="political", subject="cadre", order=20, unit="percent", direction="up",
                     label=_("Dual organizational life attended"))
def dual_life_indicator(ids, start, end):
    """Team members only: lower-level organizational life meetings attended against the yearly
    minimum pro rata to the period (general cadres are not asked to attend: no value)."""
    members = dashboard.team_member_ids(ids, start, end)
    required = dashboard.pro_rata(rules.get(ORG_LIFE_RULE)["lower_level_minimum"], start, end)
    attended = dict(_lower_level_present().filter(cadre_id__in=members, meeting__held_on__range=(start, end))
                    .order_by().values("cadre_id").annotate(n=Count("meeting", distinct=True)).values_list("cadre_id", "n"))
    url = reverse("governance:dual_life")
    out = {}
    for pk in ids:
        if pk not in members:
            out[pk] = dashboard.Reading(None, gettext("not a team member in the period"), "")
            continue
        n = attended.get(pk, 0)
        out[pk] = dashboard.Reading(min(100, dashboard.percent(n, required)) if required else None, gettext(
            "%(n)d lower-level meetings attended, %(required)d required") % {"n": n, "required": required},
            f"{url}?year={start.year}")
    return out


def _decisions_of_townships(township_ids, start, end):
    """{township id: Reading}: the major (三重一大) items of the township's meetings held in start..end
    and how many were decided with the members' opinions recorded."""
    rows = (AgendaItem.objects.filter(meeting__organization_id__in=township_ids, meeting__held_on__range=(start, end))
            .exclude(category=AgendaItem.Category.ORDINARY).order_by().values("meeting__organization_id")
            .annotate(major=Count("pk", distinct=True),
                      collective=Count("pk", distinct=True, filter=Q(opinions__isnull=False)
                                       & ~Q(outcome=AgendaItem.Outcome.PENDING))))
    found = {row["meeting__organization_id"]: row for row in rows}
    url = reverse("governance:agendaitem_list")
    out = {}
    for pk in township_ids:
        row = found.get(pk, {"major": 0, "collective": 0})
        out[pk] = dashboard.Reading(dashboard.percent(row["collective"], row["major"]), gettext(
            "%(collective)d of %(major)d major matters decided collectively") % row,
            f"{url}?township={pk}&year={start.year}&major=true")
    return out


@dashboard.indicator("collective_decisions", group="political", subject="team", order=30, unit="percent",
                     direction="up", label=_("Major matters decided collectively"))
def collective_decisions_indicator(ids, start, end):
    return dashboard.by_township(ids, lambda townships: _decisions_of_townships(townships, start, end))


# --- report figures (the year-end report, banzi.reports) -------------------------------------------

def _meetings(township_ids, start, end, **filters):
    qs = Meeting.objects.filter(held_on__range=(start, end), **filters)
    return dashboard.scoped(qs, "organization__township", township_ids).order_by()


def _major_items(township_ids, start, end):
    qs = AgendaItem.objects.filter(meeting__held_on__range=(start, end)).exclude(category=AgendaItem.Category.ORDINARY)
    return dashboard.scoped(qs, "meeting__organization__township", township_ids).order_by()


def _meeting_link(**params):
    def link(township_ids, start, end):
        return dashboard.list_link("governance:meeting_list", township_ids, held_after=start.isoformat(),
                                   held_before=end.isoformat(), **params)
    return link


def _major_link(township_ids, start, end):
    return dashboard.list_link("governance:agendaitem_list", township_ids, held_after=start.isoformat(),
                               held_before=end.isoformat(), major="true")


@dashboard.figure("governance.meetings", part="mechanism", order=10, label=_("Meetings held"),
                  unit=pgettext_lazy("unit", "meetings"), list_url=_meeting_link(), definition=_(
                      "Meetings of every kind (committee meetings, the three meetings and a lecture, organizational "
                      "life, democratic life meetings, …) held in the period by organizations of the scope."))
def meetings_held(township_ids, start, end):
    return _meetings(township_ids, start, end).aggregate(n=Count("id"))["n"]


@dashboard.figure("governance.life_meetings", part="mechanism", order=11, label=_("Democratic life meetings held"),
                  unit=pgettext_lazy("unit", "meetings"), list_url=_meeting_link(kind=MeetingKind.LIFE_MEETING),
                  definition=_("Democratic life meetings of the leadership teams held in the period."))
def life_meetings(township_ids, start, end):
    return _meetings(township_ids, start, end, kind=MeetingKind.LIFE_MEETING).aggregate(n=Count("id"))["n"]


@dashboard.figure("governance.major_decisions", part="mechanism", order=12, label=_("Major matters put to a meeting"),
                  unit=pgettext_lazy("unit", "items"), list_url=_major_link, definition=_(
                      "Agenda items on major decisions, important appointments, major projects or large sums (三重一大) "
                      "of meetings held in the period."))
def major_decisions(township_ids, start, end):
    return _major_items(township_ids, start, end).aggregate(n=Count("id"))["n"]


@dashboard.figure("governance.collective_rate", part="mechanism", order=13,
                  label=_("Major matters decided collectively"), unit=pgettext_lazy("unit", "%"),
                  list_url=_major_link, definition=_(
                      "Of the major matters of meetings held in the period, the share decided (not pending) with "
                      "the members' opinions recorded, as a whole percentage."))
def collective_rate(township_ids, start, end):
    row = _major_items(township_ids, start, end).aggregate(
        major=Count("pk", distinct=True), collective=Count("pk", distinct=True, filter=Q(
            opinions__isnull=False) & ~Q(outcome=AgendaItem.Outcome.PENDING)))
    return dashboard.percent(row["collective"], row["major"])


# --- organizational-life compliance over any period (the year-end report) ---------------------------

def _meets(threshold, due, present):
    """In SQL, `meets(present, due, threshold)` of a meeting: a condition over its members due and present."""
    numerator, denominator, strict = _FRACTIONS[Threshold(threshold)]
    compare = GreaterThan if strict else GreaterThanOrEqual
    return Q(GreaterThan(due, 0)) & Q(compare(present * denominator, due * numerator))


def org_life_counts(township_ids, start, end, today=None):
    """(held, due) of the compliance calendar's cells (organization × rule × period of the rule's
    frequency) of the organizations of the scope (None: the whole county) whose period lies within
    start..end: due are the held, missing and short ones, as the compliance calendar and the county
    overview count them, as of `today` (by default the day after the period, or today while it runs).
    Counted by the database: three queries (the rules, the organizations per kind, one aggregate over
    the meetings) whatever the number of organizations, meetings or years."""
    today = today or min(clock.today(), end + datetime.timedelta(days=1))
    rule_list = active_rules()
    if not rule_list:
        return 0, 0
    organizations = dashboard.scoped(Organization.objects.filter(
        kind__in={rule.organization_kind for rule in rule_list}, is_active=True), "township", township_ids)
    org_counts = dict(organizations.order_by().values("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    groups = defaultdict(list)
    for rule in rule_list:
        groups[(rule.frequency, rule.min_attendance or "")].append(rule)
    meeting_kinds = sorted({rule.meeting_kind for rule in rule_list})
    kind_index = Case(*[When(kind=k, then=Value(i)) for i, k in enumerate(meeting_kinds)], output_field=IntegerField())
    member = Attendance.objects.filter(meeting=OuterRef("pk"), role=Attendance.Role.MEMBER)
    due = _count_of(member, "meeting") + F("other_members_due")
    present = _count_of(member.filter(present=True), "meeting") + F("other_members_present")
    counts, cells_ended = {}, 0
    for year in range(start.year, end.year + 1):
        for number, ((frequency, threshold), rules_of) in enumerate(groups.items()):
            inside = [p for p in periods(frequency, year) if start <= p.start and p.end <= end]
            if not inside:
                continue
            ended = [p for p in inside if p.end < today]
            cells_ended += len(ended) * sum(org_counts.get(rule.organization_kind, 0) for rule in rules_of)
            # One number per (organization, meeting kind, period): a cell of the compliance calendar.
            cell = ExpressionWrapper(F("organization_id") * 1024 + kind_index * 16 + _period_index(frequency, year),
                                     output_field=BigIntegerField())
            pairs = Q()
            for rule in rules_of:
                pairs |= Q(organization__kind=rule.organization_kind, kind=rule.meeting_kind)
            held = pairs & Q(held_on__range=(inside[0].start, inside[-1].end))
            if threshold:
                held &= _meets(threshold, due, present)
            name = f"cell_{year}_{number}"
            counts[f"{name}_held"] = Count(cell, distinct=True, filter=held)
            if ended:
                counts[f"{name}_ended"] = Count(cell, distinct=True, filter=held & Q(held_on__lte=ended[-1].end))
    if not counts:
        return 0, 0
    row = (Meeting.objects.filter(organization__in=organizations.values("pk"), held_on__range=(start, end),
                                  kind__in=meeting_kinds).order_by().aggregate(**counts))
    held = sum(v or 0 for k, v in row.items() if k.endswith("_held"))
    held_ended = sum(v or 0 for k, v in row.items() if k.endswith("_ended"))
    return held, held + cells_ended - held_ended


def _org_life_link(township_ids, start, end):
    """One township: its compliance calendar; the county: the overview of the townships."""
    year = dashboard.year_of(start, end)
    if township_ids is not None and len(township_ids) == 1:
        return dashboard.list_link("governance:compliance", township_ids, year=year)
    return dashboard.list_link("governance:overview", None, year=year)


@dashboard.figure("governance.org_life_rate", part="mechanism", order=14,
                  label=_("Organizational-life compliance rate"), unit=pgettext_lazy("unit", "%"),
                  list_url=_org_life_link, definition=_(
                      "Of the meetings the organizational-life rules require (the three meetings and a lecture, "
                      "theme Party days, organizational life meetings, democratic appraisal, the teams' democratic "
                      "life meetings) of the organizations of the scope, for each period of the rule's frequency "
                      "that lies in the report period and has ended (or already had its meeting), the share held "
                      "with the minimum attendance, as a whole percentage: the compliance calendar's figure."))
def org_life_rate(township_ids, start, end):
    return dashboard.percent(*org_life_counts(township_ids, start, end))
