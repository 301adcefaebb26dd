"""Coverage and priority coverage of a plan, and the integrity talks of the newly promoted, worked
out from small hand-built records."""
import datetime

import pytest

from banzi.core.models import Rule
from banzi.talks import metrics
from banzi.talks.models import Talk, TalkPlanEntry
from tests import factories as f
from tests.talks.factories import entry, plan, talk

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2025, 8, 1)
G = TalkPlanEntry.PriorityGroup


@pytest.fixture
def scene(township, other_township):
    """A township plan from 1 March to 30 June with six entries:

    a  newly appointed, talked with by the expected talker on 10 April      → covered
    b  key position, talked with on 5 July (after its 30 June due date)     → covered late
    c  key position, talked with only by someone else (not the talker)      → overdue
    d  no group, talked with on 20 February (before the plan started)       → overdue
    e  no group, talker organization = the township, by a township cadre    → covered
    f  leaving, due 31 August (after today), no talk                        → not yet due
    """
    secretary = f.CadreFactory(organization=township, name="书记")
    outsider = f.CadreFactory(organization=other_township)
    p = plan(township, starts_on=D(2025, 3, 1), due_on=D(2025, 8, 31))
    cadres = {k: f.CadreFactory(organization=township, name=f"干部{k}") for k in "abcdef"}
    entries = {
        "a": entry(township, p, cadres["a"], expected_talker=secretary, priority_group=G.NEWLY_APPOINTED,
                   due_on=D(2025, 6, 30)),
        "b": entry(township, p, cadres["b"], expected_talker=secretary, priority_group=G.KEY_POSITION,
                   due_on=D(2025, 6, 30)),
        "c": entry(township, p, cadres["c"], expected_talker=secretary, priority_group=G.KEY_POSITION,
                   due_on=D(2025, 6, 30)),
        "d": entry(township, p, cadres["d"], expected_talker=secretary, due_on=D(2025, 6, 30)),
        "e": entry(township, p, cadres["e"], talker_organization=township, due_on=D(2025, 6, 30)),
        "f": entry(township, p, cadres["f"], expected_talker=secretary, priority_group=G.LEAVING,
                   due_on=D(2025, 8, 31)),
    }
    talk(township, secretary, cadres["a"], held_on=D(2025, 4, 10))
    talk(township, secretary, cadres["b"], held_on=D(2025, 7, 5))
    talk(township, outsider, cadres["c"], held_on=D(2025, 4, 1))
    talk(township, secretary, cadres["d"], held_on=D(2025, 2, 20))
    talk(township, f.CadreFactory(organization=township), cadres["e"], held_on=D(2025, 5, 5))
    return p, entries


def test_entry_states(scene):
    p, entries = scene
    states = {key: state for key, e in entries.items()
              for state in [metrics.entry_states(list(p.entries.select_related("plan")), TODAY)[e.pk][0]]}
    assert states == {"a": metrics.COVERED, "b": metrics.LATE, "c": metrics.OVERDUE, "d": metrics.OVERDUE,
                      "e": metrics.COVERED, "f": metrics.DUE}


def test_coverage_and_priority_coverage(scene):
    p, _entries = scene
    figures = metrics.plan_coverage(p, today=TODAY)
    # Covered: a, b (late), e → 3 of 6; on time a, e; overdue c, d.
    assert figures["overall"].as_dict() == {"total": 6, "covered": 3, "on_time": 2, "overdue": 2, "rate": 50.0}
    # Priority groups a, b, c, f: covered a and b → 2 of 4.
    assert figures["priority"].as_dict() == {"total": 4, "covered": 2, "on_time": 1, "overdue": 1, "rate": 50.0}
    groups = {k: v.as_dict() for k, v in figures["groups"].items()}
    assert groups[G.NEWLY_APPOINTED] == {"total": 1, "covered": 1, "on_time": 1, "overdue": 0, "rate": 100.0}
    assert groups[G.KEY_POSITION] == {"total": 2, "covered": 1, "on_time": 0, "overdue": 1, "rate": 50.0}
    assert groups[G.LEAVING] == {"total": 1, "covered": 0, "on_time": 0, "overdue": 0, "rate": 0.0}
    assert groups[G.REPORTED_PROBLEMS]["total"] == 0 and groups[G.REPORTED_PROBLEMS]["rate"] is None


