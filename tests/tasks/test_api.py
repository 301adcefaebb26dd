"""The work-implementation API: scoping (another township's records are 404), writes through the
services (history, rules, 400 with the field and message), the workflow actions, the computed
13710 stages, and list query counts that do not grow with rows."""
import datetime

import pytest
from django.utils import timezone

from banzi.core import clock
from banzi.core.errors import Code
from banzi.tasks.models import (
    Inspection,
    Milestone,
    Problem,
    ProgressReport,
    SupervisedItem,
    SupervisedReport,
    Task,
    TaskReview,
    WorkList,
)
from tests import factories as f
from tests.api import api_for
from tests.errors import api_codes
from tests.tasks import cases as c

pytestmark = pytest.mark.django_db

BASE = "/api/v1/tasks"


def test_auditor_gets_nothing_and_cadre_only_reads(township, auditor, cadre_user):
    task = c.task(township, responsible=cadre_user.cadre)
    assert api_for(auditor).get(f"{BASE}/tasks/{task.pk}/").status_code == 403
    for user in (auditor, cadre_user):
        client = api_for(user)
        assert client.patch(f"{BASE}/tasks/{task.pk}/", {"title": "改"}).status_code == 403
    assert api_for(cadre_user).get(f"{BASE}/tasks/{task.pk}/").status_code == 200
    assert api_for(auditor).post(f"{BASE}/tasks/{task.pk}/report/", {"percent": 10, "narrative": "x"}).status_code == 403
    assert not task.reports.exists()
    # The responsible cadre reports progress on their own task, as on its page, but edits nothing else.
    response = api_for(cadre_user).post(f"{BASE}/tasks/{task.pk}/report/", {"percent": 10, "narrative": "已启动"})
    assert response.status_code == 201 and task.reports.get().percent == 10


# --- writes through the services -------------------------------------------------------------------

def task_data(township, **extra):
    data = {"title": "村级活动场所提档升级", "organization": township.pk,
            "responsible": f.CadreFactory(organization=township).pk, "start_on": "2026-01-01",
            "deadline": "2026-12-31", "target": "全部达标", "measures": "逐村排查"}
    data.update(extra)
    return data


def test_create_task_with_history_and_state(township, township_admin):
    response = api_for(township_admin).post(f"{BASE}/tasks/", task_data(township))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["progress"] == 0 and body["state"] in ("on_track", "at_risk", "overdue")
    assert Task.objects.get(pk=body["id"]).history.get().history_user == township_admin


def test_deadline_before_start_is_400(township, township_admin):
    response = api_for(township_admin).post(f"{BASE}/tasks/", task_data(township, deadline="2025-12-31"))
    assert response.status_code == 400 and "deadline" in response.json()
    assert not Task.objects.exists()


def test_task_in_another_township_cannot_be_created(township, other_township, township_admin):
    response = api_for(township_admin).post(f"{BASE}/tasks/", task_data(other_township))
    assert response.status_code == 400
    assert not Task.objects.exists()


def test_work_list_needs_a_team_member(township, township_admin):
    client = api_for(township_admin)
    outsider = f.CadreFactory(organization=township)
    year = c.this_year()
    response = client.post(f"{BASE}/work-lists/", {"cadre": outsider.pk, "organization": township.pk, "year": year})
    assert response.status_code == 400 and "cadre" in response.json()
    member = c.team_member(township)
    response = client.post(f"{BASE}/work-lists/", {"cadre": member.pk, "organization": township.pk, "year": year})
    assert response.status_code == 201 and WorkList.objects.count() == 1


def test_progress_report_rules(township, township_admin):
    client = api_for(township_admin)
    task = c.task(township)
    for percent in (-5, 101):
        response = client.post(f"{BASE}/tasks/{task.pk}/report/", {"percent": percent, "narrative": "推进"})
        assert response.status_code == 400 and "percent" in response.json(), response.content
    response = client.post(f"{BASE}/progress-reports/", {"task": task.pk, "reported_on": "2026-01-05", "percent": 130,
                                                         "narrative": "推进"})
    assert response.status_code == 400
    assert not ProgressReport.objects.exists()
    response = client.post(f"{BASE}/tasks/{task.pk}/report/", {"percent": 100, "narrative": "完成", "effect": "全部达标",
                                                               "mark_done": True})
    assert response.status_code == 201
    body = client.get(f"{BASE}/tasks/{task.pk}/").json()
    assert body["progress"] == 100 and body["status"] == "done" and body["latest_effect"] == "全部达标"
    assert body["state"] == "done"
    response = client.post(f"{BASE}/tasks/{task.pk}/report/", {"percent": 100, "narrative": "补充"})
    assert api_codes(response) == {"non_field_errors": [Code.WRONG_STATE]}
    assert ProgressReport.objects.count() == 1


