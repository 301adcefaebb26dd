"""The study API: scoping of every endpoint, list query counts, writes through the services (rules,
400 with the field, history), a record's material and note only for its cadre, and the figures."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from banzi.core import clock
from banzi.core.errors import Code
from banzi.study import duties
from banzi.study.models import StudyAttendance, StudyKind, StudyRecord
from tests import factories as f
from tests.api import api_for, ids
from tests.errors import api_codes

from .factories import duty, duty_record, leader, record, session, today

pytestmark = pytest.mark.django_db

BASE = "/api/v1/study"


def test_cadre_writes_own_record_and_nobody_else_reads_it(township, cadre_user, township_admin, county_admin,
                                                         auditor):
    client = api_for(cadre_user)
    response = client.post(f"{BASE}/records/", {"cadre": cadre_user.cadre_id, "studied_on": today().isoformat(),
                                                "minutes": 30, "material": "党章", "note": "心得"})
    assert response.status_code == 201, response.content
    assert response.json()["note"] == "心得"
    saved = StudyRecord.objects.get()
    assert saved.history.get().history_user == cadre_user
    assert ids(client.get(f"{BASE}/records/")) == {saved.pk}
    # The record is the cadre's alone: committees and the county read monthly totals; the audit
    # administrator no business endpoint at all.
    assert api_for(auditor).get(f"{BASE}/records/").status_code == 403
    for user in (township_admin, county_admin):
        other = api_for(user)
        assert ids(other.get(f"{BASE}/records/")) == set()
        assert other.get(f"{BASE}/records/{saved.pk}/").status_code == 404
        assert other.patch(f"{BASE}/records/{saved.pk}/", {"minutes": 45}).status_code in (403, 404)
    saved.refresh_from_db()
    assert (saved.minutes, saved.note) == (30, "心得")
    other = f.CadreFactory(organization=township)
    response = client.post(f"{BASE}/records/", {"cadre": other.pk, "studied_on": today().isoformat(),
                                                "minutes": 30, "material": "党章"})
    assert api_codes(response) == {"cadre": ["does_not_exist"]}


def test_cadres_record_list_query_count_does_not_grow(cadre_user):
    client = api_for(cadre_user)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"{BASE}/records/", {"page_size": 100}).status_code == 200
        return len(ctx.captured_queries)

    for _ in range(3):
        record(cadre_user.cadre)
    few = queries()
    for _ in range(9):
        record(cadre_user.cadre)
    assert queries() == few


@pytest.mark.parametrize("data,field", [
    ({"minutes": 0}, "minutes"), ({"minutes": 1441}, "minutes"),
    ({"studied_on": (clock.today() + datetime.timedelta(days=2)).isoformat()}, "studied_on"),
])
def test_bad_records_are_400(cadre_user, data, field):
    payload = {"cadre": cadre_user.cadre_id, "studied_on": today().isoformat(), "minutes": 30, "material": "党章"}
    response = api_for(cadre_user).post(f"{BASE}/records/", {**payload, **data})
    assert api_codes(response) == {field: [{"minutes": Code.MINUTES, "studied_on": Code.FUTURE_DATE}[field]]}
    assert not StudyRecord.objects.exists()


def test_auditor_neither_reads_nor_writes(township, auditor):
    s = session(township)
    client = api_for(auditor)
    assert client.get(f"{BASE}/sessions/{s.pk}/").status_code == 403
    assert client.patch(f"{BASE}/sessions/{s.pk}/", {"topic": "改"}).status_code == 403
    s.refresh_from_db()
    assert s.topic != "改"


def test_team_matrix_endpoint(township, other_township, township_admin, cadre_user):
    team = f.TeamFactory(township=township, elected_on=today() - datetime.timedelta(days=400))
    head = f.TeamMembershipFactory(team=team, started_on=team.elected_on).cadre
    session(township, kind=StudyKind.PARTY_LECTURE, lecturer=head, topic="党课")
    duty_record(township, cadre=head, duty=duty(duties.PARTY_LECTURE))
    client = api_for(township_admin)
    body = client.get(f"{BASE}/teams/{team.pk}/duty-matrix/").json()
    assert body["team"] == team.pk and len(body["duties"]) == 9
    row = body["rows"][0]
    cell = next(c for c in row["cells"] if c["duty"] == duties.PARTY_LECTURE)
    assert (cell["count"], len(cell["records"]), len(cell["credits"])) == (2, 1, 1)
    assert row["duties_shown"] == 1
    far = f.TeamFactory(township=other_township, elected_on=team.elected_on)
    assert client.get(f"{BASE}/teams/{far.pk}/duty-matrix/").status_code == 404
    assert api_for(cadre_user).get(f"{BASE}/teams/{team.pk}/duty-matrix/").status_code == 403
    assert api_codes(client.get(f"{BASE}/teams/{team.pk}/duty-matrix/", {"year": "abc"})) == {
        "year": [Code.YEAR_OUT_OF_RANGE]}


def test_leader_duties_endpoint_is_the_leaders_own(township, cadre_user):
    mine = leader(township, cadre_user.cadre)
    session(township, kind=StudyKind.PARTY_LECTURE, lecturer=mine)
    client = api_for(cadre_user)
    assert client.get(f"{BASE}/leaders/{mine.pk}/duties/").json()["rows"][0]["duties_shown"] == 1
    assert client.get(f"{BASE}/leaders/{leader(township).pk}/duties/").status_code == 404


def test_monthly_totals_endpoint(township, other_township, township_admin, cadre_user):
    first = today().replace(day=1)
    record(cadre_user.cadre, studied_on=first, minutes=30, note="不外传")
    record(cadre_user.cadre, studied_on=first, minutes=15)
    f.CadreFactory(organization=other_township)
    rows = api_for(township_admin).get(f"{BASE}/monthly-totals/", {"year": first.year, "month": first.month}).json()
    mine = next(r for r in rows if r["cadre"] == cadre_user.cadre_id)
    assert (mine["days"], mine["minutes"]) == (1, 45) and "note" not in mine
    assert {r["organization"] for r in rows} == {township.pk}
    assert api_codes(api_for(township_admin).get(f"{BASE}/monthly-totals/", {"township": other_township.pk})) == {
        "township": [Code.OUTSIDE_SCOPE]}
    assert api_codes(api_for(township_admin).get(f"{BASE}/monthly-totals/", {"month": "13"})) == {
        "month": [Code.OUT_OF_RANGE]}
    assert api_for(cadre_user).get(f"{BASE}/monthly-totals/").status_code == 403


def test_group_studies_endpoint(township, other_township, township_admin):
    s = session(township, held_on=today())
    StudyAttendance.objects.create(session=s, cadre=f.CadreFactory(organization=township))
    session(other_township, held_on=today())
    rows = api_for(township_admin).get(f"{BASE}/group-studies/", {"year": today().year,
                                                                  "month": today().month}).json()
    assert [(r["source"], r["source_id"], len(r["attendees"])) for r in rows] == [("study.studysession", s.pk, 1)]
