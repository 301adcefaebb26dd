"""API cases of the assessment's workflow actions and its grade sheet (tests/core/test_api_generic.py)."""
import datetime

from banzi.assessment.models import Assessee, Assessment, Award, Grade
from banzi.core.roles import Role
from tests import factories as f
from tests.api import ActionCase, ReadCase, register_action, register_read

from .factories import assessee, assessment, award, groups

Status = Assessment.Status


def _county():
    return f.UserFactory(role=Role.COUNTY_ADMIN)


def _county_assessment(township, status=Status.PLANNING, confirmed=""):
    parent = assessment(status=status)
    assessee(parent, township, proposed_grade=Grade.COMPETENT, confirmed_grade=confirmed)
    return parent, _county()


def _township_assessment(township):
    parent = assessment(township, status=Status.COLLECTING)
    assessee(parent, township)
    return parent, f.UserFactory(role=Role.TOWNSHIP_ADMIN, organization=township)


register_action(ActionCase(
    url_name="assessment-assessment-collect",
    prepare=lambda township: _county_assessment(township),
    done=lambda record: record.status == Status.COLLECTING,
))
register_action(ActionCase(
    url_name="assessment-assessment-propose",
    prepare=_township_assessment,
    data=lambda record: {"grades": {str(record.assessees.get().pk): Grade.GOOD}},
    format="json",
    done=lambda record: record.assessees.get().proposed_grade == Grade.GOOD,
))
register_action(ActionCase(
    url_name="assessment-assessment-confirm-unit",
    prepare=lambda township: _county_assessment(township, Status.COLLECTING),
    data=lambda record: {"unit": record.assessees.get().unit_id},
    format="json",
    done=lambda record: record.assessees.get().confirmed_grade == Grade.COMPETENT,
))
register_action(ActionCase(
    url_name="assessment-assessment-confirm",
    prepare=lambda township: _county_assessment(township, Status.COLLECTING, Grade.COMPETENT),
    done=lambda record: record.status == Status.CONFIRMED,
))
register_action(ActionCase(
    url_name="assessment-assessment-publish",
    prepare=lambda township: _county_assessment(township, Status.CONFIRMED, Grade.COMPETENT),
    done=lambda record: record.status == Status.PUBLISHED,
))
register_action(ActionCase(
    url_name="assessment-assessment-reopen",
    prepare=lambda township: _county_assessment(township, Status.CONFIRMED, Grade.COMPETENT),
    data=lambda record: {"reason": "群众反映有新情况，重新核实"},
    done=lambda record: record.status == Status.COLLECTING and not record.assessees.get().confirmed_grade,
))


def _teams(township):
    parent = assessment()
    f.TeamMembershipFactory(team=f.TeamFactory(township=township), is_head=True)
    return parent, _county()


register_action(ActionCase(
    url_name="assessment-assessment-fill-from-teams",
    prepare=_teams,
    format="json",  # no units: every township the county sees
    done=lambda record: record.assessees.filter(category="team").exists()
    and record.assessees.filter(category="team_head").exists(),
))


def _group(township, status=Status.PLANNING):
    parent = assessment(status=status)
    assessee(parent, township)
    return groups(parent, township)["team_members"], _county()


register_action(ActionCase(
    url_name="assessment-evaluationgroup-issue-codes",
    prepare=_group,
    data=lambda record: {"count": 3},
    status=201,
    done=lambda record: record.codes.count() == 3,
))
register_action(ActionCase(
    url_name="assessment-evaluationgroup-paper-ballot",
    prepare=lambda township: _group(township, Status.COLLECTING),
    data=lambda record: {"votes": {str(Assessee.objects.get(assessment=record.assessment).pk): Grade.COMPETENT}},
    format="json",
    status=201,
    done=lambda record: record.ballots.count() == 1,
))


def _township_own(township):
    return Assessment.objects.filter(organization=township).order_by("pk").last() or assessment(township)


register_read(ReadCase(
    url_name="assessment-assessment-sheet",
    url=lambda township: f"/api/v1/assessment/assessments/{_township_own(township).pk}/sheet/",
    make=lambda township: assessee(_township_own(township), township),
))


