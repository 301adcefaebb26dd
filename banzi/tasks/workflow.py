"""The lifecycles of work implementation, declared once: supervised items on the 13710 clock, the
problem list's rectification, tasks and cross-inspections. The services check these tables, the
detail pages offer the steps they allow, and the API's actions read them too (see core.workflow)."""
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banzi.core.roles import Role
from banzi.core.workflow import COUNTY, MANAGER, Actor, Lifecycle, Step, may_write, own_cadre, register, role

from .models import Inspection, Problem, ProgressReport, SupervisedItem, SupervisedReport, Task, TaskReview

# --- supervised items (督办事项) ---------------------------------------------------------------

Item = SupervisedItem.Status
OPEN_ITEM = (Item.ASSIGNED, Item.DEPLOYED, Item.IN_PROGRESS, Item.DONE)
REPORTING = (Item.ASSIGNED, Item.DEPLOYED, Item.IN_PROGRESS)
CLOSED_ITEM = gettext_lazy("“%(item)s” has been closed out; reopen it with a reason before changing it.")

# The assignee cadre deploys their own item, reports on it and reports it done: the "1", "3" and "7"
# of 13710 are theirs to meet. Editing, closing out and reopening stay with the committee.
ASSIGNEE = own_cadre("assignee", "the assignee") & role(Role.CADRE) & may_write(SupervisedReport)


def _assigning_organization(user, item):
    """The county department, or the township Party committee whose administrator assigned it."""
    if user.role == Role.COUNTY_ADMIN:
        return True
    assigner = item.assigned_by
    return (user.role == Role.TOWNSHIP_ADMIN and assigner.role == Role.TOWNSHIP_ADMIN
            and assigner.township_id == user.township_id)


ASSIGNING_ORGANIZATION = MANAGER & Actor("the assigning organization's administrators", _assigning_organization)
ASSIGNER = MANAGER & (COUNTY | Actor("the assigner", lambda user, item: user.pk == item.assigned_by_id))


def _not_deployed(item):
    if item.deployed_at is not None:
        return _("This item was already deployed on %(at)s.") % {
            "at": timezone.localtime(item.deployed_at).strftime("%Y-%m-%d %H:%M")}
    return None


def _may_file_timetable(item):
    if item.item_class == SupervisedItem.ItemClass.ORDINARY:
        return {"timetable_due_on": _(
            "An ordinary item is done within the 13710 time limit; only a complex or major item may file a "
            "timetable.")}
    return None


def _reopened(item):
    """A reopened item goes back to where its clock stood before it was done."""
    if item.first_report_at:
        return Item.IN_PROGRESS
    return Item.DEPLOYED if item.deployed_at else Item.ASSIGNED


ITEMS = register(Lifecycle(
    SupervisedItem,
    Step("deploy", gettext_lazy("Record deployment"), OPEN_ITEM, {Item.ASSIGNED: Item.DEPLOYED},
         actors=MANAGER | ASSIGNEE, guard=_not_deployed, refusal=CLOSED_ITEM),
    Step("report", gettext_lazy("Add a report"), REPORTING, {Item.ASSIGNED: Item.IN_PROGRESS,
                                                             Item.DEPLOYED: Item.IN_PROGRESS},
         actors=MANAGER | ASSIGNEE, refusal={
             Item.DONE: gettext_lazy(
                 "“%(item)s” is done and awaiting close-out; no more progress reports are needed."),
             Item.CLOSED: gettext_lazy("“%(item)s” has been closed out; no more reports can be added to it.")}),
    Step("timetable", gettext_lazy("File a timetable"), OPEN_ITEM, guard=_may_file_timetable, refusal=CLOSED_ITEM,
         style="btn-outline-secondary"),
    Step("done", gettext_lazy("Report done"), REPORTING, Item.DONE, actors=MANAGER | ASSIGNEE, refusal={
        Item.DONE: gettext_lazy("This item is already done and awaiting close-out."), None: CLOSED_ITEM},
        style="btn-outline-success"),
    Step("close_out", gettext_lazy("Close out"), (Item.DONE,), Item.CLOSED, actors=ASSIGNER,
         denial=gettext_lazy("Only the assigner or the county organization department may close out an item."),
         refusal={Item.CLOSED: gettext_lazy("This item has already been closed out."),
                  None: gettext_lazy("Only an item reported done can be closed out.")},
         style="btn-success"),
    Step("reopen", gettext_lazy("Reopen"), (Item.CLOSED,), _reopened,
         refusal=gettext_lazy("Only a closed-out item can be reopened."), style="btn-outline-warning"),
    Step("edit", gettext_lazy("Edit"), OPEN_ITEM, actors=ASSIGNING_ORGANIZATION, refusal=CLOSED_ITEM,
         denial=gettext_lazy("Only the organization that assigned this item may change or delete it.")),
    Step("delete", gettext_lazy("Delete"), OPEN_ITEM, actors=ASSIGNING_ORGANIZATION, refusal=CLOSED_ITEM,
         denial=gettext_lazy("Only the organization that assigned this item may change or delete it.")),
    noun="item",
))


