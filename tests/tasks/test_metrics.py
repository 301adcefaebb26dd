"""Task states, the implementation rate, on-time rates per township and person, overdue items,
problems opened and closed, battle-map data and the dashboard figures, against numbers worked out
by hand in tests/tasks/scenario.py."""
import pytest
from django.utils import translation

from banzi.core import metrics as registry
from banzi.core.models import Rule
from banzi.core.roles import Role
from banzi.tasks import metrics
from banzi.tasks.metrics import Period
from tests import factories as f

from .boards_data import D, at, item, milestone, task
from .scenario import NOW, TODAY, build

pytestmark = pytest.mark.django_db
YEAR = Period.year(2026)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def sc(township, other_township):
    return build(township, other_township)


def entries_of(user):
    return {e.title: e for e in metrics.collect(user, YEAR, today=TODAY, now=NOW)}


def test_task_states(sc):
    states = {k: metrics.task_state(t, TODAY) for k, t in sc.tasks.items()}
    assert states == {
        "T1": "done", "T2": "done", "T3": "overdue", "T4": "on_track", "T5": "at_risk", "T6": "at_risk",
        "T7": "done", "T8": "cancelled", "T9": "done",
    }


def test_expected_progress_is_the_straight_line(sc):
    # 1 Jan → 31 Dec is 364 days; 29 Nov is day 332: 332 / 364 = 91.2%.
    assert metrics.expected_progress(sc.tasks["T4"], TODAY) == 91
    assert metrics.expected_progress(sc.tasks["T4"], D(2025, 12, 1)) == 0


def test_a_task_due_today_is_not_yet_overdue(township):
    t = task(organization=township, start_on=D(2026, 11, 1), deadline=TODAY, progress=100)
    assert metrics.task_state(t, TODAY) == "on_track"
    assert metrics.task_state(t, D(2026, 11, 30)) == "overdue"


def test_at_risk_threshold_is_a_rule(sc):
    t5 = sc.tasks["T5"]  # expected 91, progress 10: lags by 81 points
    Rule.objects.create(key=metrics.PROGRESS_RULE, value={"at_risk_lag": 85})
    assert metrics.task_state(t5, TODAY) == "on_track"
    assert metrics.task_state(t5, TODAY, at_risk_lag=80) == "at_risk"


def test_a_missed_milestone_puts_a_task_at_risk(township):
    t = task(organization=township, start_on=D(2026, 11, 1), deadline=D(2026, 12, 31), progress=50)
    m = milestone(t, D(2026, 11, 20))
    assert metrics.task_state(t, TODAY) == "at_risk"
    m.done_on = D(2026, 11, 21)
    m.save()
    t = type(t).objects.get(pk=t.pk)
    assert metrics.task_state(t, TODAY) == "on_track"


def test_entries_states_and_supervised_item_deadlines(sc, county_admin):
    e = entries_of(county_admin)
    assert set(e) == {f"T{n}" for n in range(1, 10)} | {"S1", "S2"}
    assert e["S1"].state == "overdue" and e["S1"].deadline == D(2026, 11, 23)
    assert e["S2"].state == "done" and e["S2"].on_time and e["S2"].progress == 100
    assert e["T2"].is_done and not e["T2"].on_time
    assert metrics.state_counts(e.values()) == {"on_track": 1, "at_risk": 2, "overdue": 2, "done": 5, "cancelled": 1}


def test_implementation_rate_county_and_per_township(sc, county_admin):
    entries = list(entries_of(county_admin).values())
    county = metrics.implementation_rate(entries, YEAR, TODAY)
    assert (county.due, county.on_time, county.percent) == (7, 4, 57.1)
    rates = metrics.rates_by(entries, lambda e: e.township_id, YEAR, TODAY)
    assert (rates[sc.a.pk].due, rates[sc.a.pk].on_time, rates[sc.a.pk].percent) == (4, 2, 50.0)
    assert (rates[sc.b.pk].due, rates[sc.b.pk].on_time, rates[sc.b.pk].percent) == (3, 2, 66.7)


def test_on_time_rate_per_person_and_ranking(sc, county_admin):
    entries = list(entries_of(county_admin).values())
    rates = metrics.rates_by(entries, lambda e: e.person_id, YEAR, TODAY)
    assert rates[sc.a1.pk].percent == 50.0  # T1, S2 on time of T1, T2, T3, S2
    assert rates[sc.a2.pk].due == 0 and rates[sc.a2.pk].percent is None
    assert rates[sc.a2.pk].display() == "—"
    rows = metrics.ranked([{"name": c.name, "rate": rates[c.pk]} for c in (sc.a1, sc.a2, sc.b1)])
    assert [(r["name"], r["rank"]) for r in rows] == [("赵三", 1), ("张一", 2), ("王二", None)]


def test_a_shorter_period_counts_only_its_deadlines(sc, county_admin):
    first_half = Period(D(2026, 1, 1), D(2026, 6, 30))
    entries = metrics.collect(county_admin, first_half, today=TODAY, now=NOW)
    rate = metrics.implementation_rate(entries, first_half, TODAY)
    assert (rate.due, rate.on_time) == (2, 2)  # T1 and T7; T8 was cancelled


