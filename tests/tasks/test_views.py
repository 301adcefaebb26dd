"""The work-implementation pages: filters, detail pages with their workflow steps shown only to
those allowed, the steps themselves (refused input saves nothing), the review sheet and its export,
the menu, 404s outside the township, and query counts that do not grow with rows."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from banzi.core import clock
from banzi.core.errors import Code
from banzi.core.navigation import menu_for
from banzi.tasks import services
from banzi.tasks.models import (
    Milestone,
    Problem,
    ProgressReport,
    SupervisedItem,
    SupervisedReport,
    Task,
    TaskReview,
)
from tests import factories as f
from tests.errors import ALL, form_codes
from tests.generic import all_cases, table_pks, xlsx_rows
from tests.tasks import cases as c

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are asserted in English, the message ids, whatever the catalog holds."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield

D = datetime.date
TASK_CASES = [case for case in all_cases() if case.model._meta.app_label == "tasks"]


def url(name, *args):
    return reverse(f"tasks:{name}", args=args)


def flashed(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def hours_ago(n):
    return timezone.now() - datetime.timedelta(hours=n)


# --- lists and filters ---------------------------------------------------------------------------

def test_task_list_filters(township, other_township, county_client):
    today = clock.today()
    overdue = c.task(township, title="逾期任务", start_on=today - datetime.timedelta(days=60),
                     deadline=today - datetime.timedelta(days=1))
    at_risk = c.task(township, title="滞后任务", start_on=today - datetime.timedelta(days=90),
                     deadline=today + datetime.timedelta(days=10), progress=5)
    on_track = c.task(township, title="正常任务", start_on=today - datetime.timedelta(days=1),
                      deadline=today + datetime.timedelta(days=300), source=Task.Source.ASSIGNED)
    done = c.task(other_township, title="完成任务", status=Task.Status.DONE, completed_on=today)
    list_url = url("task_list")

    def pks(**params):
        response = county_client.get(list_url, params)
        assert response.status_code == 200
        return table_pks(response)

    assert pks(state="overdue") == {overdue.pk}
    assert pks(state="at_risk") == {at_risk.pk}
    assert pks(state="on_track") == {on_track.pk}
    assert pks(state="done") == {done.pk}
    assert pks(township=other_township.pk) == {done.pk}
    assert pks(source=Task.Source.ASSIGNED) == {on_track.pk}
    assert pks(responsible=at_risk.responsible_id) == {at_risk.pk}
    assert pks(status=Task.Status.DONE) == {done.pk}
    assert pks(q="逾期") == {overdue.pk}
    body = county_client.get(list_url).content.decode()
    assert 'data-state="overdue"' in body and 'data-state="at_risk"' in body


def test_supervised_item_list_shows_and_filters_by_13710_state(township, county_client):
    late = c.item(township, title="逾期事项", assigned_at=timezone.now() - datetime.timedelta(days=20))
    fresh = c.item(township, title="新交办事项", assigned_at=timezone.now() - datetime.timedelta(minutes=5))
    closed = c.closed_item(township, title="已销号事项")
    response = county_client.get(url("superviseditem_list"), {"state": "overdue"})
    assert table_pks(response) == {late.pk}
    assert table_pks(county_client.get(url("superviseditem_list"), {"state": "done"})) == {closed.pk}
    assert fresh.pk in table_pks(county_client.get(url("superviseditem_list"), {"state": "on_track"})) | table_pks(
        county_client.get(url("superviseditem_list"), {"state": "at_risk"}))
    rows = xlsx_rows(county_client.get(url("superviseditem_list"), {"_export": "xlsx"}))
    text = "\n".join("\t".join(r) for r in rows)
    assert "逾期事项" in text and "Overdue" in text


def test_problem_list_filters_overdue_and_source(township, county_client):
    late = c.problem(township, description="逾期问题", deadline=clock.today() - datetime.timedelta(days=1))
    fine = c.problem(township, description="未到期问题", source=Problem.Source.ASSESSMENT)
    c.problem(township, description="已关闭问题", deadline=clock.today() - datetime.timedelta(days=1),
              status=Problem.Status.CLOSED)
    assert table_pks(county_client.get(url("problem_list"), {"overdue": "true"})) == {late.pk}
    assert table_pks(county_client.get(url("problem_list"), {"source": "assessment"})) == {fine.pk}


@pytest.mark.parametrize("case", TASK_CASES, ids=lambda case: case.label)
def test_list_and_export_query_counts_do_not_grow_with_rows(case, township, county_client):
    list_url = case.url("list")

    def queries(params):
        with CaptureQueriesContext(connection) as ctx:
            response = county_client.get(list_url, params)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    for _ in range(2):
        case.make(township)
    few, few_export = queries({}), queries({"_export": "xlsx"})
    for _ in range(8):
        case.make(township)
    assert queries({}) == few
    assert queries({"_export": "xlsx"}) == few_export


def test_review_sheet_query_count_does_not_grow(township, county_client):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert county_client.get(url("review_sheet")).status_code == 200
        return len(ctx.captured_queries)

    c.review_with_problem(township)
    few = queries()
    for _ in range(6):
        c.review_with_problem(township)
        c.task(township)
    assert queries() == few


# --- task detail: milestones, reports, review ------------------------------------------------------

def test_task_page_shows_milestones_reports_and_state(township, township_client):
    task = c.task(township, title="活动场所提档升级", start_on=D(2026, 1, 1), deadline=D(2026, 12, 31))
    Milestone.objects.create(task=task, title="完成摸底", due_on=D(2026, 3, 31))
    ProgressReport.objects.create(task=task, reported_on=D(2026, 1, 20), percent=15, narrative="摸底 5 个村",
                                  effect="发现问题 12 处")
    response = township_client.get(task.get_absolute_url())
    body = response.content.decode()
    assert "完成摸底" in body and "摸底 5 个村" in body and "发现问题 12 处" in body
    assert response.context["state"] in ("on_track", "at_risk", "overdue")
    assert url("task_report", task.pk) in body and url("task_schedule", task.pk) in body


def test_report_progress_through_the_page(township, township_client):
    task = c.task(township)
    response = township_client.post(url("task_report", task.pk), {"percent": "35", "narrative": "完成方案",
                                                                   "effect": "3 个村改造完成"}, follow=True)
    assert response.status_code == 200
    task.refresh_from_db()
    assert task.progress == 35 and task.latest_effect == "3 个村改造完成"
    assert any("saved" in m for m in flashed(response))


def test_bad_percent_through_the_page_saves_nothing(township, township_client):
    task = c.task(township)
    response = township_client.post(url("task_report", task.pk), {"percent": "150", "narrative": "超额"}, follow=True)
    assert any("between 0 and 100" in m for m in flashed(response))
    assert not ProgressReport.objects.exists()


def test_schedule_milestones_through_the_page(township, township_client):
    task = c.task(township, start_on=D(2026, 1, 1), deadline=D(2026, 12, 31))
    township_client.post(url("task_schedule", task.pk), {"by": "days", "plan": "方案制定, 300\n验收，0"})
    assert list(task.milestones.order_by("due_on").values_list("title", "due_on")) == [
        ("方案制定", D(2026, 3, 6)), ("验收", D(2026, 12, 31))]
    response = township_client.post(url("task_schedule", task.pk), {"by": "weight", "plan": "超期, 130"}, follow=True)
    assert any("after the task's deadline" in m for m in flashed(response))
    assert task.milestones.count() == 2


def test_review_through_the_page_puts_the_gap_on_the_problem_list(township, township_client):
    task = c.task(township)
    township_client.post(url("task_review", task.pk), {"outcome": "partly", "gap": "两个村未达标",
                                                       "deadline": c.next_year_date().isoformat()})
    review = TaskReview.objects.get(task=task)
    assert review.problem.responsible == task.responsible and review.problem.source == Problem.Source.REVIEW


def test_closed_task_offers_no_report_form(township, township_client):
    task = c.task(township, status=Task.Status.DONE, completed_on=D(2026, 2, 1))
    body = township_client.get(task.get_absolute_url()).content.decode()
    assert url("task_report", task.pk) not in body


# --- supervised item detail: stages and steps shown only to those allowed -------------------------

def test_item_page_shows_the_13710_stages(township, county_client):
    item = c.item(township, assigned_at=timezone.now() - datetime.timedelta(days=10))
    SupervisedReport.objects.create(item=item, kind="progress", content="已部署", reported_at=hours_ago(1))
    response = county_client.get(item.get_absolute_url())
    stages = {s.name: s for s in response.context["stages"]}
    assert stages["deploy"].state == "overdue" and stages["done"].state == "overdue"
    assert stages["deploy"].due_at is not None
    body = response.content.decode()
    assert 'data-stage="deploy" data-state="overdue"' in body
    assert "已部署" in body
    assert response.context["state"] == "overdue"


def test_steps_are_shown_only_to_those_allowed(township, county_admin, township_admin, township_client, county_client,
                                               auditor_client, cadre_user, cadre_client):
    item = c.item(township, assignee=cadre_user.cadre, assigned_by=county_admin, assigned_at=hours_ago(30))
    body = township_client.get(item.get_absolute_url()).content.decode()
    for step in ("deploy", "report", "done"):
        assert url(f"superviseditem_{step}", item.pk) in body
    assert url("superviseditem_close_out", item.pk) not in body
    assert auditor_client.get(item.get_absolute_url()).status_code == 403
    # The assignee reports on their own item but does not close it out.
    body = cadre_client.get(item.get_absolute_url()).content.decode()
    assert url("superviseditem_report", item.pk) in body and url("superviseditem_close_out", item.pk) not in body

    services.mark_done(township_admin, item, content="完成")
    body = township_client.get(item.get_absolute_url()).content.decode()
    assert url("superviseditem_close_out", item.pk) not in body  # the township did not assign it
    assert url("superviseditem_report", item.pk) not in body
    body = county_client.get(item.get_absolute_url()).content.decode()
    assert url("superviseditem_close_out", item.pk) in body

    response = township_client.post(url("superviseditem_close_out", item.pk), {"close_out-evidence": "照片"},
                                    follow=True)
    assert any("assigner" in m for m in flashed(response))
    county_client.post(url("superviseditem_close_out", item.pk), {"close_out-evidence": "现场验收"})
    item.refresh_from_db()
    assert item.is_closed
    body = county_client.get(item.get_absolute_url()).content.decode()
    assert url("superviseditem_reopen", item.pk) in body
    assert url("superviseditem_edit", item.pk) not in body
    assert url("superviseditem_report", item.pk) not in body


def test_item_workflow_through_the_pages(township, county_admin, county_client):
    item = c.item(township, assigned_by=county_admin, assigned_at=hours_ago(30),
                  item_class=SupervisedItem.ItemClass.MAJOR)
    county_client.post(url("superviseditem_deploy", item.pk), {"deploy-content": "召开部署会"})
    county_client.post(url("superviseditem_report", item.pk), {"report-content": "进展顺利", "report-percent": "30"})
    county_client.post(url("superviseditem_timetable", item.pk),
                       {"timetable-due_on": c.next_year_date().isoformat(), "timetable-plan": "分三批推进"})
    item.refresh_from_db()
    assert item.deployed_at and item.first_report_at and item.timetable_due_on == c.next_year_date()
    county_client.post(url("superviseditem_done", item.pk), {"done-content": "全部完成"})
    county_client.post(url("superviseditem_close_out", item.pk), {"close_out-evidence": "验收合格"})
    item.refresh_from_db()
    assert item.is_closed
    response = county_client.post(url("superviseditem_reopen", item.pk), {"reopen-reason": ""}, follow=True)
    assert flashed(response) and item.reopenings.count() == 0
    county_client.post(url("superviseditem_reopen", item.pk), {"reopen-reason": "复查不合格"})
    item.refresh_from_db()
    assert not item.is_closed and item.closed_at is None and item.reopenings.get().reason == "复查不合格"


def test_report_on_a_closed_item_through_the_page_is_refused(township, county_admin, county_client):
    item = c.closed_item(township, assigned_by=county_admin)
    count = SupervisedReport.objects.count()
    response = county_client.post(url("superviseditem_report", item.pk), {"report-content": "补报"}, follow=True)
    assert any("closed out" in m for m in flashed(response))
    assert SupervisedReport.objects.count() == count
    assert county_client.get(url("superviseditem_edit", item.pk)).status_code == 200
    data = {"title": "改名", "description": "", "item_class": "ordinary", "assigner_name": "",
            "organization": township.pk, "assignee": item.assignee_id, "task": "",
            "assigned_at": c.local_minute(item.assigned_at)}
    response = county_client.post(url("superviseditem_edit", item.pk), data)
    assert response.status_code == 200 and form_codes(response.context["form"]) == {ALL: [Code.WRONG_STATE]}
    item.refresh_from_db()
    assert item.title != "改名"


# --- problems and inspections --------------------------------------------------------------------

def test_problem_steps_through_the_pages(township, township_client, county_client):
    problem = c.problem(township)
    body = township_client.get(problem.get_absolute_url()).content.decode()
    assert url("problem_start", problem.pk) in body and url("problem_verify", problem.pk) not in body
    response = township_client.post(url("problem_submit", problem.pk), {"submit-evidence": ""}, follow=True)
    assert any("evidence" in m for m in flashed(response))
    township_client.post(url("problem_start", problem.pk))
    township_client.post(url("problem_submit", problem.pk), {"submit-evidence": "已补齐台账"})
    body = county_client.get(problem.get_absolute_url()).content.decode()
    assert url("problem_verify", problem.pk) in body and url("problem_return", problem.pk) in body
    county_client.post(url("problem_verify", problem.pk))
    problem.refresh_from_db()
    assert problem.status == Problem.Status.CLOSED
    body = county_client.get(problem.get_absolute_url()).content.decode()
    assert url("problem_edit", problem.pk) not in body


def test_add_a_finding_on_the_inspection_page(township, county_client):
    inspection = c.inspection(township)
    responsible = f.CadreFactory(organization=township)
    body = county_client.get(inspection.get_absolute_url()).content.decode()
    assert url("inspection_finding", inspection.pk) in body
    county_client.post(url("inspection_finding", inspection.pk), {
        "item": "三会一课", "description": "支部委员会记录缺失", "responsible": responsible.pk,
        "deadline": c.next_year_date().isoformat(), "measures": "补齐"})
    problem = Problem.objects.get(inspection=inspection)
    assert problem.source == Problem.Source.INSPECTION and problem.responsible == responsible
    assert "支部委员会记录缺失" in county_client.get(inspection.get_absolute_url()).content.decode()


def test_inspection_of_own_township_through_the_page_is_refused(township, county_client):
    village = f.VillageFactory(parent=township)
    data = {"title": "自查", "year": "2026", "inspecting_organization": township.pk, "organization": township.pk,
            "leader": f.CadreFactory(organization=village.parent).pk, "start_on": "2026-03-01", "end_on": "2026-03-02"}
    response = county_client.post(url("inspection_add"), data)
    assert response.status_code == 200 and response.context["form"].errors


# --- scoping of the step pages -------------------------------------------------------------------

def test_township_admin_cannot_act_on_another_townships_records(other_township, township_client):
    item = c.item(other_township)
    problem = c.problem(other_township)
    task = c.task(other_township)
    inspection = c.inspection(other_township)
    posts = [
        (url("superviseditem_deploy", item.pk), {"deploy-content": "x"}),
        (url("superviseditem_report", item.pk), {"report-content": "x"}),
        (url("superviseditem_done", item.pk), {"done-content": "x"}),
        (url("problem_start", problem.pk), {}),
        (url("problem_submit", problem.pk), {"submit-evidence": "x"}),
        (url("problem_verify", problem.pk), {}),
        (url("task_report", task.pk), {"percent": "10", "narrative": "x"}),
        (url("task_schedule", task.pk), {"by": "days", "plan": "x, 3"}),
        (url("task_review", task.pk), {"outcome": "achieved"}),
        (url("inspection_finding", inspection.pk), {"description": "x"}),
    ]
    for target, data in posts:
        assert township_client.post(target, data).status_code == 404, target
    item.refresh_from_db()
    problem.refresh_from_db()
    assert item.deployed_at is None and problem.status == Problem.Status.OPEN
    assert not task.reports.exists() and not problem.inspection


def test_auditor_and_cadre_cannot_take_steps(township, auditor_client, cadre_user, cadre_client):
    item = c.item(township, assignee=cadre_user.cadre)
    assert auditor_client.post(url("superviseditem_report", item.pk), {"report-content": "x"}).status_code == 403
    # The cadre reports on their own item (test_cadre_item_reports.py) but takes no committee step.
    for step, data in (("timetable", {"timetable-due_on": "2099-01-01", "timetable-plan": "x"}),
                       ("close_out", {"close_out-evidence": "x"}), ("reopen", {"reopen-reason": "x"})):
        assert cadre_client.post(url(f"superviseditem_{step}", item.pk), data).status_code == 403
    assert not item.reports.exists() and not item.reopenings.exists()


# --- look-back review sheet --------------------------------------------------------------------

def test_review_sheet_per_work_list_with_export(township, other_township, county_client):
    work_list = c.work_list(township)
    reviewed = c.task(township, title="已回头看任务", work_list=work_list, responsible=work_list.cadre)
    services.review_task(f.UserFactory(role="county_admin"), reviewed, TaskReview.Outcome.PARTLY, "覆盖面不足",
                         deadline=c.next_year_date())
    pending = c.task(township, title="待回头看任务", work_list=work_list, responsible=work_list.cadre)
    elsewhere = c.task(other_township, title="外镇任务")
    response = county_client.get(url("review_sheet"), {"work_list": work_list.pk})
    assert table_pks(response) == {reviewed.pk, pending.pk}
    assert response.context["summary"] == {"tasks": 2, "reviewed": 1, "gaps": 1}
    rows = xlsx_rows(county_client.get(url("review_sheet"), {"work_list": work_list.pk, "_export": "xlsx"}))
    text = "\n".join("\t".join(r) for r in rows)
    assert "覆盖面不足" in text and "待回头看任务" in text and elsewhere.title not in text
    assert table_pks(county_client.get(url("review_sheet"), {"reviewed": "false"})) == {pending.pk, elsewhere.pk}


def test_township_sees_only_its_review_sheet(township, other_township, township_client):
    own = c.task(township)
    c.task(other_township)
    assert table_pks(township_client.get(url("review_sheet"))) == {own.pk}


# --- menu -----------------------------------------------------------------------------------------

def test_menu_has_the_work_implementation_entries(county_admin, cadre_user):
    labels = {item["url"] for group in menu_for(county_admin) for item in group["items"]}
    for name in ("battle_map", "worklist_list", "task_list", "superviseditem_list", "inspection_list",
                 "problem_list", "review_sheet", "bulletin_list"):
        assert url(name) in labels, name
    cadre_labels = {item["url"] for group in menu_for(cadre_user) for item in group["items"]}
    assert url("task_list") in cadre_labels and url("inspection_list") not in cadre_labels
