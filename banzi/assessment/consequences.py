"""Results put to use (结果运用) as records in the other modules: what a published annual result
leads to, each a `Consequence` linked to its assessee so that it is never made twice.

- 基本称职 → an admonishment talk (诫勉谈话) due on the talk plan of the cadre's township, held by the
  county with a team member (the department talks with team members) or by the township's Party
  secretary with a general cadre, and a rectification problem (tasks.Problem, source "assessment")
  with the cadre responsible and a deadline `problem_months` ahead;
- 基本称职 in each of the last `adjustment_years` years (this one included) → flagged for adjustment;
- 不称职 → flagged for demotion or removal;
- 优秀 in each of the last three years → a commendation, the same cadres the promotion-priority list
  (`results.priority_list`) shows on that ground;
- a team graded `team_rectification_from` (一般) or lower → a rectification problem of the township,
  with its Party secretary responsible;
- an indicator below its threshold → a training need (`training_needs`, fed by the scores).

The rules are data (`assessment.consequences`). `apply` runs when the county publishes an annual
assessment and again, as a step, at any time after: it adds what is missing and, for results changed
after a reopening, dismisses the open consequences whose grade no longer calls for them (removing
the talk still due and the problem nobody has started on). Only the county applies, dismisses or
marks consequences done.
"""
from collections import defaultdict
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banzi.core import clock, rules, services
from banzi.core.errors import Code
from banzi.core.roles import Role
from banzi.core.workdays import add_months
from banzi.core.workflow import lock
from banzi.org.models import Cadre, TeamMembership

from .models import FOUR_LEVEL_SCALE, Assessee, Assessment, Consequence, Grade
from .workflow import ASSESSMENTS, CONSEQUENCES

RULE = "assessment.consequences"
Kind = Consequence.Kind
Status = Assessment.Status
COUNTED = (Status.CONFIRMED, Status.PUBLISHED)
# Three excellent years running: the same run as the promotion-priority list (results.CONSECUTIVE_YEARS).
COMMENDATION_YEARS = 3

rules.register(RULE, {
    "talk_days": 30,
    "problem_months": 3,
    "adjustment_years": 2,
    "team_rectification_from": Grade.AVERAGE.value,
    "training_needs": True,
}, gettext_lazy("Results put to use"), fields={
    "talk_days": gettext_lazy("days to hold the admonishment talk"),
    "problem_months": gettext_lazy("months to rectify a problem found by the assessment"),
    "adjustment_years": gettext_lazy("years of basically competent running that flag a cadre for adjustment"),
    "team_rectification_from": gettext_lazy("team grade that calls for rectification, and below"),
    "training_needs": gettext_lazy("raise a training need for each indicator scoring below its threshold"),
}, choices={"team_rectification_from": [(Grade.AVERAGE.value, gettext_lazy("Average")),
                                        (Grade.POOR.value, gettext_lazy("Poor"))]})


def _county(user):
    if getattr(user, "role", None) != Role.COUNTY_ADMIN:
        raise PermissionDenied(_("Only the county organization department applies or dismisses consequences."))


# --- what the results call for ---------------------------------------------------------------------

def _years_of(cadre_ids, years):
    """{cadre id: {year: confirmed grade}} of the confirmed annual results of those years (the later
    assessment of a year winning), in one query."""
    grades = defaultdict(dict)
    rows = Assessee.objects.filter(
        cadre__in=cadre_ids, assessment__kind=Assessment.Kind.ANNUAL, assessment__status__in=COUNTED,
        assessment__year__in=list(years)).exclude(confirmed_grade="").order_by(
        "assessment__year", "assessment_id", "pk").values_list("cadre_id", "assessment__year", "confirmed_grade")
    for cadre_id, year, grade in rows:
        grades[cadre_id][year] = grade
    return grades


def _runs(grades, years, grade):
    return all(grades.get(year) == grade for year in years)


