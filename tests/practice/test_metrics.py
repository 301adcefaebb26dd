"""The frontline-practice figures on small hand-built data, with the expected numbers worked out here:
the enterprise-service summary, the campaign overview, hard-place tempering of the newly appointed,
mentoring per township, the designation map, and the duty credits postings prove."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from banzi.org.models import VillageDesignation
from banzi.practice import metrics
from banzi.practice.models import Posting, VillageRectification, WorkLog
from banzi.study import credits, duties
from tests import factories as f
from tests.practice import cases as c

pytestmark = pytest.mark.django_db
Kind = Posting.Kind
Category = VillageDesignation.Category


def log(posting, found, solved, visits=1):
    return WorkLog.objects.create(posting=posting, logged_on=posting.started_on, problems_found=found,
                                  problems_solved=solved, visits=visits, content="走访")


def test_enterprise_service_counts_cadres_enterprises_and_problems(township, other_township, county_admin,
                                                                   township_admin):
    e1, e2 = c.enterprise(township), c.enterprise(township)
    e3 = c.enterprise(other_township)
    member = c.team_member(township)
    reserve = f.CadreFactory(organization=township, is_reserve=True)
    plain = f.CadreFactory(organization=other_township)
    p1 = c.posting(township, member, place=e1)
    p2 = c.posting(township, member, place=e2)  # one cadre, two enterprises
    p3 = c.posting(township, reserve, place=e1)  # two cadres in e1
    p4 = c.posting(other_township, plain, place=e3)
    c.posting(township, f.CadreFactory(organization=township), place=c.enterprise(township),
              started_on=c.days_ago(30), ended_on=c.days_ago(25))  # ended: not counted
    c.posting(township, kind=Kind.FIRST_SECRETARY)  # another kind: not counted
    log(p1, 3, 2, visits=2)
    log(p1, 1, 1)
    log(p2, 2, 0)
    log(p3, 0, 0)
    log(p4, 5, 4)

    county = metrics.enterprise_service(county_admin)
    assert (county["cadres"], county["enterprises"], county["postings"]) == (3, 3, 4)
    assert county["leading_or_reserve"] == 2  # the team member and the reserve cadre
    assert (county["found"], county["solved"], county["visits"]) == (3 + 1 + 2 + 0 + 5, 2 + 1 + 0 + 0 + 4, 6)
    rows = {r["township"].pk: r for r in county["by_township"]}
    assert (rows[township.pk]["cadres"], rows[township.pk]["enterprises"]) == (2, 2)
    assert (rows[township.pk]["found"], rows[township.pk]["solved"]) == (6, 3)
    assert (rows[other_township.pk]["cadres"], rows[other_township.pk]["found"]) == (1, 5)
    per_enterprise = {e["id"]: len(e["cadres"]) for e in county["per_enterprise"]}
    assert per_enterprise == {e1.pk: 2, e2.pk: 1, e3.pk: 1}
    per_cadre = {x["id"]: len(x["enterprises"]) for x in county["per_cadre"]}
    assert per_cadre == {member.pk: 2, reserve.pk: 1, plain.pk: 1}

    own = metrics.enterprise_service(township_admin)
    assert (own["cadres"], own["enterprises"], own["found"]) == (2, 2, 6)
    assert [r["township"] for r in own["by_township"]] == [township]


def test_campaign_overview_per_township(township, other_township, county_admin):
    group = c.group(township)
    c.posting(township, kind=Kind.RECTIFICATION, group=group)
    lifted = c.designation(township, lifted_on=c.today())
    open_ = c.designation(township, Category.REGISTERED_POOR)
    c.designation(township, Category.MODEL_UNIT)  # not covered
    c.designation(other_township)  # a township without a group
    VillageRectification.objects.create(designation=lifted, target="转化", progress=100)
    VillageRectification.objects.create(designation=open_, target="巩固", progress=40)

    overview = metrics.campaign_overview(county_admin)
    assert (overview["groups"], overview["townships"], overview["villages"], overview["lifted"]) == (1, 2, 3, 1)
    assert overview["without_group"] == [other_township]
    rows = {r["township"].pk: r for r in overview["rows"]}
    assert rows[township.pk]["leader"] == group.leader and rows[township.pk]["members"] == 1
    assert (rows[township.pk]["villages"], rows[township.pk]["lifted"], rows[township.pk]["progress"]) == (2, 1, 70)
    assert rows[other_township.pk]["progress"] is None


def test_newly_appointed_members_and_their_hard_place_tempering(township, county_admin):
    old_team = c.team(township, elected_on=datetime.date(2020, 9, 1))
    team = c.team(township)
    veteran = c.team_member(township, on_team=old_team, started_on=old_team.elected_on)
    c.team_member(township, veteran, on_team=team)  # on the team before: not newly appointed
    posted = c.team_member(township, on_team=team)
    enterprise_only = c.team_member(township, on_team=team)
    in_village = c.team_member(township, on_team=team)
    none = c.team_member(township, on_team=team)
    start = c.earlier_this_year(30)
    c.posting(township, posted, kind=Kind.OTHER, started_on=start)
    c.posting(township, posted, kind=Kind.FIRST_SECRETARY, started_on=start + datetime.timedelta(days=5))
    c.posting(township, enterprise_only, place=c.enterprise(township))  # enterprise service is no hard place
    # An enterprise-service kind of posting cannot go to a village; any posting to a designated
    # village counts, e.g. another frontline tempering there.
    c.posting(township, in_village, kind=Kind.OTHER, place=c.designation(township).organization,
              started_on=start + datetime.timedelta(days=9))

    result = metrics.tempering(county_admin)
    by_cadre = {r["cadre"].pk: r for r in result["rows"]}
    assert set(by_cadre) == {posted.pk, enterprise_only.pk, in_village.pk, none.pk}
    assert by_cadre[posted.pk]["since"] == start
    assert by_cadre[in_village.pk]["since"] == start + datetime.timedelta(days=9)
    assert (result["total"], result["tempered"]) == (4, 2)
    assert {r["cadre"].pk for r in result["not_tempered"]} == {enterprise_only.pk, none.pk}


def test_mentoring_pairs_per_township_and_new_members_without_a_mentor(township, other_township, county_admin):
    team = c.team(township)
    paired, unpaired, ended = (c.team_member(township, on_team=team) for _ in range(3))
    c.mentorship(township, paired)
    pair = c.mentorship(township, ended, ended_on=c.today(), mentor_evaluation="好", mentee_evaluation="好")
    assert not pair.is_active
    c.mentorship(other_township)
    result = metrics.mentoring(county_admin)
    assert result["active"] == 2 and result["newly_appointed"] == 3
    assert {m.cadre_id for m in result["without_mentor"]} == {unpaired.pk, ended.pk}
    rows = {r["township"].pk: r for r in result["rows"]}
    assert (rows[township.pk]["active"], rows[township.pk]["ended"], rows[township.pk]["without_mentor"]) == (1, 1, 2)
    assert rows[other_township.pk]["active"] == 1


def test_designation_grid_places_every_village_with_its_colour(township, county_admin):
    weak = c.designation(township)
    plain = c.village(township)
    c.posting(township, kind=Kind.FIRST_SECRETARY, place=weak.organization)
    grid = metrics.designation_grid(county_admin)
    cells = {cell["pk"]: cell for row in grid["rows"] for cell in row["villages"]}
    assert cells[weak.organization_id]["css"] == Category.WEAK_LAX
    assert len(cells[weak.organization_id]["first_secretaries"]) == 1
    assert cells[plain.pk]["css"] == "none"
    assert grid["rows"][0]["designated"] == 1


def test_figures_cost_the_same_queries_for_more_records(township, county_admin):
    def grow():
        c.work_log(township)
        c.posting(township, c.team_member(township), kind=Kind.OTHER)
        c.mentorship(township)
    grow()
    counts = []
    for _round in range(2):
        with CaptureQueriesContext(connection) as ctx:
            metrics.enterprise_service(county_admin)
            metrics.campaign_overview(county_admin)
            metrics.tempering(county_admin)
            metrics.mentoring(county_admin)
            metrics.designation_grid(county_admin)
        counts.append(len(ctx.captured_queries))
        for _n in range(5):
            grow()
    assert counts[0] == counts[1]


# --- duty credits -----------------------------------------------------------------------------

def _year():
    return datetime.date(c.this_year(), 1, 1), datetime.date(c.this_year(), 12, 31)


def test_postings_credit_liaison_point_and_poverty_alleviation_to_the_right_cadre(township):
    cadre, other = f.CadreFactory(organization=township), f.CadreFactory(organization=township)
    poor = c.designation(township, Category.REGISTERED_POOR).organization
    posting = c.posting(township, cadre, kind=Kind.FIRST_SECRETARY, place=poor)
    c.posting(township, other, place=c.enterprise(township))
    start, end = _year()
    mine = credits.credits_for([cadre.pk], start, end)
    assert {(x.cadre_id, x.duty_key) for x in mine} == {(cadre.pk, duties.LIAISON_POINT),
                                                        (cadre.pk, duties.POVERTY_ALLEVIATION)}
    assert all(x.source == "practice.posting" and x.source_id == posting.pk and x.url == posting.get_url("detail")
               for x in mine)
    assert all(x.date == posting.started_on for x in mine)

    posting.delete()
    assert credits.credits_for([cadre.pk], start, end) == []
    assert [x.duty_key for x in credits.credits_for([other.pk], start, end)] == [duties.LIAISON_POINT]


def test_rectification_credits_the_group_leader_and_members(township):
    group = c.group(township)
    member = c.posting(township, kind=Kind.RECTIFICATION, group=group)
    start, end = _year()
    got = {(x.cadre_id, x.duty_key, x.source) for x in credits.credits_for([group.leader_id, member.cadre_id],
                                                                           start, end)}
    assert got == {(group.leader_id, duties.RECTIFICATION, "practice.rectificationgroup"),
                   (member.cadre_id, duties.RECTIFICATION, "practice.posting")}


def test_a_posting_outside_the_period_credits_nothing_and_a_long_one_credits_each_year(township):
    cadre = f.CadreFactory(organization=township)
    year = c.this_year()
    posting = c.posting(township, cadre, started_on=datetime.date(year - 1, 5, 1))
    last_year = credits.credits_for([cadre.pk], datetime.date(year - 1, 1, 1), datetime.date(year - 1, 12, 31))
    this_year = credits.credits_for([cadre.pk], *_year())
    assert [x.date for x in last_year] == [posting.started_on]
    assert [x.date for x in this_year] == [datetime.date(year, 1, 1)]
    posting.ended_on = datetime.date(year - 1, 12, 31)
    posting.save()
    assert credits.credits_for([cadre.pk], *_year()) == []


def test_credits_cost_the_same_queries_for_more_postings(township):
    cadres = [f.CadreFactory(organization=township) for _ in range(6)]
    c.posting(township, cadres[0])
    with CaptureQueriesContext(connection) as few:
        list(metrics.practice_credits({x.pk for x in cadres}, *_year()))
    for cadre in cadres:
        c.posting(township, cadre, kind=Kind.FIRST_SECRETARY)
        c.group(township, leader=c.team_member(township, cadre))
    with CaptureQueriesContext(connection) as many:
        assert len(list(metrics.practice_credits({x.pk for x in cadres}, *_year()))) >= 12
    assert len(few.captured_queries) == len(many.captured_queries) == 3
