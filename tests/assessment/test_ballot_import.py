"""Paper ballots from Excel: the group's template, the upload checked cell by cell (errors by row and
column, nothing saved), the import all or nothing as paper ballots (audited, nothing of the sheet kept),
the file checked like every upload, and the page the county's only."""
import io

import openpyxl
import pytest
from django.urls import reverse

from banzi.assessment import ballot_import
from banzi.assessment.models import Assessee, Assessment, Ballot, EvaluationGroup, Grade, Vote
from banzi.core.errors import Code
from banzi.core.models import AuditEvent
from tests import factories as f
from tests.errors import ALL, refused

from .factories import assessee, assessment, groups, unit_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit(county, township):
    """A collecting assessment with the township's team and two cadres, and its public representatives' group."""
    parent = assessment(county, status=Assessment.Status.COLLECTING)
    team = assessee(parent, township, category=Assessee.Category.TEAM)
    people = unit_of(parent, township, 2, clean=False)
    group = groups(parent, township)["public_representatives"]
    return {"assessment": parent, "team": team, "people": people, "group": group,
            "url": reverse("assessment:evaluationgroup_import_ballots", args=[group.pk])}


def workbook(headings, *rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headings)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def headings(unit):
    """The template's headings: the assessees in the order of the paper ballot (the cadres, then the team)."""
    return [*(str(p) for p in unit["people"]), str(unit["team"])]


def post_file(client, url, content, name="选票.xlsx"):
    file = io.BytesIO(content)
    file.name = name
    return client.post(url, {"file": file})


# --- the template -------------------------------------------------------------------------------------

def test_the_template_has_a_column_per_assessee_with_the_grades_in_chinese(county_client, unit):
    response = county_client.get(unit["url"] + "?template=1")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == headings(unit)
    lists = sorted(v.formula1 for v in sheet.data_validations.dataValidation)
    assert lists == sorted(['"好,较好,一般,较差"', '"优秀,称职,基本称职,不称职"', '"优秀,称职,基本称职,不称职"'])


def test_two_assessees_of_one_name_get_columns_apart(unit, township):
    twin = assessee(unit["assessment"], township, f.CadreFactory(organization=township, name=str(unit["people"][0])))
    names = [heading for heading, _a in ballot_import.columns(ballot_import.assessees_of(unit["group"]))]
    assert len(set(names)) == len(names) == 4
    # Both general cadres: the category is not enough, the record's number tells them apart.
    assert f"{twin.cadre}（General cadre）{twin.pk}" in names
    Assessee.objects.filter(pk=twin.pk).update(category=Assessee.Category.TEAM_MEMBER)
    names = [heading for heading, _a in ballot_import.columns(ballot_import.assessees_of(unit["group"]))]
    assert f"{twin.cadre}（Team member）" in names and f"{twin.cadre}（General cadre）" in names


# --- preview and import ------------------------------------------------------------------------------

def test_a_sheet_is_previewed_then_entered_as_paper_ballots_all_at_once(county_client, county_admin, unit):
    team, first, second = unit["team"], *unit["people"]
    content = workbook(headings(unit), ["优秀", "称职", "好"], ["基本称职", None, "较好"], [" 不称职 ", "优秀", None],
                       [None, None, None])
    preview = post_file(county_client, unit["url"], content)
    page = preview.content.decode()
    assert preview.status_code == 200 and 'data-figure="ballots">3 paper ballots' in page
    assert not Ballot.objects.exists()  # the preview saves nothing
    token = preview.context["token"]
    response = county_client.post(unit["url"], {"action": "import", "token": token})
    assert response.status_code == 302 and response["Location"] == unit["group"].get_absolute_url()
    ballots = Ballot.objects.filter(group=unit["group"])
    assert ballots.count() == 3 and set(ballots.values_list("source", flat=True)) == {Ballot.Source.PAPER}
    votes = sorted(Vote.objects.values_list("assessee_id", "grade"))
    assert votes == sorted([(team.pk, Grade.GOOD), (first.pk, Grade.EXCELLENT), (second.pk, Grade.COMPETENT),
                            (team.pk, Grade.FAIRLY_GOOD), (first.pk, Grade.BASICALLY_COMPETENT),
                            (first.pk, Grade.INCOMPETENT), (second.pk, Grade.EXCELLENT)])
    # Audited as paper ballots of the group and as one import; nothing of the sheet kept on the ballots.
    events = AuditEvent.objects.filter(object_id=str(unit["group"].pk), user=county_admin)
    assert events.filter(detail="Entered a paper ballot").count() == 3
    assert events.filter(action=AuditEvent.Action.IMPORT, detail__contains="3 paper ballots").count() == 1
    assert {field.name for field in Ballot._meta.concrete_fields} == {"id", "group", "source"}
    # The signed sheet is bound to its group (and user): it enters nothing in another group.
    other = EvaluationGroup.objects.get(assessment=unit["assessment"], kind="team_members")
    url = reverse("assessment:evaluationgroup_import_ballots", args=[other.pk])
    response = county_client.post(url, {"action": "import", "token": token}, follow=True)
    assert "This preview has expired or was changed" in response.content.decode()
    assert not Ballot.objects.filter(group=other).exists()