def wanted(assessment, values=None):
    """{(assessee id, kind): assessee} of what the assessment's confirmed results call for, under the
    rule's values; reads two queries whatever the number of assessees."""
    values = values or rules.get(RULE)
    year = assessment.year
    adjustment = range(year - max(int(values["adjustment_years"]), 1) + 1, year + 1)
    commendation = range(year - COMMENDATION_YEARS + 1, year + 1)
    assessees = list(assessment.assessees.exclude(confirmed_grade="").select_related("cadre", "team", "unit"))
    cadre_ids = [a.cadre_id for a in assessees if a.cadre_id]
    history = _years_of(cadre_ids, range(min(adjustment.start, commendation.start), year + 1))
    threshold = FOUR_LEVEL_SCALE.index(values["team_rectification_from"]) \
        if values["team_rectification_from"] in FOUR_LEVEL_SCALE else FOUR_LEVEL_SCALE.index(Grade.AVERAGE)
    found = {}
    for assessee in assessees:
        grade = assessee.confirmed_grade
        if assessee.is_team:
            if grade in FOUR_LEVEL_SCALE and FOUR_LEVEL_SCALE.index(grade) >= threshold:
                found[(assessee.pk, Kind.TEAM_RECTIFICATION)] = assessee
            continue
        grades = {**history.get(assessee.cadre_id, {}), year: grade}  # this assessment's result for its year
        if grade == Grade.BASICALLY_COMPETENT:
            found[(assessee.pk, Kind.ADMONISHMENT)] = assessee
            if _runs(grades, adjustment, Grade.BASICALLY_COMPETENT):
                found[(assessee.pk, Kind.ADJUSTMENT)] = assessee
        elif grade == Grade.INCOMPETENT:
            found[(assessee.pk, Kind.DEMOTION)] = assessee
        elif grade == Grade.EXCELLENT and assessee.cadre.status == Cadre.Status.ACTIVE \
                and _runs(grades, commendation, Grade.EXCELLENT):
            found[(assessee.pk, Kind.COMMENDATION)] = assessee
    return found


# --- applying them -----------------------------------------------------------------------------------

@transaction.atomic
def apply(user, assessment):
    """Put the published annual assessment's results to use: create each consequence the results call
    for that is not yet on record (with its talk plan entry, problem …), and dismiss the open ones a
    changed grade no longer calls for. Running it twice creates nothing new. Returns the counts."""
    _county(user)
    lock(assessment)
    ASSESSMENTS.check(user, assessment, "apply_consequences")
    values = rules.get(RULE)
    found = wanted(assessment, values)
    existing = {(c.assessee_id, c.kind): c for c in Consequence.objects.select_for_update(of=("self",)).filter(
        assessment=assessment).exclude(kind=Kind.TRAINING).select_related("assessee", "talk_entry__plan", "problem")}
    created = dismissed = 0
    for (assessee_id, kind), assessee in found.items():
        if (assessee_id, kind) not in existing:
            _create(user, assessment, assessee, kind, values)
            created += 1
    for key, consequence in existing.items():
        if key not in found and consequence.is_open:
            grade = consequence.assessee.get_confirmed_grade_display() or _("not confirmed")
            _withdraw(user, consequence, _("The confirmed result is now %(grade)s; it no longer calls for this.")
                      % {"grade": grade})
            dismissed += 1
    if values.get("training_needs", True):
        created += len(_training_from_scores(user, assessment))
    return {"created": created, "dismissed": dismissed}


def _training_from_scores(user, assessment):
    """The training needs of the indicators scoring below their threshold (`scores.below_threshold`)
    for those with a confirmed result; what is on record already is left as it is."""
    from .scores import below_threshold

    assessees = Assessee.objects.filter(assessment=assessment).exclude(confirmed_grade="").select_related(
        "cadre__organization", "unit", "team")
    return training_needs(user, assessment, [(a, str(label)) for a, _key, label in below_threshold(
        assessment, assessees)])


def _create(user, assessment, assessee, kind, values):
    consequence = Consequence(assessment=assessment, assessee=assessee, kind=kind)
    if kind == Kind.ADMONISHMENT:
        consequence.talk_entry = _talk_entry(user, assessment, assessee, values)
        consequence.problem = _problem(
            user, assessment, assessee, values, organization=assessee.cadre.organization, responsible=assessee.cadre,
            description=_("%(name)s was graded %(grade)s in %(assessment)s: rectify the shortcomings the assessment "
                          "found.") % {"name": assessee.cadre, "grade": assessee.get_confirmed_grade_display(),
                                       "assessment": assessment})
    elif kind == Kind.TEAM_RECTIFICATION:
        head = _head(assessee.unit, team=assessee.team)
        if head is None:
            consequence.note = _("No Party secretary of the township is on record: put the problem on the list by "
                                 "hand.")
        else:
            consequence.problem = _problem(
                user, assessment, assessee, values, organization=assessee.unit, responsible=head,
                description=_("The leadership team %(team)s was graded %(grade)s in %(assessment)s: rectify the "
                              "shortcomings the assessment found.") % {
                    "team": assessee.team, "grade": assessee.get_confirmed_grade_display(),
                    "assessment": assessment})
    return services.save_object(user, consequence, reason=_("Results put to use"))


