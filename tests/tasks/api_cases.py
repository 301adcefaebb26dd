"""API cases of the work-implementation actions (tests/core/test_api_generic.py): each builds a task,
supervised item, problem or inspection in the state where the step is open to the user who takes it."""
import datetime

from banzi.core.roles import Role
from banzi.tasks.models import Problem, SupervisedItem
from tests import factories as f
from tests.api import ActionCase, ReadCase, register_action, register_read
from tests.tasks import cases as c


def township_user(township):
    return f.UserFactory(username=f"township{c.n()}", role=Role.TOWNSHIP_ADMIN, organization=township)


def _task(township):
    return c.task(township), township_user(township)


register_action(ActionCase(
    url_name="tasks-task-report",
    prepare=_task,
    data=lambda task: {"percent": 30, "narrative": "已完成摸底"},
    status=201,
    done=lambda task: task.reports.count() == 1,
))
register_action(ActionCase(
    url_name="tasks-task-review",
    prepare=_task,
    data=lambda task: {"outcome": "not_achieved", "gap": "两个村未完成改造",
                       "deadline": c.next_year_date().isoformat()},
    status=201,
    done=lambda task: task.review.problem.pk is not None,
))
register_action(ActionCase(
    url_name="tasks-task-schedule-milestones",
    prepare=_task,
    data=lambda task: {"by": "weight", "milestones": [{"title": "摸底", "value": 25}, {"title": "验收", "value": 100}]},
    format="json",
    status=201,
    done=lambda task: task.milestones.count() == 2,
))


def _assigned(township, **fields):
    """An item the county assigned two days ago, and a township user who carries it out."""
    return c.item(township, **fields), township_user(township)


def _deployed(township):
    moment = c.now()
    return _assigned(township, deployed_at=moment - datetime.timedelta(days=1),
                     status=SupervisedItem.Status.DEPLOYED)


def _done(township):
    moment = c.now()
    item = c.item(township, deployed_at=moment - datetime.timedelta(days=1),
                  first_report_at=moment - datetime.timedelta(hours=20), done_at=moment - datetime.timedelta(hours=2),
                  status=SupervisedItem.Status.DONE)
    return item, item.assigned_by


def _closed(township):
    item = c.closed_item(township)
    return item, item.assigned_by


def _complex(township):
    item = c.item(township, item_class=SupervisedItem.ItemClass.COMPLEX)
    return item, item.assigned_by


register_action(ActionCase(
    url_name="tasks-superviseditem-deploy",
    prepare=_assigned,
    data=lambda item: {"content": "召开专题会部署"},
    done=lambda item: item.deployed_at is not None,
))
register_action(ActionCase(
    url_name="tasks-superviseditem-report",
    prepare=_deployed,
    data=lambda item: {"content": "已完成一半", "percent": 50},
    done=lambda item: item.first_report_at is not None,
))
register_action(ActionCase(
    url_name="tasks-superviseditem-file-timetable",
    prepare=_complex,
    data=lambda item: {"due_on": c.next_year_date().isoformat(), "plan": "分三步推进"},
    done=lambda item: item.timetable_due_on == c.next_year_date(),
))
register_action(ActionCase(
    url_name="tasks-superviseditem-done",
    prepare=_deployed,
    data=lambda item: {"content": "已办结"},
    done=lambda item: item.done_at is not None,
))
register_action(ActionCase(
    url_name="tasks-superviseditem-close-out",
    prepare=_done,
    data=lambda item: {"evidence": "现场验收合格"},
    done=lambda item: item.status == SupervisedItem.Status.CLOSED,
))
register_action(ActionCase(
    url_name="tasks-superviseditem-reopen",
    prepare=_closed,
    data=lambda item: {"reason": "回访发现问题反弹"},
    done=lambda item: item.status != SupervisedItem.Status.CLOSED,
))


def _problem(township, status=Problem.Status.OPEN, **fields):
    return c.problem(township, status=status, **fields), township_user(township)


def _submitted(township):
    problem = c.problem(township, status=Problem.Status.SUBMITTED, evidence="台账已补齐")
    return problem, f.UserFactory(username=f"county{c.n()}", role=Role.COUNTY_ADMIN)


register_action(ActionCase(
    url_name="tasks-problem-start-rectifying",
    prepare=_problem,
    done=lambda problem: problem.status == Problem.Status.RECTIFYING,
))
register_action(ActionCase(
    url_name="tasks-problem-submit",
    prepare=lambda township: _problem(township, Problem.Status.RECTIFYING),
    data=lambda problem: {"evidence": "已补齐台账"},
    done=lambda problem: problem.status == Problem.Status.SUBMITTED,
))
register_action(ActionCase(
    url_name="tasks-problem-verify",
    prepare=_submitted,
    done=lambda problem: problem.status == Problem.Status.CLOSED,
))
register_action(ActionCase(
    url_name="tasks-problem-return",
    prepare=_submitted,
    data=lambda problem: {"reason": "佐证材料不充分"},
    done=lambda problem: problem.status == Problem.Status.RETURNED,
))


def _inspection(township):
    return c.inspection(township), township_user(township)


register_action(ActionCase(
    url_name="tasks-inspection-findings",
    prepare=_inspection,
    data=lambda inspection: {"description": "谈话记录缺失",
                             "responsible": f.CadreFactory(organization=inspection.organization).pk,
                             "deadline": c.next_year_date().isoformat()},
    status=201,
    done=lambda inspection: inspection.problems.count() == 1,
))


# --- figures ----------------------------------------------------------------------------------------

ALL = ("county_admin", "township_admin", "cadre_user")

register_read(ReadCase(
    url_name="tasks-figures-battle-map",
    url=lambda township: f"/api/v1/tasks/figures/battle-map/?year={c.this_year()}",
    make=lambda township: c.task(township),
    roles=ALL,
))
register_read(ReadCase(
    url_name="tasks-bulletin-figures",
    url=lambda township: f"/api/v1/tasks/bulletins/{c.bulletin(township).pk}/figures/",
    roles=("county_admin", "township_admin"),
    township_scoped=False,
))
