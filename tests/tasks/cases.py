"""Generic-test cases for the work-implementation models (see tests/generic.py), and the small
record builders the tasks tests share: a work list of a real team member, tasks, supervised items
in each state, a cross-inspection by another township, problems, reviews and bulletins."""
import datetime
import itertools

from banzi.accounts.models import User
from banzi.core import clock
from banzi.core.roles import Role
from banzi.tasks.models import (
    Bulletin,
    Inspection,
    Milestone,
    Problem,
    ProgressReport,
    SupervisedItem,
    SupervisedReopening,
    SupervisedReport,
    Task,
    TaskReview,
    WorkList,
)
from tests import dates
from tests import factories as f
from tests.generic import ModelCase, register

_seq = itertools.count(1)


def n():
    return next(_seq)


def this_year():
    return dates.this_year()


def year_start():
    return datetime.date(this_year(), 1, 1)


def year_end():
    return datetime.date(this_year(), 12, 31)


def next_year_date():
    return datetime.date(this_year() + 1, 6, 30)


def now():
    return clock.now().replace(microsecond=0)


def local_minute(moment):
    return clock.local(moment).strftime("%Y-%m-%dT%H:%M")


# --- builders -------------------------------------------------------------------------------------

def assigner(**kwargs):
    """A county user who assigns items (no password: no test signs in as them)."""
    kwargs.setdefault("username", f"assigner{n()}")
    kwargs.setdefault("role", Role.COUNTY_ADMIN)
    kwargs.setdefault("password_changed_at", clock.now())  # their own password: no forced change
    return User.objects.create(**kwargs)


def team_member(township, cadre=None):
    """A cadre who sits on the township's leadership team now (a team of its own, in its term)."""
    cadre = cadre or f.CadreFactory(organization=township)
    f.TeamMembershipFactory(team=f.TeamFactory(township=township), cadre=cadre)
    return cadre


def work_list(township, cadre=None, year=None):
    cadre = cadre or team_member(township)
    return WorkList.objects.create(cadre=cadre, organization=township, year=year or this_year(),
                                   responsibilities="分管党建")


def task(township, responsible=None, **fields):
    fields.setdefault("title", f"任务{n()}")
    fields.setdefault("start_on", year_start())
    fields.setdefault("deadline", year_end())
    return Task.objects.create(organization=township, responsible=responsible or f.CadreFactory(organization=township),
                               **fields)


def milestone(township, responsible=None):
    parent = task(township, responsible)
    return Milestone.objects.create(task=parent, title=f"节点{n()}", due_on=parent.deadline - datetime.timedelta(days=30))


def progress_report(township, responsible=None):
    parent = task(township, responsible)
    return ProgressReport.objects.create(task=parent, reported_on=year_start(), percent=20, narrative="正在推进")


def item(township, assignee=None, assigned_by=None, **fields):
    fields.setdefault("title", f"督办事项{n()}")
    fields.setdefault("assigned_at", now() - datetime.timedelta(days=2))
    return SupervisedItem.objects.create(
        organization=township, assignee=assignee or f.CadreFactory(organization=township),
        assigned_by=assigned_by or assigner(), **fields)


def closed_item(township, assignee=None, **fields):
    moment = now()
    return item(township, assignee, status=SupervisedItem.Status.CLOSED,
                deployed_at=moment - datetime.timedelta(days=1), first_report_at=moment - datetime.timedelta(hours=20),
                done_at=moment - datetime.timedelta(hours=10), closed_at=moment - datetime.timedelta(hours=1),
                close_evidence="验收报告", **fields)


def supervised_report(township, assignee=None):
    parent = item(township, assignee)
    return SupervisedReport.objects.create(item=parent, kind=SupervisedReport.Kind.PROGRESS, content="已召开部署会",
                                           reported_at=now() - datetime.timedelta(days=1))


def reopening(township, assignee=None):
    parent = item(township, assignee, deployed_at=now() - datetime.timedelta(days=1))
    return SupervisedReopening.objects.create(item=parent, reason="群众反映问题仍未解决",
                                              previous_closed_at=now() - datetime.timedelta(hours=3))


def other_township(township):
    """Another township of the same county: the inspecting side of a cross-inspection."""
    return f.TownshipFactory(parent=township.parent)