def _problem(user, assessment, assessee, values, **fields):
    from banzi.tasks.models import Problem
    from banzi.tasks.services import create_problem

    return create_problem(user, source=Problem.Source.ASSESSMENT, deadline=add_months(
        clock.today(), int(values["problem_months"])), source_reference=str(assessment)[:200], **fields)


def _head(township, team=None):
    """The township's Party secretary today: the head of its current team (of `team`, when given)."""
    heads = TeamMembership.objects.filter(is_head=True, team__township=township).current().select_related(
        "cadre").order_by("-started_on", "-pk")
    if team is not None:
        head = heads.filter(team=team).first()
        if head is not None:
            return head.cadre
    head = heads.first()
    return head.cadre if head else None


def _talk_entry(user, assessment, assessee, values):
    """The admonishment talk due with the cadre on the township's talk plan: the current plan if it
    runs until the talk is due and does not list the cadre yet, else the plan of this assessment's
    talks in the township (made the first time). Team members talk with the county department,
    general cadres with the township's Party secretary (or its committee)."""
    from banzi.talks import services as talks
    from banzi.talks.models import Talk, TalkPlan, TalkPlanEntry

    cadre, unit, today = assessee.cadre, assessee.unit, clock.today()
    due = today + timedelta(days=int(values["talk_days"]))
    plans = TalkPlan.objects.filter(organization=unit, starts_on__lte=today, due_on__gte=due).exclude(
        entries__talkee=cadre).order_by("-starts_on", "-pk")
    ours = Consequence.objects.filter(assessment=assessment, assessee__unit=unit, talk_entry__isnull=False)
    plan = plans.filter(pk__in=ours.values("talk_entry__plan")).first() or plans.first()
    if plan is None:
        plan = talks.save_plan(user, TalkPlan(
            organization=unit, starts_on=today, due_on=due,
            title=(_("Admonishment talks on %(assessment)s") % {"assessment": assessment})[:200],
            description=_("Talks due on the results of %(assessment)s (results put to use).") % {
                "assessment": assessment}))
    entry = TalkPlanEntry(plan=plan, talkee=cadre, due_on=due, kind=Talk.Kind.ADMONISHMENT)
    if assessee.category in (Assessee.Category.TEAM_HEAD, Assessee.Category.TEAM_MEMBER):
        entry.talker_organization = assessment.organization
    else:
        secretary = _head(unit)
        if secretary is not None and secretary.pk != cadre.pk:
            entry.expected_talker = secretary
        else:
            entry.talker_organization = unit
    return talks.save_plan_entry(user, entry)


def _withdraw(user, consequence, reason):
    """Dismiss an open consequence with its reason, removing what nobody has acted on yet: the talk
    plan entry while no admonishment talk with the cadre is on record since the plan started, and the
    problem still open (not started)."""
    from banzi.talks.models import Talk
    from banzi.tasks.models import Problem

    removed = []
    entry = consequence.talk_entry
    held = entry is not None and Talk.objects.filter(
        talkee=entry.talkee_id, kind=Talk.Kind.ADMONISHMENT, held_on__gte=entry.plan.starts_on).exists()
    if entry is not None and not held:
        consequence.talk_entry = None
        services.delete_object(user, entry, reason=reason)
        removed.append(_("the talk plan entry"))
    if consequence.problem_id and consequence.problem.status == Problem.Status.OPEN:
        problem = consequence.problem
        consequence.problem = None
        services.delete_object(user, problem, reason=reason)
        removed.append(_("the rectification problem"))
    consequence.status, consequence.reason = Consequence.Status.DISMISSED, reason
    if removed:
        consequence.note = "\n".join(filter(None, [consequence.note, _("Removed: %(records)s.") % {
            "records": "、".join(str(r) for r in removed)}]))
    return services.save_object(user, consequence, reason=reason)


# --- the county's steps on one consequence ------------------------------------------------------------

def _locked(consequence):
    return Consequence.objects.select_for_update(of=("self",)).select_related(
        "assessee__cadre", "assessee__team", "talk_entry__plan", "problem").get(pk=consequence.pk)


@transaction.atomic
def dismiss(user, consequence, reason):
    """The county dismisses an open consequence, with the reason (kept in the history); a talk still
    due and a problem not yet started are removed with it."""
    _county(user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ValidationError(_("Give the reason for dismissing the consequence."),
                                                         code=Code.REQUIRED)})
    consequence = _locked(consequence)
    services.ensure_can_write(user, consequence)
    CONSEQUENCES.check(user, consequence, "dismiss")
    return _withdraw(user, consequence, reason)


