"""The assessment API: refusals come back as 400 with the rule's code and change nothing; the unit's
sheet shows the quota count, the disqualifiers with their source records and the tally; the plain
ballot codes are returned once."""
import pytest

from banzi.assessment.models import Assessee, Assessment, BallotCode, Grade
from tests.api import api_for
from tests.errors import api_codes

from .factories import assessment, groups, unit_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/assessment"


def test_over_quota_and_reopening_without_a_reason_are_refused(township, county, county_admin):
    parent = assessment(county, status=Assessment.Status.COLLECTING)
    people = unit_of(parent, township, 13)
    api = api_for(county_admin)
    grades = {str(a.pk): (Grade.EXCELLENT if i < 3 else Grade.COMPETENT) for i, a in enumerate(people)}
    response = api.post(f"{URL}/assessments/{parent.pk}/confirm-unit/", {"unit": township.pk, "grades": grades},
                        format="json")
    assert api_codes(response) == {"non_field_errors": ["over_quota"]}
    assert not Assessee.objects.exclude(confirmed_grade="").exists()
    sheet = api.get(f"{URL}/assessments/{parent.pk}/sheet/").json()
    assert sheet[0]["quota"] | {"given": 0} == {"grade": "excellent", "percent": 20, "assessed": 13, "limit": 2,
                                                "given": 0, "document_number": ""}
    grades[str(people[2].pk)] = Grade.COMPETENT
    response = api.post(f"{URL}/assessments/{parent.pk}/confirm-unit/", {"unit": township.pk, "grades": grades},
                        format="json")
    assert response.status_code == 200, response.content
    assert api.get(f"{URL}/assessments/{parent.pk}/sheet/").json()[0]["quota"]["given"] == 2
    response = api.post(f"{URL}/assessments/{parent.pk}/reopen/", {"reason": ""}, format="json")
    assert api_codes(response) == {"reason": ["required"]}
    assert Assessee.objects.exclude(confirmed_grade="").count() == 13


def test_the_sheet_names_each_disqualifier_with_its_record(township, county, county_admin):
    parent = assessment(county, status=Assessment.Status.COLLECTING)
    person = unit_of(parent, township, 1, clean=False)[0]
    row = api_for(county_admin).get(f"{URL}/assessments/{parent.pk}/sheet/").json()[0]["rows"][0]
    assert row["assessee"] == person.pk
    assert {d["rule"] for d in row["disqualifiers"]} == {"training", "commitment"}
    assert all(d["url"].startswith("/") for d in row["disqualifiers"])


def test_codes_are_shown_once_and_a_paper_ballot_for_someone_else_is_refused(township, other_township, county,
                                                                              county_admin):
    parent = assessment(county, status=Assessment.Status.COLLECTING)
    unit_of(parent, township, 1, clean=False)
    elsewhere = unit_of(parent, other_township, 1, clean=False)[0]
    group = groups(parent, township)["team_members"]
    api = api_for(county_admin)
    response = api.post(f"{URL}/evaluation-groups/{group.pk}/issue-codes/", {"count": 2}, format="json")
    assert response.status_code == 201 and response["Cache-Control"] == "no-store"
    assert len(response.json()["codes"]) == 2 and BallotCode.objects.count() == 2
    response = api.post(f"{URL}/evaluation-groups/{group.pk}/paper-ballot/",
                        {"votes": {str(elsewhere.pk): Grade.COMPETENT}}, format="json")
    assert api_codes(response) == {"non_field_errors": ["not_assessed"]}
    assert not group.ballots.exists()
