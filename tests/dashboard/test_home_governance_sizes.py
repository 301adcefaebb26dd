"""The home page's governance and conduct figures do not cost more queries as meetings, attendance,
commitment letters and duty nights pile up."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from banzi.governance.models import MeetingKind
from tests import dates
from tests import factories as f
from tests.conduct import duty_factories as d
from tests.conduct.factories import commitment, declaration
from tests.governance.cases import meeting, team

pytestmark = pytest.mark.django_db


def add_township(county):
    """A township with a team, a village, a few months of meetings attended by the team, signed
    letters and tonight's duty."""
    town = f.TownshipFactory(parent=county)
    members = team(town, 3)
    village = f.VillageFactory(parent=town)
    year = dates.this_year()
    for month in range(1, 4):
        meeting(village, MeetingKind.THEME_PARTY_DAY, members=members[:2], held_on=dates.earlier_this_year(month),
                present=2)
        meeting(village, MeetingKind.BRANCH_COMMITTEE, members=members, held_on=dates.earlier_this_year(month + 40),
                present=3)
    meeting(town, MeetingKind.LIFE_MEETING, members=members, held_on=dates.earlier_this_year(5), present=2)
    for cadre in members[:2]:
        commitment(cadre, year)
        declaration(cadre, year)
    d.shift(town)
    return town


@pytest.mark.parametrize("role", ["county_admin", "township_admin"])
def test_home_page_queries_do_not_grow_with_meetings(role, county, township, client_for, county_admin, township_admin,
                                                     django_assert_max_num_queries):
    user = {"county_admin": county_admin, "township_admin": township_admin}[role]
    client = client_for(user)
    add_township(county)
    meeting(f.VillageFactory(parent=township), MeetingKind.ORG_LIFE, members=team(township, 2),
            held_on=dates.earlier_this_year(3), present=1)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/").status_code == 200
    for _ in range(3):
        add_township(county)
    meeting(f.VillageFactory(parent=township), MeetingKind.ORG_LIFE, members=team(township, 4),
            held_on=dates.earlier_this_year(4), present=3)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get("/")
    labels = {str(a["label"]) for a in response.context["actions"]}
    assert "Team members short of lower-level organizational life" in labels
