"""The conduct API: scoping (violations above all), the leave lifecycle through the actions with the
same rules and messages as the pages, the lists, and list query counts that do not grow with rows."""
import datetime

import pytest

from banzi.conduct.models import LeaveLedgerEntry, LeaveRequest, Violation
from banzi.core.errors import Code
from tests import factories as f
from tests.api import api_for, ids
from tests.conduct import factories as c
from tests.errors import api_codes

pytestmark = pytest.mark.django_db

BASE = "/api/v1/conduct"


def test_violations_are_hidden_from_cadres_and_other_townships(township, other_township, township_admin, auditor):
    cadre = f.CadreFactory(organization=township)
    own, far = c.violation(cadre), c.violation(f.CadreFactory(organization=other_township))
    assert ids(api_for(c.account(cadre)).get(f"{BASE}/violations/")) == set()
    assert api_for(c.account(cadre)).get(f"{BASE}/violations/{own.pk}/").status_code == 404
    assert ids(api_for(township_admin).get(f"{BASE}/violations/")) == {own.pk}
    assert api_for(township_admin).get(f"{BASE}/violations/{far.pk}/").status_code == 404
    assert api_for(auditor).get(f"{BASE}/violations/").status_code == 403  # no business data (三员分立)
    assert api_for(auditor).post(f"{BASE}/violations/{own.pk}/decide/", {"status": "dismissed"}).status_code == 403


def test_a_cadre_cannot_record_a_violation(township):
    cadre = f.CadreFactory(organization=township)
    response = api_for(c.account(cadre)).post(f"{BASE}/violations/", {
        "cadre": cadre.pk, "occurred_on": "2026-01-05", "facts": "x"})
    assert response.status_code == 403
    assert not Violation.objects.exists()


def test_the_department_decides_a_violation(township, county_admin):
    violation = c.violation(f.CadreFactory(organization=township))
    client = api_for(county_admin)
    response = client.post(f"{BASE}/violations/{violation.pk}/decide/", {"status": "confirmed", "decision": "诫勉谈话"},
                           format="json")
    assert response.status_code == 400 and "decision_body" in response.json()
    response = client.post(f"{BASE}/violations/{violation.pk}/decide/",
                           {"status": "confirmed", "decision": "诫勉谈话", "decision_body": "县委组织部"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "confirmed"


def test_the_leave_lifecycle_through_the_api(township):
    people = c.team(township)
    client = api_for(people["member_user"])
    response = client.post(f"{BASE}/leave/", {"cadre": people["member"].pk, "kind": "annual",
                                              "starts_on": "2026-03-09", "ends_on": "2026-03-13", "reason": "休假"},
                           format="json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["status"] == "draft" and response.json()["days"] == 5
    response = client.post(f"{BASE}/leave/{pk}/submit/")
    assert response.status_code == 200 and response.json()["approver"] == people["secretary_user"].pk
    # The cadre cannot approve; another cadre cannot even see the request.
    assert client.post(f"{BASE}/leave/{pk}/approve/", {}, format="json").status_code == 403
    assert api_for(people["organization_member_user"]).post(f"{BASE}/leave/{pk}/approve/").status_code == 404
    approver = api_for(people["secretary_user"])
    response = approver.post(f"{BASE}/leave/{pk}/approve/", {"note": "同意"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "approved"
    assert list(LeaveLedgerEntry.objects.order_by("id").values_list("days", flat=True)) == [15, -5]
    # An approved request is not edited.
    response = client.patch(f"{BASE}/leave/{pk}/", {"ends_on": "2026-03-20"}, format="json")
    assert api_codes(response) == {"non_field_errors": [Code.WRONG_STATE]}
    assert LeaveRequest.objects.get(pk=pk).ends_on == datetime.date(2026, 3, 13)
    response = client.post(f"{BASE}/leave/{pk}/cancel/", {"reason": "取消"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert list(LeaveLedgerEntry.objects.order_by("id").values_list("days", flat=True)) == [15, -5, 5]


def test_bad_leave_input_is_a_400_with_the_field(township):
    people = c.team(township)
    response = api_for(people["member_user"]).post(f"{BASE}/leave/", {
        "cadre": people["member"].pk, "kind": "sick", "starts_on": "2026-03-13", "ends_on": "2026-03-09"}, format="json")
    assert api_codes(response) == {"ends_on": [Code.DATE_ORDER]}
    assert not LeaveRequest.objects.exists()


def test_away_today_and_not_signed(township, other_township, township_admin):
    cadre, far = f.CadreFactory(organization=township), f.CadreFactory(organization=other_township)
    outing = c.outing(cadre, departs_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1))
    c.outing(far, departs_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1))
    client = api_for(township_admin)
    body = client.get(f"{BASE}/away-today/").json()
    assert [r["id"] for r in body["outings"]] == [outing.pk] and body["leave"] == []
    c.commitment(cadre)
    assert [r["id"] for r in client.get(f"{BASE}/not-signed/").json()] == [cadre.pk]  # not declared yet
    assert client.get(f"{BASE}/not-signed/", {"missing": "commitment"}).json() == []
