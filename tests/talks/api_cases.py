"""API cases of the talks figures (tests/core/test_api_generic.py): a plan's coverage and the newly
promoted cadres' integrity talks."""
from banzi.core import clock
from tests import factories as f
from tests.api import ReadCase, register_read

from .factories import entry, plan

register_read(ReadCase(
    url_name="talks-talkplan-coverage",
    url=lambda township: f"/api/v1/talks/plans/{entry(township, plan(township)).plan_id}/coverage/",
    roles=("county_admin", "township_admin"),
    township_scoped=False,
))
register_read(ReadCase(
    url_name="talks-integrity-list",
    url=lambda township: "/api/v1/talks/integrity/",
    make=lambda township: f.CadreFactory(organization=township, promoted_on=clock.today(), is_newly_promoted=True),
    roles=("county_admin", "township_admin", "cadre_user"),
))
