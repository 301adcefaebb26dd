"""Every rule of the work-implementation services, and every bad input of issue 3: refused with a
clear message and nothing saved. Tests match each rule's code."""
import datetime
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from banzi.core import clock
from banzi.core import services as core_services
from banzi.core.errors import Code
from banzi.core.models import AuditEvent
from banzi.core.roles import Role
from banzi.tasks import services
from banzi.tasks.models import (
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
from tests.errors import ALL, refused
from tests.tasks import cases as c

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are asserted in English, the message ids, whatever the catalog holds."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield

D = datetime.date


def messages(exc_info):
    return " ".join(exc_info.value.messages)


def new_task(township, **fields):
    fields.setdefault("start_on", D(2026, 1, 1))
    fields.setdefault("deadline", D(2026, 12, 31))
    return Task(title="村级活动场所提档升级", organization=township,
                responsible=f.CadreFactory(organization=township), **fields)


# --- work lists and tasks ------------------------------------------------------------------------

def test_task_deadline_before_start_is_refused(township, township_admin):
    task = new_task(township, start_on=D(2026, 6, 1), deadline=D(2026, 5, 31))
    with refused("deadline", Code.DATE_ORDER):
        services.save_task(township_admin, task)
    assert not Task.objects.exists()


def test_task_with_another_townships_cadre_is_refused(township, other_township, township_admin):
    task = new_task(township)
    task.responsible = f.CadreFactory(organization=other_township)
    with refused("responsible", Code.OUTSIDE_SCOPE):
        services.save_task(township_admin, task)
    assert not Task.objects.exists()


def test_task_in_another_township_is_refused(township, other_township, township_admin):
    with pytest.raises(PermissionDenied):
        services.save_task(township_admin, new_task(other_township))
    assert not Task.objects.exists()


def test_county_cannot_give_a_task_to_a_cadre_of_another_township(township, other_township, county_admin):
    task = new_task(township)
    task.responsible = f.CadreFactory(organization=other_township)
    with refused("responsible", Code.OTHER_TOWNSHIP):
        services.save_task(county_admin, task)


def test_task_saved_with_history_user(township, township_admin):
    task = services.save_task(township_admin, new_task(township))
    assert task.history.get().history_user == township_admin


def test_task_deadline_cannot_move_before_a_milestone(township, township_admin):
    task = c.task(township)
    Milestone.objects.create(task=task, title="验收", due_on=task.deadline)
    task.deadline = task.deadline - datetime.timedelta(days=10)
    with refused("deadline", Code.MILESTONE_AFTER_DEADLINE) as exc:
        services.save_task(township_admin, task)
    assert "验收" in messages(exc)


def test_work_list_belongs_to_a_team_member(township, township_admin):
    outsider = f.CadreFactory(organization=township, name="王五")
    with refused("cadre", Code.NOT_TEAM_MEMBER) as exc:
        services.save_work_list(township_admin, WorkList(cadre=outsider, organization=township, year=c.this_year()))
    assert "王五" in messages(exc)
    assert not WorkList.objects.exists()
    member = c.team_member(township)
    work_list = services.save_work_list(township_admin, WorkList(cadre=member, organization=township, year=c.this_year()))
    assert work_list.pk and work_list.history.count() == 1


def test_work_list_of_another_townships_team_member_is_refused(township, other_township, county_admin):
    member = c.team_member(other_township)
    with refused("cadre", Code.NOT_TEAM_MEMBER):
        services.save_work_list(county_admin, WorkList(cadre=member, organization=township, year=c.this_year()))


def test_one_work_list_per_member_and_year(township, township_admin):
    existing = c.work_list(township, year=c.this_year())
    with refused("year", Code.UNIQUE):
        services.save_work_list(township_admin, WorkList(cadre=existing.cadre, organization=township, year=c.this_year()))


def test_work_list_belongs_to_a_team_in_its_term(township, township_admin):
    """A membership left open in a team whose term has ended does not make a team member."""
    stale = f.CadreFactory(organization=township, name="赵六")
    old_team = f.TeamFactory(township=township, elected_on=dates.days_ago(8 * 365), term_years=5)
    f.TeamMembershipFactory(team=old_team, cadre=stale)  # never ended, but the term is over
    with refused("cadre", Code.NOT_TEAM_MEMBER) as exc:
        services.save_work_list(township_admin, WorkList(cadre=stale, organization=township, year=c.this_year()))
    assert "赵六" in messages(exc)
    last_year_of_term = old_team.term_ends_on.year
    assert services.save_work_list(township_admin, WorkList(cadre=stale, organization=township,
                                                            year=last_year_of_term)).pk


# --- milestones: back-scheduling from the target ---------------------------------------------

def test_back_scheduling_by_offsets(township, township_admin):
    task = c.task(township, start_on=D(2026, 1, 1), deadline=D(2026, 12, 31))
    milestones = services.schedule_milestones(
        township_admin, task, [("方案制定", 300), ("中期评估", 150), ("验收", 0)], by="days")
    assert [m.due_on for m in milestones] == [D(2026, 3, 6), D(2026, 8, 3), D(2026, 12, 31)]
    assert [m.days_before_deadline for m in milestones] == [300, 150, 0]
    assert Milestone.objects.filter(task=task).count() == 3


def test_back_scheduling_by_weights(township, township_admin):
    task = c.task(township, start_on=D(2026, 1, 1), deadline=D(2026, 5, 1))  # 120 days
    milestones = services.schedule_milestones(
        township_admin, task, [("摸底", 25), ("整改", 50), ("验收", 100)], by="weight")
    assert [m.due_on for m in milestones] == [D(2026, 1, 31), D(2026, 3, 2), D(2026, 5, 1)]
    assert [m.weight for m in milestones] == [25, 50, 100]


def test_milestone_after_the_deadline_is_refused_and_nothing_saved(township, township_admin):
    task = c.task(township)
    with refused("due_on", Code.MILESTONE_AFTER_DEADLINE):
        services.schedule_milestones(township_admin, task, [("摸底", 30), ("超期", -5)], by="days")
    with refused("due_on", Code.MILESTONE_AFTER_DEADLINE):
        services.schedule_milestones(township_admin, task, [("摸底", 50), ("超期", 120)], by="weight")
    with refused("due_on", Code.MILESTONE_AFTER_DEADLINE):
        services.save_milestone(township_admin, Milestone(task=task, title="超期",
                                                          due_on=task.deadline + datetime.timedelta(days=1)))
    assert not Milestone.objects.exists()


def test_weights_must_accumulate(township, township_admin):
    task = c.task(township)
    with refused("weight", Code.SHARE_ORDER):
        services.schedule_milestones(township_admin, task, [("整改", 60), ("摸底", 30)], by="weight")
    assert not Milestone.objects.exists()


def test_single_milestone_due_date_is_computed(township, township_admin):
    task = c.task(township, start_on=D(2026, 1, 1), deadline=D(2026, 12, 31))
    milestone = services.save_milestone(township_admin, Milestone(task=task, title="中期", days_before_deadline=30))
    assert milestone.due_on == D(2026, 12, 1)


# --- progress reports --------------------------------------------------------------------------

@pytest.mark.parametrize("percent", [-1, 101, None])
def test_percent_outside_0_to_100_is_refused(percent, township, township_admin):
    task = c.task(township)
    with refused("percent", Code.OUT_OF_RANGE):
        services.submit_progress_report(township_admin, task, percent=percent, narrative="推进")
    assert not ProgressReport.objects.exists()
    task.refresh_from_db()
    assert task.progress == 0 and task.last_reported_on is None


def test_task_follows_its_latest_report(township, township_admin):
    task = c.task(township)
    today = clock.today()
    services.submit_progress_report(township_admin, task, reported_on=today, percent=40, narrative="推进",
                                    effect="12 个村完成")
    services.submit_progress_report(township_admin, task, reported_on=today - datetime.timedelta(days=5),
                                    percent=20, narrative="补报")
    task.refresh_from_db()
    assert (task.progress, task.latest_effect, task.last_reported_on) == (40, "12 个村完成", today)
    assert task.status == Task.Status.IN_PROGRESS
    latest = task.reports.get(percent=40)
    services.delete_progress_report(township_admin, latest)
    task.refresh_from_db()
    assert task.progress == 20 and task.latest_effect == ""


def test_a_full_report_can_mark_the_task_done(township, township_admin):
    task = c.task(township)
    with refused("percent", Code.STATUS_MISMATCH):
        services.submit_progress_report(township_admin, task, percent=90, narrative="推进", mark_done=True)
    services.submit_progress_report(township_admin, task, percent=100, narrative="完成", mark_done=True)
    task.refresh_from_db()
    assert task.status == Task.Status.DONE and task.completed_on == clock.today() and task.progress == 100


@pytest.mark.parametrize("status", [Task.Status.DONE, Task.Status.CANCELLED])
def test_report_on_a_closed_task_is_refused(status, township, township_admin):
    task = c.task(township, status=status, completed_on=D(2026, 1, 5) if status == Task.Status.DONE else None)
    with refused(ALL, Code.WRONG_STATE):
        services.submit_progress_report(township_admin, task, percent=50, narrative="推进")
    assert not ProgressReport.objects.exists()


def test_report_dated_in_the_future_is_refused(township, township_admin):
    with refused("reported_on", Code.FUTURE_DATE):
        services.submit_progress_report(township_admin, c.task(township), percent=10, narrative="推进",
                                        reported_on=clock.today() + datetime.timedelta(days=1))


def test_report_with_attachment(township, township_admin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = services.submit_progress_report(township_admin, c.task(township), percent=10, narrative="推进",
                                             attachment=SimpleUploadedFile("照片.jpg", b"\xff\xd8\xff\xe0jpeg"))
    assert report.attachment.name.endswith(".jpg")


# --- problems ----------------------------------------------------------------------------------

def new_problem(user, township, **refs):
    return services.create_problem(user, township, Problem.Source.OTHER, "三会一课记录不全",
                                   f.CadreFactory(organization=township), c.next_year_date(), "补齐台账", **refs)


def test_create_problem_is_public_for_other_modules(township, township_admin):
    problem = services.create_problem(township_admin, township, Problem.Source.LIFE_MEETING, "批评意见未整改",
                                      f.CadreFactory(organization=township), c.next_year_date(), "制定清单",
                                      source_reference="2026 年度民主生活会")
    assert problem.status == Problem.Status.OPEN and problem.source_reference == "2026 年度民主生活会"
    with pytest.raises(TypeError):
        services.create_problem(township_admin, township, Problem.Source.OTHER, "x", problem.responsible,
                                c.next_year_date(), meeting=1)


def test_problem_needs_a_responsible_cadre_in_scope(township, other_township, township_admin):
    with refused("responsible", Code.OUTSIDE_SCOPE):
        services.create_problem(township_admin, township, Problem.Source.OTHER, "问题",
                                f.CadreFactory(organization=other_township), c.next_year_date())
    assert not Problem.objects.exists()


def test_problem_cannot_be_closed_without_evidence(township, township_admin, county_admin):
    problem = new_problem(township_admin, township)
    with refused("evidence", Code.REQUIRED):
        services.submit_rectification(township_admin, problem, evidence="  ")
    with refused(ALL, Code.WRONG_STATE):
        services.verify_problem(county_admin, problem)
    problem.refresh_from_db()
    assert problem.status == Problem.Status.OPEN and problem.verified_at is None


def test_rectification_workflow(township, township_admin, county_admin):
    problem = new_problem(township_admin, township)
    services.start_rectification(township_admin, problem)
    assert problem.status == Problem.Status.RECTIFYING
    services.submit_rectification(township_admin, problem, evidence="已补齐 2026 年台账")
    assert problem.status == Problem.Status.SUBMITTED and problem.submitted_at
    with refused("return_reason", Code.REQUIRED):
        services.return_problem(county_admin, problem, "")
    services.return_problem(county_admin, problem, "缺少会议记录照片")
    assert problem.status == Problem.Status.RETURNED and problem.return_reason == "缺少会议记录照片"
    services.submit_rectification(township_admin, problem, evidence="补充照片")
    services.verify_problem(township_admin, problem)
    problem.refresh_from_db()
    assert problem.status == Problem.Status.CLOSED and problem.verified_by == township_admin
    with refused(ALL, Code.WRONG_STATE):
        services.save_problem(township_admin, problem)
    assert problem.history.filter(history_user=county_admin).exists()


def test_evidence_file_is_enough(township, township_admin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    problem = new_problem(township_admin, township)
    services.submit_rectification(township_admin, problem, evidence_file=SimpleUploadedFile("整改报告.pdf", b"%PDF-1.7"))
    assert problem.status == Problem.Status.SUBMITTED and problem.evidence_file


def test_responsible_cadre_cannot_verify_their_own_problem(township, township_admin):
    problem = new_problem(township_admin, township)
    services.submit_rectification(township_admin, problem, evidence="已整改")
    themself = f.UserFactory(role=Role.TOWNSHIP_ADMIN, organization=township, cadre=problem.responsible)
    with pytest.raises(PermissionDenied, match="never the responsible cadre"):
        services.verify_problem(themself, problem)
    problem.refresh_from_db()
    assert problem.status == Problem.Status.SUBMITTED


def test_another_township_cannot_verify(township, township_admin, other_township_admin):
    problem = new_problem(township_admin, township)
    services.submit_rectification(township_admin, problem, evidence="已整改")
    with pytest.raises(PermissionDenied):
        services.verify_problem(other_township_admin, problem)


# --- cross-inspections ---------------------------------------------------------------------------

def inspection_of(township, inspector, **fields):
    fields.setdefault("leader", f.CadreFactory(organization=inspector))
    return Inspection(title="交叉检查", year=2026, inspecting_organization=inspector, organization=township,
                      start_on=D(2026, 3, 1), end_on=D(2026, 3, 3), **fields)


def test_inspection_of_ones_own_organization_or_township_is_refused(township, county_admin):
    for inspector in (township, f.VillageFactory(parent=township)):
        with refused("organization", Code.INSPECT_OWN_TOWNSHIP):
            services.save_inspection(county_admin, inspection_of(township, inspector))
    assert not Inspection.objects.exists()


def test_inspection_team_from_the_inspected_township_is_refused(township, other_township, county_admin):
    own_cadre = f.CadreFactory(organization=township, name="本镇干部")
    with refused("leader", Code.INSPECT_OWN_TOWNSHIP) as exc:
        services.save_inspection(county_admin, inspection_of(township, other_township, leader=own_cadre))
    assert "本镇干部" in messages(exc)
    with refused("members", Code.INSPECT_OWN_TOWNSHIP):
        services.save_inspection(county_admin, inspection_of(township, other_township), members=[own_cadre])
    assert not Inspection.objects.exists()


def test_findings_become_problems(township, other_township, county_admin):
    members = [f.CadreFactory(organization=other_township)]
    inspection = services.save_inspection(county_admin, inspection_of(township, other_township), members=members)
    assert list(inspection.members.all()) == members
    problem = services.record_finding(county_admin, inspection, description="谈心谈话未全覆盖",
                                      responsible=f.CadreFactory(organization=township), deadline=c.next_year_date(),
                                      item="谈心谈话")
    assert problem.source == Problem.Source.INSPECTION and problem.inspection == inspection
    assert problem.organization == township and problem.source_reference == "谈心谈话"


# --- look-back review ----------------------------------------------------------------------------

def test_a_gap_becomes_a_problem_with_a_responsible_person(township, township_admin):
    task = c.task(township)
    with refused("deadline", Code.REQUIRED):
        services.review_task(township_admin, task, TaskReview.Outcome.PARTLY, "两个村未达标")
    assert not TaskReview.objects.exists() and not Problem.objects.exists()
    with refused("gap", Code.REQUIRED):
        services.review_task(township_admin, task, TaskReview.Outcome.NOT_ACHIEVED, "", deadline=c.next_year_date())
    review = services.review_task(township_admin, task, TaskReview.Outcome.PARTLY, "两个村未达标",
                                  deadline=c.next_year_date())
    problem = review.problem
    assert problem.source == Problem.Source.REVIEW and problem.responsible == task.responsible
    assert problem.description == "两个村未达标" and problem.deadline == c.next_year_date()
    with refused("task", Code.STEP_NOT_READY):
        services.review_task(township_admin, task, TaskReview.Outcome.ACHIEVED)


def test_achieved_task_needs_no_problem(township, township_admin):
    review = services.review_task(township_admin, c.task(township), TaskReview.Outcome.ACHIEVED)
    assert review.reviewed_on == clock.today()
    assert not Problem.objects.exists()


# --- 13710 supervised items ---------------------------------------------------------------------

def new_item(township, **fields):
    return SupervisedItem(title="整治村内环境", organization=township, assignee=f.CadreFactory(organization=township),
                          **fields)


def test_assign_item_defaults(township, township_admin):
    item = services.assign_item(township_admin, new_item(township))
    assert item.assigned_by == township_admin
    assert abs((timezone.now() - item.assigned_at).total_seconds()) < 60
    assert item.status == SupervisedItem.Status.ASSIGNED


def test_assignee_outside_scope_is_refused(township, other_township, township_admin):
    item = new_item(township)
    item.assignee = f.CadreFactory(organization=other_township)
    with refused("assignee", Code.OUTSIDE_SCOPE):
        services.assign_item(township_admin, item)
    assert not SupervisedItem.objects.exists()


def test_deadline_before_the_assignment_date_is_refused(township, county_admin):
    assigned = timezone.now() - datetime.timedelta(days=3)
    item = new_item(township, item_class=SupervisedItem.ItemClass.MAJOR, assigned_at=assigned,
                    timetable_due_on=clock.local_date(assigned) - datetime.timedelta(days=1), timetable="分三步")
    with refused("timetable_due_on", Code.DATE_ORDER):
        services.assign_item(county_admin, item)
    assert not SupervisedItem.objects.exists()
    item = services.assign_item(county_admin, new_item(township, item_class=SupervisedItem.ItemClass.MAJOR,
                                                       assigned_at=assigned))
    with refused("timetable_due_on", Code.DATE_ORDER):
        services.file_timetable(county_admin, item, due_on=clock.local_date(assigned) - datetime.timedelta(days=1),
                                plan="分三步")
    item.refresh_from_db()
    assert item.timetable_due_on is None


def test_only_complex_or_major_items_file_a_timetable(township, county_admin):
    item = services.assign_item(county_admin, new_item(township))
    with refused("timetable_due_on", Code.STEP_NOT_READY):
        services.file_timetable(county_admin, item, due_on=c.next_year_date(), plan="分步推进")
    major = services.assign_item(county_admin, new_item(township, item_class=SupervisedItem.ItemClass.MAJOR))
    with refused("timetable", Code.REQUIRED):
        services.file_timetable(county_admin, major, due_on=c.next_year_date(), plan=" ")
    services.file_timetable(county_admin, major, due_on=c.next_year_date(), plan="一月摸底，三月整改")
    assert major.timetable_due_on == c.next_year_date()
    report = services.add_report(county_admin, major, content="本月完成摸底")
    assert report.kind == SupervisedReport.Kind.MONTHLY


def test_the_13710_workflow_to_close_out(township, county_admin, township_admin):
    item = services.assign_item(county_admin, new_item(township, assigned_at=timezone.now() - datetime.timedelta(hours=5)))
    services.record_deployment(township_admin, item, content="召开部署会")
    assert item.status == SupervisedItem.Status.DEPLOYED and item.deployed_at
    with refused(ALL, Code.STEP_NOT_READY):
        services.record_deployment(township_admin, item, content="再次部署")
    report = services.add_report(township_admin, item, content="已整治 3 处", percent=40)
    item.refresh_from_db()
    assert item.first_report_at == report.reported_at and item.status == SupervisedItem.Status.IN_PROGRESS
    first = item.first_report_at
    services.add_report(township_admin, item, content="已整治 5 处", percent=70)
    item.refresh_from_db()
    assert item.first_report_at == first
    with refused(ALL, Code.WRONG_STATE):
        services.close_out(county_admin, item, evidence="验收")
    services.mark_done(township_admin, item, content="全部整治完成")
    assert item.status == SupervisedItem.Status.DONE and item.done_at
    with pytest.raises(PermissionDenied, match="assigner"):
        services.close_out(township_admin, item, evidence="验收")
    with refused("close_evidence", Code.REQUIRED):
        services.close_out(county_admin, item, evidence="")
    services.close_out(county_admin, item, evidence="现场验收合格")
    item.refresh_from_db()
    assert item.status == SupervisedItem.Status.CLOSED and item.closed_by == county_admin and item.closed_at
    assert item.history.filter(history_change_reason="Closed out").exists()


def test_the_assigner_closes_out_their_own_item(township, township_admin):
    item = services.assign_item(township_admin, new_item(township, assigned_at=timezone.now() - datetime.timedelta(hours=2)))
    services.mark_done(township_admin, item, content="完成")
    services.close_out(township_admin, item, evidence="照片")
    assert item.is_closed and item.closed_by == township_admin


def closed(township, user):
    item = services.assign_item(user, new_item(township, assigned_at=timezone.now() - datetime.timedelta(hours=3)))
    services.mark_done(user, item, content="完成")
    services.close_out(user, item, evidence="验收合格")
    return item


def test_report_on_a_closed_item_is_refused(township, county_admin):
    item = closed(township, county_admin)
    count = SupervisedReport.objects.count()
    with refused(ALL, Code.WRONG_STATE):
        services.add_report(county_admin, item, content="补充材料")
    with refused(ALL, Code.WRONG_STATE):
        services.save_supervised_report(county_admin, SupervisedReport(item=item, content="补充", kind="progress"))
    assert SupervisedReport.objects.count() == count


def test_percent_outside_range_on_an_item_is_refused(township, county_admin):
    item = services.assign_item(county_admin, new_item(township, assigned_at=timezone.now() - datetime.timedelta(hours=3)))
    with refused("percent", Code.OUT_OF_RANGE):
        services.add_report(county_admin, item, content="进展", percent=120)
    assert not item.reports.exists()


def test_report_before_the_assignment_is_refused(township, county_admin):
    item = services.assign_item(county_admin, new_item(township, assigned_at=timezone.now() - datetime.timedelta(hours=3)))
    with refused("reported_at", Code.DATE_ORDER):
        services.add_report(county_admin, item, content="进展", at=item.assigned_at - datetime.timedelta(hours=1))


def test_a_closed_item_is_not_edited_only_reopened(township, county_admin):
    item = closed(township, county_admin)
    item.title = "改个标题"
    with refused(ALL, Code.WRONG_STATE):
        services.update_item(county_admin, item)
    item.refresh_from_db()
    assert item.title == "整治村内环境"
    with refused(ALL, Code.WRONG_STATE):
        core_services.delete_object(county_admin, item)
    with refused("reason", Code.REQUIRED):
        services.reopen_item(county_admin, item, reason="  ")
    closed_at = item.closed_at
    reopening = services.reopen_item(county_admin, item, reason="群众反映仍有垃圾堆放")
    item.refresh_from_db()
    assert reopening.previous_closed_at == closed_at and reopening.reason == "群众反映仍有垃圾堆放"
    assert item.closed_at is None and item.closed_by is None and item.done_at is None
    assert item.status == SupervisedItem.Status.IN_PROGRESS
    assert SupervisedReopening.objects.filter(item=item).count() == 1
    item.title = "改个标题"
    services.update_item(county_admin, item)
    with refused(ALL, Code.WRONG_STATE):
        services.reopen_item(county_admin, item, reason="再次")


def test_a_report_and_a_reopening_after_midnight_carry_the_countys_date(travel, township, county_admin):
    """At 00:30 on 1 January in the county it is still 31 December in UTC: the record's text (which
    the audit trail and the history keep) names the county's date."""
    travel.move_to(datetime.datetime(2028, 1, 1, 0, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")))
    item = c.item(township, assigned_at=clock.now() - datetime.timedelta(hours=1))
    report = SupervisedReport.objects.create(item=item, kind=SupervisedReport.Kind.PROGRESS, content="已部署")
    report.refresh_from_db()
    assert str(report).endswith("2028-01-01")
    assert AuditEvent.objects.filter(object_repr=str(report)).exists()
    reopening = SupervisedReopening.objects.create(item=item, reason="反弹", previous_closed_at=clock.now())
    reopening.refresh_from_db()
    assert str(reopening).endswith("2028-01-01")


def test_report_page_service_runs_the_matching_step(township, county_admin):
    item = services.assign_item(county_admin, new_item(township, assigned_at=timezone.now() - datetime.timedelta(hours=3)))
    services.save_supervised_report(county_admin, SupervisedReport(item=item, kind="deployment", content="部署"))
    services.save_supervised_report(county_admin, SupervisedReport(item=item, kind="completion", content="完成"))
    item.refresh_from_db()
    assert item.deployed_at and item.done_at and item.status == SupervisedItem.Status.DONE


def test_cadre_cannot_run_workflow_steps(township, cadre_user, county_admin):
    item = services.assign_item(county_admin, new_item(township))
    with pytest.raises(PermissionDenied):
        services.add_report(cadre_user, item, content="进展")
    assert not item.reports.exists()
