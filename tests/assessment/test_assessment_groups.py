"""Assessment groups (考核组): the county sends groups led by its cadres to the townships it assesses;
nobody on a group works in a township the group assesses (回避), each township is covered by one group
of an assessment, the leader is not also a member, a township's own assessment covers only itself, and
nothing changes once the results are confirmed until they are reopened. Each refusal says why in a
field error with its code and saves nothing; the groups show on the assessment's page and on each
unit's grade page, in the list, its Excel export and the API, and every write leaves its history."""
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from banzi.assessment import services
from banzi.assessment.models import Assessment, AssessmentGroup, Grade
from banzi.core.errors import Code
from banzi.core.models import AuditEvent
from tests import factories as f
from tests.api import api_for
from tests.errors import api_codes, form_codes, refused
from tests.generic import xlsx_rows

from .factories import assessee, assessment

pytestmark = pytest.mark.django_db

URL = "/api/v1/assessment/groups/"
Status = Assessment.Status


@pytest.fixture
def department(county):
    return f.DepartmentFactory(parent=county, name="县委组织部")


@pytest.fixture
def county_people(department):
    return [f.CadreFactory(organization=department, name=name) for name in ("赵组长", "钱干事", "孙干事")]


@pytest.fixture
def annual(township, other_township):
    parent = assessment()
    assessee(parent, township)
    assessee(parent, other_township)
    return parent


def _form(user, annual, county_people, units, **values):
    leader, *members = county_people
    group = AssessmentGroup(assessment=annual, name=values.pop("name", "第一考核组"), leader=values.pop("leader", leader))
    return services.save_assessment_group(user, group, members=values.pop("members", members), units=units)


def test_the_county_forms_a_group_with_its_leader_members_and_townships(annual, county_people, township,
                                                                        county_admin):
    group = _form(county_admin, annual, county_people, [township])
    assert group.leader.name == "赵组长"
    assert sorted(m.name for m in group.members.all()) == ["孙干事", "钱干事"]
    assert list(group.units.all()) == [township]
    assert group.history.count() == 1 and group.history.get().history_user == county_admin


def test_nobody_assesses_the_township_they_work_in(annual, county_people, township, county_admin):
    insider = f.CadreFactory(organization=f.VillageFactory(parent=township), name="李村官")
    with refused("members", Code.ASSESS_OWN_TOWNSHIP):
        _form(county_admin, annual, county_people, [township], members=[county_people[1], insider])
    with refused("leader", Code.ASSESS_OWN_TOWNSHIP):
        _form(county_admin, annual, county_people, [township], leader=f.CadreFactory(organization=township))
    assert not AssessmentGroup.objects.exists()


def test_a_cadre_of_another_township_may_assess(annual, county_people, township, other_township, county_admin):
    outsider = f.CadreFactory(organization=other_township)
    group = _form(county_admin, annual, county_people, [township], members=[outsider])
    assert list(group.members.all()) == [outsider]
    # … but not once the group covers their own township as well.
    with refused("members", Code.ASSESS_OWN_TOWNSHIP):
        services.save_assessment_group(county_admin, group, units=[township, other_township])
    assert list(AssessmentGroup.objects.get(pk=group.pk).units.all()) == [township]


def test_the_leader_is_not_also_a_member(annual, county_people, township, county_admin):
    with refused("members", Code.SAME_PERSON):
        _form(county_admin, annual, county_people, [township], members=county_people)
    assert not AssessmentGroup.objects.exists()


def test_each_township_is_covered_by_one_group(annual, county, county_people, township, other_township,
                                               county_admin):
    first = _form(county_admin, annual, county_people, [township])
    others = [f.CadreFactory(organization=f.DepartmentFactory(parent=county)) for _i in range(2)]
    with refused("units", Code.UNIT_COVERED) as info:
        _form(county_admin, annual, others, [other_township, township], name="第二考核组")
    assert "第一考核组" in str(info.value) and township.name in str(info.value)
    assert AssessmentGroup.objects.count() == 1
    # Changing the first group keeps its own township; another assessment is another matter.
    first.note = "12月中旬进驻"
    services.save_assessment_group(county_admin, first)
    assert list(AssessmentGroup.objects.get(pk=first.pk).units.all()) == [township]
    _form(county_admin, assessment(), county_people, [township])
    assert AssessmentGroup.objects.count() == 2


