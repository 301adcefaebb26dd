"""Read-only computations of the assessment, and its rules (rules are data, editable by the county):
the quotas of a unit, the disqualifiers of "excellent" with their source records, and the tally of
the democratic evaluation. Every figure is an aggregate query or reads only the records it shows."""
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from banzi.conduct.models import CommitmentLetter, Violation
from banzi.core import clock, rules
from banzi.core import metrics as registry
from banzi.talks.models import Talk
from banzi.tasks.models import Problem
from banzi.training import metrics as training
from banzi.training.models import Attendance

from .models import Assessee, Assessment, Award, EvaluationGroup, Grade, QuotaApproval, Vote

QUOTA_RULE = "assessment.quotas"
EVALUATION_RULE = "assessment.evaluation"
DISQUALIFIER_RULE = "assessment.disqualifiers"

rules.register(
    QUOTA_RULE, {"excellent_percent": 20, "approved_excellent_percent": 25, "quarterly_good_percent": 40},
    gettext_lazy("Grade quotas (rounded down)"),
    fields={"excellent_percent": gettext_lazy("excellent: at most this percentage of those assessed in a unit"),
            "approved_excellent_percent": gettext_lazy("excellent where the county approved more (percentage)"),
            "quarterly_good_percent": gettext_lazy("quarterly good: at most this percentage")},
)
GROUP_KINDS = ("team_members", "subordinate_heads", "cadre_representatives", "public_representatives")
rules.register(
    EVALUATION_RULE, {"team_members": 40, "subordinate_heads": 30, "cadre_representatives": 20,
                      "public_representatives": 10, "cap_numerator": 1, "cap_denominator": 3},
    gettext_lazy("Democratic evaluation"),
    fields={"team_members": gettext_lazy("default weight of the team members (%)"),
            "subordinate_heads": gettext_lazy("default weight of the heads of subordinate units (%)"),
            "cadre_representatives": gettext_lazy("default weight of the cadre representatives (%)"),
            "public_representatives": gettext_lazy("default weight of the public representatives (%)"),
            "cap_numerator": gettext_lazy("lowest two grades' share that caps the grade: numerator"),
            "cap_denominator": gettext_lazy("lowest two grades' share that caps the grade: denominator")},
)
DISQUALIFIERS = ("violation", "admonishment", "overdue_problem", "training", "commitment")
rules.register(
    DISQUALIFIER_RULE, {"violation": True, "admonishment": True, "overdue_problem": True, "training": True,
                        "commitment": True, "commitment_due_month": 3, "commitment_due_day": 31},
    gettext_lazy("What rules out the grade excellent"),
    fields={"violation": gettext_lazy("a violation decided in the period"),
            "admonishment": gettext_lazy("an admonishment talk in the period"),
            "overdue_problem": gettext_lazy("an unrectified problem past its deadline"),
            "training": gettext_lazy("training below the yearly minimum"),
            "commitment": gettext_lazy("a late or missing commitment letter"),
            "commitment_due_month": gettext_lazy("commitment letter due by: month"),
            "commitment_due_day": gettext_lazy("commitment letter due by: day")},
)


# --- quotas ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Quota:
    """The top grade of a unit's individual scale, and how many of the `assessed` may get it."""

    grade: str
    percent: int
    assessed: int
    document_number: str = ""

    @property
    def limit(self):
        return self.assessed * self.percent // 100  # rounded down: 20 % of 13 is 2


def quota(assessment, unit):
    """The quota of the top individual grade (excellent; good in a quarterly assessment) in a unit."""
    values = rules.get(QUOTA_RULE)
    assessed = Assessee.objects.filter(assessment=assessment, unit=unit).exclude(
        category=Assessee.Category.TEAM).count()
    top = assessment.individual_scale()[0]
    if assessment.is_quarterly:
        return Quota(top, int(values["quarterly_good_percent"]), assessed)
    approval = QuotaApproval.objects.filter(assessment=assessment, unit=unit).values_list(
        "document_number", flat=True).first()
    if approval is not None:
        return Quota(top, int(values["approved_excellent_percent"]), assessed, approval)
    return Quota(top, int(values["excellent_percent"]), assessed)


# --- disqualifiers of "excellent" ----------------------------------------------------------------

@dataclass(frozen=True)
class Finding:
    """One disqualifier found for a cadre: the rule, what was found and the record behind it."""

    rule: str
    label: str
    detail: str
    url: str


