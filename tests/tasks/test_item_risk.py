"""A supervised (13710) item is at risk only when its time runs ahead of its work (issue 16): the
share of its time elapsed, from the day of assignment to the day it is due to be done, exceeds its
latest reported percent by more than the progress rule's margin. A new item is on track — a stage
falling due soon is a reminder, not a risk — and the clock (`clock13710.item_state`), the entries
(`collect`, `few_entries`) and the figures counted in SQL (`summary`, the battle map, the home
page's card) say the same. Every time is taken from the pinned clock."""
import datetime
import math
from fractions import Fraction

import pytest

from banzi.core import clock
from banzi.core.models import Rule
from banzi.core.workdays import end_of_day
from banzi.tasks import clock13710, metrics, services
from banzi.tasks.models import SupervisedItem
from tests import factories as f

pytestmark = pytest.mark.django_db
COMPLEX = SupervisedItem.ItemClass.COMPLEX


def assign(user, township, days_ago=0, deployed=True, **fields):
    """An item assigned `days_ago` days before now through the services, deployed and first reported
    an hour after (unless `deployed` is false), for a cadre of its own."""
    assigned_at = clock.now() - datetime.timedelta(days=days_ago)
    obj = services.assign_item(user, SupervisedItem(
        title=f"督办事项{days_ago}", organization=township, assignee=f.CadreFactory(organization=township),
        assigned_at=assigned_at if days_ago else None, **fields))
    if deployed:
        services.record_deployment(user, obj, content="已部署", at=assigned_at + datetime.timedelta(hours=1))
        services.add_report(user, obj, content="已启动", at=assigned_at + datetime.timedelta(hours=2))
    return SupervisedItem.objects.get(pk=obj.pk)


def elapsed_share(obj):
    """The share of the item's time elapsed today, in percent (whole days, as the rule counts it)."""
    start = clock.local_date(obj.assigned_at)
    done = next(s for s in clock13710.stages(obj) if s.name == "done")
    return Fraction(100 * (clock.today() - start).days, (done.due_on - start).days)


def lag():
    return metrics.progress_rule()["at_risk_lag"]


def states(user, obj):
    """The item's state by every path: the clock, `collect()`'s entry, `few_entries`' entry, and the
    counts of `summary()` in SQL (the item is its assignee's only work)."""
    period = metrics.Period.year(clock.today().year)
    entry = next(e for e in metrics.collect(user, period) if e.kind == "supervised" and e.obj.pk == obj.pk)
    few = metrics.few_entries(user, period, 500, cadre=obj.assignee)
    counts = metrics.summary(user, period, cadre=obj.assignee).total().counts
    return {
        "clock": clock13710.item_state(SupervisedItem.objects.get(pk=obj.pk)),
        "entry": entry.state,
        "few_entries": next(e.state for e in few.entries if e.obj.pk == obj.pk),
        "sql": [state for state, n in counts.items() for _ in range(n)],
    }


def agreed(found):
    """The one state all paths give."""
    assert found["sql"] == [found["clock"]] and found["entry"] == found["few_entries"] == found["clock"], found
    return found["clock"]


def at_risk_card(user):
    cards = {str(card["label"]): card["value"] for card in metrics.work_cards(user)}
    return cards["At-risk tasks and supervised items"]


def test_a_new_item_is_on_track_and_at_risk_nowhere(township, county_admin):
    obj = assign(county_admin, township, deployed=False)
    # Its deployment falls due by the end of the next working day (the reminders' business), yet it
    # is not at risk.
    item_clock = clock13710.Clock.for_items([obj])
    deploy = next(s for s in item_clock.stages(obj) if s.name == "deploy")
    assert deploy.is_open and deploy.due_at <= end_of_day(item_clock.calendar.add_working_days(clock.today(), 1))
    assert agreed(states(county_admin, obj)) == clock13710.ON_TRACK
    county = metrics.battle_map(county_admin)
    assert county["total"] == 1 and county["counts"][metrics.ON_TRACK] == 1
    assert county["counts"][metrics.AT_RISK] == 0
    assert all(group["counts"][metrics.AT_RISK] == 0 for group in county["groups"])
    for data in (metrics.battle_map(county_admin, township=township),
                 metrics.battle_map(county_admin, cadre=obj.assignee)):
        assert data["counts"][metrics.AT_RISK] == 0
        assert [(i["id"], i["state"]) for i in data["items"]] == [(obj.pk, metrics.ON_TRACK)]
    assert at_risk_card(county_admin) == 0


