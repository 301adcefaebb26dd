"""Read-only figures of the talks app, computed from the talks on record: a plan's coverage and
priority coverage, and the newly promoted cadres' integrity talks against the county's time limit.

An entry of a plan is covered by a talk with its talkee held on or after the plan's start date by
the expected talker, or, where the plan names an organization, by any cadre of that organization
(for a township, any cadre working in the township). A talk after the entry's due date still
covers it, but late. Figures never read a talk's summary.
"""
import datetime
from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from banzi.core import clock, metrics, rules
from banzi.core.roles import STAFF, has_role
from banzi.org.models import Cadre

from .models import Talk, TalkPlan, TalkPlanEntry

INTEGRITY_RULE = "talks.integrity"
rules.register(
    INTEGRITY_RULE,
    {"days_after_promotion": 30},
    gettext_lazy("Integrity talks with the newly promoted"),
    fields={"days_after_promotion": gettext_lazy("A newly promoted cadre has an integrity talk within (days of "
                                                 "appointment)")},
)


def integrity_days():
    return int(rules.get(INTEGRITY_RULE)["days_after_promotion"])


# --- plan coverage --------------------------------------------------------------------------------

COVERED, LATE, DUE, OVERDUE = "covered", "late", "due", "overdue"
ENTRY_STATES = {
    COVERED: gettext_lazy("Covered"),
    LATE: gettext_lazy("Covered late"),
    DUE: gettext_lazy("Not yet covered"),
    OVERDUE: gettext_lazy("Overdue"),
}


def _talker_matches(entry, talk):
    if entry.expected_talker_id:
        return talk.talker_id == entry.expected_talker_id
    org = entry.talker_organization_id
    return talk.talker.organization_id == org or talk.talker.organization.township_id == org


def entry_states(entries, today=None):
    """{entry id: (state, first covering talk or None)} for entries of one or more plans, from two
    queries however many entries there are."""
    today = today or clock.today()
    entries = list(entries)
    if not entries:
        return {}
    earliest = min(e.plan.starts_on for e in entries)
    talks = (Talk.objects.filter(talkee__in={e.talkee_id for e in entries}, held_on__gte=earliest,
                                 held_on__lte=today)
             .select_related("talker__organization").only(
                 "id", "talkee_id", "talker_id", "held_on", "kind", "talker__organization__id",
                 "talker__organization__township_id").order_by("held_on", "id"))
    by_talkee = {}
    for talk in talks:
        by_talkee.setdefault(talk.talkee_id, []).append(talk)
    states = {}
    for entry in entries:
        talk = next((t for t in by_talkee.get(entry.talkee_id, ())
                     if t.held_on >= entry.plan.starts_on and _talker_matches(entry, t)), None)
        if talk is not None:
            state = COVERED if talk.held_on <= entry.due_on else LATE
        else:
            state = OVERDUE if entry.due_on < today else DUE
        states[entry.pk] = (state, talk)
    return states


def _first_covering_talk(today):
    """The date of the first talk covering the outer entry (an annotation over `TalkPlanEntry`): with its
    talkee, from its plan's start date to today, by its expected talker or, where it names an organization
    instead, by a cadre of that organization or working in that township."""
    talks = Talk.objects.filter(talkee_id=OuterRef("talkee_id"), held_on__gte=OuterRef("plan__starts_on"),
                                held_on__lte=today).order_by("held_on", "id").values("held_on")
    by_talker = talks.filter(talker_id=OuterRef("expected_talker_id"))[:1]
    by_organization = talks.filter(Q(talker__organization_id=OuterRef("talker_organization_id"))
                                   | Q(talker__organization__township_id=OuterRef("talker_organization_id")))[:1]
    return Case(When(expected_talker__isnull=False, then=Subquery(by_talker)), default=Subquery(by_organization),
                output_field=DateField())


def with_states(entries, today=None):
    """Entries annotated with `covered_on` (the first covering talk's date, or None) and `state`
    (covered, late, due or overdue), computed by the database."""
    today = today or clock.today()
    return entries.annotate(covered_on=_first_covering_talk(today)).annotate(state=Case(
        When(covered_on__isnull=False, covered_on__lte=F("due_on"), then=Value(COVERED)),
        When(covered_on__isnull=False, then=Value(LATE)),
        When(due_on__lt=today, then=Value(OVERDUE)),
        default=Value(DUE), output_field=CharField()))