def rule_labels():
    return {"violation": _("A violation decided in the period"),
            "admonishment": _("An admonishment talk in the period"),
            "overdue_problem": _("An unrectified problem past its deadline"),
            "training": _("Training below the yearly minimum"),
            "commitment": _("A late or missing commitment letter")}


def commitment_due(assessment, values=None):
    values = values or rules.get(DISQUALIFIER_RULE)
    return datetime.date(assessment.year, int(values["commitment_due_month"]), int(values["commitment_due_day"]))


def disqualifiers(assessment, cadre_ids):
    """{cadre id: [Finding, ...]} of the cadres' disqualifiers of "excellent" in the assessment's
    period, each rule one query that reads only the records it finds (training: one aggregate)."""
    values = rules.get(DISQUALIFIER_RULE)
    labels = rule_labels()
    ids = list(cadre_ids)
    found = {pk: [] for pk in ids}
    start, end = assessment.starts_on, assessment.ends_on
    as_of = min(end, clock.today())

    def add(rule, cadre_id, detail, url):
        found[cadre_id].append(Finding(rule, labels[rule], detail, url))

    if values["violation"]:
        for pk, cadre_id, decided_on in Violation.objects.filter(
                cadre__in=ids, status=Violation.Status.CONFIRMED, decided_on__range=(start, end)).order_by(
                "decided_on", "pk").values_list("pk", "cadre_id", "decided_on"):
            add("violation", cadre_id, _("decided on %(date)s") % {"date": decided_on.isoformat()},
                reverse("conduct:violation_detail", args=[pk]))
    if values["admonishment"]:
        for pk, cadre_id, held_on in Talk.objects.filter(
                talkee__in=ids, kind=Talk.Kind.ADMONISHMENT, held_on__range=(start, end)).order_by(
                "held_on", "pk").values_list("pk", "talkee_id", "held_on"):
            add("admonishment", cadre_id, _("held on %(date)s") % {"date": held_on.isoformat()},
                reverse("talks:talk_detail", args=[pk]))
    if values["overdue_problem"]:
        closed_in_time = Q(status=Problem.Status.CLOSED, verified_at__date__lte=as_of)
        for pk, cadre_id, deadline in Problem.objects.filter(responsible__in=ids, deadline__lt=as_of).exclude(
                closed_in_time).order_by("deadline", "pk").values_list("pk", "responsible_id", "deadline"):
            add("overdue_problem", cadre_id, _("deadline %(date)s") % {"date": deadline.isoformat()},
                reverse("tasks:problem_detail", args=[pk]))
    if values["training"]:
        _training(assessment, ids, add)
    if values["commitment"]:
        due = commitment_due(assessment, values)
        letters = dict(CommitmentLetter.objects.filter(cadre__in=ids, year=assessment.year).values_list(
            "cadre_id", "pk"))
        late = CommitmentLetter.objects.filter(cadre__in=ids, year=assessment.year, signed_on__gt=due)
        for pk, cadre_id, signed_on in late.values_list("pk", "cadre_id", "signed_on"):
            add("commitment", cadre_id, _("signed on %(date)s, due by %(due)s") % {
                "date": signed_on.isoformat(), "due": due.isoformat()},
                reverse("conduct:commitmentletter_detail", args=[pk]))
        if as_of >= due:
            for cadre_id in ids:
                if cadre_id not in letters:
                    add("commitment", cadre_id, _("none for %(year)s") % {"year": assessment.year},
                        f"{reverse('conduct:commitmentletter_list')}?year={assessment.year}")
    return found


def _training(assessment, ids, add):
    """Training days and credit hours of the assessment's year, one aggregate row per cadre."""
    minimum = training.minimum()
    figures = {row["cadre"]: row for row in Attendance.objects.filter(
        cadre__in=ids, status=Attendance.Status.PRESENT, session__held_on__year=assessment.year).order_by()
        .values("cadre").annotate(days=Count("session__held_on", distinct=True),
                                  hours=Coalesce(Sum("session__credit_hours"), Value(Decimal(0)),
                                                 output_field=DecimalField()))}
    url = reverse("training:attendance_list")
    for cadre_id in ids:
        row = figures.get(cadre_id, {"days": 0, "hours": Decimal(0)})
        if not training.meets(row["days"], row["hours"], minimum):
            add("training", cadre_id, _("%(days)d days, %(hours)s credit hours in %(year)s; the minimum is %(min_days)d "
                                        "days or %(min_hours)s hours") % {
                "days": row["days"], "hours": training.hours(row["hours"]), "year": assessment.year,
                "min_days": minimum["days"], "min_hours": minimum["credit_hours"]},
                f"{url}?cadre={cadre_id}&year={assessment.year}")


