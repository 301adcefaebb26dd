"""The training API: scoping of every endpoint (another township's records are 404), county
programs readable but not writable by a township, writes through the services with their rules,
the figure endpoints computed from records, and list query counts that do not grow with rows."""
import datetime

import pytest

from banzi.core.errors import Code
from banzi.training.models import Enrollment, TrainingSession
from tests.api import api_for
from tests.errors import api_codes

from . import cases as c
from . import factories as tf

pytestmark = pytest.mark.django_db

BASE = "/api/v1/training"
D = datetime.date


def test_a_township_reads_but_cannot_change_a_county_program(township, county, township_admin):
    program = tf.program(county)
    client = api_for(township_admin)
    assert client.get(f"{BASE}/programs/{program.pk}/").status_code == 200
    assert client.patch(f"{BASE}/programs/{program.pk}/", {"location": "改"}, format="json").status_code == 403
    response = client.post(f"{BASE}/sessions/", {"program": program.pk, "title": "x", "topic": tf.topic().pk,
                                                 "held_on": "2025-03-10", "credit_hours": "2"}, format="json")
    assert response.status_code == 403
    response = client.post(f"{BASE}/enrollments/", {"program": program.pk, "cadre": tf.cadre(township).pk},
                           format="json")
    assert response.status_code in (400, 403)
    assert not TrainingSession.objects.exists() and not Enrollment.objects.exists()


def test_writes_follow_the_rules(township, other_township, township_admin):
    client = api_for(township_admin)
    response = client.post(f"{BASE}/programs/", {
        "name": "集中培训", "kind": "centralized", "organizer": township.pk, "start_on": "2025-03-10",
        "end_on": "2025-03-11", "topics": [tf.topic("群众工作").pk]}, format="json")
    assert response.status_code == 201, response.content
    program_id = response.json()["id"]
    assert response.json()["topics"] == [tf.topic("群众工作").pk]
    response = client.post(f"{BASE}/sessions/", {"program": program_id, "title": "x", "topic": tf.topic().pk,
                                                 "held_on": "2025-03-12", "credit_hours": "2"}, format="json")
    assert api_codes(response) == {"held_on": [Code.OUTSIDE_PERIOD]}
    # Another township's cadre is not even a choice for the township: 400, nothing saved.
    response = client.post(f"{BASE}/enrollments/", {"program": program_id, "cadre": tf.cadre(other_township).pk},
                           format="json")
    assert api_codes(response) == {"cadre": ["does_not_exist"]}
    assert not Enrollment.objects.exists()


def test_cadre_only_reads_and_the_auditor_gets_nothing(township, auditor, cadre_user):
    program = c._own_program(cadre_user.cadre)
    assert api_for(auditor).get(f"{BASE}/programs/{program.pk}/").status_code == 403
    assert api_for(cadre_user).get(f"{BASE}/programs/{program.pk}/").status_code == 200
    for user in (auditor, cadre_user):
        client = api_for(user)
        assert client.patch(f"{BASE}/programs/{program.pk}/", {"name": "改"}, format="json").status_code == 403


def test_figure_endpoints(township, other_township, county_admin, township_admin, cadre_user):
    program = tf.program(township)
    day1 = tf.session(program, D(2025, 3, 10), "3")
    day2 = tf.session(program, D(2025, 3, 11), "4")
    me = cadre_user.cadre
    tf.attend(day1, me)
    tf.attend(day2, me)
    other = tf.cadre(township, name="另一人")
    tf.attend(day1, other)
    far_program = tf.program(other_township)
    tf.attend(tf.session(far_program), tf.cadre(other_township))

    stats = api_for(county_admin).get(f"{BASE}/statistics/", {"year": 2025}).json()
    assert stats["summary"]["person_times"] == 4 and stats["summary"]["people"] == 3
    stats = api_for(township_admin).get(f"{BASE}/statistics/", {"year": 2025}).json()
    assert stats["summary"]["person_times"] == 3 and stats["summary"]["people"] == 2
    assert stats["cadres_short"] == 2

    rows = api_for(township_admin).get(f"{BASE}/hours/", {"year": 2025, "short": "true"}).json()["results"]
    by_name = {r["name"]: r for r in rows}
    assert set(by_name) == {me.name, "另一人"}
    assert by_name[me.name]["training_days"] == 2 and by_name[me.name]["credit_hours"] == "7.0"
    assert by_name[me.name]["days_needed"] == 10 and by_name[me.name]["credit_hours_needed"] == 83.0
    own = api_for(cadre_user).get(f"{BASE}/hours/", {"year": 2025}).json()["results"]
    assert [r["name"] for r in own] == [me.name]


def test_uncovered_needs_endpoint(township, county_admin):
    tf.need(township, topic_name="应急管理")
    rows = api_for(county_admin).get(f"{BASE}/needs/uncovered/").json()
    assert [r["topic_name"] for r in rows] == ["应急管理"]
