"""The lead-by-example duties indicator of the score sheet: how many of the duties a team member
showed in the period (records, or records elsewhere that prove them), never study minutes."""
import datetime

import pytest

from banzi.core import metrics
from banzi.study.models import LeadDuty
from tests import factories as f
from tests.study.factories import duty, duty_record, leader, record

pytestmark = pytest.mark.django_db

D = datetime.date
START, END = D(2026, 4, 1), D(2026, 6, 30)


def read(ids):
    return next(i for i in metrics.indicators() if i.key == "lead_duties").read(ids, START, END)


def test_duties_shown_in_the_period_by_team_members(township):
    member = leader(township, started_on=D(2025, 1, 1))
    general = f.CadreFactory(organization=township)
    total = LeadDuty.objects.filter(is_active=True).count()
    duty_record(township, member, done_on=D(2026, 3, 31), duty=duty("party_lecture"))
    duty_record(township, member, done_on=START, duty=duty("party_lecture"))
    duty_record(township, member, done_on=END, duty=duty("party_lecture"))  # the same duty: once
    duty_record(township, member, done_on=D(2026, 7, 1), duty=LeadDuty.objects.exclude(key="party_lecture").first())
    for day in (START, END):
        record(member, studied_on=day, minutes=600)  # study minutes are never counted
    found = read([member.pk, general.pk])
    assert found[member.pk].detail == f"1 of {total} duties shown"
    assert found[member.pk].value == round(100 / total)
    assert found[general.pk].value is None
