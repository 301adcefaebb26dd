"""A small county worked out by hand (tasks-boards tests): two townships, three people, nine tasks,
two supervised items and four problems, seen on Sunday 29 November 2026.

Township 新城镇 (A): a1 — T1 done on time, T2 done late, T3 overdue, S2 done on time;
                     a2 — T4 on track, T5 at risk (progress lags), T6 at risk (milestone missed).
Township 赵康镇 (B): b1 — T7 done on time, T8 cancelled, T9 done early, S1 overdue.
Due in 2026 as of 29 Nov: A 4 (2 on time) = 50%; B 3 (2 on time) = 66.7%; county 7 (4) = 57.1%.
"""
from dataclasses import dataclass

from banzi.tasks.models import Problem, SupervisedItem, Task
from tests import factories as f

from .boards_data import D, at, item, milestone, problem, task

TODAY = D(2026, 11, 29)
NOW = at(2026, 11, 29, 12)
DONE = Task.Status.DONE


@dataclass
class Scenario:
    a: object
    b: object
    a1: object
    a2: object
    b1: object
    tasks: dict
    items: dict
    problems: dict


def build(township, other_township):
    a1 = f.CadreFactory(organization=township, name="张一", post="党委书记")
    a2 = f.CadreFactory(organization=township, name="王二", post="组织委员")
    b1 = f.CadreFactory(organization=other_township, name="赵三", post="乡镇长")
    t = {
        "T1": task(responsible=a1, title="T1", deadline=D(2026, 6, 30), status=DONE, completed_on=D(2026, 6, 20),
                   target="建成党群服务中心", progress=100),
        "T2": task(responsible=a1, title="T2", deadline=D(2026, 9, 30), status=DONE, completed_on=D(2026, 10, 10)),
        "T3": task(responsible=a1, title="T3", deadline=D(2026, 10, 31), status=Task.Status.IN_PROGRESS,
                   progress=60),
        "T4": task(responsible=a2, title="T4", deadline=D(2026, 12, 31), progress=90, latest_effect="新增就业 30 人"),
        "T5": task(responsible=a2, title="T5", deadline=D(2026, 12, 31), progress=10),
        "T6": task(responsible=a2, title="T6", deadline=D(2026, 12, 20), progress=95),
        "T7": task(responsible=b1, title="T7", deadline=D(2026, 3, 31), status=DONE, completed_on=D(2026, 3, 31)),
        "T8": task(responsible=b1, title="T8", deadline=D(2026, 5, 1), status=Task.Status.CANCELLED),
        "T9": task(responsible=b1, title="T9", deadline=D(2026, 12, 15), status=DONE, completed_on=D(2026, 11, 20)),
    }
    milestone(t["T6"], D(2026, 11, 15))
    milestone(t["T4"], D(2026, 11, 15), done_on=D(2026, 11, 10))
    s = {
        # Ordinary, assigned Mon 16 Nov: due done by Mon 23 Nov, not done → overdue.
        "S1": item(assignee=b1, title="S1", assigned_at=at(2026, 11, 16, 9), deployed_at=at(2026, 11, 16, 15)),
        # Ordinary, assigned Mon 2 Nov, done Fri 6 Nov (due 9 Nov) → on time.
        "S2": item(assignee=a1, title="S2", assigned_at=at(2026, 11, 2, 9), deployed_at=at(2026, 11, 2, 15),
                   first_report_at=at(2026, 11, 4, 9), done_at=at(2026, 11, 6, 17),
                   status=SupervisedItem.Status.DONE),
    }
    closed = Problem.Status.CLOSED
    p = {
        "P1": problem(township, a1, deadline=D(2026, 12, 31)),
        "P2": problem(township, a2, deadline=D(2026, 11, 30), status=closed, verified_at=at(2026, 11, 5)),
        "P3": problem(other_township, b1, deadline=D(2026, 11, 30), status=closed, verified_at=at(2026, 11, 20)),
        "P4": problem(other_township, b1, deadline=D(2026, 10, 1)),
    }
    opened = {"P1": at(2026, 11, 29, 9), "P2": at(2026, 10, 10), "P3": at(2026, 11, 3), "P4": at(2026, 9, 1)}
    for key, when in opened.items():
        Problem.objects.filter(pk=p[key].pk).update(created_at=when)
        p[key].refresh_from_db()
    return Scenario(township, other_township, a1, a2, b1, t, s, p)


