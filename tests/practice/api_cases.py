"""API cases of the frontline-practice figures (tests/core/test_api_generic.py): enterprise service,
the rectification campaign, new members' tempering and mentoring."""
from banzi.practice.models import Posting
from tests.api import ReadCase, register_read

from . import cases as c

ALL = ("county_admin", "township_admin", "cadre_user")

register_read(ReadCase(
    url_name="practice-figures-enterprise",
    url=lambda township: "/api/v1/practice/figures/enterprise-service/",
    make=lambda township: c.posting(township, kind=Posting.Kind.ENTERPRISE),
    roles=ALL,
))
register_read(ReadCase(
    url_name="practice-figures-campaign",
    url=lambda township: f"/api/v1/practice/figures/campaign/?year={c.this_year()}",
    make=lambda township: c.rectification(township),
    roles=ALL,
))
register_read(ReadCase(
    url_name="practice-figures-tempering",
    url=lambda township: "/api/v1/practice/figures/tempering/",
    make=lambda township: c.team_member(township),
    roles=ALL,
))
register_read(ReadCase(
    url_name="practice-figures-mentoring",
    url=lambda township: "/api/v1/practice/figures/mentoring/",
    make=lambda township: c.mentorship(township),
    roles=ALL,
))
