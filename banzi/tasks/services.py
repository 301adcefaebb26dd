"""Work-implementation writes with rules: work lists and tasks, back-scheduled milestones, progress
reports, the problem list and its rectification workflow, cross-inspections and their findings,
the look-back review, and the 13710 supervised items from assignment to close-out (销号).

Every function here is atomic, checks the user's right to change the records it touches
(`core.services.ensure_can_write`, and that every record it refers to is in the user's scope),
and raises one clear `ValidationError` per broken rule, so that nothing is saved when a rule is
broken. The workflow steps check the lifecycle tables of `workflow.py` (from which states a step
may be taken, and by whom) and move the record on by them. Pages and the API call these functions,
one per user action; they hold no rules of their own.
"""
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banzi.core import clock, services
from banzi.core.errors import Code
from banzi.core.scoping import can_write_model
from banzi.core.workflow import check_visible, lock
from banzi.org.models import Organization, TeamMembership

from .models import (
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
from .workflow import ASSIGNEE, INSPECTIONS, ITEMS, PROBLEMS, TASKS

# --- shared checks ----------------------------------------------------------------------------


def _check_org_and_cadre(user, organization, cadre, *, cadre_field="responsible"):
    """The organization and the responsible cadre are within the user's scope and belong together."""
    check_visible(user, organization, "organization", _("Choose an organization you manage."))
    check_visible(user, cadre, cadre_field, _("Choose a cadre of an organization you manage."))
    if organization is None or cadre is None:
        return
    cadre_township = cadre.organization.township_id
    if organization.township_id and cadre_township and cadre_township != organization.township_id:
        raise ValidationError(
            {cadre_field: ValidationError(_("%(cadre)s works in another township than %(org)s.") % {
                "cadre": cadre, "org": organization}, code=Code.OTHER_TOWNSHIP)}
        )


def _check_percent(percent):
    if percent is None or not 0 <= percent <= 100:
        raise ValidationError({"percent": ValidationError(_("Progress is a percentage between 0 and 100."), code=Code.OUT_OF_RANGE)})


def _require_text(value, field, message):
    if not (value or "").strip():
        raise ValidationError({field: ValidationError(message, code=Code.REQUIRED)})
    return value.strip()


def _now():
    """Now, to the second: the times of the workflow are shown and edited to the second, so that
    opening and saving an edit form does not change them."""
    return clock.now().replace(microsecond=0)


def _stored(model, pk, field):
    return model._default_manager.filter(pk=pk).values_list(field, flat=True).first() if pk else None


# --- work lists and tasks --------------------------------------------------------------------


def is_team_member(cadre, township_id, year):
    """Whether the cadre sits on the township's leadership team, within the team's term, at some time
    in the year."""
    memberships = TeamMembership.objects.serving_in_year(year).filter(cadre=cadre)
    if township_id:
        memberships = memberships.filter(team__township_id=township_id)
    return memberships.exists()


@transaction.atomic
def save_work_list(user, work_list):
    """Create or change a team member's yearly work list (工作清单).

    The list belongs to a member of the township's leadership team in that year; this is checked
    when the list is created or moved to another cadre, year or organization, not when a later edit
    only changes the responsibilities of someone who has since left the team."""
    services.ensure_can_write(user, work_list)
    check_visible(user, work_list.organization, "organization", _("Choose an organization you manage."))
    check_visible(user, work_list.cadre, "cadre", _("Choose a cadre of an organization you manage."))
    this_year = clock.today().year
    if work_list.year and not 2000 <= work_list.year <= this_year + 1:
        raise ValidationError({"year": ValidationError(_("Enter a year between 2000 and next year."), code=Code.YEAR_OUT_OF_RANGE)})
    stored = (
        WorkList.objects.filter(pk=work_list.pk).values("cadre_id", "year", "organization_id").first()
        if work_list.pk else None
    )
    changed = stored != {"cadre_id": work_list.cadre_id, "year": work_list.year,
                         "organization_id": work_list.organization_id}
    if changed and work_list.cadre_id and work_list.organization_id and work_list.year:
        if not is_team_member(work_list.cadre, work_list.organization.township_id, work_list.year):
            raise ValidationError({"cadre": ValidationError(_(
                "%(cadre)s is not a member of the leadership team of %(org)s in %(year)s; a work list belongs to "
                "a team member.") % {"cadre": work_list.cadre, "org": work_list.organization, "year": work_list.year}, code=Code.NOT_TEAM_MEMBER)})
    if WorkList.objects.filter(cadre_id=work_list.cadre_id, year=work_list.year).exclude(pk=work_list.pk).exists():
        raise ValidationError({"year": ValidationError(_("%(cadre)s already has a work list for %(year)s.") % {
            "cadre": work_list.cadre, "year": work_list.year}, code=Code.UNIQUE)})
    return services.save_object(user, work_list)


create_work_list = update_work_list = save_work_list


@transaction.atomic
def save_task(user, task):
    """Create or change a task: its deadline is not before its start, its organization and
    responsible cadre are within the user's scope, and it stays in its work list's township."""
    services.ensure_can_write(user, task)
    if task.start_on and task.deadline and task.deadline < task.start_on:
        raise ValidationError({"deadline": ValidationError(_("The deadline cannot be before the start date."), code=Code.DATE_ORDER)})
    _check_org_and_cadre(user, task.organization, task.responsible)
    if task.work_list_id:
        check_visible(user, task.work_list, "work_list", _("Choose a work list you manage."))
        list_township = task.work_list.organization.township_id
        if list_township and task.organization.township_id != list_township:
            raise ValidationError({"organization": ValidationError(_("A task belongs to the same township as its work list."), code=Code.OTHER_TOWNSHIP)})
    if task.pk and task.deadline:
        late = task.milestones.filter(due_on__gt=task.deadline).order_by("due_on").first()
        if late is not None:
            raise ValidationError({"deadline": ValidationError(_(
                "Milestone “%(m)s” is due on %(date)s, after this deadline; move the milestone first.") % {
                "m": late.title, "date": late.due_on.isoformat()}, code=Code.MILESTONE_AFTER_DEADLINE)})
    if task.status == Task.Status.DONE and not task.completed_on:
        task.completed_on = task.last_reported_on or clock.today()
    if task.status != Task.Status.DONE:
        task.completed_on = None
    return services.save_object(user, task)


create_task = update_task = save_task


# --- milestones (目标倒逼) --------------------------------------------------------------------

BY_DAYS = "days"
BY_WEIGHT = "weight"


def due_by_days(task, days):
    """Back-scheduling by offset: the milestone falls `days` days before the deadline."""
    return task.deadline - datetime.timedelta(days=days)


def due_by_weight(task, weight):
    """Back-scheduling by weight: a milestone that completes `weight` % of the work falls that share
    of the way from the start to the deadline (100 % is the deadline itself)."""
    span = (task.deadline - task.start_on).days
    return task.start_on + datetime.timedelta(days=round(span * weight / 100))


def _check_milestone_date(task, due_on, title):
    if due_on > task.deadline:
        raise ValidationError({"due_on": ValidationError(_(
            "Milestone “%(m)s” would fall on %(date)s, after the task's deadline %(deadline)s.") % {
            "m": title, "date": due_on.isoformat(), "deadline": task.deadline.isoformat()}, code=Code.MILESTONE_AFTER_DEADLINE)})


@transaction.atomic
def save_milestone(user, milestone):
    """Create or change one milestone. A blank due date is computed from the offset or weight; a
    milestone after its task's deadline is refused."""
    services.ensure_can_write(user, milestone)
    task = milestone.task
    check_visible(user, task, "task", _("Choose a task you manage."))
    if milestone.days_before_deadline is not None and milestone.weight is not None:
        raise ValidationError(_("Give either the days before the deadline or the share of the work, not both."), code=Code.NOT_APPLICABLE)
    if milestone.weight is not None and not 0 < milestone.weight <= 100:
        raise ValidationError({"weight": ValidationError(_("Enter a share between 1 and 100."), code=Code.OUT_OF_RANGE)})
    if milestone.due_on is None:
        if milestone.days_before_deadline is not None:
            milestone.due_on = due_by_days(task, milestone.days_before_deadline)
        elif milestone.weight is not None:
            milestone.due_on = due_by_weight(task, milestone.weight)
        else:
            raise ValidationError({"due_on": ValidationError(_("Enter a due date, the days before the deadline or a share of the work."), code=Code.REQUIRED)})
    _check_milestone_date(task, milestone.due_on, milestone.title)
    return services.save_object(user, milestone)


@transaction.atomic
def schedule_milestones(user, task, plan, *, by=BY_DAYS):
    """Schedule milestones back from the task's deadline (目标倒逼).

    `plan` is a list of (title, value): with `by="days"` the value is the number of days before
    the deadline (due = deadline − days); with `by="weight"` it is the cumulative share of the work
    done by that milestone, and the milestone is placed proportionally between the start and the
    deadline (100 ↔ the deadline). A milestone that would fall after the deadline is refused, and
    then none of the plan is saved. Returns the new milestones."""
    if by not in (BY_DAYS, BY_WEIGHT):
        raise ValidationError(_("Schedule milestones by days before the deadline or by share of the work."), code=Code.INVALID_CHOICE)
    TASKS.check(user, task, "schedule")
    if not plan:
        raise ValidationError({"plan": ValidationError(_("Enter at least one milestone."), code=Code.REQUIRED)})
    created, previous = [], None
    for title, value in plan:
        title = _require_text(title, "plan", _("Every milestone needs a title."))
        if value is None:
            raise ValidationError({"plan": ValidationError(_("Milestone “%(m)s” needs a number.") % {"m": title}, code=Code.REQUIRED)})
        value = int(value)
        if by == BY_DAYS:
            if value < 0:
                raise ValidationError({"due_on": ValidationError(_(
                    "Milestone “%(m)s” would fall %(n)d days after the task's deadline; a milestone cannot fall "
                    "after its task's deadline.") % {"m": title, "n": -value}, code=Code.MILESTONE_AFTER_DEADLINE)})
            milestone = Milestone(task=task, title=title, days_before_deadline=value, due_on=due_by_days(task, value))
        else:
            if value > 100:
                raise ValidationError({"due_on": ValidationError(_(
                    "Milestone “%(m)s” has a share of %(n)d%%: more than 100%% would fall after the task's "
                    "deadline.") % {"m": title, "n": value}, code=Code.MILESTONE_AFTER_DEADLINE)})
            if value <= 0:
                raise ValidationError({"weight": ValidationError(_("Enter a share between 1 and 100."), code=Code.OUT_OF_RANGE)})
            if previous is not None and value < previous:
                raise ValidationError({"weight": ValidationError(_(
                    "Shares are cumulative: “%(m)s” (%(n)d%%) cannot come after a milestone with %(p)d%%.") % {
                    "m": title, "n": value, "p": previous}, code=Code.SHARE_ORDER)})
            previous = value
            milestone = Milestone(task=task, title=title, weight=value, due_on=due_by_weight(task, value))
        _check_milestone_date(task, milestone.due_on, title)
        created.append(services.save_object(user, milestone, reason=_("Scheduled back from the deadline")))
    return created


# --- progress reports (亮进度、亮效果) --------------------------------------------------------


def refresh_task_progress(user, task):
    """The task's progress, latest effect and last report date follow its latest report."""
    latest = task.reports.order_by("-reported_on", "-id").first()
    task.progress = latest.percent if latest else 0
    task.latest_effect = latest.effect if latest else ""
    task.last_reported_on = latest.reported_on if latest else None
    if latest and task.status == Task.Status.NOT_STARTED:
        task.status = Task.Status.IN_PROGRESS
    if task.responsible_id == getattr(user, "cadre_id", None) and not can_write_model(user, Task):
        # The responsible cadre may report but not edit the task: its figures follow the report
        # they were allowed to write, so they are saved as derived values, with the cadre in history.
        task._history_user = user
        task._change_reason = _("Progress report")
        task.save(update_fields=["progress", "latest_effect", "last_reported_on", "status", "updated_at"])
        return task
    return services.save_object(user, task, reason=_("Progress report"))


def _check_report(report, task):
    refusal = TASKS.refused(task, "report")
    if refusal is not None:
        raise refusal
    _check_percent(report.percent)
    if report.reported_on and report.reported_on > clock.today():
        raise ValidationError({"reported_on": ValidationError(_("A progress report cannot be dated in the future."), code=Code.FUTURE_DATE)})


@transaction.atomic
def save_progress_report(user, report, *, mark_done=False):
    """Create or change a progress report; the task then shows the latest report's figures.
    Refused on a closed (done or cancelled) task. A report of 100 % can mark the task done."""
    services.ensure_can_write(user, report)
    task = Task.objects.select_related("organization").get(pk=report.task_id) if report.task_id else None
    if task is None:
        raise ValidationError({"task": ValidationError(_("Choose the task this report is about."), code=Code.REQUIRED)})
    check_visible(user, task, "task", _("Choose a task you manage."))
    old_task_id = _stored(ProgressReport, report.pk, "task_id")
    _check_report(report, task)
    if mark_done:
        services.ensure_can_write(user, task)  # marking the task done is the committee's, not the reporter's
    if mark_done and report.percent != 100:
        raise ValidationError({"percent": ValidationError(_("Only a report of %(n)d%% can mark the task done.") % {"n": 100}, code=Code.STATUS_MISMATCH)})
    report = services.save_object(user, report)
    task = lock(task)
    if mark_done:
        task.status = Task.Status.DONE
        task.completed_on = report.reported_on
    refresh_task_progress(user, task)
    if old_task_id and old_task_id != task.pk:
        refresh_task_progress(user, Task.objects.get(pk=old_task_id))
    return report


@transaction.atomic
def submit_progress_report(user, task, *, reported_on=None, percent, narrative, effect="", attachment=None,
                           mark_done=False):
    """Report a task's progress (亮进度) and effect (亮效果): the committee, or the responsible cadre on
    their own task."""
    TASKS.check(user, task, "report")
    report = ProgressReport(
        task=task, reported_on=reported_on or clock.today(), percent=percent, narrative=narrative or "",
        effect=effect or "",
    )
    if attachment:
        report.attachment = attachment
    return save_progress_report(user, report, mark_done=mark_done)


@transaction.atomic
def delete_progress_report(user, report):
    """Delete a report; the task falls back to the figures of its latest remaining report."""
    task = report.task
    if task.is_closed:
        raise ValidationError(_("“%(task)s” is closed; its progress reports are kept as they are.") % {"task": task}, code=Code.WRONG_STATE)
    services.delete_object(user, report)
    return refresh_task_progress(user, lock(task))


# --- the problem list (问题清单) --------------------------------------------------------------


def _check_problem(user, problem):
    _check_org_and_cadre(user, problem.organization, problem.responsible)
    if problem.inspection_id:
        check_visible(user, problem.inspection, "inspection", _("Choose a cross-inspection you can see."))
        if problem.source != Problem.Source.INSPECTION:
            raise ValidationError({"source": ValidationError(_("A finding of a cross-inspection has the source “cross-inspection”."), code=Code.NOT_APPLICABLE)})
        if problem.organization_id != problem.inspection.organization_id:
            raise ValidationError({"organization": ValidationError(_("A finding belongs to the inspected organization, %(org)s.") % {
                "org": problem.inspection.organization}, code=Code.ORGANIZATION_MISMATCH)})
    if problem.source == Problem.Source.INSPECTION and not problem.inspection_id:
        raise ValidationError({"inspection": ValidationError(_("Choose the cross-inspection that found this problem."), code=Code.REQUIRED)})


@transaction.atomic
def save_problem(user, problem):
    """Create or change a problem's description, responsible cadre, measures and deadline. Its
    status moves only through the rectification workflow; a closed problem is no longer changed."""
    services.ensure_can_write(user, problem)
    if problem.pk:
        PROBLEMS.check(user, Problem.objects.get(pk=problem.pk), "edit")
    else:
        problem.status = Problem.Status.OPEN
    _check_problem(user, problem)
    return services.save_object(user, problem)


@transaction.atomic
def create_problem(user, organization, source, description, responsible, deadline, measures="", **refs):
    """Put a problem on the problem list, with a responsible cadre and a deadline.

    The public entry point for every module that finds problems: cross-inspections, the look-back
    review, and later democratic life meetings and assessments. `refs` may hold `inspection`,
    `review` and `source_reference` (e.g. the meeting or assessment it came from)."""
    unknown = set(refs) - {"inspection", "review", "source_reference"}
    if unknown:
        raise TypeError(f"create_problem() got unexpected references: {sorted(unknown)}")
    problem = Problem(
        organization=organization, source=source, description=(description or "").strip(), responsible=responsible,
        deadline=deadline, measures=measures or "", **refs,
    )
    if not problem.description:
        raise ValidationError({"description": ValidationError(_("Describe the problem."), code=Code.REQUIRED)})
    return save_problem(user, problem)


@transaction.atomic
def start_rectification(user, problem):
    """The responsible side starts rectifying an open or returned problem."""
    problem = lock(problem)
    PROBLEMS.check(user, problem, "start")
    PROBLEMS.advance(problem, "start")
    return services.save_object(user, problem, reason=_("Rectification started"))


@transaction.atomic
def submit_rectification(user, problem, *, evidence="", evidence_file=None):
    """Submit the rectification with its evidence (a text, a file or both) for verification."""
    problem = lock(problem)
    PROBLEMS.check(user, problem, "submit")
    evidence = (evidence or "").strip()
    if not evidence and not evidence_file and not problem.evidence_file:
        raise ValidationError({"evidence": ValidationError(_("Describe or attach the evidence of the rectification."), code=Code.REQUIRED)})
    if evidence:
        problem.evidence = evidence
    if evidence_file:
        problem.evidence_file = evidence_file
    PROBLEMS.advance(problem, "submit")
    problem.submitted_at = _now()
    return services.save_object(user, problem, reason=_("Rectification submitted"))


@transaction.atomic
def verify_problem(user, problem):
    """Verify a submitted rectification and close the problem (closed only with evidence)."""
    problem = lock(problem)
    PROBLEMS.check(user, problem, "verify")
    if not (problem.evidence.strip() or problem.evidence_file):
        raise ValidationError({"evidence": ValidationError(_("A problem cannot be closed without evidence of its rectification."), code=Code.REQUIRED)})
    PROBLEMS.advance(problem, "verify")
    problem.verified_at = _now()
    problem.verified_by = user
    return services.save_object(user, problem, reason=_("Verified and closed"))


@transaction.atomic
def return_problem(user, problem, reason):
    """Return a submitted rectification for more work, with the reason."""
    problem = lock(problem)
    PROBLEMS.check(user, problem, "return")
    problem.return_reason = _require_text(reason, "return_reason", _("Give the reason for returning it."))
    PROBLEMS.advance(problem, "return")
    return services.save_object(user, problem, reason=_("Returned for more work"))


# --- cross-inspections (交叉检查) -------------------------------------------------------------


def _check_team(inspection, leader, members):
    township_id = inspection.organization.township_id if inspection.organization_id else None
    for field, cadres in (("leader", [leader] if leader else []), ("members", members or [])):
        for cadre in cadres:
            if township_id and cadre.organization.township_id == township_id:
                raise ValidationError({field: ValidationError(_(
                    "%(cadre)s works in the inspected township; nobody inspects their own township.") % {
                    "cadre": cadre}, code=Code.INSPECT_OWN_TOWNSHIP)})


@transaction.atomic
def save_inspection(user, inspection, members=None):
    """Create or change a cross-inspection: an inspecting organization sends a team to another
    organization, never its own and never one in its own township, and nobody on the team works in
    the inspected township. `members` (cadres), when given, replaces the team's members."""
    services.ensure_can_write(user, inspection)
    check_visible(user, inspection.organization, "organization", _("Choose an organization you manage."))
    if inspection.inspecting_organization_id and inspection.organization_id:
        inspecting, inspected = inspection.inspecting_organization, inspection.organization
        if inspecting.pk == inspected.pk or (inspecting.township_id and inspecting.township_id == inspected.township_id):
            raise ValidationError({"organization": ValidationError(_("An organization cannot inspect itself or its own township."), code=Code.INSPECT_OWN_TOWNSHIP)})
    _check_team(inspection, inspection.leader if inspection.leader_id else None, members)
    inspection = services.save_object(user, inspection)
    if members is not None:
        inspection.members.set(members)
    return inspection


@transaction.atomic
def record_finding(user, inspection, *, description, responsible, deadline, measures="", item=""):
    """Record a cross-inspection finding: it goes on the problem list of the inspected organization."""
    services.ensure_can_write(user, inspection)
    INSPECTIONS.check(user, inspection, "finding")
    return create_problem(
        user, inspection.organization, Problem.Source.INSPECTION, description, responsible, deadline, measures,
        inspection=inspection, source_reference=item or "",
    )


# --- the look-back review (回头看) ------------------------------------------------------------


def _problem_from_review(user, review, responsible, deadline, measures):
    if not review.gap.strip() or _has_problem(review):
        return None
    responsible = responsible or review.task.responsible
    if deadline is None:
        raise ValidationError({"deadline": ValidationError(_("Enter the deadline for rectifying the gap."), code=Code.REQUIRED)})
    return create_problem(
        user, review.task.organization, Problem.Source.REVIEW, review.gap, responsible, deadline, measures,
        review=review, source_reference=review.task.title[:200],
    )


def _has_problem(review):
    return review.pk is not None and Problem.objects.filter(review_id=review.pk).exists()


@transaction.atomic
def save_review(user, review, *, responsible=None, deadline=None, measures=""):
    """Create or change a task's look-back review; a gap that has no problem yet becomes one, with a
    responsible cadre (by default the task's) and a deadline."""
    services.ensure_can_write(user, review)
    check_visible(user, review.task, "task", _("Choose a task you manage."))
    if TaskReview.objects.filter(task_id=review.task_id).exclude(pk=review.pk).exists():
        raise ValidationError({"task": ValidationError(_("This task has already been reviewed; change that review instead."), code=Code.UNIQUE)})
    if review.outcome != TaskReview.Outcome.ACHIEVED and not (review.gap or "").strip():
        raise ValidationError({"gap": ValidationError(_("Describe the gap for a task that was not fully achieved."), code=Code.REQUIRED)})
    if review.reviewed_on is None:
        review.reviewed_on = clock.today()
    review = services.save_object(user, review)
    _problem_from_review(user, review, responsible, deadline, measures)
    return review


@transaction.atomic
def review_task(user, task, outcome, gap="", responsible=None, deadline=None, *, measures="", reviewed_on=None):
    """Review a task at year end (回头看): the outcome and the gap; a gap creates a problem with a
    responsible person (by default the task's responsible cadre) and a deadline."""
    TASKS.check(user, task, "review")
    review = TaskReview(task=task, outcome=outcome, gap=(gap or "").strip(), reviewed_on=reviewed_on)
    return save_review(user, review, responsible=responsible, deadline=deadline, measures=measures)


# --- 13710 supervised items (督办事项) --------------------------------------------------------


def _check_moment(item, moment, field, what):
    if moment is None:
        return
    if item.assigned_at and moment < item.assigned_at:
        raise ValidationError({field: ValidationError(_("%(what)s cannot be before the item was assigned (%(at)s).") % {
            "what": what, "at": timezone.localtime(item.assigned_at).strftime("%Y-%m-%d %H:%M")}, code=Code.DATE_ORDER)})
    if moment > clock.now() + datetime.timedelta(minutes=5):
        raise ValidationError({field: ValidationError(_("%(what)s cannot be in the future.") % {"what": what}, code=Code.FUTURE_DATE)})


def _check_item(user, item):
    _check_org_and_cadre(user, item.organization, item.assignee, cadre_field="assignee")
    if item.task_id:
        check_visible(user, item.task, "task", _("Choose a task you manage."))
    if item.timetable_due_on:
        if item.item_class == SupervisedItem.ItemClass.ORDINARY:
            raise ValidationError({"timetable_due_on": ValidationError(_(
                "An ordinary item is done within the 13710 time limit; only a complex or major item may file a "
                "timetable."), code=Code.NOT_APPLICABLE)})
        if item.assigned_at and item.timetable_due_on < clock.local_date(item.assigned_at):
            raise ValidationError({"timetable_due_on": ValidationError(_("The deadline cannot be before the assignment date."), code=Code.DATE_ORDER)})


@transaction.atomic
def assign_item(user, item):
    """Assign a supervised item: the assignee organization and cadre are within the user's scope;
    the assigner is the user and the assignment time defaults to now, which starts the 13710 clock."""
    if item.pk:
        return update_item(user, item)
    item.assigned_by = user
    if item.assigned_at is None:
        item.assigned_at = _now()
    services.ensure_can_write(user, item)
    _check_moment(item, item.assigned_at, "assigned_at", _("The assignment time"))
    item.status = SupervisedItem.Status.ASSIGNED
    _check_item(user, item)
    return services.save_object(user, item, reason=_("Assigned"))


@transaction.atomic
def update_item(user, item):
    """Correct an open supervised item: only the organization that assigned it may; a closed item is
    not edited, only reopened with a reason."""
    services.ensure_can_write(user, item)
    ITEMS.check(user, SupervisedItem.objects.select_related("assigned_by").get(pk=item.pk), "edit")
    if item.assigned_at is None:
        raise ValidationError({"assigned_at": ValidationError(_("Enter when the item was assigned."), code=Code.REQUIRED)})
    for field, what in (("deployed_at", _("The deployment")), ("first_report_at", _("The first report")),
                        ("done_at", _("The completion"))):
        moment = getattr(item, field)
        if moment is not None and moment < item.assigned_at:
            raise ValidationError({"assigned_at": ValidationError(_("%(what)s cannot be before the item was assigned.") % {
                "what": what}, code=Code.DATE_ORDER)})
    _check_item(user, item)
    return services.save_object(user, item)


def save_item(user, item):
    """The edit page's service: assign a new item or correct an open one."""
    return assign_item(user, item) if item.pk is None else update_item(user, item)


def _report(user, item, kind, content, at, percent=None):
    report = SupervisedReport(item=item, kind=kind, reported_at=at, content=content, percent=percent)
    return services.save_object(user, report)


def _save_reported_item(user, item, reason):
    """Save the item after a report step. The assignee may report but not edit the item, so the
    clock fields their report moved are saved as derived values, with the cadre in the history."""
    if ASSIGNEE(user, item) and not can_write_model(user, SupervisedItem):
        item._history_user = user
        item._change_reason = reason
        item.save(update_fields=["deployed_at", "first_report_at", "done_at", "status", "updated_at"])
        return item
    return services.save_object(user, item, reason=reason)


@transaction.atomic
def record_deployment(user, item, *, content, at=None):
    """Record that the assignee has deployed the item (the "1" of 13710)."""
    item = lock(item)
    ITEMS.check(user, item, "deploy")
    content = _require_text(content, "content", _("Describe how the item was deployed."))
    at = at or _now()
    _check_moment(item, at, "reported_at", _("The deployment"))
    _report(user, item, SupervisedReport.Kind.DEPLOYMENT, content, at)
    item.deployed_at = at
    ITEMS.advance(item, "deploy")
    return _save_reported_item(user, item, _("Deployed"))


@transaction.atomic
def add_report(user, item, *, content, percent=None, kind=None, at=None):
    """Report progress on an open item (the "3" of 13710, then further reports). The first report
    sets the first-report time; an item on a filed timetable reports monthly."""
    item = lock(item)
    ITEMS.check(user, item, "report")
    if percent is not None:
        _check_percent(percent)
    content = _require_text(content, "content", _("Describe the progress."))
    if kind is None:
        kind = SupervisedReport.Kind.MONTHLY if item.timetable_due_on else SupervisedReport.Kind.PROGRESS
    if kind not in (SupervisedReport.Kind.PROGRESS, SupervisedReport.Kind.MONTHLY):
        raise ValidationError({"kind": ValidationError(_("Record a deployment or completion with its own step."), code=Code.INVALID_CHOICE)})
    at = at or _now()
    _check_moment(item, at, "reported_at", _("The report"))
    report = _report(user, item, kind, content, at, percent)
    if item.first_report_at is None or at < item.first_report_at:
        item.first_report_at = at
    ITEMS.advance(item, "report")
    _save_reported_item(user, item, _("Progress reported"))
    return report


@transaction.atomic
def file_timetable(user, item, *, due_on, plan):
    """File a timetable for a complex or major item that cannot be done within a month: a date and
    a plan; the item then reports monthly until done."""
    item = lock(item)
    ITEMS.check(user, item, "timetable")
    if due_on is None:
        raise ValidationError({"timetable_due_on": ValidationError(_("Enter the date by which the timetable has the item done."), code=Code.REQUIRED)})
    item.timetable = _require_text(plan, "timetable", _("Enter the timetable: the steps and their dates."))
    if due_on < clock.local_date(item.assigned_at):
        raise ValidationError({"timetable_due_on": ValidationError(_("The deadline cannot be before the assignment date."), code=Code.DATE_ORDER)})
    item.timetable_due_on = due_on
    return services.save_object(user, item, reason=_("Timetable filed"))


@transaction.atomic
def mark_done(user, item, *, content, at=None):
    """Report the item done (the "7" of 13710, or the month); it then awaits close-out."""
    item = lock(item)
    ITEMS.check(user, item, "done")
    content = _require_text(content, "content", _("Describe what was done."))
    at = at or _now()
    _check_moment(item, at, "reported_at", _("The completion"))
    _report(user, item, SupervisedReport.Kind.COMPLETION, content, at, 100)
    item.done_at = at
    if item.first_report_at is None:
        item.first_report_at = at
    ITEMS.advance(item, "done")
    return _save_reported_item(user, item, _("Done"))


@transaction.atomic
def close_out(user, item, *, evidence):
    """Close out (销号) a done item with evidence and the assigner's confirmation."""
    item = lock(item)
    ITEMS.check(user, item, "close_out")
    item.close_evidence = _require_text(evidence, "close_evidence", _("Give the evidence that the item is done."))
    item.closed_at = _now()
    item.closed_by = user
    ITEMS.advance(item, "close_out")
    return services.save_object(user, item, reason=_("Closed out"))


@transaction.atomic
def reopen_item(user, item, *, reason):
    """Reopen a closed-out item with the reason: the reopening is recorded and the item is open
    again, to be done and closed out anew. Whoever may change the item may reopen it (finding that
    it is not done after all takes nothing away); closing it again needs the assigner."""
    item = lock(item)
    ITEMS.check(user, item, "reopen")
    reason = _require_text(reason, "reason", _("Give the reason for reopening the item."))
    reopening = services.save_object(
        user, SupervisedReopening(item=item, reason=reason, previous_closed_at=item.closed_at)
    )
    item.closed_at = None
    item.closed_by = None
    item.done_at = None
    ITEMS.advance(item, "reopen")
    services.save_object(user, item, reason=_("Reopened: %(reason)s") % {"reason": reason[:80]})
    return reopening


@transaction.atomic
def save_supervised_report(user, report):
    """The report page's service: a new report runs the matching workflow step (deployment,
    progress or monthly report, completion); a correction keeps the item's clock consistent."""
    if report.item_id is None:
        raise ValidationError({"item": ValidationError(_("Choose the supervised item."), code=Code.REQUIRED)})
    item = report.item
    check_visible(user, item, "item", _("Choose a supervised item you manage."))
    if report.pk is None:
        kind, at, content = report.kind, report.reported_at, report.content
        if kind == SupervisedReport.Kind.DEPLOYMENT:
            record_deployment(user, item, content=content, at=at)
        elif kind == SupervisedReport.Kind.COMPLETION:
            mark_done(user, item, content=content, at=at)
        else:
            return add_report(user, item, content=content, percent=report.percent, kind=kind, at=at)
        return item.reports.filter(kind=kind).order_by("-id").first()
    services.ensure_can_write(user, report)
    _ensure_open(item)
    if report.percent is not None:
        _check_percent(report.percent)
    _check_moment(item, report.reported_at, "reported_at", _("The report"))
    return services.save_object(user, report)


def _ensure_open(item):
    """The reports of a closed-out item are kept as they are."""
    refusal = ITEMS.refused(item, "edit")
    if refusal is not None:
        raise refusal


@transaction.atomic
def delete_supervised_report(user, report):
    """Delete a wrongly entered report of an open item."""
    _ensure_open(report.item)
    return services.delete_object(user, report)


@transaction.atomic
def save_reopening(user, reopening):
    """The reopening page's service: a new reopening reopens the item; a correction changes the reason."""
    if reopening.pk is None:
        if reopening.item_id is None:
            raise ValidationError({"item": ValidationError(_("Choose the supervised item."), code=Code.REQUIRED)})
        check_visible(user, reopening.item, "item", _("Choose a supervised item you manage."))
        return reopen_item(user, reopening.item, reason=reopening.reason)
    reopening.reason = _require_text(reopening.reason, "reason", _("Give the reason for reopening the item."))
    return services.save_object(user, reopening)


# --- bulletins (通报) --------------------------------------------------------------------------


@transaction.atomic
def save_bulletin(user, bulletin):
    """Create or change a bulletin's heading (scope, period, issuing body, number); its figures are
    computed from the records whenever it is shown or exported."""
    services.ensure_can_write(user, bulletin)
    check_visible(user, bulletin.organization, "organization", _("Choose an organization you manage."))
    if bulletin.organization_id and bulletin.organization.kind not in (Organization.Kind.COUNTY,
                                                                      Organization.Kind.TOWNSHIP):
        raise ValidationError({"organization": ValidationError(_("A bulletin covers the county or a township."), code=Code.WRONG_KIND)})
    return services.save_object(user, bulletin)

