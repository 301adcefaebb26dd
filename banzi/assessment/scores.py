"""The score sheet of an assessee: every indicator of `core.metrics` read from the records of the
assessment's period, turned into a 0–100 score, averaged per indicator group and weighted into a
total, with the rule `assessment.indicators` (data the county edits on /core/rules/).

How a value becomes a score (kept simple so that anyone can redo it by hand):
- a rate (percent, more is better) is its own score: 85 % scores 85;
- a count of bad things (violations, findings) scores 100 minus the rule's deduction for each;
- an indicator with nothing to measure in the period (no task due, not a team member for the
  duties of team members) shows "—" and is left out of its group's average;
- a group's subtotal is the average of its scored indicators; the total is the groups' subtotals
  weighted by the rule's weights (which add up to 100), over the groups that have a subtotal;
- an indicator scoring below its threshold is "below threshold" (later: a training need).
Study minutes, time online and check-ins are never read: the anti-formalism rules forbid scoring them.
"""
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banzi.core import metrics, rules
from banzi.core.errors import Code

RULE = "assessment.indicators"

GROUPS = {
    "political": gettext_lazy("Political and ideological building"),
    "ability": gettext_lazy("Training and practice"),
    "performance": gettext_lazy("Work performance"),
    "discipline": gettext_lazy("Discipline and conduct"),
}
DEFAULT_WEIGHTS = {"political": 30, "ability": 20, "performance": 30, "discipline": 20}
DEFAULT_THRESHOLD = 60
# Points taken off per counted thing, for the indicators that count bad things.
DEFAULT_DEDUCTIONS = {"violations": 25, "township_violations": 10, "inspection_findings": 5}
# Every indicator the rule sets a threshold for (tests check it matches the registry).
INDICATOR_KEYS = (
    "org_life", "dual_life", "lead_duties", "collective_decisions", "talks_given", "talks_received",
    "talk_coverage", "training", "team_training", "postings", "tasks_on_time", "township_tasks_on_time", "items_on_time",
    "township_items_on_time", "problems_on_time", "township_problems_on_time", "inspection_findings",
    "violations", "township_violations", "leave", "outings", "spot_checks", "township_spot_checks",
)


def check_weights(values):
    """The groups' weights must add up to 100."""
    total = sum(int(values[f"weight_{group}"]) for group in GROUPS)
    if total != 100:
        raise ValidationError(_("The weights of the indicator groups add up to %(total)d; they must add up to 100.")
                              % {"total": total}, code=Code.WEIGHTS_NOT_100)


def _indicator_label(key):
    found = next((i for i in metrics.indicators() if i.key == key), None)
    return str(found.label) if found else key


def _label(text, key):
    return text % {"indicator": _indicator_label(key)}


def _fields():
    """The settings' labels on the rules page, read when shown (the indicators register later)."""
    labels = {f"weight_{group}": lazy(lambda label: _("weight of “%(group)s” (%%)") % {"group": label}, str)(label)
              for group, label in GROUPS.items()}
    labels.update({f"threshold_{key}": lazy(lambda key: _label(_("threshold score: %(indicator)s"), key), str)(key)
                   for key in INDICATOR_KEYS})
    labels.update({f"deduction_{key}": lazy(lambda key: _label(_("points deducted for each: %(indicator)s"), key),
                                            str)(key) for key in DEFAULT_DEDUCTIONS})
    return labels


rules.register(
    RULE,
    {**{f"weight_{group}": weight for group, weight in DEFAULT_WEIGHTS.items()},
     **{f"threshold_{key}": DEFAULT_THRESHOLD for key in INDICATOR_KEYS},
     **{f"deduction_{key}": points for key, points in DEFAULT_DEDUCTIONS.items()}},
    gettext_lazy("Indicators of the score sheet"), fields=_fields(), check=check_weights,
)


