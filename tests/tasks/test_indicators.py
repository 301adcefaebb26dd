"""The work indicators of the score sheet: tasks and 13710 supervised items due in the period done on
time, problems closed by their deadline (per cadre and per township), and the problems found by the
cross-inspections that ended in the period (per township)."""
import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from banzi.core import metrics
from banzi.tasks.models import Inspection, Problem, SupervisedItem, Task
from tests import factories as f
from tests.tasks.cases import item, problem, task

pytestmark = pytest.mark.django_db

D = datetime.date
START, END = D(2026, 4, 1), D(2026, 6, 30)
LOCAL = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(day, hour=10):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=LOCAL)


def read(key, ids):
    return next(i for i in metrics.indicators() if i.key == key).read(ids, START, END)


def test_tasks_due_in_the_period_done_on_time(township):
    the_team = f.TeamFactory(township=township)
    cadre = f.CadreFactory(organization=township)
    done = Task.Status.DONE
    task(township, cadre, start_on=D(2026, 1, 5), deadline=START, status=done, completed_on=START)
    task(township, cadre, start_on=D(2026, 1, 5), deadline=END, status=done, completed_on=D(2026, 7, 2))  # late
    task(township, cadre, start_on=D(2026, 1, 5), deadline=D(2026, 5, 5))  # open past its deadline
    task(township, cadre, start_on=D(2026, 1, 5), deadline=D(2026, 3, 31), status=done, completed_on=D(2026, 3, 1))
    task(township, cadre, start_on=D(2026, 1, 5), deadline=D(2026, 7, 1), status=done, completed_on=D(2026, 6, 1))
    reading = read("tasks_on_time", [cadre.pk])[cadre.pk]
    assert reading.value == 33 and reading.detail == "1 of 3 tasks due done on time"
    assert f"responsible={cadre.pk}" in reading.url
    assert read("township_tasks_on_time", [the_team.pk])[the_team.pk].value == 33


def test_supervised_items_due_in_the_period_done_on_time(township):
    the_team = f.TeamFactory(township=township)
    cadre = f.CadreFactory(organization=township)
    item(township, cadre, assigned_at=at(D(2026, 4, 7)), deployed_at=at(D(2026, 4, 7), 15),
         first_report_at=at(D(2026, 4, 8)), done_at=at(D(2026, 4, 9)), status=SupervisedItem.Status.DONE)
    item(township, cadre, assigned_at=at(D(2026, 6, 1)))  # never done: overdue
    item(township, cadre, assigned_at=at(D(2026, 3, 2)), done_at=at(D(2026, 3, 4)),
         status=SupervisedItem.Status.DONE)  # due before the period
    item(township, cadre, assigned_at=at(D(2026, 6, 29)))  # due in July
    reading = read("items_on_time", [cadre.pk])[cadre.pk]
    assert reading.value == 50 and reading.detail == "1 of 2 supervised items due done on time"
    assert read("township_items_on_time", [the_team.pk])[the_team.pk].value == 50


def test_problems_closed_by_their_deadline_and_inspection_findings(township):
    the_team = f.TeamFactory(township=township)
    cadre = f.CadreFactory(organization=township)
    closed = Problem.Status.CLOSED
    problem(township, cadre, deadline=START, status=closed, verified_at=at(START, 20))
    problem(township, cadre, deadline=END, status=closed, verified_at=at(D(2026, 7, 1), 9))  # closed late
    problem(township, cadre, deadline=D(2026, 5, 1))  # open past its deadline
    problem(township, cadre, deadline=D(2026, 3, 31))
    problem(township, cadre, deadline=D(2026, 7, 1))
    reading = read("problems_on_time", [cadre.pk])[cadre.pk]
    assert reading.value == 33 and reading.detail == "1 of 3 problems closed by their deadline"
    assert read("township_problems_on_time", [the_team.pk])[the_team.pk].value == 33
    for end_on in (D(2026, 3, 31), START, END, D(2026, 7, 1)):
        inspector = f.TownshipFactory(parent=township.parent)
        found = Inspection.objects.create(title="交叉检查", year=2026, inspecting_organization=inspector,
                                          organization=township, leader=f.CadreFactory(organization=inspector),
                                          start_on=end_on - datetime.timedelta(days=2), end_on=end_on)
        problem(township, inspection=found, source=Problem.Source.INSPECTION, deadline=D(2027, 3, 1))
    findings = read("inspection_findings", [the_team.pk])[the_team.pk]
    assert findings.value == 2 and findings.detail == "2 problems found by cross-inspections"


def test_the_work_indicators_take_a_fixed_number_of_queries(township, other_township):
    keys = ("tasks_on_time", "items_on_time", "problems_on_time")
    team_keys = ("township_tasks_on_time", "township_items_on_time", "township_problems_on_time",
                 "inspection_findings")

    def run(cadres, teams):
        with CaptureQueriesContext(connection) as queries:
            for key in keys:
                read(key, [c.pk for c in cadres])
            for key in team_keys:
                read(key, [t.pk for t in teams])
        return len(queries)

    cadres = [f.CadreFactory(organization=township)]
    teams = [f.TeamFactory(township=township)]
    item(township, cadres[0], assigned_at=at(D(2026, 4, 7)))
    run(cadres, teams)
    few = run(cadres, teams)
    for _i in range(3):
        cadre = f.CadreFactory(organization=other_township)
        task(other_township, cadre, start_on=D(2026, 1, 5), deadline=START)
        item(other_township, cadre, assigned_at=at(D(2026, 5, 7)))
        problem(other_township, cadre, deadline=START)
        cadres.append(cadre)
    teams.append(f.TeamFactory(township=other_township))
    assert run(cadres, teams) == few