@dataclass
class Coverage:
    """How much of a plan (or of one priority group) is covered."""

    total: int = 0
    covered: int = 0  # in time or late
    on_time: int = 0
    overdue: int = 0

    @property
    def rate(self):
        return round(100 * self.covered / self.total, 1) if self.total else None

    def display(self):
        return "—" if self.rate is None else f"{self.rate:g}%"

    def add(self, state, count=1):
        self.total += count
        if state in (COVERED, LATE):
            self.covered += count
        if state == COVERED:
            self.on_time += count
        if state == OVERDUE:
            self.overdue += count

    def as_dict(self):
        return {"total": self.total, "covered": self.covered, "on_time": self.on_time, "overdue": self.overdue,
                "rate": self.rate}


def plan_coverage(plan, user=None, today=None):
    """The plan's coverage: overall, for the priority groups together, and per priority group;
    with `user`, over the entries that user may see.

    One query: the entries counted by priority group and state (at most 5 × 4 rows), whatever their number."""
    entries = plan.entries.all() if user is None else TalkPlanEntry.objects.visible_to(user).filter(plan=plan)
    counts = (with_states(entries.order_by(), today).values("priority_group", "state")
              .annotate(n=Count("pk")).values_list("priority_group", "state", "n"))
    overall, priority = Coverage(), Coverage()
    groups = {value: Coverage() for value, _label in TalkPlanEntry.PriorityGroup.choices if value}
    for group, state, n in counts:
        overall.add(state, n)
        if group:
            priority.add(state, n)
            groups[group].add(state, n)
    return {"overall": overall, "priority": priority, "groups": groups}


def coverage_dict(plan, user=None, today=None):
    figures = plan_coverage(plan, user, today)
    labels = dict(TalkPlanEntry.PriorityGroup.choices)
    return {
        "plan": plan.pk,
        "title": plan.title,
        "overall": figures["overall"].as_dict(),
        "priority": figures["priority"].as_dict(),
        "groups": [{"group": key, "label": str(labels[key]), **value.as_dict()}
                   for key, value in figures["groups"].items()],
    }


# --- integrity talks with the newly promoted ------------------------------------------------------

ON_TIME, HELD_LATE, PENDING, MISSING = "on_time", "late", "pending", "missing"
INTEGRITY_STATES = {
    ON_TIME: gettext_lazy("Held in time"),
    HELD_LATE: gettext_lazy("Held late"),
    PENDING: gettext_lazy("Not yet held, still in time"),
    MISSING: gettext_lazy("Not held in time"),
}


@dataclass
class IntegrityRow:
    cadre: Cadre
    due_on: datetime.date
    talk: Talk | None
    state: str

    @property
    def state_label(self):
        return INTEGRITY_STATES[self.state]


def integrity_rows(user, today=None, days=None):
    """Every newly promoted active cadre the user may see, with the deadline of their integrity talk
    (promotion date + the rule's days) and its state; two queries."""
    today = today or clock.today()
    days = integrity_days() if days is None else days
    cadres = list(newly_promoted(user).select_related("organization").order_by("promoted_on", "name_pinyin", "id"))
    talks = {}
    for talk in Talk.objects.filter(talkee__in=[c.pk for c in cadres], kind=Talk.Kind.INTEGRITY,
                                    held_on__lte=today).only(
            "id", "talkee_id", "held_on").order_by("held_on", "id"):
        talks.setdefault(talk.talkee_id, []).append(talk)
    rows = []
    for cadre in cadres:
        due_on = cadre.promoted_on + datetime.timedelta(days=days)
        held = [t for t in talks.get(cadre.pk, ()) if t.held_on >= cadre.promoted_on]
        in_time = next((t for t in held if t.held_on <= due_on), None)
        if in_time is not None:
            rows.append(IntegrityRow(cadre, due_on, in_time, ON_TIME))
        elif held:
            rows.append(IntegrityRow(cadre, due_on, held[0], HELD_LATE))
        else:
            rows.append(IntegrityRow(cadre, due_on, None, PENDING if today <= due_on else MISSING))
    return rows


def integrity_summary(rows):
    counts = dict.fromkeys(INTEGRITY_STATES, 0)
    for row in rows:
        counts[row.state] += 1
    return {"total": len(rows), **counts}


def newly_promoted(user):
    """The newly promoted active cadres the user may see, whose integrity talk is due."""
    return Cadre.objects.visible_to(user).filter(is_newly_promoted=True, promoted_on__isnull=False,
                                                 status=Cadre.Status.ACTIVE)


def _integrity_talks(today, until=None):
    """Integrity talks with the outer cadre held from their promotion to today (and to `until`)."""
    talks = Talk.objects.filter(talkee_id=OuterRef("pk"), kind=Talk.Kind.INTEGRITY, held_on__gte=OuterRef("promoted_on"),
                                held_on__lte=today)
    return talks if until is None else talks.filter(held_on__lte=until)


