"""The training indicator of the score sheet: days and credit hours attended in the period against
the yearly minimum pro rata to the period (`training.metrics.meets`)."""
import datetime

import pytest

from banzi.core import metrics
from banzi.training.models import Attendance
from tests import factories as f
from tests.training import factories as tf

pytestmark = pytest.mark.django_db

D = datetime.date


def read(ids, start, end):
    return next(i for i in metrics.indicators() if i.key == "training").read(ids, start, end)


def test_training_against_the_minimum_pro_rata(township):
    cadre, absent = f.CadreFactory(organization=township), f.CadreFactory(organization=township)
    prog = tf.program(township, start_on=D(2026, 3, 1), end_on=D(2026, 7, 31))
    for day, hours in ((D(2026, 3, 31), "30"), (D(2026, 4, 1), "10"), (D(2026, 6, 30), "10"), (D(2026, 7, 1), "30")):
        tf.attend(tf.session(prog, held_on=day, hours=hours), cadre)
    tf.attend(tf.session(prog, held_on=D(2026, 5, 5), hours="40"), absent, status=Attendance.Status.ABSENT)
    found = read([cadre.pk, absent.pk], D(2026, 4, 1), D(2026, 6, 30))
    # A quarter of 91 days asks ceil(12 × 91/365) = 3 days or 90 × 91/365 = 22.4 hours: 20 hours, 2 days.
    assert found[cadre.pk].detail == "2 days, 20.0 credit hours; the minimum is 3 days or 22.4 hours"
    assert found[cadre.pk].value == 89  # the better share: 20 / 22.4
    assert found[absent.pk].value == 0
    assert f"cadre={cadre.pk}" in found[cadre.pk].url
    # The year: 4 days, 80 hours against 12 days or 90 hours.
    assert read([cadre.pk], D(2026, 1, 1), D(2026, 12, 31))[cadre.pk].value == 88
    # Meeting the minimum (either part) is full marks.
    tf.attend(tf.session(prog, held_on=D(2026, 5, 6), hours="3"), cadre)
    assert read([cadre.pk], D(2026, 4, 1), D(2026, 6, 30))[cadre.pk].value == 100


def test_team_members_meeting_the_minimum(township):
    the_team = f.TeamFactory(township=township)
    trained, untrained, left, later = (f.CadreFactory(organization=township) for _ in range(4))
    for cadre, started, ended in ((trained, D(2025, 1, 1), None), (untrained, D(2025, 1, 1), None),
                                  (left, D(2025, 1, 1), D(2026, 4, 1)),  # left on the first day: not counted
                                  (later, D(2026, 7, 1), None)):  # joined the day after the period
        f.TeamMembershipFactory(team=the_team, cadre=cadre, started_on=started, ended_on=ended)
    prog = tf.program(township, start_on=D(2026, 3, 1), end_on=D(2026, 7, 31))
    tf.attend(tf.session(prog, held_on=D(2026, 4, 1), hours="30"), trained)
    tf.attend(tf.session(prog, held_on=D(2026, 3, 31), hours="30"), untrained)  # the day before the period
    reading = next(i for i in metrics.indicators() if i.key == "team_training").read(
        [the_team.pk], D(2026, 4, 1), D(2026, 6, 30))[the_team.pk]
    assert reading.value == 50
    assert reading.detail == "1 of 2 team members met the minimum of 3 days or 22.4 hours"