def test_overdue_items(sc, county_admin):
    assert sorted(e.title for e in metrics.overdue(entries_of(county_admin).values())) == ["S1", "T3"]


def test_problems_opened_and_closed_in_a_period(sc, county_admin):
    november = Period(D(2026, 11, 1), D(2026, 11, 30))
    problems = metrics.problems_in_period(county_admin, november)
    assert {p.pk for p in problems} == {sc.problems[k].pk for k in ("P1", "P2", "P3")}
    counts = metrics.problem_counts(problems, november, metrics.problem_township)
    assert (counts[sc.a.pk].opened, counts[sc.a.pk].closed) == (1, 1)
    assert (counts[sc.b.pk].opened, counts[sc.b.pk].closed) == (1, 1)
    total = metrics.problem_counts(problems, november)[None]
    assert (total.opened, total.closed) == (2, 2)
    past = metrics.problems_past_deadline(county_admin, TODAY)
    assert [p.pk for p in past] == [sc.problems["P4"].pk]


def test_scope_township_admin_and_cadre(sc, township_admin):
    assert set(entries_of(township_admin)) == {"T1", "T2", "T3", "T4", "T5", "T6", "S2"}
    user = f.UserFactory(username="zhang", role=Role.CADRE, cadre=sc.a2)
    assert set(entries_of(user)) == {"T4", "T5", "T6"}


def test_battle_map_levels(sc, county_admin):
    county = metrics.battle_map(county_admin, today=TODAY, now=NOW)
    assert county["scope"]["level"] == "county"
    assert county["rate"] == {"due": 7, "on_time": 4, "percent": 57.1, "target": 100}
    groups = {g["name"]: g for g in county["groups"]}
    assert groups["新城镇"]["rate"]["percent"] == 50.0 and groups["赵康镇"]["rate"]["percent"] == 66.7
    assert groups["新城镇"]["counts"]["at_risk"] == 2
    assert {i["title"] for i in county["items"]} == {"S1", "T3"}  # the county lists what is overdue
    township = metrics.battle_map(county_admin, township=sc.a, today=TODAY, now=NOW)
    people = {g["name"]: g for g in township["groups"]}
    assert people["张一"]["rate"]["percent"] == 50.0 and people["王二"]["rate"]["percent"] is None
    assert len(township["items"]) == 7
    t6 = next(i for i in township["items"] if i["title"] == "T6")
    assert t6["colour"] == metrics.state_colour("at_risk")
    assert t6["milestones"] == [{"title": "节点", "due": "2026-11-15", "done": None, "state": "overdue"}]
    person = metrics.battle_map(county_admin, cadre=sc.b1, today=TODAY, now=NOW)
    assert {i["title"] for i in person["items"]} == {"T7", "T8", "T9", "S1"}
    assert person["rate"]["percent"] == 66.7
    s1 = next(i for i in person["items"] if i["title"] == "S1")
    assert [m["state"] for m in s1["milestones"]] == ["done", "overdue"]  # deployed; first report missed


def test_dashboard_figures(sc, county_admin, township_admin, auditor, travel):
    travel.move_to(NOW)
    cards = {c["label"]: c["value"] for c in registry.cards_for(county_admin)}
    assert cards["Implementation rate 2026 (target 100%)"] == "57.1%"
    assert cards["Overdue tasks and supervised items"] == 2
    township_cards = {c["label"]: c["value"] for c in registry.cards_for(township_admin)}
    assert township_cards["Implementation rate 2026 (target 100%)"] == "50%"
    actions = {a["label"]: a for a in registry.actions_for(county_admin)}
    assert actions["Overdue tasks and supervised items"]["count"] == 2
    assert actions["Problems past their rectification deadline"]["count"] == 1
    assert not any("Implementation rate" in c["label"] for c in registry.cards_for(auditor))


def test_close_out_waiting_for_the_assigner(sc, county_admin):
    s2 = sc.items["S2"]
    assert list(metrics.awaiting_close_out(county_admin)) == []
    assert list(metrics.awaiting_close_out(s2.assigned_by)) == [s2]
    actions = {a["label"]: a for a in registry.actions_for(s2.assigned_by)}
    assert actions["Supervised items awaiting your close-out"]["count"] == 1


def test_collect_runs_a_fixed_number_of_queries(township, county_admin, django_assert_max_num_queries):
    for n in range(3):
        t = task(organization=township, deadline=D(2026, 12, 1))
        milestone(t, D(2026, 11, 1))
        item(organization=township, assigned_at=at(2026, 11, 1 + n, 9))
    # rule ×2, tasks, milestones, items, reports, calendar years, calendar days
    with django_assert_max_num_queries(8):
        entries = metrics.collect(county_admin, YEAR, today=TODAY, now=NOW)
    assert len(entries) == 6