def test_wrong_cells_are_shown_by_row_and_column_and_nothing_is_saved(county_client, unit):
    first = unit["people"][0]
    content = workbook(headings(unit), ["优秀", "称职", "好"], ["很好", None, "优秀"])
    response = post_file(county_client, unit["url"], content)
    errors = response.context["result"].errors
    assert [(e.row, e.column) for e in errors] == [(3, str(first)), (3, str(unit["team"]))]
    page = response.content.decode()
    assert "is not a grade of" in page and 'id="ballot-import-confirm"' not in page
    assert not Ballot.objects.exists()


@pytest.mark.zh
def test_the_errors_read_in_chinese(county_client, unit):
    content = workbook(headings(unit), ["很好", None, None])
    page = post_file(county_client, unit["url"], content).content.decode()
    assert "“很好”不是" in page and "优秀、称职、基本称职、不称职" in page


@pytest.mark.parametrize(("sheet", "code"), [
    (lambda h: workbook([*h, "王五"], ["优秀", None, None, "称职"]), Code.INVALID_CHOICE),
    (lambda h: workbook(h[:2], ["优秀", None]), Code.MISSING_COLUMNS),
    (lambda h: workbook(h), Code.NO_ROWS),
    (lambda h: "姓名,等次\n张三,优秀\n".encode(), Code.FILE_TYPE),
])
def test_a_file_that_is_not_the_groups_ballots_is_refused(county_client, unit, sheet, code):
    content = sheet(headings(unit))
    with refused(ALL, code):
        ballot_import.read_ballots(unit["group"], content)
    response = post_file(county_client, unit["url"], content)
    assert response.context["form"].errors["file"] and "result" not in response.context
    assert not Ballot.objects.exists()


def test_a_file_over_the_size_limit_is_refused(county_client, unit, settings):
    settings.BANZI_IMPORT_MAX_BYTES = 1000
    content = workbook(headings(unit), ["优秀", None, None])
    response = post_file(county_client, unit["url"], content)
    assert "the largest file that can be imported" in str(response.context["form"].errors["file"])
    assert not Ballot.objects.exists()


def test_the_import_is_all_or_nothing(county_admin, unit):
    good = ballot_import.read_sheet(workbook(headings(unit), ["优秀", None, None], [None, None, "好"]))
    bad = ballot_import.read_sheet(workbook(headings(unit), ["优秀", None, None], ["？", None, "好"]))
    with refused(ALL, Code.INVALID):
        ballot_import.import_ballots(county_admin, unit["group"], bad)
    assert not Ballot.objects.exists()
    # Once the assessment no longer collects, the preview's ballots are refused too.
    Assessment.objects.filter(pk=unit["assessment"].pk).update(status=Assessment.Status.CONFIRMED)
    with refused(ALL, Code.WRONG_STATE):
        ballot_import.import_ballots(county_admin, unit["group"], good)
    assert not Ballot.objects.exists() and not Vote.objects.exists()


