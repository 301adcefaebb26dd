"""The practice figures the dashboard shows, counted by the database: the same numbers as the
posting rows and the tempering list give, on edges the first tests do not have, and a number of
queries that does not grow with the records."""
import datetime

import pytest

from banzi.practice import metrics
from banzi.practice.models import Mentorship, Posting, WorkLog
from tests import factories as f
from tests.practice import cases as c

pytestmark = pytest.mark.django_db
Kind = Posting.Kind


def active_postings(user, kind):
    today = c.today()
    return [p for p in Posting.objects.visible_to(user).filter(kind=kind)
            if p.started_on <= today and (p.ended_on is None or p.ended_on >= today)]


def grow(township, more):
    """`more` enterprise postings (every other one with two work logs), first secretaries and new
    team members, half of them tempered in a hard place."""
    team = c.team(township)
    for i in range(more):
        posting = c.posting(township, kind=Kind.ENTERPRISE)
        if i % 2:
            for found in (1, 2):
                WorkLog.objects.create(posting=posting, logged_on=posting.started_on, problems_found=found,
                                       problems_solved=found - 1, visits=found, content="走访")
        c.posting(township, kind=Kind.FIRST_SECRETARY)
        member = c.team_member(township, on_team=team)
        if i % 2:
            c.posting(township, member, kind=Kind.OTHER)


def test_the_cards_count_what_the_postings_show(township, other_township, county_admin, township_admin):
    member = c.team_member(township)
    e1 = c.enterprise(township)
    c.posting(township, member, place=e1)
    c.posting(township, member, place=c.enterprise(township))  # one cadre, two enterprises
    c.posting(township, place=e1)  # two cadres, one enterprise
    c.posting(other_township, kind=Kind.ENTERPRISE)
    c.posting(township, kind=Kind.ENTERPRISE, started_on=c.days_ago(30), ended_on=c.days_ago(1))  # ended
    c.posting(township, kind=Kind.ENTERPRISE, started_on=c.days_ago(30), ended_on=c.today())  # ends today: serving
    c.posting(township, kind=Kind.FIRST_SECRETARY)
    c.posting(township, kind=Kind.FIRST_SECRETARY, started_on=c.days_ago(30), ended_on=c.days_ago(1))
    for user in (county_admin, township_admin):
        cards = {card["label"]: card["value"] for card in metrics.practice_cards(user)}
        enterprise = active_postings(user, Kind.ENTERPRISE)
        assert cards["Cadres serving enterprises"] == len({p.cadre_id for p in enterprise})
        assert cards["Enterprises served"] == len({p.organization_id for p in enterprise})
        assert cards["First secretaries serving"] == len(active_postings(user, Kind.FIRST_SECRETARY))
        summary = metrics.enterprise_service(user)
        assert (summary["cadres"], summary["enterprises"], summary["postings"]) == (
            cards["Cadres serving enterprises"], cards["Enterprises served"], len(enterprise))


def test_enterprise_service_edges(township, other_township, county_admin):
    """A township without postings has a row of zeros; postings without work logs count no problems;
    a reserve cadre who also sits on the team counts once."""
    both = c.team_member(township, f.CadreFactory(organization=township, is_reserve=True))
    c.posting(township, both)
    c.posting(township, both)
    summary = metrics.enterprise_service(county_admin)
    rows = {r["township"].pk: r for r in summary["by_township"]}
    assert rows[other_township.pk] == {"township": other_township, "cadres": 0, "enterprises": 0, "found": 0,
                                       "solved": 0, "visits": 0}
    assert (summary["found"], summary["solved"], summary["visits"]) == (0, 0, 0)
    assert summary["leading_or_reserve"] == 1 and summary["per_cadre"][0]["leading"] is True
    assert all(e["found"] == 0 and e["solved"] == 0 for e in summary["per_enterprise"])


