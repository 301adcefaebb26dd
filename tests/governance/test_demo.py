"""The governance demo on a small county: branch meetings with some periods missed, committee
meetings whose major items satisfy every decision rule, a democratic life meeting per team with
rectification problems; the figures are computed from the records; deterministic and idempotent."""
import datetime
import zoneinfo

import pytest

from banzi.core.roles import Role
from banzi.governance import metrics, services
from banzi.governance.demo import load_governance_demo
from banzi.governance.models import AgendaItem, Attendance, Meeting, MeetingKind
from banzi.tasks.models import Problem
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 20)


@pytest.fixture
def small_county(travel, county):
    # The demo of a given day (20 November 2026): the county's clock reads that day too.
    travel.move_to(datetime.datetime(2026, 11, 20, 10, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")))
    townships = []
    for n, name in enumerate(("襄陵镇", "新城镇")):
        township = f.TownshipFactory(name=name, parent=county, sort_order=n)
        for _ in range(2):
            f.VillageFactory(parent=township)
        team = f.TeamFactory(township=township, elected_on=datetime.date(2025, 10, 1))
        for i in range(5):
            f.TeamMembershipFactory(team=team, started_on=team.elected_on, sort_order=i, is_head=i == 0)
        townships.append(township)
    user = f.UserFactory(username="county_admin", role=Role.COUNTY_ADMIN)
    return townships, user


def test_demo_meetings_follow_the_rules_and_leave_gaps(small_county):
    townships, user = small_county
    created = load_governance_demo(today=TODAY)
    assert created["meetings"] == Meeting.objects.filter(organization__kind="township").count()
    assert load_governance_demo(today=TODAY) == {}  # idempotent

    # Every decided major item satisfies the rules as recorded.
    values = {"quorum": "more_than_half", "appointment_presence": "two_thirds", "passing": "more_than_half"}
    majors = AgendaItem.objects.exclude(category=AgendaItem.Category.ORDINARY).select_related("meeting")
    assert majors.count() == 2 * 11  # one a month, January to November, per township
    for item in majors:
        due, present = services.attendance_counts(item.meeting)
        assert services.meets(present, due, values["quorum"])
        assert services.meets(item.votes_for, due, values["passing"])
        opinions = list(item.opinions.order_by("order"))
        assert len(opinions) == present
        assert opinions[-1].cadre_id == item.meeting.chair_id

    # A democratic life meeting per team, with rectification problems on the problem list.
    life = Meeting.objects.filter(kind=MeetingKind.LIFE_MEETING)
    assert life.count() == 2
    for record in life:
        assert record.rectifications.count() == 2
        assert record.attendances.exclude(self_criticism="").count() == record.attendances.filter(present=True).count()
    assert Problem.objects.filter(source=Problem.Source.LIFE_MEETING).count() == 4

    # The compliance figures come from the meetings: some periods missed, none short.
    entries = metrics.compliance(metrics.organizations_with_rules(user), 2026, today=TODAY)
    held = sum(e.count(metrics.HELD) for e in entries)
    missing = sum(e.count(metrics.MISSING) for e in entries)
    assert held and missing
    branch = Meeting.objects.filter(organization__kind="village").count()
    # Each branch meeting fills exactly one period of its kind (at most one meeting per period).
    village_held = sum(e.count(metrics.HELD) for e in entries if e.organization.kind == "village")
    assert village_held == branch
    overview = metrics.county_overview(user, 2026, today=TODAY)
    assert sum(r.held for r in overview) == held and sum(r.missing for r in overview) == missing

    # Team members attended lower-level meetings; the figure is the count of their attendances.
    rows = metrics.dual_org_life(user, 2026, today=TODAY)
    for row in rows:
        assert row.count == Attendance.objects.filter(cadre_id=row.membership.cadre_id, present=True,
                                                      role=Attendance.Role.LEADER).count()
    assert any(r.count for r in rows)