@transaction.atomic
def mark_done(user, consequence):
    """The county records that an open consequence has been carried out."""
    _county(user)
    consequence = _locked(consequence)
    services.ensure_can_write(user, consequence)
    CONSEQUENCES.check(user, consequence, "done")
    CONSEQUENCES.advance(consequence, "done")
    return services.save_object(user, consequence)


@transaction.atomic
def save_consequence(user, consequence):
    """Add a consequence by hand (e.g. a flag the rules do not make) or change its note: the county
    only, on a confirmed result of an assessment whose results are confirmed or published."""
    _county(user)
    services.ensure_can_write(user, consequence)
    if consequence.pk is not None:
        stored = Consequence.objects.get(pk=consequence.pk)
        CONSEQUENCES.check(user, stored, "edit")
        if (stored.assessee_id, stored.kind) != (consequence.assessee_id, consequence.kind):
            raise ValidationError({"kind": ValidationError(
                _("The assessee and the kind of a consequence are not changed; dismiss it and add another."),
                code=Code.FROZEN)})
    if consequence.assessee_id:
        assessee = Assessee.objects.select_related("assessment").get(pk=consequence.assessee_id)
        if assessee.assessment.status not in COUNTED or not assessee.confirmed_grade:
            raise ValidationError({"assessee": ValidationError(
                _("%(name)s has no confirmed result in “%(obj)s”: consequences follow from confirmed results.") % {
                    "name": assessee, "obj": assessee.assessment}, code=Code.WRONG_STATE)})
    return services.save_object(user, consequence)


@transaction.atomic
def delete_consequence(user, consequence):
    return services.delete_object(user, consequence)


# --- training needs from the indicators below their threshold ---------------------------------------

def _topic(user, label):
    """The training topic named like the indicator, or a new one of that name."""
    from banzi.training.models import TrainingTopic

    name = label[:50]
    topic = TrainingTopic.objects.filter(name=name).first()
    if topic is None:
        topic = services.save_object(user, TrainingTopic(
            name=name, description=_("From the indicators of the assessment")[:200], sort_order=900))
    return topic


@transaction.atomic
def training_needs(user, assessment, below):
    """One training need (source "assessment") per cadre and indicator below its threshold, from
    `below`, a list of (assessee, indicator label) pairs (`scores.below_threshold`): the topic named
    like the indicator (made when missing), the need raised today in the cadre's organization (for a
    team, the township's). A pair already on record, or repeated, makes nothing. Returns the new
    consequences."""
    from banzi.training.models import TrainingNeed
    from banzi.training.services import save_need

    _county(user)
    if assessment.status not in COUNTED:
        raise ValidationError(_("“%(obj)s” is %(status)s: training needs follow from confirmed results.") % {
            "obj": assessment, "status": assessment.get_status_display()}, code=Code.WRONG_STATE)
    pairs = {}
    for assessee, label in below:
        label = (label or "").strip()
        if assessee.assessment_id != assessment.pk:
            raise ValidationError(_("%(name)s is not assessed in “%(obj)s”.") % {"name": assessee, "obj": assessment},
                                  code=Code.NOT_ASSESSED)
        if not label:
            raise ValidationError(_("Name the indicator below its threshold."), code=Code.REQUIRED)
        pairs.setdefault((assessee.pk, label[:200]), assessee)
    taken = set(Consequence.objects.filter(assessment=assessment, kind=Kind.TRAINING).values_list(
        "assessee_id", "topic"))
    made = []
    for (assessee_id, label), assessee in pairs.items():
        if (assessee_id, label) in taken:
            continue
        cadre = assessee.cadre if assessee.cadre_id else None
        need = save_need(user, TrainingNeed(
            organization=cadre.organization if cadre else assessee.unit, cadre=cadre, topic=_topic(user, label),
            source=TrainingNeed.Source.ASSESSMENT, raised_on=clock.today(),
            note=_("%(assessment)s: “%(indicator)s” below its threshold.") % {
                "assessment": assessment, "indicator": label}))
        made.append(services.save_object(user, Consequence(
            assessment=assessment, assessee=assessee, kind=Kind.TRAINING, topic=label, training_need=need),
            reason=_("Results put to use")))
    return made


# --- reading -----------------------------------------------------------------------------------------

def of_assessee(user, assessee):
    """The consequences of one assessee the user may see, with their records."""
    return list(Consequence.objects.visible_to(user).filter(assessee=assessee).select_related(
        "talk_entry__plan", "problem", "training_need__topic").order_by("kind", "pk"))
