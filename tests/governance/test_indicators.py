"""The governance indicators of the score sheet, each against its definition at the period's edges:
the township's organizational life held as required (team), team members' dual organizational life
(cadre) and the major matters decided collectively (team)."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from banzi.core import metrics
from banzi.governance.models import AgendaItem, MeetingKind, Opinion, OrgLifeRule
from tests import factories as f
from tests.governance.cases import agenda_item, meeting, team

pytestmark = pytest.mark.django_db

D = datetime.date
START, END = D(2026, 4, 1), D(2026, 6, 30)


def read(key, ids, start=START, end=END):
    return next(i for i in metrics.indicators() if i.key == key).read(ids, start, end)


def test_org_life_counts_the_periods_inside_the_assessment_period(township):
    OrgLifeRule.objects.create(organization_kind="township", meeting_kind=MeetingKind.COMMITTEE, frequency="monthly")
    the_team = f.TeamFactory(township=township)
    members = [f.CadreFactory(organization=township)]
    # April and June held; May missing; 31 March and 1 July are outside the period.
    for day in (D(2026, 3, 31), D(2026, 4, 1), D(2026, 6, 30), D(2026, 7, 1)):
        meeting(township, MeetingKind.COMMITTEE, members=members, held_on=day, present=1)
    reading = read("org_life", [the_team.pk])[the_team.pk]
    # The three months of the period (the yearly life meeting's period is not inside it).
    assert reading.value == 67 and reading.detail == "2 of 3 required meetings held"
    assert f"township={township.pk}" in reading.url


def test_dual_life_counts_lower_level_meetings_in_the_period_for_team_members_only(township):
    member, = team(township, size=1, elected_on=D(2025, 1, 5))
    general = f.CadreFactory(organization=township)
    village = f.VillageFactory(parent=township)
    for day in (D(2026, 3, 31), D(2026, 4, 1), D(2026, 7, 1)):
        meeting(village, MeetingKind.BRANCH_GENERAL, members=[member, general], held_on=day, present=2)
    found = read("dual_life", [member.pk, general.pk])
    # A quarter asks ceil(2 × 91/365) = 1 meeting; the one on 1 April is enough.
    assert found[member.pk].value == 100
    assert found[member.pk].detail == "1 lower-level meetings attended, 1 required"
    assert found[general.pk].value is None
    year = read("dual_life", [member.pk], D(2026, 1, 1), D(2026, 12, 31))[member.pk]
    assert year.value == 100 and "3 lower-level" in year.detail
    assert read("dual_life", [member.pk], D(2026, 4, 2), D(2026, 6, 30))[member.pk].value == 0


def test_collective_decisions_are_the_major_items_decided_with_opinions(township):
    the_team = f.TeamFactory(township=township)
    member = f.CadreFactory(organization=township)

    def item(day, category=AgendaItem.Category.MAJOR_DECISION, opinions=True, outcome=AgendaItem.Outcome.PASSED):
        record = agenda_item(township, meeting(township, held_on=day, members=[member]), category=category,
                             outcome=outcome)
        if opinions:
            Opinion.objects.create(item=record, cadre=member, order=1, stance=Opinion.Stance.AGREE)
        return record

    item(D(2026, 3, 31))  # before the period
    item(D(2026, 4, 1))
    item(D(2026, 6, 30), opinions=False)
    item(D(2026, 5, 5), category=AgendaItem.Category.ORDINARY, opinions=False)  # not a major matter
    item(D(2026, 7, 1), opinions=False)  # after the period
    reading = read("collective_decisions", [the_team.pk])[the_team.pk]
    assert reading.value == 50 and reading.detail == "1 of 2 major matters decided collectively"
    assert "major=true" in reading.url


def test_the_governance_indicators_take_a_fixed_number_of_queries(township, other_township):
    teams = [f.TeamFactory(township=township)]
    read("org_life", [t.pk for t in teams])
    with CaptureQueriesContext(connection) as few:
        read("org_life", [t.pk for t in teams]), read("collective_decisions", [t.pk for t in teams])
    teams += [f.TeamFactory(township=other_township), f.TeamFactory(township=f.TownshipFactory())]
    with CaptureQueriesContext(connection) as more:
        read("org_life", [t.pk for t in teams]), read("collective_decisions", [t.pk for t in teams])
    assert len(more) == len(few)