# --- the problem list (问题清单) ----------------------------------------------------------------

P = Problem.Status
NOT_CLOSED = (P.OPEN, P.RECTIFYING, P.SUBMITTED, P.RETURNED)
PROBLEM_CLOSED = gettext_lazy("This problem has been verified and closed; it can no longer be changed.")

# The county organization department or the township's Party committee verifies a problem, never
# the responsible cadre themself.
VERIFIER = MANAGER & role(Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN) & ~own_cadre("responsible", "the responsible cadre")

PROBLEMS = register(Lifecycle(
    Problem,
    Step("start", gettext_lazy("Start rectifying"), (P.OPEN, P.RETURNED), P.RECTIFYING,
         refusal=gettext_lazy("Only an open or returned problem can be put into rectification.")),
    Step("submit", gettext_lazy("Submit the rectification"), (P.OPEN, P.RECTIFYING, P.RETURNED), P.SUBMITTED,
         refusal=gettext_lazy("This problem has already been submitted or closed.")),
    Step("verify", gettext_lazy("Verify and close"), (P.SUBMITTED,), P.CLOSED, actors=VERIFIER,
         refusal=gettext_lazy("Only a rectification submitted with its evidence can be verified."),
         denial=gettext_lazy("Only the county organization department or the township's Party committee may "
                             "verify a rectification, and never the responsible cadre themself."),
         style="btn-success"),
    Step("return", gettext_lazy("Return for more work"), (P.SUBMITTED,), P.RETURNED, actors=VERIFIER,
         refusal=gettext_lazy("Only a submitted rectification can be returned."),
         denial=gettext_lazy("Only the county organization department or the township's Party committee may "
                             "return a rectification, and never the responsible cadre themself."),
         style="btn-outline-warning"),
    Step("edit", gettext_lazy("Edit"), NOT_CLOSED, refusal=PROBLEM_CLOSED),
    Step("delete", gettext_lazy("Delete"), NOT_CLOSED, refusal=PROBLEM_CLOSED),
))


# --- tasks -------------------------------------------------------------------------------------

T = Task.Status
OPEN_TASK = (T.NOT_STARTED, T.IN_PROGRESS)

# The responsible cadre reports progress on their own task (they cannot edit the task itself).
RESPONSIBLE = own_cadre("responsible", "the responsible cadre") & may_write(ProgressReport)


def _not_reviewed(task):
    if task.pk and TaskReview.objects.filter(task_id=task.pk).exists():
        return {"task": _("This task has already been reviewed; change that review instead.")}
    return None


TASKS = register(Lifecycle(
    Task,
    Step("schedule", gettext_lazy("Schedule milestones back from the deadline"), OPEN_TASK,
         refusal=gettext_lazy("This task is closed; its milestones can no longer be scheduled."),
         style="btn-outline-secondary"),
    Step("report", gettext_lazy("Report progress"), OPEN_TASK, {T.NOT_STARTED: T.IN_PROGRESS},
         actors=MANAGER | RESPONSIBLE,
         refusal=gettext_lazy("“%(task)s” is %(status)s; progress can no longer be reported on it.")),
    Step("review", gettext_lazy("Review this task"), guard=_not_reviewed, style="btn-outline-secondary"),
    noun="task",
))


# --- cross-inspections (交叉检查) ---------------------------------------------------------------

INSPECTIONS = register(Lifecycle(
    Inspection,
    Step("finding", gettext_lazy("Add a finding")),
    field=None,
))
