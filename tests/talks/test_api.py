"""The talks API: scoping, the same rules as the pages (a talk with oneself, 400 and nothing
saved), coverage and integrity as read-only endpoints with hand-computed figures, and list query
counts that do not grow with rows. Confidentiality is in test_confidentiality."""
import datetime

import pytest

from banzi.core.errors import Code
from banzi.talks.models import Talk, TalkPlanEntry
from tests import factories as f
from tests.api import api_for
from tests.errors import api_codes
from tests.talks.factories import entry, plan, talk

pytestmark = pytest.mark.django_db

BASE = "/api/v1/talks"
D = datetime.date


def test_create_a_talk_and_refuse_a_talk_with_oneself(township, township_admin):
    talker, talkee = f.CadreFactory(organization=township), f.CadreFactory(organization=township)
    client = api_for(township_admin)
    response = client.post(f"{BASE}/talks/", {"talker": talker.pk, "talkee": talker.pk, "held_on": "2025-03-01",
                                              "kind": "heart_to_heart"}, format="json")
    assert api_codes(response) == {"talkee": [Code.SAME_PERSON]}
    assert not Talk.objects.exists()
    response = client.post(f"{BASE}/talks/", {"talker": talker.pk, "talkee": talkee.pk, "held_on": "2025-03-01",
                                              "kind": "integrity", "reason_newly_appointed": True,
                                              "summary": "提醒廉洁自律"}, format="json")
    assert response.status_code == 201, response.content
    assert "summary" not in response.json()
    record = Talk.objects.get()
    assert record.summary == "提醒廉洁自律" and record.organization == township
    assert record.history.latest().history_user == township_admin


def test_coverage_endpoint(township, township_admin, other_township_admin):
    secretary = f.CadreFactory(organization=township)
    p = plan(township, starts_on=D(2025, 1, 1), due_on=D(2025, 3, 31))
    G = TalkPlanEntry.PriorityGroup
    a = entry(township, p, expected_talker=secretary, due_on=D(2025, 2, 28), priority_group=G.NEWLY_APPOINTED)
    b = entry(township, p, expected_talker=secretary, due_on=D(2025, 2, 28), priority_group=G.NEWLY_APPOINTED)
    c = entry(township, p, talker_organization=township, due_on=D(2025, 2, 28))
    entry(township, p, expected_talker=secretary, due_on=D(2025, 2, 28))
    talk(township, secretary, a.talkee, held_on=D(2025, 2, 1))   # a: in time
    talk(township, secretary, b.talkee, held_on=D(2025, 3, 10))  # b: late
    talk(township, f.CadreFactory(organization=township), c.talkee, held_on=D(2025, 2, 2))  # c: any township cadre
    response = api_for(township_admin).get(f"{BASE}/plans/{p.pk}/coverage/")
    assert response.status_code == 200
    data = response.json()
    assert data["overall"] == {"total": 4, "covered": 3, "on_time": 2, "overdue": 1, "rate": 75.0}
    assert data["priority"] == {"total": 2, "covered": 2, "on_time": 1, "overdue": 0, "rate": 100.0}
    newly = next(g for g in data["groups"] if g["group"] == "newly_appointed")
    assert (newly["total"], newly["covered"]) == (2, 2)
    assert api_for(other_township_admin).get(f"{BASE}/plans/{p.pk}/coverage/").status_code == 404
    states = {row["id"]: row["state"] for row in api_for(township_admin).get(f"{BASE}/plan-entries/").json()["results"]}
    assert states[a.pk] == "covered" and states[b.pk] == "late" and states[c.pk] == "covered"


def test_integrity_endpoint(township, other_township, township_admin):
    missing = f.CadreFactory(organization=township, is_newly_promoted=True, promoted_on=D(2024, 1, 1))
    done = f.CadreFactory(organization=township, is_newly_promoted=True, promoted_on=D(2024, 1, 1))
    f.CadreFactory(organization=other_township, is_newly_promoted=True, promoted_on=D(2024, 1, 1))
    held = talk(township, f.CadreFactory(organization=township), done, held_on=D(2024, 1, 20),
                kind=Talk.Kind.INTEGRITY)
    client = api_for(township_admin)
    rows = {row["cadre"]: row for row in client.get(f"{BASE}/integrity/").json()}
    assert set(rows) == {missing.pk, done.pk}
    assert rows[done.pk]["state"] == "on_time" and rows[done.pk]["talk"] == held.pk
    assert rows[missing.pk]["state"] == "missing" and rows[missing.pk]["due_on"] == "2024-01-31"
    assert [r["cadre"] for r in client.get(f"{BASE}/integrity/", {"state": "missing"}).json()] == [missing.pk]
