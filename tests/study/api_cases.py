"""API cases of the study figures (tests/core/test_api_generic.py): a team's lead-by-example matrix,
a leader's duties, the per-person monthly totals and the group-study calendar."""
from banzi.core import clock
from tests import factories as f
from tests.api import ReadCase, register_read

from .factories import leader, record, session


def _team_of(township):
    cadre = leader(township)
    return cadre.memberships.get().team


register_read(ReadCase(
    url_name="study-team-matrix",
    url=lambda township: f"/api/v1/study/teams/{_team_of(township).pk}/duty-matrix/",
    roles=("county_admin", "township_admin"),
    township_scoped=False,
))
register_read(ReadCase(
    url_name="study-leader-duties",
    url=lambda township: f"/api/v1/study/leaders/{leader(township).pk}/duties/",
    roles=("county_admin", "township_admin"),
    township_scoped=False,
))
register_read(ReadCase(
    url_name="study-monthly-totals",
    url=lambda township: f"/api/v1/study/monthly-totals/?year={clock.today().year}&month={clock.today().month}",
    make=lambda township: record(f.CadreFactory(organization=township), studied_on=clock.today().replace(day=1)),
    roles=("county_admin", "township_admin"),
))
register_read(ReadCase(
    url_name="study-group-studies",
    url=lambda township: f"/api/v1/study/group-studies/?year={clock.today().year}&month={clock.today().month}",
    make=lambda township: session(township, held_on=clock.today().replace(day=1)),
    roles=("county_admin", "township_admin", "cadre_user"),
))