def integrity_counts(user, today=None, days=None):
    """The figures of `integrity_summary`, counted by the database in one query."""
    today = today or clock.today()
    days = integrity_days() if days is None else days
    due_on = ExpressionWrapper(OuterRef("promoted_on") + datetime.timedelta(days=days), output_field=DateField())
    in_time = Exists(_integrity_talks(today, until=due_on))
    held = Exists(_integrity_talks(today))
    past_due = Q(promoted_on__lt=today - datetime.timedelta(days=days))
    return newly_promoted(user).order_by().aggregate(
        total=Count("pk"),
        on_time=Count("pk", filter=in_time),
        late=Count("pk", filter=held & ~in_time),
        pending=Count("pk", filter=~held & ~past_due),
        missing=Count("pk", filter=~held & past_due),
    )


def missing_integrity_talks(user, today=None, days=None):
    """The newly promoted cadres the user may see whose integrity talk was not held by its deadline
    (state MISSING of `integrity_rows`), as a queryset in the same order."""
    today = today or clock.today()
    days = integrity_days() if days is None else days
    return (newly_promoted(user).filter(promoted_on__lt=today - datetime.timedelta(days=days))
            .exclude(Exists(_integrity_talks(today))).order_by("promoted_on", "name_pinyin", "id"))


# --- dashboard ------------------------------------------------------------------------------------

def _staff(user):
    return has_role(user, STAFF)


def latest_plan(user):
    return TalkPlan.objects.visible_to(user).order_by("-starts_on", "-id").first()


@metrics.card(62, part="mechanism")
def talk_cards(user):
    if not _staff(user):
        return []
    cards = []
    plan = latest_plan(user)
    if plan is not None:
        figures = plan_coverage(plan, user)
        url = plan.get_absolute_url()
        cards.append({"label": _("Talk coverage: %(plan)s") % {"plan": plan.title},
                      "value": figures["overall"].display(), "url": url})
        cards.append({"label": _("Priority talk coverage"), "value": figures["priority"].display(),
                      "url": url})
    return cards


@metrics.action(62)
def integrity_talks_missing(user):
    if not _staff(user):
        return []
    days = integrity_days()
    missing = missing_integrity_talks(user, days=days)
    count = missing.count()
    if not count:
        return []
    days = datetime.timedelta(days=days)
    return [{"label": _("Newly promoted cadres without an integrity talk in time"), "count": count,
             "items": [{"label": cadre.name, "url": cadre.get_absolute_url(),
                        "note": _("%(unit)s · due %(date)s") % {"unit": cadre.organization,
                                                                          "date": (cadre.promoted_on + days).isoformat()}}
                       for cadre in missing.select_related("organization")[:5]],
             "url": reverse("talks:integrity"), "level": "warning"}]


def visible_talks(user):
    """Talks the user may see, newest first, without their confidential fields loaded."""
    return Talk.objects.visible_to(user).defer("summary", "follow_up")


def talks_before(talkees, day, since=None):
    """Talks held with any of the cadres on or before a day (e.g. before a democratic life meeting)."""
    condition = Q(talkee__in=talkees, held_on__lte=day)
    if since is not None:
        condition &= Q(held_on__gte=since)
    return Talk.objects.filter(condition).defer("summary", "follow_up")


# --- indicators of the assessment (core.metrics.indicator) ------------------------------------------

def _coverage(entries, key, ids, start, end, detail, url):
    """{id: Reading}: the plan entries due in start..end (grouped by `key`) that were covered by a talk
    on time, out of those that are due (covered, late or overdue; not yet due ones wait), as of the
    day after the period (talks held later do not count)."""
    today = min(clock.today(), end + datetime.timedelta(days=1))
    rows = (with_states(entries.filter(due_on__range=(start, end)), today).order_by().values(key)
            .annotate(due=Count("pk", filter=~Q(state=DUE)), covered=Count("pk", filter=Q(state=COVERED))))
    found = {row[key]: row for row in rows}
    out = {}
    for pk in ids:
        row = found.get(pk, {"due": 0, "covered": 0})
        out[pk] = metrics.Reading(metrics.percent(row["covered"], row["due"]), detail % row, url(pk))
    return out


@metrics.indicator("talks_given", group="political", subject="cadre", order=40, unit="percent", direction="up",
                   label=gettext_lazy("Planned talks given on time"))
def talks_given_indicator(ids, start, end):
    """The talk plans' entries naming the cadre as the talker, due in the period, covered by their talk on time."""
    list_url = reverse("talks:talk_list")
    return _coverage(TalkPlanEntry.objects.filter(expected_talker__in=ids), "expected_talker", ids, start, end,
                     _("%(covered)d of %(due)d planned talks given on time"),
                     lambda pk: f"{list_url}?talker={pk}&held_after={start}&held_before={end}")


