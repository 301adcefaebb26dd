"""The battle map's figures counted by the database (`metrics.summary`) mean what the entries of
`collect()` give: on varied records — the straight line's halves rounded to even, milestones
missed, done on the deadline and the day after, cancelled work, supervised items of every class
assigned across weekends and holidays, done late in the evening, on a timetable with monthly
reports, and work of county departments — per township, per person and in all, for several periods
and at-risk thresholds. The battle map's queries do not grow with the rows, and it builds entries
only for what it lists; a township or a person with less than a page of work has the same figures
and page counted from its entries (`few_entries`)."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from banzi.core.models import Rule
from banzi.tasks import metrics
from banzi.tasks.metrics import Period
from banzi.tasks.models import SupervisedItem, Task
from tests import factories as f

from .boards_data import D, at, item, milestone, report, task
from .scenario import NOW, TODAY

pytestmark = pytest.mark.django_db
DONE, CANCELLED, IN_PROGRESS = Task.Status.DONE, Task.Status.CANCELLED, Task.Status.IN_PROGRESS
ORDINARY, COMPLEX = SupervisedItem.ItemClass.ORDINARY, SupervisedItem.ItemClass.COMPLEX
PERIODS = [Period.year(2026), Period(D(2026, 1, 1), D(2026, 6, 30)), Period(D(2026, 11, 1), D(2026, 12, 31)),
           Period.year(2025)]


def varied_work(townships, people_per_township=2, scale=1, people=()):
    """Tasks and supervised items in every state, spread over new people of `townships` (an
    organization without a township too) and `people`, `scale` times over."""
    people = [*people, *(f.CadreFactory(organization=t) for t in townships for _ in range(people_per_township))]
    days = datetime.timedelta
    n = 0
    for _round in range(scale):
        for person in people:
            n += 1
            # The straight line: spans of 8 days put the expected progress on halves (12.5, 37.5…).
            for a, p in ((1, 11), (1, 12), (3, 37), (3, 38), (5, 62), (7, 66)):
                start = TODAY - days(a)
                task(responsible=person, start_on=start, deadline=start + days(8), progress=p)
            task(responsible=person, start_on=TODAY, deadline=TODAY + days(30), progress=0)
            task(responsible=person, start_on=TODAY + days(3), deadline=TODAY + days(30), progress=0)
            task(responsible=person, start_on=TODAY - days(10), deadline=TODAY, progress=50)  # due today
            task(responsible=person, start_on=TODAY - days(5), deadline=TODAY - days(5), progress=100)  # span 0
            late = task(responsible=person, start_on=D(2026, 3, 1), deadline=D(2026, 12, 31), progress=90)
            milestone(late, D(2026, 11, 1))
            milestone(late, D(2026, 11, 28), done_on=D(2026, 11, 27))
            kept = task(responsible=person, start_on=D(2026, 3, 1), deadline=D(2026, 12, 31), progress=90)
            milestone(kept, D(2026, 11, 29))  # due today: not missed yet
            task(responsible=person, deadline=D(2026, 5, 31), status=DONE, completed_on=D(2026, 5, 31), progress=40)
            task(responsible=person, deadline=D(2026, 5, 31), status=DONE, completed_on=D(2026, 6, 1))
            task(responsible=person, deadline=D(2026, 7, 1), status=DONE, completed_on=None)
            task(responsible=person, deadline=D(2026, 8, 1), status=CANCELLED, progress=30)
            task(responsible=person, deadline=D(2026, 10, 1), status=IN_PROGRESS, progress=70)  # overdue
            task(responsible=person, start_on=D(2025, 2, 1), deadline=D(2025, 9, 1), status=IN_PROGRESS)  # old, open
            task(responsible=person, start_on=D(2025, 2, 1), deadline=D(2025, 9, 1), status=DONE,
                 completed_on=D(2025, 8, 1))  # last year's: not on this year's map
            # Supervised items: assigned on a Friday, a Saturday, a Sunday, in the Golden Week…
            for when in (at(2026, 11, 27, 9), at(2026, 11, 28, 23, 30), at(2026, 11, 22, 1), at(2026, 11, 26, 16),
                         at(2026, 9, 30, 9), at(2025, 12, 30, 9)):
                item(assignee=person, assigned_at=when)
                item(assignee=person, assigned_at=when, item_class=COMPLEX, deployed_at=when + days(hours=2))
            item(assignee=person, assigned_at=at(2026, 11, 27, 9), deployed_at=at(2026, 11, 27, 10),
                 first_report_at=at(2026, 11, 28, 10))
            # Done on the deadline's day late in the evening, and the day after; closed out without done_at.
            on_time = item(assignee=person, assigned_at=at(2026, 11, 2, 9), done_at=at(2026, 11, 9, 23, 59) + days(seconds=30),
                           status=SupervisedItem.Status.DONE)
            report(on_time, at(2026, 11, 5, 9), percent=60)
            item(assignee=person, assigned_at=at(2026, 11, 2, 9), done_at=at(2026, 11, 10, 0, 1),
                 status=SupervisedItem.Status.DONE)
            item(assignee=person, assigned_at=at(2026, 10, 12, 9), closed_at=at(2026, 10, 15, 9),
                 status=SupervisedItem.Status.CLOSED)
            with_reports = item(assignee=person, assigned_at=at(2026, 11, 20, 9), item_class=COMPLEX,
                                deployed_at=at(2026, 11, 20, 10), first_report_at=at(2026, 11, 21, 10))
            report(with_reports, at(2026, 11, 21, 10), percent=20)
            report(with_reports, at(2026, 11, 25, 10), percent=35)
            report(with_reports, at(2026, 11, 26, 10))  # no percent: the latest with one counts
            # On a timetable: monthly reports, one month missed.
            timetabled = item(assignee=person, assigned_at=at(2026, 6, 1, 9), item_class=COMPLEX,
                              deployed_at=at(2026, 6, 1, 10), first_report_at=at(2026, 6, 2, 10),
                              timetable_due_on=D(2027, 3, 31))
            for month in (7, 8, 10):
                report(timetabled, at(2026, month, 1, 10), percent=10 * month)
            item(assignee=person, assigned_at=at(2026, 3, 1, 9), item_class=COMPLEX, timetable_due_on=D(2026, 5, 1),
                 done_at=at(2026, 4, 30, 9), status=SupervisedItem.Status.DONE)
    return people


def reference(entries, key, period, today):
    """{group: figures} worked out from the entries, as the battle map did before."""
    return {
        group: (rate.due, rate.on_time, metrics.state_counts(rows), metrics.average_progress(rows), len(rows))
        for group, rows in metrics.group_by(entries, key).items()
        for rate in [metrics.implementation_rate(rows, period, today)]
    }


def counted(found):
    return {group: (fig.due, fig.on_time, fig.counts, fig.progress, fig.total)
            for group, fig in found.groups.items() if fig.total}


@pytest.fixture
def work(township, other_township, county):
    department = f.DepartmentFactory(parent=county)
    return varied_work([township, other_township, department], people_per_township=1)


@pytest.mark.parametrize("lag", [None, 0, 35])
def test_summary_counts_what_the_entries_give(work, county_admin, lag):
    if lag is not None:
        Rule.objects.create(key=metrics.PROGRESS_RULE, value={"at_risk_lag": lag})
    keys = {None: lambda e: None, "township": lambda e: e.township_id, "person": lambda e: e.person_id}
    states = set()
    for period in PERIODS:
        entries = metrics.collect(county_admin, period, today=TODAY, now=NOW)
        states |= {e.state for e in entries}
        for by, key in keys.items():
            found = metrics.summary(county_admin, period, by=by, today=TODAY, now=NOW)
            assert counted(found) == reference(entries, key, period, TODAY), (period, by)
        warnings = metrics.summary(county_admin, period, today=TODAY, now=NOW).warnings
        assert warnings == {w for e in entries for w in e.warnings}
    assert states == set(metrics.STATES)  # every traffic light was exercised


def test_summary_of_a_township_and_a_person_in_their_scope(work, township, township_admin):
    period = Period.year(2026)
    entries = metrics.collect(township_admin, period, township=township, today=TODAY, now=NOW)
    found = metrics.summary(township_admin, period, by="person", township=township, today=TODAY, now=NOW)
    assert counted(found) == reference(entries, lambda e: e.person_id, period, TODAY)
    person = work[0]
    entries = metrics.collect(township_admin, period, cadre=person, today=TODAY, now=NOW)
    found = metrics.summary(township_admin, period, cadre=person, today=TODAY, now=NOW)
    assert counted(found) == reference(entries, lambda e: None, period, TODAY)
    assert found.total().total == len(entries) > 0


def test_summary_of_nothing_visible(work, auditor):
    found = metrics.summary(auditor, Period.year(2026), by="township", today=TODAY, now=NOW)
    assert found.total().total == 0 and found.total().rate.percent is None and found.total().progress is None


def test_the_county_lists_the_overdue_entries_in_deadline_order(work, county_admin):
    entries = metrics.collect(county_admin, Period.year(2026), today=TODAY, now=NOW)
    data = metrics.battle_map(county_admin, today=TODAY, now=NOW)
    expected = [(e.kind, e.obj.pk) for e in metrics.overdue(entries)]
    assert [(i["kind"], i["id"]) for i in data["items"]] == expected
    assert {i["kind"] for i in data["items"]} == {"task", "supervised"} and not data["items_limited"]
    assert data["total"] == len(entries)
    assert data["warnings"] == sorted({w for e in entries for w in e.warnings})


def test_a_level_lists_at_most_its_page_of_entries(work, township, county_admin, monkeypatch):
    entries = metrics.collect(county_admin, Period.year(2026), township=township, today=TODAY, now=NOW)
    full = metrics.battle_map(county_admin, township=township, today=TODAY, now=NOW)
    assert [(i["kind"], i["id"]) for i in full["items"]] == [(e.kind, e.obj.pk) for e in entries]
    assert [i["url"] for i in full["items"]] == [e.url for e in entries] and all(e.url for e in entries)
    assert not full["items_limited"]
    monkeypatch.setitem(metrics.ITEMS_SHOWN_AT, "township", 10)
    page = metrics.battle_map(county_admin, township=township, today=TODAY, now=NOW)
    assert [(i["kind"], i["id"]) for i in page["items"]] == [(e.kind, e.obj.pk) for e in entries[:10]]
    assert page["items_limited"] and page["total"] == len(entries) == full["total"]
    assert page["rate"] == full["rate"] and page["groups"] == full["groups"]


def _queries(func):
    with CaptureQueriesContext(connection) as ctx:
        data = func()
    return len(ctx.captured_queries), data


def test_battle_map_queries_do_not_grow_with_rows(township, other_township, county_admin):
    people = varied_work([township, other_township], people_per_township=1)
    levels = {
        "county": lambda: metrics.battle_map(county_admin, today=TODAY, now=NOW),
        "township": lambda: metrics.battle_map(county_admin, township=township, today=TODAY, now=NOW),
        "person": lambda: metrics.battle_map(county_admin, cadre=people[0], today=TODAY, now=NOW),
    }
    few = {level: _queries(func) for level, func in levels.items()}
    varied_work([township, other_township, f.TownshipFactory(parent=township.parent)], scale=2, people=people)
    many = {level: _queries(func) for level, func in levels.items()}
    for level in levels:
        assert many[level][1]["total"] > few[level][1]["total"], level
        assert many[level][0] == few[level][0], level


@pytest.mark.parametrize("lag", [None, 0, 35])
def test_few_entries_count_what_the_summary_counts(work, township, county_admin, lag):
    if lag is not None:
        Rule.objects.create(key=metrics.PROGRESS_RULE, value={"at_risk_lag": lag})
    scopes = [("person", {"township": township}), (None, {"cadre": work[0]}), ("township", {}), (None, {})]
    for period in PERIODS:
        for by, scope in scopes:
            few = metrics.few_entries(county_admin, period, 500, by=by, today=TODAY, now=NOW, **scope)
            found = metrics.summary(county_admin, period, by=by, today=TODAY, now=NOW, **scope)
            assert counted(few) == counted(found), (period, by, scope)
            assert few.warnings == found.warnings and few.lag == found.lag
            entries = metrics.collect(county_admin, period, today=TODAY, now=NOW, **scope)
            assert [metrics.entry_json(e) for e in few.entries] == [metrics.entry_json(e) for e in entries]
            assert [(e.township_id, e.deadline_at) for e in few.entries] == [
                (e.township_id, e.deadline_at) for e in entries]
            assert sorted(e.obj.pk for e in few.timetabled) == sorted(e.obj.pk for e in found.timetabled)


def test_few_entries_give_way_to_the_summary_over_a_page(work, township, county_admin):
    period = Period.year(2026)

    def few(limit):
        return metrics.few_entries(county_admin, period, limit, township=township, today=TODAY, now=NOW)

    def count(kind):
        return sum(e.kind == kind for e in metrics.collect(county_admin, period, township=township, today=TODAY, now=NOW))

    for more, add in (("supervised", lambda: item(assignee=work[0], assigned_at=at(2026, 11, 27, 9))),
                      ("task", lambda: task(responsible=work[0]))):
        fewer = "task" if more == "supervised" else "supervised"
        while count(more) <= count(fewer):
            add()
        page = count(more)
        assert few(page) is not None and len(few(page).entries) == page + count(fewer)
        assert few(page - 1) is None, more  # one more than a page


@pytest.mark.parametrize("who", ["county_admin", "township_admin", "cadre_user"])
def test_a_township_or_a_person_gets_the_same_page_from_its_entries(work, township, who, request, monkeypatch):
    user = request.getfixturevalue(who)
    person = user.cadre if who == "cadre_user" else work[0]
    task(responsible=person, start_on=TODAY - datetime.timedelta(days=1), deadline=TODAY + datetime.timedelta(days=3))
    item(assignee=person, assigned_at=at(2026, 11, 27, 9))
    pages = [lambda: metrics.battle_map(user, cadre=person, today=TODAY, now=NOW)]
    if who != "cadre_user":
        # A team member with nothing assigned has a row too.
        f.TeamMembershipFactory(team__township=township)
        pages.append(lambda: metrics.battle_map(user, township=township, today=TODAY, now=NOW))
    from_entries = [page() for page in pages]
    monkeypatch.setattr(metrics, "few_entries", lambda *args, **kwargs: None)
    counted_in_sql = [page() for page in pages]
    assert from_entries == counted_in_sql
    assert all(data["total"] and data["items"] for data in from_entries)


@pytest.mark.parametrize("who", ["county_admin", "township_admin", "auditor"])
def test_overdue_count_is_the_summary_s_overdue_count(work, who, request):
    """The home page's count of overdue work (`overdue_count`) is what the battle map's figures
    count as overdue, in every period and any year, within the user's scope; it hands on the same
    clock answers and timetabled entries for the listed entries."""
    user = request.getfixturevalue(who)
    seen = set()
    for period in [*PERIODS, metrics.ALL_TIME]:
        entries = metrics.collect(user, period, today=TODAY, now=NOW)
        found = metrics.summary(user, period, today=TODAY, now=NOW)
        count, partial = metrics.overdue_count(user, period, today=TODAY, now=NOW)
        assert count == found.total().counts[metrics.OVERDUE] == len(metrics.overdue(entries)), period
        assert partial.warnings == found.warnings
        assert [(e.obj.pk, e.state) for e in partial.timetabled] == [(e.obj.pk, e.state) for e in found.timetabled]
        seen.add(count)
    assert (max(seen) > 0) == (who != "auditor")  # the scope has overdue work, which the auditor does not see


def test_the_home_page_lists_the_first_overdue_entries_of_any_year(work, county_admin, travel):
    travel.move_to(NOW)
    late = metrics.overdue(metrics.open_entries(county_admin))
    action = metrics.overdue_work(county_admin)[0]
    assert action["count"] == len(late) > metrics.ITEMS_SHOWN
    assert any(e.deadline.year == 2025 for e in late)  # last year's open work counts too
    first = sorted(late, key=lambda e: (e.deadline, e.kind, e.obj.pk))[:metrics.ITEMS_SHOWN]
    assert [i["label"] for i in action["items"]] == [e.title for e in first]