def test_a_group_assesses_townships_only(annual, county_people, township, county_admin):
    with refused("units", Code.WRONG_KIND):
        _form(county_admin, annual, county_people, [township, f.VillageFactory(parent=township)])
    with refused("units", Code.REQUIRED):
        _form(county_admin, annual, county_people, [])
    assert not AssessmentGroup.objects.exists()


def test_a_townships_own_assessment_covers_only_itself(township, other_township, township_admin):
    own = assessment(township)
    colleague, leader = f.CadreFactory(organization=township), f.CadreFactory(organization=township)
    with refused("units", Code.OTHER_TOWNSHIP):
        services.save_assessment_group(township_admin, AssessmentGroup(assessment=own, name="季度考核组",
                                                                       leader=leader), units=[other_township])
    # Its own cadres assess it: the county's rule of withdrawal does not apply inside a township.
    group = services.save_assessment_group(township_admin, AssessmentGroup(assessment=own, name="季度考核组",
                                                                           leader=leader),
                                           members=[colleague], units=[township])
    assert list(group.members.all()) == [colleague]


def test_a_township_forms_no_group_of_the_countys_assessment(annual, county_people, township, township_admin):
    leader = f.CadreFactory(organization=township.parent)
    with pytest.raises(PermissionDenied):
        services.save_assessment_group(township_admin, AssessmentGroup(assessment=annual, name="第一考核组",
                                                                       leader=leader), units=[township])
    assert not AssessmentGroup.objects.exists()


def test_groups_are_fixed_once_the_results_are_confirmed(annual, county_people, township, county_admin):
    group = _form(county_admin, annual, county_people, [township])
    Assessment.objects.filter(pk=annual.pk).update(status=Status.CONFIRMED)
    group.refresh_from_db()
    group.name = "第一考核组（调整）"
    with refused(ALL_FIELDS, Code.FROZEN):
        services.save_assessment_group(county_admin, group)
    with refused(ALL_FIELDS, Code.FROZEN):
        services.delete_assessment_group(county_admin, AssessmentGroup.objects.get(pk=group.pk))
    assert AssessmentGroup.objects.get(pk=group.pk).name == "第一考核组"
    Assessment.objects.filter(pk=annual.pk).update(status=Status.COLLECTING)  # reopened
    services.delete_assessment_group(county_admin, AssessmentGroup.objects.get(pk=group.pk))
    assert not AssessmentGroup.objects.exists()


ALL_FIELDS = "__all__"


# --- pages -----------------------------------------------------------------------------------------

def test_the_assessment_page_lists_the_groups_and_the_townships_left_uncovered(annual, county_people, township,
                                                                              other_township, county_admin,
                                                                              county_client):
    page = county_client.get(annual.get_absolute_url()).content.decode()
    assert "No assessment group is formed yet." in page and 'id="uncovered-units"' not in page
    assert f'{reverse("assessment:assessmentgroup_add")}?assessment={annual.pk}' in page
    group = _form(county_admin, annual, county_people, [township])
    page = county_client.get(annual.get_absolute_url()).content.decode()
    assert f'data-assessment-group="{group.pk}"' in page and "赵组长" in page and "钱干事" in page
    uncovered = page.split('id="uncovered-units"')[1].split("</div>")[0]
    assert other_township.name in uncovered and township.name not in uncovered
    unit_page = county_client.get(reverse("assessment:assessment_unit", args=[annual.pk, township.pk])).content.decode()
    assert 'id="unit-assessment-group"' in unit_page and "第一考核组" in unit_page
    other_page = county_client.get(reverse("assessment:assessment_unit", args=[annual.pk, other_township.pk]))
    assert 'id="unit-assessment-group"' not in other_page.content.decode()