def inspection(township, **fields):
    inspector = other_township(township)
    fields.setdefault("title", f"交叉检查{n()}")
    return Inspection.objects.create(
        year=this_year(), inspecting_organization=inspector, organization=township,
        leader=f.CadreFactory(organization=inspector), start_on=year_start(),
        end_on=year_start() + datetime.timedelta(days=3), **fields)


def problem(township, responsible=None, **fields):
    fields.setdefault("description", f"问题{n()}：台账不全")
    fields.setdefault("deadline", next_year_date())
    return Problem.objects.create(organization=township, responsible=responsible or f.CadreFactory(organization=township),
                                  **fields)


def review(township, responsible=None, **fields):
    fields.setdefault("outcome", TaskReview.Outcome.ACHIEVED)
    return TaskReview.objects.create(task=task(township, responsible), reviewed_on=year_start(), **fields)


def review_with_problem(township):
    record = review(township, outcome=TaskReview.Outcome.PARTLY, gap="覆盖面不足")
    problem(township, source=Problem.Source.REVIEW, review=record)
    return record


def bulletin(township, **fields):
    fields.setdefault("title", f"工作通报{n()}")
    return Bulletin.objects.create(organization=township, period_start=year_start(),
                                   period_end=year_start() + datetime.timedelta(days=90), issuing_body="县委组织部",
                                   **fields)


def _set(attr, make_target):
    def move(record, other):
        setattr(record, attr, make_target(other))
    return move


# --- cases ----------------------------------------------------------------------------------------

register(ModelCase(
    model=WorkList,
    make=lambda township: work_list(township),
    form_data=lambda township: {"cadre": team_member(township).pk, "organization": township.pk,
                                "year": str(this_year()), "responsibilities": "分管组织工作"},
    update={"responsibilities": "分管组织、宣传工作"},
    move=_set("organization", lambda other: other),
    make_own=lambda cadre: work_list(cadre.organization, team_member(cadre.organization, cadre)),
    make_referenced=lambda township: task(township, work_list=work_list(township)).work_list,
    export_label=lambda record: record.cadre.name,
))


def _task_form(township):
    return {"work_list": "", "title": f"新任务{n()}", "organization": township.pk,
            "responsible": f.CadreFactory(organization=township).pk, "source": Task.Source.YEAR_START,
            "target": "村级活动场所全部达标", "measures": "逐村排查，分批改造", "start_on": year_start().isoformat(),
            "deadline": year_end().isoformat(), "status": Task.Status.NOT_STARTED, "completed_on": ""}


register(ModelCase(
    model=Task,
    make=lambda township: task(township),
    form_data=_task_form,
    update={"measures": "每月调度一次"},
    move=_set("organization", lambda other: other),
    make_own=lambda cadre: task(cadre.organization, cadre),
    make_referenced=lambda township: review(township).task,
    export_label=lambda record: record.title,
))


register(ModelCase(
    model=Milestone,
    make=lambda township: milestone(township),
    form_data=lambda township: {"task": task(township).pk, "title": f"方案制定{n()}", "days_before_deadline": "60",
                                "weight": "", "due_on": "", "done_on": ""},
    update={"title": "方案修订"},
    move=_set("task", lambda other: task(other)),
    make_own=lambda cadre: milestone(cadre.organization, cadre),
    export_label=lambda record: record.title,
))


register(ModelCase(
    model=ProgressReport,
    make=lambda township: progress_report(township),
    form_data=lambda township: {"task": task(township).pk, "reported_on": year_start().isoformat(), "percent": "30",
                                "narrative": "已完成摸底", "effect": "覆盖 12 个村"},
    update={"narrative": "已完成摸底和方案"},
    move=_set("task", lambda other: task(other)),
    make_own=lambda cadre: progress_report(cadre.organization, cadre),
    cadre_writes_own=True,
    export_label=lambda record: record.task.title,
))


def township_item(township):
    """An item the township's own Party committee assigned (only the assigning side edits an item)."""
    return item(township, assigned_by=assigner(role=Role.TOWNSHIP_ADMIN, organization=township))