def test_coverage_rises_as_talks_are_recorded(scene, township):
    p, entries = scene
    before = metrics.plan_coverage(p, today=TODAY)["overall"].covered
    talk(township, entries["c"].expected_talker, entries["c"].talkee, held_on=D(2025, 7, 20))
    after = metrics.plan_coverage(p, today=TODAY)["overall"]
    assert after.covered == before + 1 and after.rate == round(100 * 4 / 6, 1)


def test_a_talk_after_today_does_not_count(scene, township):
    p, entries = scene
    talk(township, entries["f"].expected_talker, entries["f"].talkee, held_on=D(2025, 8, 5))
    assert metrics.entry_states([entries["f"]], TODAY)[entries["f"].pk][0] == metrics.DUE
    assert metrics.entry_states([entries["f"]], D(2025, 8, 5))[entries["f"].pk][0] == metrics.COVERED


# --- integrity talks ------------------------------------------------------------------------------

@pytest.fixture
def promoted(township):
    """Four newly promoted cadres, promoted on 1 March 2025 (30 days: due 31 March)."""
    talker = f.CadreFactory(organization=township)
    people = {k: f.CadreFactory(organization=township, is_newly_promoted=True, promoted_on=D(2025, 3, 1),
                                name=f"新提拔{k}") for k in ("in_time", "on_due_day", "late", "none", "wrong_kind")}
    talk(township, talker, people["in_time"], held_on=D(2025, 3, 5), kind=Talk.Kind.INTEGRITY)
    talk(township, talker, people["on_due_day"], held_on=D(2025, 3, 31), kind=Talk.Kind.INTEGRITY)
    talk(township, talker, people["late"], held_on=D(2025, 4, 1), kind=Talk.Kind.INTEGRITY)
    talk(township, talker, people["wrong_kind"], held_on=D(2025, 3, 10), kind=Talk.Kind.HEART_TO_HEART)
    f.CadreFactory(organization=township)  # not newly promoted: not listed
    return people


def states(user, today, days=None):
    return {r.cadre.name: r.state for r in metrics.integrity_rows(user, today=today, days=days)}


def test_integrity_states_at_the_boundaries(promoted, county_admin):
    assert metrics.integrity_days() == 30
    # On the due day itself, a cadre without a talk is still in time.
    assert states(county_admin, D(2025, 3, 31)) == {
        "新提拔in_time": metrics.ON_TIME, "新提拔on_due_day": metrics.ON_TIME, "新提拔late": metrics.PENDING,
        "新提拔none": metrics.PENDING, "新提拔wrong_kind": metrics.PENDING}
    # The day after, those without one are listed as missing; a talk on day 31 is late.
    after = states(county_admin, D(2025, 4, 1))
    assert after["新提拔late"] == metrics.HELD_LATE
    assert after["新提拔none"] == after["新提拔wrong_kind"] == metrics.MISSING
    summary = metrics.integrity_summary(metrics.integrity_rows(county_admin, today=D(2025, 4, 1)))
    assert summary == {"total": 5, "on_time": 2, "late": 1, "pending": 0, "missing": 2}


def test_integrity_days_come_from_the_rule(promoted, county_admin):
    Rule.objects.create(key=metrics.INTEGRITY_RULE, value={"days_after_promotion": 31})
    assert metrics.integrity_days() == 31
    assert states(county_admin, D(2025, 4, 2))["新提拔late"] == metrics.ON_TIME


def test_integrity_rows_are_scoped(promoted, other_township, township_admin, other_township_admin):
    f.CadreFactory(organization=other_township, is_newly_promoted=True, promoted_on=D(2025, 3, 1), name="外镇新提拔")
    assert "外镇新提拔" not in states(township_admin, D(2025, 5, 1))
    assert set(states(other_township_admin, D(2025, 5, 1))) == {"外镇新提拔"}


def test_dashboard_card_and_action(scene, township, township_admin, cadre_user):
    p, _entries = scene
    cards = metrics.talk_cards(township_admin)
    overall = metrics.plan_coverage(p, township_admin)["overall"].display()
    assert cards[0]["value"] == overall and cards[0]["url"] == p.get_absolute_url()
    f.CadreFactory(organization=township, is_newly_promoted=True, promoted_on=D(2024, 1, 1), name="未谈廉政")
    action = metrics.integrity_talks_missing(township_admin)
    assert action[0]["count"] == 1 and action[0]["items"][0]["label"] == "未谈廉政"
    assert metrics.talk_cards(cadre_user) == [] and metrics.integrity_talks_missing(cadre_user) == []