def _scored(township):
    """A cadre of the township assessed by the county: its score sheet reads the records added."""
    found = (Assessee.objects.filter(unit=township, cadre__isnull=False, assessment__organization__kind="county")
             .order_by("pk").first())
    return found or assessee(assessment(), township)


def _scored_records(township):
    from tests.conduct.factories import violation

    violation(_scored(township).cadre, occurred_on=datetime.date(2026, 1, 5), status="confirmed",
              decided_on=datetime.date(2026, 2, 1))


register_read(ReadCase(
    url_name="assessment-assessment-grade-distribution",
    url=lambda township: f"/api/v1/assessment/assessments/{_township_own(township).pk}/grade-distribution/",
    make=lambda township: assessee(_township_own(township), township),
))
register_read(ReadCase(
    url_name="assessment-assessee-trend",
    url=lambda township: f"/api/v1/assessment/assessees/{_scored(township).pk}/trend/",
    make=_scored_records,
    township_scoped=False,
))
register_read(ReadCase(
    url_name="assessment-assessee-score-sheet",
    url=lambda township: f"/api/v1/assessment/assessees/{_scored(township).pk}/score-sheet/",
    make=_scored_records,
    township_scoped=False,
))


def _nominated(township):
    return award(township), _county()


register_action(ActionCase(
    url_name="assessment-award-decide",
    prepare=_nominated,
    done=lambda record: record.status == Award.Status.DECIDED and record.decided_by is not None,
))
register_read(ReadCase(
    url_name="assessment-award-priority",
    url=lambda township: "/api/v1/assessment/awards/priority/",
    make=lambda township: award(township, status=Award.Status.DECIDED),
    roles=("county_admin",),
))


# --- results put to use -------------------------------------------------------------------------------

def _published_basically_competent(township):
    parent, user = _county_assessment(township, Status.PUBLISHED, Grade.BASICALLY_COMPETENT)
    return parent, user


def _consequence(township):
    from banzi.assessment.models import Consequence

    parent, user = _county_assessment(township, Status.PUBLISHED, Grade.INCOMPETENT)
    return Consequence.objects.create(assessment=parent, assessee=parent.assessees.get(),
                                      kind=Consequence.Kind.DEMOTION), user


register_action(ActionCase(
    url_name="assessment-assessment-apply-consequences",
    prepare=_published_basically_competent,
    done=lambda record: record.consequences.filter(kind="admonishment", problem__isnull=False,
                                                   talk_entry__isnull=False).exists(),
))
register_action(ActionCase(
    url_name="assessment-consequence-done",
    prepare=_consequence,
    done=lambda record: record.status == "done",
))
register_action(ActionCase(
    url_name="assessment-consequence-dismiss",
    prepare=_consequence,
    data=lambda record: {"reason": "经核实，已另行处理。"},
    done=lambda record: record.status == "dismissed" and record.reason == "经核实，已另行处理。",
))


def _collecting_assessee(township):
    parent = assessment(status=Status.COLLECTING)
    return assessee(parent, township), _county()


register_action(ActionCase(
    url_name="assessment-assessee-report",
    prepare=_collecting_assessee,
    data=lambda record: {"report": "一年来，认真履行岗位职责。"},
    done=lambda record: record.report == "一年来，认真履行岗位职责。",
))


def _collecting_group(township):
    import io as _io

    import openpyxl

    from .factories import groups

    parent = assessment(status=Status.COLLECTING)
    person = assessee(parent, township)
    group = groups(parent, township)["public_representatives"]
    book = openpyxl.Workbook()
    book.active.append([str(person)])
    book.active.append(["称职"])
    buffer = _io.BytesIO()
    book.save(buffer)
    group._sheet = buffer.getvalue()
    return group, _county()


def _sheet_of(group):
    import io as _io

    file = _io.BytesIO(group._sheet)  # a one-ballot sheet of the group's unit, made by _collecting_group
    file.name = "选票.xlsx"
    return {"file": file}


register_action(ActionCase(
    url_name="assessment-evaluationgroup-import-ballots",
    prepare=_collecting_group,
    data=_sheet_of,
    format="multipart",
    status=201,
    done=lambda record: record.ballots.filter(source="paper").count() == 1,
))
