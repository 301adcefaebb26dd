"""Tables of the assessment lists (also the columns of their Excel exports)."""
import django_tables2 as tables
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from banzi.core.tables import BaseTable

from . import metrics
from .models import (
    Assessee,
    Assessment,
    AssessmentGroup,
    Award,
    Consequence,
    EvaluationGroup,
    Grade,
    QuotaApproval,
)

GRADE_LABELS = dict(Grade.choices)


def _grade(value):
    return str(GRADE_LABELS.get(value, value or ""))


def quota_text(quota):
    """"2 / 2（20 %，13 人）": top grades given over the quota, its percent and how many are assessed."""
    if quota is None:
        return ""
    text = _("%(given)d / %(limit)d (%(percent)d %% of %(assessed)d)") % {
        "given": quota["given"], "limit": quota["limit"], "percent": quota["percent"], "assessed": quota["assessed"]}
    return f"{text} {quota['document_number']}".strip()


def cap_text(votes):
    """The cap of the democratic evaluation, with the low votes over all votes, or ""."""
    if votes is None or not votes.total:
        return ""
    if votes.cap is None:
        return _("no cap (%(low)d of %(total)d low)") % {"low": votes.low, "total": votes.total}
    return _("at most %(cap)s (%(low)d of %(total)d low)") % {"cap": _grade(votes.cap), "low": votes.low,
                                                              "total": votes.total}


class AssessmentTable(BaseTable):
    title = tables.Column(linkify=True)
    organization = tables.Column()

    class Meta(BaseTable.Meta):
        model = Assessment
        fields = ("title", "kind", "year", "quarter", "starts_on", "ends_on", "organization", "status")


class AssesseeTable(BaseTable):
    """The assessees; the Excel export adds, per row, its unit's quota count and the cap of the
    democratic evaluation (computed for the exported rows only, a unit at a time)."""

    name = tables.Column(verbose_name=Assessee._meta.verbose_name, accessor="pk", orderable=False,
                         linkify=lambda record: record.get_absolute_url())
    assessment = tables.Column()
    unit = tables.Column()
    quota = tables.Column(verbose_name=_("top grades / quota of the unit"), accessor="pk", orderable=False,
                          visible=False)
    cap = tables.Column(verbose_name=_("cap of the democratic evaluation"), accessor="pk", orderable=False,
                        visible=False)

    class Meta(BaseTable.Meta):
        model = Assessee
        fields = ("name", "assessment", "unit", "category", "proposed_grade", "confirmed_grade")
        sequence = ("name", "assessment", "unit", "category", "proposed_grade", "confirmed_grade", "quota", "cap")

    def render_name(self, record):
        return str(record)

    def value_name(self, record):
        return str(record)

    def _figures(self):
        """{(assessment id, unit id): (quota, {assessee id: Tally})} of the rows, computed once."""
        if getattr(self, "_unit_figures", None) is None:
            pairs = {(a.assessment_id, a.unit_id): (a.assessment, a.unit) for a in self.data}
            figures = {}
            for key, (assessment, unit) in pairs.items():
                quota = metrics.quota(assessment, unit)
                given = Assessee.objects.filter(assessment=assessment, unit=unit).exclude(
                    category=Assessee.Category.TEAM).filter(
                    models_q_top(quota.grade)).count()
                figures[key] = ({"given": given, "limit": quota.limit, "percent": quota.percent,
                                 "assessed": quota.assessed, "document_number": quota.document_number},
                                metrics.tally(assessment, unit))
            self._unit_figures = figures
        return self._unit_figures

    def value_quota(self, record):
        return quota_text(self._figures()[(record.assessment_id, record.unit_id)][0])

    def value_cap(self, record):
        return cap_text(self._figures()[(record.assessment_id, record.unit_id)][1].get(record.pk))


def models_q_top(grade):
    """The assessees whose grade (confirmed, else proposed) is `grade`."""
    return Q(confirmed_grade=grade) | Q(confirmed_grade="", proposed_grade=grade)