# --- the democratic evaluation -------------------------------------------------------------------

@dataclass
class Tally:
    """One assessee's votes: per group and grade, the totals, the weighted share of each grade
    (percent, the groups' weights over the groups that voted) and whether the grade is capped."""

    assessee_id: int
    scale: tuple
    by_group: dict
    weights: dict
    cap_share: tuple = (1, 3)  # the rule's (numerator, denominator), read once per tally

    @property
    def counts(self):
        totals = dict.fromkeys(self.scale, 0)
        for grades in self.by_group.values():
            for grade, n in grades.items():
                totals[grade] = totals.get(grade, 0) + n
        return totals

    @property
    def total(self):
        return sum(self.counts.values())

    @property
    def low(self):
        """Votes for the two lowest grades (basically competent and incompetent, or average and poor)."""
        counts = self.counts
        return counts.get(self.scale[2], 0) + counts.get(self.scale[3], 0)

    @property
    def capped(self):
        """Whether the low votes reach the rule's share (one third: exactly one third counts)."""
        numerator, denominator = self.cap_share
        return self.total > 0 and self.low * denominator >= self.total * numerator

    @property
    def cap(self):
        """The best grade allowed, or None."""
        return self.scale[2] if self.capped else None

    @property
    def weighted(self):
        """{grade: percent} weighted by the groups' weights, over the groups that voted."""
        voted = {group: grades for group, grades in self.by_group.items() if sum(grades.values())}
        weight_sum = sum(self.weights.get(group, 0) for group in voted)
        shares = dict.fromkeys(self.scale, Decimal(0))
        if not weight_sum:
            return shares
        for group, grades in voted.items():
            total = sum(grades.values())
            for grade, n in grades.items():
                shares[grade] += Decimal(self.weights.get(group, 0)) * n / total
        return {grade: (share * 100 / weight_sum).quantize(Decimal("0.1")) for grade, share in shares.items()}


def tally(assessment, unit):
    """{assessee id: Tally} of a unit's assessees, from one aggregate query over the votes."""
    assessees = Assessee.objects.filter(assessment=assessment, unit=unit).select_related("assessment")
    weights = dict(EvaluationGroup.objects.filter(assessment=assessment, unit=unit).values_list("pk", "weight"))
    values = rules.get(EVALUATION_RULE)
    share = (int(values["cap_numerator"]), int(values["cap_denominator"]))
    result = {a.pk: Tally(a.pk, a.scale(), {}, weights, share) for a in assessees}
    rows = (Vote.objects.filter(assessee__assessment=assessment, assessee__unit=unit).order_by()
            .values("assessee", "ballot__group", "grade").annotate(n=Count("id")))
    for row in rows:
        groups = result[row["assessee"]].by_group
        groups.setdefault(row["ballot__group"], {})[row["grade"]] = row["n"]
    return result


def group_weights(assessment, unit):
    """The sum of a unit's evaluation group weights."""
    return EvaluationGroup.objects.filter(assessment=assessment, unit=unit).aggregate(
        total=Coalesce(Sum("weight"), 0))["total"]


# --- a unit's grade sheet --------------------------------------------------------------------------

def sheets(assessment, user, unit=None):
    """Per unit of the assessment the user may see: the quota and how many have the top grade (the
    confirmed grade, else the proposed one), and per assessee the grades, the disqualifiers of
    excellent, the votes per grade, the weighted shares and the cap. A fixed number of queries per unit.
    `unit` keeps one unit only."""
    assessees = Assessee.objects.visible_to(user).filter(assessment=assessment)
    if unit is not None:
        assessees = assessees.filter(unit=unit)
    assessees = list(assessees.select_related("assessment", "unit", "cadre", "team__township").order_by("unit__sort_order", "pk"))
    units = {}
    for assessee in assessees:
        units.setdefault(assessee.unit_id, (assessee.unit, []))[1].append(assessee)
    weights = dict(EvaluationGroup.objects.filter(assessment=assessment, unit__in=list(units)).order_by()
                   .values("unit").annotate(total=Sum("weight")).values_list("unit", "total"))
    result = []
    for unit, people in units.values():
        quota_ = quota(assessment, unit)
        tallies = tally(assessment, unit)
        found = disqualifiers(assessment, [a.cadre_id for a in people if not a.is_team])
        given = sum(1 for a in people if not a.is_team and (a.confirmed_grade or a.proposed_grade) == quota_.grade)
        rows = []
        for a in people:
            votes = tallies.get(a.pk)
            rows.append({
                "assessee": a.pk, "name": str(a), "category": a.category, "proposed_grade": a.proposed_grade,
                "confirmed_grade": a.confirmed_grade,
                "disqualifiers": [vars(x) for x in found.get(a.cadre_id, [])] if not a.is_team else [],
                "votes": votes.counts if votes else {},
                "weighted": {grade: float(share) for grade, share in votes.weighted.items()} if votes else {},
                "cap": votes.cap if votes else None, "scale": a.scale()})
        result.append({"unit": unit.pk, "unit_name": unit.name, "weights": weights.get(unit.pk, 0),
                       "quota": {"grade": quota_.grade, "percent": quota_.percent, "assessed": quota_.assessed,
                                 "limit": quota_.limit, "given": given, "document_number": quota_.document_number},
                       "rows": rows})
    return result


