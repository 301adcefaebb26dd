"""Filling the assessees from the teams: every current team of the assessed townships as a team, its
head as team head, its members serving in the period as team members, the other active cadres as
general cadres when asked; running it twice adds nothing twice; a "team head" must head the team."""
import datetime

import pytest
from django.urls import reverse

from banzi.assessment import services
from banzi.assessment.models import Assessee, Assessment
from banzi.core.errors import Code
from banzi.org.models import Cadre
from tests import factories as f
from tests.errors import refused

from .factories import assessment

pytestmark = pytest.mark.django_db

Cat = Assessee.Category


@pytest.fixture
def team_setup(township):
    team = f.TeamFactory(township=township)
    head = f.TeamMembershipFactory(team=team, is_head=True, position=f.PositionFactory(name="党委书记"))
    members = [f.TeamMembershipFactory(team=team) for _i in range(3)]
    former = f.TeamMembershipFactory(team=team, ended_on=datetime.date(2025, 6, 30))  # left before the period
    other = f.CadreFactory(organization=township)  # not on the team
    return team, head, members, former, other


def _categories(parent):
    return {(a.category, a.team_id or a.cadre_id) for a in parent.assessees.all()}


def test_the_teams_and_their_members_are_added_once(team_setup, township, other_township, county, county_admin):
    team, head, members, former, other = team_setup
    other_team = f.TeamFactory(township=other_township)
    f.TeamMembershipFactory(team=other_team, is_head=True)
    parent = assessment(county)
    result = services.fill_from_teams(county_admin, parent, units=[township])
    assert result["added"][Cat.TEAM] == 1 and result["added"][Cat.TEAM_HEAD] == 1
    assert result["added"][Cat.TEAM_MEMBER] == 3 and result["added"][Cat.GENERAL_CADRE] == 0
    assert _categories(parent) == {(Cat.TEAM, team.pk), (Cat.TEAM_HEAD, head.cadre_id),
                                   *((Cat.TEAM_MEMBER, m.cadre_id) for m in members)}
    assert not parent.assessees.filter(cadre=former.cadre).exists()
    again = services.fill_from_teams(county_admin, parent, units=[township])  # idempotent
    assert sum(again["added"].values()) == 0 and parent.assessees.count() == 5
    with_cadres = services.fill_from_teams(county_admin, parent, units=[township], general_cadres=True)
    expected = Cadre.objects.filter(organization__township=township, status=Cadre.Status.ACTIVE).count() - 4
    assert with_cadres["added"][Cat.GENERAL_CADRE] == expected >= 2  # the one off the team, and the former member
    assert parent.assessees.filter(cadre=other, category=Cat.GENERAL_CADRE).exists()
    assert sum(services.fill_from_teams(county_admin, parent, units=[township], general_cadres=True)
               ["added"].values()) == 0
    everywhere = services.fill_from_teams(county_admin, parent)  # by default every township the county sees
    assert everywhere["added"][Cat.TEAM] == 1 and parent.assessees.filter(team=other_team).exists()


def test_a_member_who_moved_away_is_left_out(team_setup, township, other_township, county, county_admin):
    _team, _head, members, _former, _other = team_setup
    Cadre.objects.filter(pk=members[0].cadre_id).update(organization=other_township)
    parent = assessment(county)
    result = services.fill_from_teams(county_admin, parent, units=[township])
    assert result["left_out"] == 1 and result["added"][Cat.TEAM_MEMBER] == 2


def test_only_before_the_results_are_confirmed(team_setup, township, county, county_admin):
    parent = assessment(county, status=Assessment.Status.CONFIRMED)
    with refused("__all__", Code.WRONG_STATE):
        services.fill_from_teams(county_admin, parent, units=[township])
    assert not parent.assessees.exists()


def test_a_team_head_must_head_the_team(team_setup, township, county, county_admin):
    _team, head, members, _former, other = team_setup
    parent = assessment(county)
    for cadre in (members[0].cadre, other):
        with refused("category", Code.NOT_TEAM_HEAD):
            services.save_assessee(county_admin, Assessee(assessment=parent, category=Cat.TEAM_HEAD, cadre=cadre, unit=township))
    assert not parent.assessees.exists()
    services.save_assessee(county_admin, Assessee(assessment=parent, category=Cat.TEAM_HEAD, cadre=head.cadre,
                                                     unit=township))
    moved = Assessee(assessment=parent, category=Cat.TEAM_MEMBER, cadre=members[0].cadre, unit=township)
    services.save_assessee(county_admin, moved)
    moved.category = Cat.TEAM_HEAD
    with refused("category", Code.NOT_TEAM_HEAD):
        services.save_assessee(county_admin, moved)


def test_a_township_fills_its_own_quarterly_assessment(team_setup, township, township_admin):
    parent = assessment(township)
    result = services.fill_from_teams(township_admin, parent)
    assert result["added"][Cat.TEAM] == 1 and parent.assessees.count() == 5


def test_the_step_on_the_assessment_page(team_setup, township, county, county_client):
    parent = assessment(county)
    page = county_client.get(parent.get_absolute_url()).content.decode()
    url = reverse("assessment:assessment_fill_from_teams", args=[parent.pk])
    assert url in page
    response = county_client.post(url, {"fill-general_cadres": "on"}, follow=True)
    assert response.status_code == 200 and "Added:" in response.content.decode()
    assert parent.assessees.filter(category=Cat.GENERAL_CADRE).exists()
    assert parent.assessees.filter(category=Cat.TEAM).count() == 1


def test_the_api_fills_the_assessees(team_setup, township, county, county_admin, township_admin):
    from rest_framework.test import APIClient

    parent = assessment(county)
    url = f"/api/v1/assessment/assessments/{parent.pk}/fill-from-teams/"
    api = APIClient()
    api.force_authenticate(county_admin)
    response = api.post(url, {"units": [township.pk]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["added"]["team_member"] == 3 and response.json()["left_out"] == 0
    assert sum(api.post(url, {"units": [township.pk]}, format="json").json()["added"].values()) == 0
    township_api = APIClient()
    township_api.force_authenticate(township_admin)
    assert township_api.post(url, {}, format="json").status_code in (403, 404)
    assert parent.assessees.count() == 5
