"""The talks demo: a post-election plan with partial coverage, integrity talks with most but not
all newly promoted cadres, talks before each team's democratic life meeting; idempotent."""
import datetime

import pytest

from banzi.core import clock
from banzi.core.roles import Role
from banzi.org.models import Organization
from banzi.talks import metrics
from banzi.talks.demo import COUNTY_PLAN_TITLE, LIFE_MEETING_PLACE, life_meeting_day, load_talks_demo
from banzi.talks.models import Talk, TalkPlan
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_county(county):
    today = clock.today()
    f.DepartmentFactory(parent=county, name="县委组织部")
    department = Organization.objects.get(name="县委组织部")
    for _ in range(3):
        f.CadreFactory(organization=department)
    elected = today - datetime.timedelta(days=60)
    heads = f.PositionFactory(name="党委书记")
    for n, name in enumerate(("襄陵镇", "新城镇", "赵康镇")):
        township = f.TownshipFactory(name=name, parent=county, sort_order=n)
        team = f.TeamFactory(township=township, elected_on=elected)
        f.TeamMembershipFactory(team=team, started_on=elected - datetime.timedelta(days=400), is_head=True,
                                position=heads)
        f.TeamMembershipFactory(team=team, started_on=elected - datetime.timedelta(days=400))
        for _ in range(4):
            f.TeamMembershipFactory(team=team, started_on=elected)
        for k in range(6):
            f.CadreFactory(organization=township, is_newly_promoted=True,
                           promoted_on=today - datetime.timedelta(days=200 + k))
    f.UserFactory(username="county_admin", role=Role.COUNTY_ADMIN)


def test_demo_figures_come_from_the_records(demo_county):
    created = load_talks_demo()
    assert created["talks"] == Talk.objects.count() > 0
    county_plan = TalkPlan.objects.get(title=COUNTY_PLAN_TITLE)
    # Every current team member (3 × 6) is in the department's plan.
    assert county_plan.entries.count() == 18
    coverage = metrics.plan_coverage(county_plan)
    assert 0 < coverage["overall"].covered < coverage["overall"].total
    # The 12 members who joined at the election are newly appointed; a few may have reported problems.
    assert county_plan.entries.filter(priority_group="newly_appointed").count() + county_plan.entries.filter(
        priority_group="reported_problems").count() == coverage["priority"].total >= 11
    # Integrity talks: most of the 18 newly promoted, not all... and who is missing is listed.
    viewer = f.UserFactory(username="viewer", role=Role.COUNTY_ADMIN)
    summary = metrics.integrity_summary(metrics.integrity_rows(viewer))
    assert summary["total"] == 18
    assert summary["on_time"] > summary["total"] // 2
    assert summary["missing"] + summary["late"] > 0 or summary["on_time"] == 18
    # Before each team's democratic life meeting, the head talked with every other member.
    day = life_meeting_day(clock.today())
    before = Talk.objects.filter(place=LIFE_MEETING_PLACE, held_on__lt=day,
                                 held_on__gte=day - datetime.timedelta(days=30))
    # (the head and the member who served before the election were on the team then: one talk a team)
    assert before.count() == 3
    township_plans = TalkPlan.objects.exclude(pk=county_plan.pk)
    assert township_plans.count() == 3


def test_demo_is_idempotent_and_deterministic(demo_county):
    load_talks_demo()
    snapshot = sorted(Talk.objects.values_list("talker__name", "talkee__name", "held_on", "kind"))
    assert load_talks_demo() == {}
    assert sorted(Talk.objects.values_list("talker__name", "talkee__name", "held_on", "kind")) == snapshot