register(ModelCase(
    model=SupervisedItem,
    make=township_item,
    form_data=lambda township: {"title": f"新督办事项{n()}", "description": "三日内报送进展",
                                "item_class": SupervisedItem.ItemClass.ORDINARY, "assigner_name": "县委书记",
                                "organization": township.pk, "assignee": f.CadreFactory(organization=township).pk,
                                "task": "", "assigned_at": ""},
    update={"description": "一周内办结"},
    move=_set("organization", lambda other: other),
    make_own=lambda cadre: item(cadre.organization, cadre),
    export_label=lambda record: record.title,
))


register(ModelCase(
    model=SupervisedReport,
    make=lambda township: supervised_report(township),
    form_data=lambda township: {"item": item(township).pk, "kind": SupervisedReport.Kind.PROGRESS,
                                "reported_at": local_minute(now() - datetime.timedelta(hours=1)),
                                "content": "已召开专题会", "percent": "40"},
    update={"content": "已召开专题会并分解任务"},
    move=_set("item", lambda other: item(other)),
    make_own=lambda cadre: supervised_report(cadre.organization, cadre),
    cadre_writes_own=True,
    export_label=lambda record: record.item.title,
))


register(ModelCase(
    model=SupervisedReopening,
    make=lambda township: reopening(township),
    form_data=lambda township: {"item": closed_item(township).pk, "reason": "回访发现问题反弹"},
    update={"reason": "回访发现问题反弹，需重新整改"},
    move=_set("item", lambda other: item(other)),
    make_own=lambda cadre: reopening(cadre.organization, cadre),
    export_label=lambda record: record.item.title,
))


def _inspection_form(township):
    inspector = other_township(township)
    return {"title": f"交叉检查{n()}", "year": str(this_year()), "inspecting_organization": inspector.pk,
            "organization": township.pk, "leader": f.CadreFactory(organization=inspector).pk,
            "start_on": year_start().isoformat(), "end_on": (year_start() + datetime.timedelta(days=2)).isoformat()}


register(ModelCase(
    model=Inspection,
    make=lambda township: inspection(township),
    form_data=_inspection_form,
    update={"title": "第二轮交叉检查"},
    move=_set("organization", lambda other: other),
    make_referenced=lambda township: problem(township, source=Problem.Source.INSPECTION,
                                             inspection=inspection(township)).inspection,
    export_label=lambda record: record.title,
))


register(ModelCase(
    model=Problem,
    make=lambda township: problem(township),
    form_data=lambda township: {"organization": township.pk, "source": Problem.Source.OTHER, "source_reference": "",
                                "inspection": "", "description": f"三会一课记录不全{n()}",
                                "responsible": f.CadreFactory(organization=township).pk, "measures": "补齐台账",
                                "deadline": next_year_date().isoformat()},
    update={"measures": "补齐台账并建立月检制度"},
    move=_set("organization", lambda other: other),
    make_own=lambda cadre: problem(cadre.organization, cadre),
    export_label=lambda record: record.description,
))


register(ModelCase(
    model=TaskReview,
    make=lambda township: review(township),
    form_data=lambda township: {"task": task(township).pk, "reviewed_on": "", "outcome": TaskReview.Outcome.PARTLY,
                                "gap": "两个村未达标", "responsible": "", "deadline": next_year_date().isoformat(),
                                "measures": "明年一季度完成"},
    update={"reviewed_on": (year_start() + datetime.timedelta(days=1)).isoformat()},
    api_data=lambda township: {"task": task(township).pk, "outcome": TaskReview.Outcome.PARTLY,
                               "gap": "两个村未达标", "rectification_deadline": next_year_date().isoformat(),
                               "measures": "明年一季度完成"},
    move=_set("task", lambda other: task(other)),
    make_own=lambda cadre: review(cadre.organization, cadre),
    make_referenced=review_with_problem,
    export_label=lambda record: record.task.title,
))


register(ModelCase(
    model=Bulletin,
    make=lambda township: bulletin(township),
    form_data=lambda township: {"title": f"一季度工作通报{n()}", "organization": township.pk,
                                "period_start": year_start().isoformat(),
                                "period_end": (year_start() + datetime.timedelta(days=89)).isoformat(),
                                "issuing_body": "中共某某镇委员会", "document_number": "",
                                "issued_on": year_start().isoformat()},
    update={"document_number": "镇党发〔2026〕3号"},
    move=_set("organization", lambda other: other),
    export_label=lambda record: record.title,
))
