"""The talk figures as the database counts them: the same answers as the entry-by-entry and
cadre-by-cadre definitions (`entry_states`, `integrity_rows`), on edges the hand-built scene of
test_metrics.py does not have, and a number of queries that does not grow with the records."""
import datetime

import pytest

from banzi.core import clock
from banzi.org.models import Cadre
from banzi.talks import metrics
from banzi.talks.models import Talk, TalkPlanEntry
from tests import factories as f
from tests.talks.factories import entry, plan, talk

pytestmark = pytest.mark.django_db

D = datetime.date
G = TalkPlanEntry.PriorityGroup
TODAY = D(2025, 8, 1)


def coverage_from_states(p, today, user=None):
    """The plan's coverage recomputed entry by entry from `entry_states`, the definition."""
    entries = p.entries.all() if user is None else TalkPlanEntry.objects.visible_to(user).filter(plan=p)
    entries = list(entries.select_related("plan"))
    states = metrics.entry_states(entries, today)
    overall, priority = metrics.Coverage(), metrics.Coverage()
    groups = {value: metrics.Coverage() for value, _label in G.choices if value}
    for e in entries:
        overall.add(states[e.pk][0])
        if e.priority_group:
            priority.add(states[e.pk][0])
            groups[e.priority_group].add(states[e.pk][0])
    return {"overall": overall.as_dict(), "priority": priority.as_dict(),
            "groups": {k: v.as_dict() for k, v in groups.items()}}


def as_dicts(figures):
    return {"overall": figures["overall"].as_dict(), "priority": figures["priority"].as_dict(),
            "groups": {k: v.as_dict() for k, v in figures["groups"].items()}}


@pytest.fixture
def edges(township, other_township):
    """Entries whose talker side is matched in ways the first scene does not try:

    both     expected talker and talker organization named: only the expected talker counts
    village  talker organization a village: its own cadre counts, a township cadre does not
    below    talker organization the township: a cadre working in one of its villages counts
    twice    two talks by the expected talker, the first after the due date: covered late (the first one)
    early    a talk on the plan's first day counts
    future   a talk after today does not count yet
    """
    village = f.VillageFactory(parent=township)
    secretary = f.CadreFactory(organization=township)
    township_cadre = f.CadreFactory(organization=township)
    village_cadre = f.CadreFactory(organization=village)
    p = plan(township, starts_on=D(2025, 3, 1), due_on=D(2025, 6, 30))
    people = {k: f.CadreFactory(organization=township, name=f"对象{k}")
              for k in ("both", "village", "village_no", "below", "twice", "early", "future")}
    made = {
        "both": entry(township, p, people["both"], expected_talker=secretary, talker_organization=township,
                      priority_group=G.KEY_POSITION),
        "village": entry(township, p, people["village"], talker_organization=village,
                         priority_group=G.NEWLY_APPOINTED),
        "village_no": entry(township, p, people["village_no"], talker_organization=village),
        "below": entry(township, p, people["below"], talker_organization=township, priority_group=G.LEAVING),
        "twice": entry(township, p, people["twice"], expected_talker=secretary, due_on=D(2025, 4, 30),
                       priority_group=G.KEY_POSITION),
        "early": entry(township, p, people["early"], expected_talker=secretary),
        "future": entry(township, p, people["future"], expected_talker=secretary, due_on=D(2025, 7, 1)),
    }
    talk(township, township_cadre, people["both"], held_on=D(2025, 4, 1))
    talk(township, village_cadre, people["village"], held_on=D(2025, 4, 2))
    talk(township, township_cadre, people["village_no"], held_on=D(2025, 4, 3))
    talk(township, village_cadre, people["below"], held_on=D(2025, 4, 4))
    talk(township, secretary, people["twice"], held_on=D(2025, 5, 10))
    talk(township, secretary, people["twice"], held_on=D(2025, 6, 10))
    talk(township, secretary, people["early"], held_on=D(2025, 3, 1))
    talk(township, secretary, people["future"], held_on=D(2025, 8, 5))
    # Another plan's entry for the same talkee, in another township: never mixed into this plan.
    entry(other_township, plan(other_township, starts_on=D(2025, 5, 1)), people["both"],
          expected_talker=f.CadreFactory(organization=other_township))
    return p, made


def test_database_states_match_the_entry_by_entry_states(edges):
    p, made = edges
    by_entry = metrics.entry_states(list(p.entries.select_related("plan")), TODAY)
    in_sql = dict(metrics.with_states(p.entries.all(), TODAY).values_list("pk", "state"))
    assert in_sql == {pk: state for pk, (state, _talk) in by_entry.items()}
    assert {key: in_sql[e.pk] for key, e in made.items()} == {
        "both": metrics.OVERDUE, "village": metrics.COVERED, "village_no": metrics.OVERDUE,
        "below": metrics.COVERED, "twice": metrics.LATE, "early": metrics.COVERED, "future": metrics.OVERDUE}


def test_coverage_counted_by_the_database_matches_the_definition(edges, township_admin, other_township_admin):
    p, _made = edges
    for today in (D(2025, 3, 1), D(2025, 4, 30), TODAY, D(2025, 8, 5)):
        assert as_dicts(metrics.plan_coverage(p, today=today)) == coverage_from_states(p, today)
        assert as_dicts(metrics.plan_coverage(p, township_admin, today)) == coverage_from_states(p, today,
                                                                                                 township_admin)
    # Outside the plan's township nothing is visible: an empty coverage, not an error.
    outside = metrics.plan_coverage(p, other_township_admin, TODAY)
    assert outside["overall"].total == 0 and outside["overall"].display() == "—"