@pytest.mark.parametrize("margin", [None, 0, 35])
def test_at_risk_when_the_elapsed_share_outruns_the_progress_by_more_than_the_margin(township, county_admin,
                                                                                     margin):
    if margin is not None:
        Rule.objects.create(key=metrics.PROGRESS_RULE, value={"at_risk_lag": margin})
    behind = assign(county_admin, township, days_ago=15, item_class=COMPLEX)
    within = assign(county_admin, township, days_ago=15, item_class=COMPLEX)
    share = elapsed_share(behind)
    assert 0 < share < 100
    # The lowest percent within the margin (share − percent ≤ lag), and one point below it.
    enough = math.ceil(share - lag())
    assert 1 <= enough <= 100
    now = clock.now()
    services.add_report(county_admin, behind, content="推进中", percent=enough - 1, at=now)
    services.add_report(county_admin, within, content="推进中", percent=enough, at=now)
    assert share - (enough - 1) > lag() >= share - enough
    assert agreed(states(county_admin, behind)) == clock13710.AT_RISK
    assert agreed(states(county_admin, within)) == clock13710.ON_TRACK
    data = metrics.battle_map(county_admin, township=township)
    assert data["counts"][metrics.AT_RISK] == 1 and data["counts"][metrics.ON_TRACK] == 1
    assert at_risk_card(county_admin) == 1


def test_no_report_counts_as_no_progress(township, county_admin):
    obj = assign(county_admin, township, days_ago=15, item_class=COMPLEX)
    assert elapsed_share(obj) > lag()
    assert agreed(states(county_admin, obj)) == clock13710.AT_RISK


def test_a_report_raising_the_percent_takes_the_item_off_risk(township, county_admin, travel):
    obj = assign(county_admin, township, days_ago=15, item_class=COMPLEX)
    share = elapsed_share(obj)
    services.add_report(county_admin, obj, content="推进缓慢", percent=0, at=clock.now())
    assert agreed(states(county_admin, obj)) == clock13710.AT_RISK
    assert at_risk_card(county_admin) == 1
    travel.shift(datetime.timedelta(minutes=1))  # a later report: the latest one counts
    services.add_report(county_admin, obj, content="加快推进", percent=math.ceil(share), at=clock.now())
    assert agreed(states(county_admin, obj)) == clock13710.ON_TRACK
    assert at_risk_card(county_admin) == 0


def test_an_overdue_item_stays_overdue_whatever_its_progress(township, county_admin):
    obj = assign(county_admin, township, days_ago=40)
    done = next(s for s in clock13710.stages(obj) if s.name == "done")
    assert done.due_at < clock.now()
    services.add_report(county_admin, obj, content="基本完成", percent=100, at=clock.now())
    assert agreed(states(county_admin, obj)) == clock13710.ITEM_OVERDUE
    assert at_risk_card(county_admin) == 0


def test_the_ceiling_counts_whole_days_from_assignment_to_the_deadline():
    start = clock.today()
    deadline = start + datetime.timedelta(days=10)
    margin = lag()
    for days in range(-1, 13):
        today = start + datetime.timedelta(days=days)
        share = Fraction(100 * min(max(days, 0), 10), 10)
        ceiling = clock13710.at_risk_ceiling(start, deadline, today, margin)
        # At risk exactly for the percents the elapsed share outruns by more than the margin.
        assert [p for p in range(101) if p <= ceiling] == [p for p in range(101) if share - p > margin], days
    # A deadline on the day of assignment: all its time has elapsed.
    assert clock13710.at_risk_ceiling(start, start, start, margin) == 100 - margin - 1
