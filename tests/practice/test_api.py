"""The frontline-practice API: scoping (another township's records are 404), writes through the
services (400 with the field and message, nothing saved), list query counts that do not grow with
rows, and the read-only figure endpoints."""
import datetime

import pytest
from rest_framework.test import APIClient

from banzi.practice.models import Mentorship, Posting, WorkLog
from tests import factories as f
from tests.api import api_for
from tests.errors import api_codes
from tests.practice import cases as c

pytestmark = pytest.mark.django_db

BASE = "/api/v1/practice"


def test_first_secretary_to_an_undesignated_village_is_400_and_nothing_saved(township, county_admin):
    api = api_for(county_admin)
    data = {"cadre": f.CadreFactory(organization=township).pk, "kind": Posting.Kind.FIRST_SECRETARY,
            "organization": c.village(township).pk, "started_on": c.earlier_this_year().isoformat()}
    response = api.post(f"{BASE}/postings/", data, format="json")
    assert response.status_code == 400 and "designated village" in str(response.json()["organization"])
    assert not Posting.objects.exists()
    data["organization"] = c.designation(township).organization_id
    data["started_on"] = (c.earlier_this_year(30)).isoformat()
    response = api.post(f"{BASE}/postings/", data, format="json")
    assert response.status_code == 201, response.content
    posting = Posting.objects.get()
    assert posting.history.first().history_user == county_admin


def test_a_log_outside_its_posting_is_400(township, county_admin):
    posting = c.posting(township)
    api = api_for(county_admin)
    response = api.post(f"{BASE}/work-logs/", {"posting": posting.pk, "content": "走访",
                                               "logged_on": (posting.started_on - datetime.timedelta(days=1)).isoformat()},
                        format="json")
    assert response.status_code == 400 and "outside the posting" in str(response.json()["logged_on"])
    assert not WorkLog.objects.exists()


def test_a_second_active_mentor_is_400(township, county_admin):
    pair = c.mentorship(township)
    response = api_for(county_admin).post(f"{BASE}/mentorships/", {
        "mentor": f.CadreFactory(organization=township).pk, "mentee": pair.mentee_id,
        "started_on": c.today().isoformat(), "goals": "成长"}, format="json")
    assert response.status_code == 400 and "one mentor at a time" in str(response.json()["mentee"])
    assert Mentorship.objects.count() == 1


def test_township_admin_cannot_attach_another_townships_cadre(township, other_township, township_admin):
    response = api_for(township_admin).post(f"{BASE}/postings/", {
        "cadre": f.CadreFactory(organization=other_township).pk, "kind": Posting.Kind.ENTERPRISE,
        "organization": c.enterprise(township).pk, "started_on": c.earlier_this_year().isoformat()}, format="json")
    assert api_codes(response) == {"cadre": ["does_not_exist"]}
    assert not Posting.objects.exists()


def test_study_visit_participants_through_the_api(township, county_admin):
    people = [f.CadreFactory(organization=township) for _ in range(2)]
    response = api_for(county_admin).post(f"{BASE}/study-visits/", {
        "title": "观摩", "organization": township.pk, "host": c.model_unit(township).pk,
        "visited_on": c.earlier_this_year().isoformat(), "participants": [p.pk for p in people], "learned": "经验"},
        format="json")
    assert response.status_code == 201, response.content
    assert sorted(response.json()["participants"]) == sorted(p.pk for p in people)


def test_auditor_and_cadre_cannot_write(township, auditor, cadre_user):
    data = {"cadre": cadre_user.cadre_id, "kind": Posting.Kind.ENTERPRISE, "organization": c.enterprise(township).pk,
            "started_on": c.earlier_this_year().isoformat()}
    for user in (auditor, cadre_user):
        assert api_for(user).post(f"{BASE}/postings/", data, format="json").status_code == 403
    assert not Posting.objects.exists()


# --- figures ------------------------------------------------------------------------------------

def test_enterprise_service_figures(township, other_township, county_admin, township_admin):
    member = c.team_member(township)
    p1 = c.posting(township, member)
    c.posting(township, member)
    c.posting(other_township)
    WorkLog.objects.create(posting=p1, logged_on=p1.started_on, problems_found=4, problems_solved=3, content="走访")
    body = api_for(county_admin).get(f"{BASE}/figures/enterprise-service/").json()
    assert (body["cadres"], body["enterprises"], body["postings"]) == (2, 3, 3)
    assert (body["problems_found"], body["problems_solved"], body["leading_or_reserve"]) == (4, 3, 1)
    assert {r["township"]: r["cadres"] for r in body["by_township"]} == {township.name: 1, other_township.name: 1}
    own = api_for(township_admin).get(f"{BASE}/figures/enterprise-service/").json()
    assert (own["cadres"], own["enterprises"]) == (1, 2)


def test_campaign_tempering_and_mentoring_figures(township, county_admin):
    group = c.group(township)
    c.designation(township)
    new = c.team_member(township)
    c.mentorship(township, new)
    api = api_for(county_admin)
    campaign = api.get(f"{BASE}/figures/campaign/", {"year": c.this_year()}).json()
    assert (campaign["groups"], campaign["villages"], campaign["lifted"]) == (1, 1, 0)
    assert campaign["rows"][0]["leader"] == group.leader.name
    tempering = api.get(f"{BASE}/figures/tempering/").json()
    # The group leader and the new member are both newly appointed; neither has a hard posting.
    assert tempering["total"] == 2 and tempering["tempered"] == 0
    assert {r["since"] for r in tempering["rows"]} == {None}
    mentoring = api.get(f"{BASE}/figures/mentoring/").json()
    assert mentoring["active"] == 1 and mentoring["without_mentor"] == [group.leader.name]
    assert api.get(f"{BASE}/figures/campaign/", {"year": "x"}).status_code == 200


def test_figures_need_a_login(township):
    assert APIClient().get(f"{BASE}/figures/enterprise-service/").status_code in (401, 403)