def test_the_untempered_to_do_lists_what_the_tempering_page_lists(township, county_admin, township_admin,
                                                                  other_township_admin):
    grow(township, 4)
    for user in (county_admin, township_admin, other_township_admin):
        missing = metrics.tempering(user)["not_tempered"]
        action = metrics.untempered_new_members(user)
        if not missing:
            assert action == []
            continue
        assert action[0]["count"] == len(missing)
        assert [item["label"] for item in action[0]["items"]] == [
            str(r["cadre"]) for r in missing[:metrics.ITEMS_SHOWN]]
        assert [item["note"] for item in action[0]["items"]] == [
            str(r["township"]) for r in missing[:metrics.ITEMS_SHOWN]]
    assert metrics.untempered_new_members(other_township_admin) == []


def test_the_dashboard_entries_cost_fixed_queries_for_more_records(township, county_admin, cadre_user,
                                                                  django_assert_max_num_queries):
    for more in (2, 12):
        grow(township, more)
        with django_assert_max_num_queries(1):
            cards = metrics.practice_cards(county_admin)
        assert cards[0]["value"] == len({p.cadre_id for p in active_postings(county_admin, Kind.ENTERPRISE)})
        with django_assert_max_num_queries(2):
            action = metrics.untempered_new_members(county_admin)
        assert action[0]["count"] == len(metrics.tempering(county_admin)["not_tempered"])
        with django_assert_max_num_queries(7):
            summary = metrics.enterprise_service(county_admin)
        logs = WorkLog.objects.filter(posting__in=active_postings(county_admin, Kind.ENTERPRISE))
        assert summary["found"] == sum(log.problems_found for log in logs)
        assert summary["visits"] == sum(log.visits for log in logs)
    with django_assert_max_num_queries(0):
        assert metrics.practice_cards(cadre_user) == [] and metrics.untempered_new_members(cadre_user) == []


def test_a_posting_that_starts_tomorrow_is_not_serving_yet(township, county_admin):
    c.posting(township, kind=Kind.ENTERPRISE, started_on=c.today() + datetime.timedelta(days=1))
    cards = {card["label"]: card["value"] for card in metrics.practice_cards(county_admin)}
    assert cards["Cadres serving enterprises"] == len(active_postings(county_admin, Kind.ENTERPRISE)) == 0


def test_tempering_takes_the_earliest_hard_posting(township, county_admin):
    team = c.team(township)
    member = c.team_member(township, on_team=team)
    start = c.earlier_this_year(60)
    c.posting(township, member, kind=Kind.ENTERPRISE, started_on=start)  # earliest, but no hard place
    later = c.posting(township, member, kind=Kind.FIRST_SECRETARY, started_on=start + datetime.timedelta(days=20))
    earlier = c.posting(township, member, kind=Kind.OTHER, started_on=start + datetime.timedelta(days=10))
    row = next(r for r in metrics.tempering(county_admin)["rows"] if r["cadre"] == member)
    first = min(list(metrics.hard_postings([member.pk])), key=lambda p: (p.started_on, p.pk))
    assert row["posting"] == first == earlier != later and row["since"] == earlier.started_on


def test_mentoring_counts_match_its_lists(township, other_township, county_admin, township_admin,
                                          django_assert_max_num_queries):
    for more in (2, 10):
        team = c.team(township)
        for i in range(more):
            member = c.team_member(township if i % 3 else other_township, on_team=team if i % 3 else None)
            if i % 2:
                c.mentorship(township, member)
            elif i % 5 == 0:
                c.mentorship(township, member, ended_on=c.today(), mentor_evaluation="好", mentee_evaluation="好")
        for user in (county_admin, township_admin):
            with django_assert_max_num_queries(5):
                result = metrics.mentoring(user)
            members = list(metrics.newly_appointed(user))
            assert result["newly_appointed"] == len(members) == metrics.tempering(user)["total"]
            assert sum(r["without_mentor"] for r in result["rows"]) == len(result["without_mentor"])
            mentored = {m.mentee_id for m in Mentorship.objects.all() if m.is_active}
            assert [m.pk for m in result["without_mentor"]] == [m.pk for m in members if m.cadre_id not in mentored]
