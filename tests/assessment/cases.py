"""Generic-test cases for the assessment models (see tests/generic.py). The ballot codes, ballots and
votes are not business records of this kind: they keep no history by design (a ballot must not be
traceable to its code) and have no pages."""
from banzi.assessment.models import (
    Assessee,
    Assessment,
    AssessmentGroup,
    Award,
    EvaluationGroup,
    QuotaApproval,
)
from tests import factories as f
from tests.generic import ModelCase, register

from .factories import assessee, assessment, award, confirmed_result, n


def _assessment_form(township):
    return {"kind": Assessment.Kind.QUARTERLY, "title": f"第三季度平时考核{n()}", "year": "2026", "quarter": "3",
            "starts_on": "2026-07-01", "ends_on": "2026-09-30", "organization": township.pk}


def _move_assessment(record, other):
    record.organization = other


register(ModelCase(
    model=Assessment,
    make=lambda township: assessment(township),
    form_data=_assessment_form,
    update={"title": "第三季度平时考核（修订）"},
    move=_move_assessment,
    export_label=lambda record: record.title,
))


def _assessee_form(township):
    return {"assessment": assessment(township).pk, "category": Assessee.Category.GENERAL_CADRE, "team": "",
            "cadre": f.CadreFactory(organization=township).pk, "unit": township.pk, "report": ""}


def _move_assessee(record, other):
    record.unit = other
    record.cadre = f.CadreFactory(organization=other)


register(ModelCase(
    model=Assessee,
    make=lambda township: assessee(assessment(township), township),
    form_data=_assessee_form,
    update={"report": "一年来，认真履行岗位职责，严守廉洁纪律。"},
    move=_move_assessee,
    make_own=lambda cadre: assessee(assessment(cadre.organization.township), cadre.organization.township, cadre),
    export_label=lambda record: str(record),
))


def _approval_form(township):
    return {"assessment": assessment().pk, "unit": township.pk, "document_number": f"县组字〔2026〕{n()}号",
            "approved_on": "2026-11-20"}


register(ModelCase(
    model=QuotaApproval,
    make=lambda township: QuotaApproval.objects.create(assessment=assessment(), unit=township,
                                                       document_number=f"县组字〔2026〕{n()}号",
                                                       approved_on="2026-11-20"),
    form_data=_approval_form,
    update={"document_number": "县委组织部批〔2026〕7号"},
    move=lambda record, other: setattr(record, "unit", other),
    export_label=lambda record: record.document_number,
))


def _assessment_group(township):
    """A group of the township's own day-to-day assessment (the county's groups are the county's alone)."""
    group = AssessmentGroup.objects.create(assessment=assessment(township), name=f"考核组{n()}",
                                           leader=f.CadreFactory(organization=township))
    group.units.set([township])
    return group


def _assessment_group_form(township):
    return {"assessment": assessment(township).pk, "name": f"第{n()}考核组",
            "leader": f.CadreFactory(organization=township).pk, "units": [township.pk], "note": ""}


register(ModelCase(
    model=AssessmentGroup,
    make=_assessment_group,
    form_data=_assessment_group_form,
    update={"name": "第一考核组（调整）"},
    move=lambda record, other: setattr(record, "assessment", assessment(other)),
    export_label=lambda record: record.name,
))


def _group_form(township):
    return {"assessment": assessment().pk, "unit": township.pk, "kind": EvaluationGroup.Kind.TEAM_MEMBERS,
            "weight": "40"}


register(ModelCase(
    model=EvaluationGroup,
    make=lambda township: EvaluationGroup.objects.create(assessment=assessment(), unit=township,
                                                         kind=EvaluationGroup.Kind.TEAM_MEMBERS, weight=40),
    form_data=_group_form,
    update={"weight": "50"},
    move=lambda record, other: setattr(record, "unit", other),
    export_label=lambda record: record.unit.name,
))


def _award_form(township):
    return {"kind": Award.Kind.GOOD_BACKBONE, "assessee": confirmed_result(township).pk,
            "reason": "全年工作业绩突出，敢于担当。"}


def _move_award(record, other):
    record.assessee = confirmed_result(other)


def _own_award(cadre):
    return award(cadre.organization.township, cadre=cadre)


register(ModelCase(
    model=Award,
    make=lambda township: award(township),
    form_data=_award_form,
    update={"reason": "全年工作业绩突出，敢于担当，群众公认。"},
    move=_move_award,
    make_own=_own_award,
    export_label=lambda record: str(record.assessee),
))


def _consequence(township, cadre=None):
    from banzi.assessment.models import Consequence, Grade

    result = confirmed_result(township, Grade.BASICALLY_COMPETENT, cadre=cadre)
    return Consequence.objects.create(assessment=result.assessment, assessee=result,
                                      kind=Consequence.Kind.ADJUSTMENT, note="两年基本称职")


def _consequence_form(township):
    from banzi.assessment.models import Consequence, Grade

    return {"assessee": confirmed_result(township, Grade.BASICALLY_COMPETENT).pk,
            "kind": Consequence.Kind.ADJUSTMENT, "note": "两年基本称职，建议调整岗位。"}


def _move_consequence(record, other):
    from banzi.assessment.models import Grade

    record.assessee = confirmed_result(other, Grade.BASICALLY_COMPETENT)


def _register_consequence():
    from banzi.assessment.models import Consequence

    register(ModelCase(
        model=Consequence,
        make=_consequence,
        form_data=_consequence_form,
        update={"note": "已调整岗位。"},
        move=_move_consequence,
        make_own=lambda cadre: _consequence(cadre.organization.township, cadre=cadre),
        export_label=lambda record: str(record.assessee),
    ))


_register_consequence()