def test_schedule_milestones_by_weight_and_refuse_after_deadline(township, township_admin):
    client = api_for(township_admin)
    task = c.task(township, start_on=datetime.date(2026, 1, 1), deadline=datetime.date(2026, 5, 1))
    url = f"{BASE}/tasks/{task.pk}/schedule-milestones/"
    response = client.post(url, {"by": "weight", "milestones": [{"title": "摸底", "value": 25},
                                                                 {"title": "验收", "value": 100}]}, format="json")
    assert response.status_code == 201, response.content
    assert [m["due_on"] for m in response.json()] == ["2026-01-31", "2026-05-01"]
    response = client.post(url, {"by": "days", "milestones": [{"title": "超期", "value": -3}]}, format="json")
    assert api_codes(response) == {"due_on": [Code.MILESTONE_AFTER_DEADLINE]}
    response = client.post(f"{BASE}/milestones/", {"task": task.pk, "title": "超期", "due_on": "2026-05-02"})
    assert api_codes(response) == {"due_on": [Code.MILESTONE_AFTER_DEADLINE]}
    assert Milestone.objects.count() == 2


def test_review_action_creates_the_problem(township, township_admin):
    task = c.task(township)
    response = api_for(township_admin).post(f"{BASE}/tasks/{task.pk}/review/", {
        "outcome": "not_achieved", "gap": "未完成改造", "deadline": c.next_year_date().isoformat()})
    assert response.status_code == 201, response.content
    problem = Problem.objects.get(pk=response.json()["problem"])
    assert problem.responsible == task.responsible and problem.source == Problem.Source.REVIEW
    response = api_for(township_admin).post(f"{BASE}/reviews/", {"task": c.task(township).pk, "outcome": "partly",
                                                                 "gap": "差距", "rectification_deadline": "2027-03-31"})
    assert response.status_code == 201 and response.json()["problem"]
    assert TaskReview.objects.count() == 2


# --- supervised items --------------------------------------------------------------------------------

def test_item_has_computed_stages_and_a_workflow(township, county_admin, township_admin):
    county, township_client = api_for(county_admin), api_for(township_admin)
    response = county.post(f"{BASE}/supervised-items/", {
        "title": "整治村内环境", "item_class": "ordinary", "organization": township.pk,
        "assignee": f.CadreFactory(organization=township).pk})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["assigned_by"] == county_admin.pk and body["status"] == "assigned"
    assert [s["name"] for s in body["stages"]] == ["deploy", "first_report", "done", "close_out"]
    assert body["stages"][0]["due_at"] and body["stages"][0]["state"] == "pending"
    item_url = f"{BASE}/supervised-items/{body['id']}"
    assert township_client.post(f"{item_url}/deploy/", {"content": "部署"}).json()["status"] == "deployed"
    body = township_client.post(f"{item_url}/report/", {"content": "进展", "percent": 50}).json()
    assert body["first_report_at"] and body["stages"][1]["state"] == "done"
    response = township_client.post(f"{item_url}/report/", {"content": "进展", "percent": 150})
    assert response.status_code == 400 and "percent" in response.json()
    body = township_client.post(f"{item_url}/done/", {"content": "完成"}).json()
    assert body["state"] == "done"
    response = township_client.post(f"{item_url}/close-out/", {"evidence": "验收"})
    assert response.status_code == 403 and "assigner" in str(response.json())
    response = county.post(f"{item_url}/close-out/", {"evidence": "现场验收"})
    assert response.status_code == 200 and response.json()["status"] == "closed" and response.json()["closed_at"]
    response = county.post(f"{item_url}/report/", {"content": "补报"})
    assert api_codes(response) == {"non_field_errors": [Code.WRONG_STATE]}
    response = county.patch(f"{item_url}/", {"title": "改名"})
    assert api_codes(response) == {"non_field_errors": [Code.WRONG_STATE]}
    assert county.post(f"{item_url}/reopen/", {"reason": ""}).status_code == 400
    body = county.post(f"{item_url}/reopen/", {"reason": "复查不合格"}).json()
    assert body["status"] != "closed" and body["closed_at"] is None
    assert SupervisedItem.objects.get(pk=body["id"]).reopenings.get().reason == "复查不合格"


def test_timetable_before_the_assignment_date_is_400(township, county_admin):
    item = c.item(township, item_class=SupervisedItem.ItemClass.COMPLEX, assigned_at=timezone.now())
    client = api_for(county_admin)
    before = (clock.today() - datetime.timedelta(days=1)).isoformat()
    response = client.post(f"{BASE}/supervised-items/{item.pk}/file-timetable/", {"due_on": before, "plan": "分步"})
    assert api_codes(response) == {"timetable_due_on": [Code.DATE_ORDER]}
    item.refresh_from_db()
    assert item.timetable_due_on is None
    ordinary = c.item(township)
    response = client.post(f"{BASE}/supervised-items/{ordinary.pk}/file-timetable/",
                           {"due_on": c.next_year_date().isoformat(), "plan": "分步"})
    assert api_codes(response) == {"timetable_due_on": [Code.STEP_NOT_READY]}