def test_the_form_refuses_an_insider_and_saves_nothing(annual, county_people, township, county_client):
    insider = f.CadreFactory(organization=township)
    response = county_client.post(reverse("assessment:assessmentgroup_add"), {
        "assessment": annual.pk, "name": "第一考核组", "leader": county_people[0].pk,
        "members": [county_people[1].pk, insider.pk], "units": [township.pk], "note": ""})
    assert response.status_code == 200
    assert form_codes(response.context["form"]) == {"members": [Code.ASSESS_OWN_TOWNSHIP]}
    assert not AssessmentGroup.objects.exists()
    response = county_client.post(reverse("assessment:assessmentgroup_add"), {
        "assessment": annual.pk, "name": "第一考核组", "leader": county_people[0].pk,
        "members": [county_people[1].pk], "units": [township.pk], "note": ""})
    assert response.status_code == 302
    group = AssessmentGroup.objects.get()
    detail = county_client.get(group.get_absolute_url()).content.decode()
    assert "钱干事（县委组织部）" in detail and township.name in detail


def test_the_list_and_its_export(annual, county_people, township, county_admin, county_client):
    _form(county_admin, annual, county_people, [township])
    response = county_client.get(reverse("assessment:assessmentgroup_list"), {"_export": "xlsx"})
    row = next(row for row in xlsx_rows(response) if "第一考核组" in row)
    members = next(cell for cell in row if "钱干事" in str(cell))
    assert sorted(members.split("、")) == ["孙干事", "钱干事"] and township.name in row and "赵组长" in row
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, user=county_admin).exists()


# --- API -----------------------------------------------------------------------------------------

def test_the_api_forms_a_group_and_refuses_an_insider(annual, county_people, township, county_admin):
    api = api_for(county_admin)
    leader, *members = county_people
    data = {"assessment": annual.pk, "name": "第一考核组", "leader": leader.pk,
            "members": [m.pk for m in members], "units": [township.pk]}
    insider = f.CadreFactory(organization=township)
    response = api.post(URL, {**data, "leader": insider.pk}, format="json")
    assert api_codes(response) == {"leader": [Code.ASSESS_OWN_TOWNSHIP]}
    assert not AssessmentGroup.objects.exists()
    response = api.post(URL, data, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["leader_name"] == "赵组长" and body["units"] == [township.pk]
    assert sorted(body["members"]) == sorted(m.pk for m in members)
    response = api.patch(f"{URL}{body['id']}/", {"members": []}, format="json")
    assert response.status_code == 200, response.content
    assert not AssessmentGroup.objects.get(pk=body["id"]).members.exists()
    assert AssessmentGroup.objects.get(pk=body["id"]).history.count() == 2


def test_the_grade_distribution_and_trend_through_the_api(annual, township, county_admin, township_admin):
    person = annual.assessees.get(unit=township)
    person.proposed_grade = Grade.EXCELLENT
    person.save()
    api = api_for(county_admin)
    response = api.get(f"/api/v1/assessment/assessments/{annual.pk}/grade-distribution/")
    assert response.status_code == 200
    body = response.json()
    assert body["labels"] == [township.name, annual.assessees.exclude(unit=township).get().unit.name]
    assert {s["grade"]: s["values"] for s in body["series"]} == {"excellent": [1, 0], "": [0, 1]}
    # A township sees no county assessment, so neither its chart.
    assert api_for(township_admin).get(f"/api/v1/assessment/assessments/{annual.pk}/grade-distribution/").status_code \
        == 404
    response = api_for(township_admin).get(f"/api/v1/assessment/assessees/{person.pk}/trend/")
    assert response.status_code == 200
    body = response.json()
    assert [r["assessee"] for r in body["rows"]] == [person.pk] and body["rows"][0]["current"]
    assert body["series"][0]["key"] == "total" and body["series"][0]["values"] == [body["rows"][0]["total"]]