def test_a_plan_without_entries_has_no_rate(township):
    figures = metrics.plan_coverage(plan(township), today=TODAY)
    assert figures["overall"].as_dict() == {"total": 0, "covered": 0, "on_time": 0, "overdue": 0, "rate": None}
    assert figures["priority"].rate is None and all(g.total == 0 for g in figures["groups"].values())


def grow_plan(township, p, count):
    """`count` more entries, a third of them talked with, alternating priority groups."""
    talker = f.CadreFactory(organization=township)
    groups = [value for value, _label in G.choices]
    for i in range(count):
        e = entry(township, p, expected_talker=talker, priority_group=groups[i % len(groups)],
                  due_on=clock.today() - datetime.timedelta(days=i % 3))
        if i % 3 == 0:
            talk(township, talker, e.talkee, held_on=clock.today() - datetime.timedelta(days=i % 5))


def test_coverage_and_the_card_cost_fixed_queries_for_more_entries(township, township_admin,
                                                                  django_assert_max_num_queries):
    p = plan(township, starts_on=clock.today() - datetime.timedelta(days=60), due_on=clock.today())
    for more in (3, 30):
        grow_plan(township, p, more)
        with django_assert_max_num_queries(1):
            figures = metrics.plan_coverage(p, township_admin)
        assert as_dicts(figures) == coverage_from_states(p, clock.today(), township_admin)
        with django_assert_max_num_queries(2):
            cards = metrics.talk_cards(township_admin)
        assert cards[0]["value"] == figures["overall"].display()
        assert cards[1]["value"] == figures["priority"].display()


# --- integrity talks ------------------------------------------------------------------------------

@pytest.fixture
def promoted(township):
    """Newly promoted cadres (promoted 1 March 2025, 30 days: due 31 March) with talks that test
    the edges: before the promotion, of another kind, two talks, one after the day looked at."""
    talker = f.CadreFactory(organization=township)
    people = {k: f.CadreFactory(organization=township, is_newly_promoted=True, promoted_on=D(2025, 3, 1),
                                name=f"新提拔{k}")
              for k in ("before", "two", "late_only", "none", "future", "other_kind")}
    talk(township, talker, people["before"], held_on=D(2025, 2, 20), kind=Talk.Kind.INTEGRITY)
    talk(township, talker, people["two"], held_on=D(2025, 4, 10), kind=Talk.Kind.INTEGRITY)
    talk(township, talker, people["two"], held_on=D(2025, 3, 20), kind=Talk.Kind.INTEGRITY)
    talk(township, talker, people["late_only"], held_on=D(2025, 4, 10), kind=Talk.Kind.INTEGRITY)
    talk(township, talker, people["future"], held_on=D(2025, 6, 1), kind=Talk.Kind.INTEGRITY)
    talk(township, talker, people["other_kind"], held_on=D(2025, 3, 2), kind=Talk.Kind.COUNSELLING)
    # Not counted: no promotion date, no longer active, not newly promoted.
    f.CadreFactory(organization=township, is_newly_promoted=True, promoted_on=None)
    f.CadreFactory(organization=township, is_newly_promoted=True, promoted_on=D(2025, 3, 1),
                   status=Cadre.Status.ARCHIVED)
    f.CadreFactory(organization=township, promoted_on=D(2025, 3, 1))
    return people


def test_integrity_counts_match_the_rows(promoted, county_admin, township_admin, other_township_admin):
    for today in (D(2025, 3, 1), D(2025, 3, 31), D(2025, 4, 1), D(2025, 4, 10), D(2025, 7, 1)):
        for user in (county_admin, township_admin, other_township_admin):
            rows = metrics.integrity_rows(user, today=today)
            assert metrics.integrity_counts(user, today=today) == metrics.integrity_summary(rows)
            assert list(metrics.missing_integrity_talks(user, today=today)) == [
                r.cadre for r in rows if r.state == metrics.MISSING]
    states = {r.cadre.name: r.state for r in metrics.integrity_rows(county_admin, today=D(2025, 5, 1))}
    assert states == {"新提拔before": metrics.MISSING, "新提拔two": metrics.ON_TIME,
                      "新提拔late_only": metrics.HELD_LATE, "新提拔none": metrics.MISSING,
                      "新提拔future": metrics.MISSING, "新提拔other_kind": metrics.MISSING}


def test_integrity_counts_follow_the_rule(promoted, county_admin):
    for days in (0, 9, 40, 41):
        rows = metrics.integrity_rows(county_admin, today=D(2025, 4, 10), days=days)
        assert metrics.integrity_counts(county_admin, today=D(2025, 4, 10), days=days) == \
            metrics.integrity_summary(rows)


def test_the_integrity_action_costs_fixed_queries_for_more_cadres(township, township_admin, cadre_user,
                                                                 django_assert_max_num_queries):
    long_ago = clock.today() - datetime.timedelta(days=400)
    for more in (2, 20):
        for i in range(more):
            cadre = f.CadreFactory(organization=township, is_newly_promoted=True, promoted_on=long_ago)
            if i % 2:
                talk(township, None, cadre, held_on=long_ago + datetime.timedelta(days=5), kind=Talk.Kind.INTEGRITY)
        with django_assert_max_num_queries(3):
            action = metrics.integrity_talks_missing(township_admin)
        missing = [r for r in metrics.integrity_rows(township_admin) if r.state == metrics.MISSING]
        assert action[0]["count"] == len(missing)
        assert [item["label"] for item in action[0]["items"]] == [r.cadre.name for r in missing[:5]]
    with django_assert_max_num_queries(0):
        assert metrics.integrity_talks_missing(cadre_user) == []
