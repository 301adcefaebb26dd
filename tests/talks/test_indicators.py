"""The talk indicators of the score sheet: the talk plans' entries due in the period covered on
time, given (by the expected talker), received (by the talkee) and for a township's cadres."""
import datetime

import pytest

from banzi.core import metrics
from tests import factories as f
from tests.talks.factories import entry, plan, talk

pytestmark = pytest.mark.django_db

D = datetime.date
START, END = D(2026, 4, 1), D(2026, 6, 30)


def read(key, ids):
    return next(i for i in metrics.indicators() if i.key == key).read(ids, START, END)


def test_planned_talks_due_in_the_period_covered_on_time(township):
    the_team = f.TeamFactory(township=township)
    talker, a, b = (f.CadreFactory(organization=township) for _ in range(3))
    parent = plan(township, starts_on=D(2026, 1, 1), due_on=D(2026, 7, 31))
    entry(township, parent, talkee=a, expected_talker=talker, due_on=START)
    talk(township, talker=talker, talkee=a, held_on=D(2026, 3, 20))
    entry(township, parent, talkee=b, expected_talker=talker, due_on=END)  # never held: overdue
    entry(township, parent, talkee=f.CadreFactory(organization=township), expected_talker=talker,
          due_on=D(2026, 3, 31))  # due before the period
    entry(township, parent, talkee=f.CadreFactory(organization=township), expected_talker=talker,
          due_on=D(2026, 7, 1))  # due after it
    given = read("talks_given", [talker.pk])[talker.pk]
    assert given.value == 50 and given.detail == "1 of 2 planned talks given on time"
    assert f"talker={talker.pk}" in given.url
    received = read("talks_received", [a.pk, b.pk, talker.pk])
    assert received[a.pk].value == 100 and received[b.pk].value == 0
    assert received[talker.pk].value is None  # no entry: nothing to measure
    assert read("talk_coverage", [the_team.pk])[the_team.pk].value == 50


def test_a_talk_held_after_the_period_does_not_cover_an_entry_due_in_it(township):
    talker, a = (f.CadreFactory(organization=township) for _ in range(2))
    parent = plan(township, starts_on=D(2026, 1, 1), due_on=D(2026, 7, 31))
    entry(township, parent, talkee=a, expected_talker=talker, due_on=END)
    talk(township, talker=talker, talkee=a, held_on=D(2026, 7, 2))
    assert read("talks_given", [talker.pk])[talker.pk].value == 0
