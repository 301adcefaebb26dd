"""The study demo: a year of group study and daily study per township, Party lectures and guided
village study that the matrix credits automatically; deterministic and idempotent."""
import datetime

import pytest
from django.db.models import Sum

from banzi.core import clock
from banzi.core.roles import Role
from banzi.study import duties, metrics
from banzi.study.demo import load_study_demo
from banzi.study.models import LeadDutyRecord, StudyAttendance, StudyKind, StudyRecord, StudySession
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def county_with_teams(county):
    today = clock.today()
    townships = [f.TownshipFactory(name=name, parent=county, sort_order=n) for n, name in enumerate(("襄陵镇", "新城镇"))]
    for township in townships:
        f.VillageFactory(parent=township)
        team = f.TeamFactory(township=township, elected_on=today - datetime.timedelta(days=400))
        for n in range(3):
            f.TeamMembershipFactory(team=team, started_on=team.elected_on, sort_order=n,
                                    position=f.PositionFactory(name=("党委书记", "镇长", "组织委员")[n]))
        for _ in range(4):
            f.CadreFactory(organization=township)
    f.UserFactory(username="county_admin", role=Role.COUNTY_ADMIN)
    return townships


def test_demo_builds_a_year_of_study_and_credits(county_with_teams):
    created = load_study_demo()
    today = clock.today()
    for township in county_with_teams:
        sessions = StudySession.objects.filter(organization__township=township)
        kinds = {k: sessions.filter(kind=k).count() for k in StudyKind.values}
        assert kinds[StudyKind.COMMITTEE_THEORY] == 12 and kinds[StudyKind.STAFF_STUDY] == 12
        assert kinds[StudyKind.PARTY_LECTURE] == 4 and kinds[StudyKind.PARTY_GROUP] == 6
        assert all(today - datetime.timedelta(days=400) < s.held_on < today for s in sessions)
        team = metrics.current_team(township)
        matrix = metrics.team_matrix(team, today.year)
        keys = [d.key for d in matrix.duties]
        # Credits computed from the sessions equal the lectures and guided village studies of this year.
        year_sessions = sessions.filter(held_on__year=today.year)
        lectures = year_sessions.filter(kind=StudyKind.PARTY_LECTURE).count()
        guided = StudyAttendance.objects.filter(session__in=year_sessions, role="guide").count()
        assert sum(len(cells[keys.index(duties.PARTY_LECTURE)].credits) for _l, _c, cells in matrix.rows) == lectures
        assert sum(len(cells[keys.index(duties.VILLAGE_STUDY)].credits) for _l, _c, cells in matrix.rows) == guided
        manual = LeadDutyRecord.objects.filter(cadre__organization=township, done_on__year=today.year).count()
        assert sum(cell.count for _l, _c, cells in matrix.rows for cell in cells) == lectures + guided + manual
    assert created["group study sessions"] == StudySession.objects.count() == 2 * 34
    assert created["daily study records"] == StudyRecord.objects.count() > 0
    assert StudyRecord.objects.aggregate(m=Sum("minutes"))["m"] > 0
    assert not StudyRecord.objects.filter(studied_on__gt=today).exists()
    assert load_study_demo() == {}
    assert StudySession.objects.count() == 2 * 34