def unit_summaries(assessment, user):
    """Per unit of the assessment the user may see: assessed (teams apart), top grades given (confirmed,
    else proposed), confirmed, and the quota, in a fixed number of queries."""
    top = assessment.individual_scale()[0]
    individual = ~Q(category=Assessee.Category.TEAM)
    rows = (Assessee.objects.visible_to(user).filter(assessment=assessment).order_by("unit__sort_order", "unit")
            .values("unit", "unit__name")
            .annotate(assessees=Count("id"), assessed=Count("id", filter=individual),
                      confirmed=Count("id", filter=~Q(confirmed_grade="")),
                      given=Count("id", filter=individual & (Q(confirmed_grade=top) | Q(confirmed_grade="",
                                                                                          proposed_grade=top)))))
    approved = set(QuotaApproval.objects.filter(assessment=assessment).values_list("unit", flat=True))
    values = rules.get(QUOTA_RULE)
    result = []
    for row in rows:
        if assessment.is_quarterly:
            percent = int(values["quarterly_good_percent"])
        else:
            percent = int(values["approved_excellent_percent" if row["unit"] in approved else "excellent_percent"])
        result.append({**row, "percent": percent, "limit": row["assessed"] * percent // 100, "grade": top})
    return result


def group_figures(group):
    """Codes issued and used, and ballots by source, of one evaluation group (two aggregates)."""
    from .models import Ballot, BallotCode

    codes = BallotCode.objects.filter(group=group).aggregate(issued=Count("id"), used=Count("id", filter=Q(used=True)))
    ballots = Ballot.objects.filter(group=group).aggregate(
        phone=Count("id", filter=Q(source=Ballot.Source.PHONE)), paper=Count("id", filter=Q(source=Ballot.Source.PAPER)))
    return {**codes, **ballots}


# --- report figures (the year-end report, banzi.reports) -------------------------------------------

RESULT_STATUSES = (Assessment.Status.CONFIRMED, Assessment.Status.PUBLISHED)


@registry.figure("assessment.excellent", part="supervision", order=30, label=gettext_lazy("Assessed as excellent"),
                 unit=pgettext_lazy("unit", "people or teams"), list_url=lambda ids, start, end: registry.list_link(
                     "assessment:assessee_list", ids, confirmed_grade=Grade.EXCELLENT, results="true",
                     ends_after=start.isoformat(), ends_before=end.isoformat()),
                 definition=gettext_lazy(
                     "Assessees (teams and cadres) graded excellent in a confirmed or published assessment whose "
                     "period ends in the report's period."))
def excellent(township_ids, start, end):
    qs = Assessee.objects.filter(confirmed_grade=Grade.EXCELLENT, assessment__status__in=RESULT_STATUSES,
                                 assessment__ends_on__range=(start, end))
    return registry.scoped(qs, "unit__township", township_ids).order_by().aggregate(n=Count("id"))["n"]


@registry.figure("assessment.awards", part="supervision", order=31,
                 label=gettext_lazy("Good teams, heads, members and backbones awarded"),
                 unit=pgettext_lazy("unit", "people or teams"), list_url=lambda ids, start, end: registry.list_link(
                     "assessment:award_list", ids, status=Award.Status.DECIDED, decided_after=start.isoformat(),
                     decided_before=end.isoformat()),
                 definition=gettext_lazy("Awards (好班子、好班长、好成员、好骨干) decided by the county in the period."))
def awards(township_ids, start, end):
    qs = Award.objects.filter(status=Award.Status.DECIDED, decided_on__range=(start, end))
    return registry.scoped(qs, "assessee__unit__township", township_ids).order_by().aggregate(n=Count("id"))["n"]
