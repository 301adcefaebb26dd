"""The attendance list's filters the year-end report links to: the program's kind, newly promoted
cadres, and one row per cadre, program, lecturer or day, on a township user's own rows."""
import datetime

from django.urls import reverse

from banzi.core import clock
from banzi.training.models import Attendance, TrainingProgram
from tests.training import factories as tf

URL = reverse("training:attendance_list")
KIND = TrainingProgram.Kind


def _records(client, query):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    return [row.record for row in response.context["table"].paginator.object_list]


def _training(township, kind, days):
    """Two sessions on each day by one lecturer, a newly promoted cadre and another present at both."""
    promoted, other = tf.cadre(township, is_newly_promoted=True), tf.cadre(township)
    lecturer = tf.lecturer(township)
    program = tf.program(township, kind=kind, start_on=days[0], end_on=days[-1])
    for day in days:
        for _ in range(2):
            session = tf.session(program, held_on=day, lecturer=lecturer)
            tf.attend(session, promoted)
            tf.attend(session, other)
    return promoted, program


def test_the_kind_newly_promoted_and_one_row_of_each(township, other_township, county_client, township_client):
    today = clock.today()
    days = [today - datetime.timedelta(days=10), today - datetime.timedelta(days=9)]
    promoted, program = _training(township, KIND.SPECIAL, days)
    _training(township, KIND.LECTURE_HALL, days)
    _training(other_township, KIND.SPECIAL, days)
    present = Attendance.objects.filter(status=Attendance.Status.PRESENT)
    special = f"status=present&kind={KIND.SPECIAL}&township={township.pk}"
    assert len(_records(county_client, special)) == present.filter(
        session__program=program).count() == 2 * 2 * len(days)
    assert {a.cadre_id for a in _records(county_client, f"{special}&newly_promoted=true")} == {promoted.pk}
    assert [a.cadre_id for a in _records(county_client, f"{special}&newly_promoted=true&one_per=cadre")] == [
        promoted.pk]
    assert sorted(a.session.held_on for a in _records(county_client, f"{special}&one_per=day")) == days
    assert [a.session.program_id for a in _records(county_client, f"{special}&one_per=program")] == [program.pk]
    assert len(_records(county_client, f"{special}&one_per=lecturer")) == 1
    # A township's user: one row of each among their own rows; the county: both townships'.
    assert len(_records(township_client, f"status=present&kind={KIND.SPECIAL}&one_per=day")) == len(days)
    assert len(_records(county_client, f"status=present&kind={KIND.SPECIAL}&one_per=day")) == len(days)
    assert len(_records(county_client, f"status=present&kind={KIND.SPECIAL}&one_per=program")) == 2
    assert len(_records(township_client, f"status=present&kind={KIND.SPECIAL}&one_per=program")) == 1
