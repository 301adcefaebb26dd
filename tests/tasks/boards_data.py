"""Small hand-built records for the clock, metrics, boards and reminders tests (tasks-boards)."""
import datetime
import itertools
from zoneinfo import ZoneInfo

from banzi.accounts.models import User
from banzi.core import clock
from banzi.core.roles import Role
from banzi.tasks.models import (
    Bulletin,
    Milestone,
    Problem,
    ProgressReport,
    SupervisedItem,
    SupervisedReport,
    Task,
)
from tests import factories as f

TZ = ZoneInfo("Asia/Shanghai")
D = datetime.date
_seq = itertools.count(1)


def at(year, month, day, hour=10, minute=0):
    """An aware local (Asia/Shanghai) time."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=TZ)


def assigner(**kwargs):
    """A county user who assigns items (no password: hashing one is slow and no test signs in as them)."""
    kwargs.setdefault("username", f"assigner{next(_seq)}")
    kwargs.setdefault("role", Role.COUNTY_ADMIN)
    kwargs.setdefault("password_changed_at", clock.now())  # their own password: no forced change
    return User.objects.create(**kwargs)


def item(organization=None, assignee=None, assigned_by=None, **fields):
    """A supervised item saved without the services (the clock only reads it)."""
    organization = organization or (assignee.organization if assignee else f.TownshipFactory())
    assignee = assignee or f.CadreFactory(organization=organization)
    fields.setdefault("title", f"督办事项{next(_seq)}")
    fields.setdefault("assigned_at", at(2026, 11, 24))
    obj = SupervisedItem(organization=organization, assignee=assignee, assigned_by=assigned_by or assigner(), **fields)
    obj.save()
    return obj


def report(supervised_item, when, kind=SupervisedReport.Kind.MONTHLY, percent=None):
    return SupervisedReport.objects.create(item=supervised_item, reported_at=when, kind=kind, content="进展情况",
                                           percent=percent)


def task(organization=None, responsible=None, **fields):
    organization = organization or (responsible.organization if responsible else f.TownshipFactory())
    responsible = responsible or f.CadreFactory(organization=organization)
    fields.setdefault("title", f"任务{next(_seq)}")
    fields.setdefault("start_on", D(2026, 1, 1))
    fields.setdefault("deadline", D(2026, 12, 31))
    obj = Task(organization=organization, responsible=responsible, **fields)
    obj.save()
    return obj


def milestone(parent, due_on, done_on=None, title="节点"):
    return Milestone.objects.create(task=parent, title=title, due_on=due_on, done_on=done_on)


def progress(parent, on, percent, effect=""):
    ProgressReport.objects.create(task=parent, reported_on=on, percent=percent, narrative="推进中", effect=effect)
    parent.progress, parent.last_reported_on, parent.latest_effect = percent, on, effect
    parent.save(update_fields=["progress", "last_reported_on", "latest_effect"])
    return parent


def problem(organization, responsible=None, **fields):
    responsible = responsible or f.CadreFactory(organization=organization)
    fields.setdefault("description", f"问题{next(_seq)}")
    fields.setdefault("deadline", D(2026, 12, 31))
    return Problem.objects.create(organization=organization, responsible=responsible, **fields)


def many_tasks(township, n, people):
    """n tasks of the township shared among the people, each with a milestone (for query counts)."""
    for k in range(n):
        t = task(organization=township, responsible=people[k % len(people)], deadline=D(2026, 12, 1 + k % 20),
                 progress=k % 100)
        milestone(t, D(2026, 11, 1 + k % 20))


def county_bulletin(county):
    """The county's bulletin of 2026."""
    return Bulletin.objects.create(
        title="关于2026年工作落实情况的通报", organization=county, period_start=D(2026, 1, 1),
        period_end=D(2026, 12, 31), issuing_body="中共襄汾县委组织部", document_number="襄组通〔2026〕5号",
        issued_on=D(2026, 11, 29),
    )