class UnitGradeTable(tables.Table):
    """A unit's grade sheet (the rows of `metrics.sheets`), for its Excel export."""

    name = tables.Column(verbose_name=_("assessee"))
    category = tables.Column(verbose_name=_("category"))
    proposed_grade = tables.Column(verbose_name=_("proposed grade"))
    confirmed_grade = tables.Column(verbose_name=_("confirmed grade"))
    votes = tables.Column(verbose_name=_("votes"), accessor="assessee")
    cap = tables.Column(verbose_name=_("cap of the democratic evaluation"), accessor="assessee")
    disqualifiers = tables.Column(verbose_name=_("disqualifiers of excellent"))

    def __init__(self, rows, tallies, **kwargs):
        self.tallies = tallies
        super().__init__(rows, **kwargs)

    def value_category(self, value):
        return str(dict(Assessee.Category.choices).get(value, value))

    def value_proposed_grade(self, value):
        return _grade(value)

    def value_confirmed_grade(self, value):
        return _grade(value)

    def value_votes(self, record):
        return "，".join(f"{_grade(g)} {n}" for g, n in record["votes"].items() if n)

    def value_cap(self, record):
        return cap_text(self.tallies.get(record["assessee"]))

    def value_disqualifiers(self, value):
        return "；".join(f"{x['label']}（{x['detail']}）" for x in value or ())


class QuotaApprovalTable(BaseTable):
    document_number = tables.Column(linkify=True)
    assessment = tables.Column()
    unit = tables.Column()

    class Meta(BaseTable.Meta):
        model = QuotaApproval
        fields = ("document_number", "assessment", "unit", "approved_on")


class AssessmentGroupTable(BaseTable):
    name = tables.Column(linkify=True)
    assessment = tables.Column()
    leader = tables.Column()
    member_names = tables.Column(verbose_name=_("group members"), orderable=False, empty_values=())
    unit_names = tables.Column(verbose_name=_("townships assessed"), orderable=False, empty_values=())

    class Meta(BaseTable.Meta):
        model = AssessmentGroup
        fields = ("name", "assessment", "leader", "member_names", "unit_names")

    def render_member_names(self, record):
        return "、".join(m.name for m in record.members.all()) or "—"

    def value_member_names(self, record):
        return "、".join(m.name for m in record.members.all())

    def render_unit_names(self, record):
        return "、".join(u.name for u in record.units.all())

    value_unit_names = render_unit_names


class EvaluationGroupTable(BaseTable):
    kind = tables.Column(linkify=True)
    assessment = tables.Column()
    unit = tables.Column()

    class Meta(BaseTable.Meta):
        model = EvaluationGroup
        fields = ("kind", "assessment", "unit", "weight")


class AwardTable(BaseTable):
    name = tables.Column(verbose_name=Award._meta.verbose_name, accessor="pk", orderable=False,
                         linkify=lambda record: record.get_absolute_url())
    assessment = tables.Column()
    unit = tables.Column(verbose_name=_("unit"), accessor="assessee__unit")

    class Meta(BaseTable.Meta):
        model = Award
        fields = ("name", "assessment", "kind", "unit", "reason", "status", "decided_on")

    def render_name(self, record):
        return str(record.assessee)

    def value_name(self, record):
        return str(record.assessee)


class PriorityTable(tables.Table):
    """The promotion-priority list (the rows of `results.priority_list`), for its Excel export."""

    name = tables.Column(verbose_name=_("cadre"), orderable=False)
    organization = tables.Column(verbose_name=_("organization"), orderable=False)
    grounds_label = tables.Column(verbose_name=_("grounds"), orderable=False)
    evidence = tables.Column(verbose_name=_("evidence"), orderable=False)

    class Meta:
        attrs = {"class": "table card-table"}


class ConsequenceTable(BaseTable):
    """The consequences of the results, each with the record it made in another module."""

    name = tables.Column(verbose_name=Assessee._meta.verbose_name, accessor="pk", orderable=False,
                         linkify=lambda record: record.get_absolute_url())
    assessment = tables.Column()
    unit = tables.Column(verbose_name=_("unit"), accessor="assessee__unit")
    grade = tables.Column(verbose_name=_("confirmed grade"), accessor="assessee__confirmed_grade")
    record = tables.Column(verbose_name=_("record made"), accessor="pk", orderable=False)

    class Meta(BaseTable.Meta):
        model = Consequence
        fields = ("name", "assessment", "unit", "grade", "kind", "topic", "status", "record", "note")

    def render_name(self, record):
        return str(record.assessee)

    def value_name(self, record):
        return str(record.assessee)

    def render_grade(self, value):
        return _grade(value)

    def value_grade(self, value):
        return _grade(value)

    def render_record(self, record):
        return self.value_record(record) or "—"

    def value_record(self, record):
        parts = []
        if record.talk_entry_id:
            parts.append(f"{_('talk plan entry')} {record.talk_entry.due_on:%Y-%m-%d}")
        if record.problem_id:
            parts.append(f"{_('rectification problem')} {record.problem.deadline:%Y-%m-%d}")
        if record.training_need_id:
            parts.append(f"{_('training need')} {record.training_need.topic}")
        return "；".join(parts)