def test_township_admin_cannot_act_on_another_townships_item(other_township, township_admin):
    item = c.item(other_township)
    client = api_for(township_admin)
    for step, data in (("deploy", {"content": "x"}), ("report", {"content": "x"}), ("done", {"content": "x"}),
                       ("close-out", {"evidence": "x"}), ("reopen", {"reason": "x"})):
        assert client.post(f"{BASE}/supervised-items/{item.pk}/{step}/", data).status_code == 404
    assert not SupervisedReport.objects.filter(item=item).exists()


# --- inspections and problems ----------------------------------------------------------------------

def test_inspection_of_own_township_is_400(township, other_township, county_admin):
    data = {"title": "交叉检查", "year": 2026, "inspecting_organization": township.pk, "organization": township.pk,
            "leader": f.CadreFactory(organization=other_township).pk, "start_on": "2026-03-01", "end_on": "2026-03-02"}
    response = api_for(county_admin).post(f"{BASE}/inspections/", data)
    assert api_codes(response) == {"organization": [Code.INSPECT_OWN_TOWNSHIP]}
    village = f.VillageFactory(parent=township)  # a village inspects no one: not offered
    assert api_for(county_admin).post(f"{BASE}/inspections/", {**data, "inspecting_organization": village.pk}
                                      ).status_code == 400
    assert not Inspection.objects.exists()


def test_township_records_an_inspection_by_another_township_with_findings(township, other_township, township_admin):
    client = api_for(township_admin)
    inspector = f.CadreFactory(organization=other_township)
    response = client.post(f"{BASE}/inspections/", {
        "title": "交叉检查", "year": 2026, "inspecting_organization": other_township.pk, "organization": township.pk,
        "leader": inspector.pk, "members": [f.CadreFactory(organization=other_township).pk],
        "start_on": "2026-03-01", "end_on": "2026-03-02"}, format="json")
    assert response.status_code == 201, response.content
    inspection = Inspection.objects.get()
    assert inspection.members.count() == 1
    response = client.post(f"{BASE}/inspections/{inspection.pk}/findings/", {
        "description": "谈话记录缺失", "responsible": f.CadreFactory(organization=township).pk,
        "deadline": c.next_year_date().isoformat()})
    assert response.status_code == 201 and response.json()["source"] == "inspection"


def test_problem_workflow_and_closing_without_evidence(township, township_admin, county_admin):
    client = api_for(township_admin)
    response = client.post(f"{BASE}/problems/", {"organization": township.pk, "source": "assessment",
                                                 "description": "考核发现的问题",
                                                 "responsible": f.CadreFactory(organization=township).pk,
                                                 "deadline": c.next_year_date().isoformat(), "status": "closed"})
    assert response.status_code == 201 and response.json()["status"] == "open"
    url = f"{BASE}/problems/{response.json()['id']}"
    response = api_for(county_admin).post(f"{url}/verify/")  # an open problem: nothing submitted to verify
    assert api_codes(response) == {"non_field_errors": [Code.WRONG_STATE]}
    response = client.post(f"{url}/submit/", {"evidence": ""})
    assert api_codes(response) == {"evidence": [Code.REQUIRED]}
    assert client.post(f"{url}/start-rectifying/").json()["status"] == "rectifying"
    assert client.post(f"{url}/submit/", {"evidence": "已整改"}).json()["status"] == "submitted"
    assert api_for(county_admin).post(f"{url}/return/", {"reason": "不充分"}).json()["status"] == "returned"
    client.post(f"{url}/submit/", {"evidence": "补充材料"})
    body = api_for(county_admin).post(f"{url}/verify/").json()
    assert body["status"] == "closed" and body["verified_by"] == county_admin.pk


def test_problem_actions_are_404_in_another_township(other_township, township_admin):
    problem = c.problem(other_township)
    client = api_for(township_admin)
    for step in ("start-rectifying", "submit", "verify", "return"):
        assert client.post(f"{BASE}/problems/{problem.pk}/{step}/", {"evidence": "x", "reason": "x"}).status_code == 404
    problem.refresh_from_db()
    assert problem.status == Problem.Status.OPEN


def test_schema_lists_the_workflow_actions(county_client):
    paths = county_client.get("/api/schema/", {"format": "json"}).json()["paths"]
    for path in ("/api/v1/tasks/supervised-items/{id}/close-out/", "/api/v1/tasks/supervised-items/{id}/reopen/",
                 "/api/v1/tasks/problems/{id}/verify/", "/api/v1/tasks/tasks/{id}/schedule-milestones/",
                 "/api/v1/tasks/inspections/{id}/findings/"):
        assert path in paths, path