@dataclass
class Line:
    """One indicator on a score sheet."""

    key: str
    group: str
    label: str
    unit: str
    value: object
    detail: str
    url: str
    score: Decimal | None
    threshold: int

    @property
    def below(self):
        return self.score is not None and self.score < self.threshold

    @property
    def shown(self):
        """The value as the sheet shows it: "85 %", "2", or "—" when there was nothing to measure."""
        if self.value is None:
            return "—"
        return f"{self.value} %" if self.unit == "percent" else str(self.value)


@dataclass
class Group:
    key: str
    label: str
    weight: int
    lines: list = field(default_factory=list)

    @property
    def subtotal(self):
        scores = [line.score for line in self.lines if line.score is not None]
        return _round(sum(scores) / len(scores)) if scores else None


@dataclass
class Sheet:
    """An assessee's score sheet: the groups with their indicators, and the weighted total."""

    assessee: object
    groups: list

    @property
    def lines(self):
        return [line for group in self.groups for line in group.lines]

    @property
    def total(self):
        scored = [g for g in self.groups if g.subtotal is not None]
        weights = sum(g.weight for g in scored)
        if not weights:
            return None
        return _round(sum(g.subtotal * g.weight for g in scored) / weights)

    def as_dict(self):
        return {
            "assessee": self.assessee.pk, "name": str(self.assessee), "total": _num(self.total),
            "groups": [{"key": g.key, "label": str(g.label), "weight": g.weight, "subtotal": _num(g.subtotal),
                        "indicators": [{"key": x.key, "label": str(x.label), "unit": x.unit, "value": _num(x.value),
                                        "shown": x.shown, "detail": x.detail, "url": x.url, "score": _num(x.score),
                                        "threshold": x.threshold, "below_threshold": x.below}
                                       for x in g.lines]} for g in self.groups],
        }


def _round(value):
    return Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _num(value):
    return float(value) if isinstance(value, Decimal) else value


def score(indicator, value, values):
    """The 0–100 score of an indicator's value (None: nothing to measure)."""
    if value is None:
        return None
    if indicator.direction == "down":
        return _round(max(0, 100 - value * int(values.get(f"deduction_{indicator.key}", 0))))
    return _round(min(100, max(0, value)))


def subject_of(assessee):
    return ("team", assessee.team_id) if assessee.is_team else ("cadre", assessee.cadre_id)


def score_sheets(assessment, assessees):
    """{assessee id: Sheet} of the assessees of one assessment over its period: each indicator read
    once for all of them (a fixed number of queries, whatever their number)."""
    assessees = list(assessees)
    values = rules.get(RULE)
    start, end = assessment.starts_on, assessment.ends_on
    readings = {}
    for subject in metrics.SUBJECTS:
        ids = [subject_of(a)[1] for a in assessees if subject_of(a)[0] == subject]
        if ids:
            readings[subject] = metrics.read_indicators(subject, ids, start, end)
    sheets = {}
    for assessee in assessees:
        subject, pk = subject_of(assessee)
        groups = {key: Group(key, label, int(values[f"weight_{key}"])) for key, label in GROUPS.items()}
        for indicator in metrics.indicators(subject):
            reading = readings[subject][indicator.key].get(pk) or metrics.Reading(None, "", "")
            groups[indicator.group].lines.append(Line(
                indicator.key, indicator.group, indicator.label, indicator.unit, reading.value, str(reading.detail),
                reading.url, score(indicator, reading.value, values),
                int(values.get(f"threshold_{indicator.key}", DEFAULT_THRESHOLD))))
        sheets[assessee.pk] = Sheet(assessee, [g for g in groups.values() if g.lines])
    return sheets


def below_threshold(assessment, assessees):
    """[(assessee, indicator key, label)] of every indicator scoring below its threshold."""
    assessees = list(assessees)
    sheets = score_sheets(assessment, assessees)
    return [(a, line.key, line.label) for a in assessees for line in sheets[a.pk].lines if line.below]