def test_a_tampered_token_is_refused(county_client, unit):
    content = workbook(headings(unit), ["优秀", None, None])
    token = post_file(county_client, unit["url"], content).context["token"]
    response = county_client.post(unit["url"], {"action": "import", "token": token[:-2] + "xx"}, follow=True)
    assert "This preview has expired or was changed" in response.content.decode()
    assert not Ballot.objects.exists()


# --- who ------------------------------------------------------------------------------------------------

def test_only_the_county_imports_and_others_see_no_group_outside_their_township(
        unit, township_client, client_for, other_township_admin, county_client):
    assert township_client.get(unit["url"]).status_code == 403
    assert township_client.get(unit["url"] + "?template=1").status_code == 403
    outsider = client_for(other_township_admin)
    assert outsider.get(unit["url"]).status_code == 404
    content = workbook(headings(unit), ["优秀", None, None])
    file = io.BytesIO(content)
    file.name = "选票.xlsx"
    assert township_client.post(unit["url"], {"file": file}).status_code == 403
    assert not Ballot.objects.exists()
    # The group's page links to the import for the county while it collects.
    page = county_client.get(unit["group"].get_absolute_url()).content.decode()
    assert 'id="import-ballots"' in page
    assert 'id="import-ballots"' not in township_client.get(unit["group"].get_absolute_url()).content.decode()
    Assessment.objects.filter(pk=unit["assessment"].pk).update(status=Assessment.Status.CONFIRMED)
    assert 'id="import-ballots"' not in county_client.get(unit["group"].get_absolute_url()).content.decode()


# --- through the API ----------------------------------------------------------------------------------

def _api_post(user, group, content, **data):
    from tests.api import api_for

    file = io.BytesIO(content)
    file.name = "选票.xlsx"
    return api_for(user).post(reverse("assessment-evaluationgroup-import-ballots", args=[group.pk]),
                              {"file": file, **data}, format="multipart")


def test_the_api_checks_then_imports_the_sheet(county_admin, unit):
    group = unit["group"]
    good = workbook(headings(unit), ["优秀", "称职", "好"], ["称职", "基本称职", "较好"])
    checked = _api_post(county_admin, group, good, dry_run=True)
    assert checked.status_code == 200, checked.content.decode()
    assert checked.json()["ballots"] == 2 and checked.json()["entered"] == 0 and checked.json()["errors"] == []
    assert not Ballot.objects.filter(group=group).exists()

    bad = workbook(headings(unit), ["优秀", "很好", "好"], ["称职", "称职", "好"])
    listed = _api_post(county_admin, group, bad, dry_run=True)
    assert listed.status_code == 200 and [(e["row"], e["column"]) for e in listed.json()["errors"]] == [
        (2, headings(unit)[1])]
    wrong = _api_post(county_admin, group, bad)
    assert wrong.status_code == 400 and wrong.json()["file"][0]["code"] == Code.INVALID
    assert wrong.json()["file"][0]["message"].startswith(f"Row 2, “{headings(unit)[1]}”: “很好” is not a grade")
    assert not Ballot.objects.filter(group=group).exists()  # all or nothing

    entered = _api_post(county_admin, group, good)
    assert entered.status_code == 201 and entered.json()["entered"] == 2
    assert Ballot.objects.filter(group=group, source=Ballot.Source.PAPER).count() == 2
    assert Vote.objects.filter(ballot__group=group).count() == 6
    assert AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT, user=county_admin).exists()


def test_the_api_refuses_what_is_not_a_workbook_of_the_group(county_admin, township_admin, unit):
    group = unit["group"]
    not_xlsx = _api_post(county_admin, group, b"MZ\x90 not a workbook")
    assert not_xlsx.status_code == 400 and "file" in not_xlsx.json()
    other = _api_post(county_admin, group, workbook(["某某人"], ["优秀"]))
    assert other.status_code == 400
    assert _api_post(township_admin, group, workbook(headings(unit), ["优秀", "称职", "好"])).status_code == 403
    assert not Ballot.objects.filter(group=group).exists()