@metrics.indicator("talks_received", group="political", subject="cadre", order=41, unit="percent", direction="up",
                   label=gettext_lazy("Planned talks received on time"))
def talks_received_indicator(ids, start, end):
    """The talk plans' entries with the cadre as talkee, due in the period, covered by a talk on time."""
    list_url = reverse("talks:talk_list")
    return _coverage(TalkPlanEntry.objects.filter(talkee__in=ids), "talkee", ids, start, end,
                     _("%(covered)d of %(due)d planned talks received on time"),
                     lambda pk: f"{list_url}?talkee={pk}&held_after={start}&held_before={end}")


@metrics.indicator("talk_coverage", group="political", subject="team", order=42, unit="percent", direction="up",
                   label=gettext_lazy("Talk plans covered on time"))
def talk_coverage_indicator(ids, start, end):
    """The talk plans' entries of the township's cadres, due in the period, covered by a talk on time."""
    list_url = reverse("talks:talk_list")

    def of_townships(townships):
        return _coverage(TalkPlanEntry.objects.filter(talkee__organization__township__in=townships),
                         "talkee__organization__township", townships, start, end,
                         _("%(covered)d of %(due)d planned talks held on time"),
                         lambda pk: f"{list_url}?township={pk}&held_after={start}&held_before={end}")
    return metrics.by_township(ids, of_townships)


# --- report figures (the year-end report, banzi.reports) -------------------------------------------

def _talks_in(township_ids, start, end, **filters):
    qs = Talk.objects.filter(held_on__range=(start, end), **filters)
    return metrics.scoped(qs, "organization__township", township_ids).order_by()


def _talks_link(**params):
    def link(township_ids, start, end):
        return metrics.list_link("talks:talk_list", township_ids, held_after=start.isoformat(),
                                 held_before=end.isoformat(), **params)
    return link


def _plan_entries_link(township_ids, start, end):
    """The coverage rate's denominator: the plan entries due in the period, those not yet due aside."""
    return metrics.list_link("talks:talkplanentry_list", township_ids, due_after=start.isoformat(),
                             due_before=end.isoformat(), not_yet_due="false")


@metrics.figure("talks.talks", part="mechanism", order=20, label=gettext_lazy("Talks held"),
                unit=pgettext_lazy("unit", "times"), list_url=_talks_link(), definition=gettext_lazy(
                    "Talks of every kind held in the period with cadres of the scope (by the talkee's unit)."))
def talks_held(township_ids, start, end):
    return _talks_in(township_ids, start, end).aggregate(n=Count("id"))["n"]


@metrics.figure("talks.cadres_talked_to", part="mechanism", order=21, label=gettext_lazy("Cadres talked to"),
                unit=pgettext_lazy("unit", "people"), list_url=_talks_link(one_per="talkee"), definition=gettext_lazy(
                    "Distinct cadres with at least one talk held with them in the period."))
def cadres_talked_to(township_ids, start, end):
    return _talks_in(township_ids, start, end).aggregate(n=Count("talkee", distinct=True))["n"]


@metrics.figure("talks.integrity_talks", part="mechanism", order=22, label=gettext_lazy("Integrity talks"),
                unit=pgettext_lazy("unit", "times"), list_url=_talks_link(kind=Talk.Kind.INTEGRITY),
                definition=gettext_lazy("Integrity talks (廉政谈话) held in the period."))
def integrity_talks(township_ids, start, end):
    return _talks_in(township_ids, start, end, kind=Talk.Kind.INTEGRITY).aggregate(n=Count("id"))["n"]


@metrics.figure("talks.coverage_rate", part="mechanism", order=23, label=gettext_lazy("Planned talks held on time"),
                unit=pgettext_lazy("unit", "%"), list_url=_plan_entries_link, definition=gettext_lazy(
                    "Of the talk plans' entries due in the period (with cadres of the scope), the share covered by "
                    "a talk by their deadline, as a whole percentage; entries not yet due are left out."))
def coverage_rate(township_ids, start, end):
    today = min(clock.today(), end + datetime.timedelta(days=1))
    entries = metrics.scoped(TalkPlanEntry.objects.filter(due_on__range=(start, end)),
                             "talkee__organization__township", township_ids)
    row = with_states(entries, today).order_by().aggregate(
        due=Count("pk", filter=~Q(state=DUE)), covered=Count("pk", filter=Q(state=COVERED)))
    return metrics.percent(row["covered"], row["due"])
