"""The assignee cadre deploys, reports on and reports done their own supervised items (the "1", "3"
and "7" of 13710), and nothing else: editing, closing out and reopening stay with the committee."""
import pytest
from django.core.exceptions import PermissionDenied

from banzi.core.errors import Code
from banzi.tasks import services
from banzi.tasks.models import SupervisedItem, SupervisedReport
from tests.errors import ALL, refused
from tests.tasks import cases as c

pytestmark = pytest.mark.django_db


def test_assignee_runs_the_clock_from_the_item_page(township, cadre_user, cadre_client):
    item = c.item(township, cadre_user.cadre)
    page = cadre_client.get(item.get_absolute_url())
    assert set(page.context["steps"]) == {"deploy", "report", "done"}
    assert page.context["edit_url"] is None

    url = f"/tasks/supervised-items/{item.pk}/"
    assert cadre_client.post(url + "deploy/", {"deploy-content": "已召开部署会"}).status_code == 302
    assert cadre_client.post(url + "report/", {"report-content": "已完成一半", "report-percent": "50"}).status_code == 302
    item.refresh_from_db()
    assert item.status == SupervisedItem.Status.IN_PROGRESS
    assert item.deployed_at is not None and item.first_report_at is not None
    assert cadre_client.post(url + "done/", {"done-content": "已全部办结"}).status_code == 302
    item.refresh_from_db()
    assert item.status == SupervisedItem.Status.DONE and item.done_at is not None
    assert list(item.reports.order_by("id").values_list("kind", flat=True)) == [
        SupervisedReport.Kind.DEPLOYMENT, SupervisedReport.Kind.PROGRESS, SupervisedReport.Kind.COMPLETION]
    # Every step is in the item's history under the cadre's name.
    assert {h.history_user for h in item.history.filter(history_type="~")} == {cadre_user}
    assert {r.history.get().history_user for r in item.reports.all()} == {cadre_user}

    # Closing out is the assigner's.
    assert "close_out" not in cadre_client.get(item.get_absolute_url()).context["steps"]
    assert cadre_client.post(url + "close-out/", {"close_out-evidence": "自行销号"}).status_code == 403
    item.refresh_from_db()
    assert item.status == SupervisedItem.Status.DONE and item.closed_at is None


def test_cadre_cannot_report_on_someone_elses_item(township, cadre_user, cadre_client):
    item = c.item(township)
    assert cadre_client.post(f"/tasks/supervised-items/{item.pk}/report/",
                             {"report-content": "代报"}).status_code == 404
    for step in (services.record_deployment, services.mark_done):
        with pytest.raises(PermissionDenied):
            step(cadre_user, item, content="代报")
    with pytest.raises(PermissionDenied):
        services.add_report(cadre_user, item, content="代报")
    item.refresh_from_db()
    assert item.status == SupervisedItem.Status.ASSIGNED and not item.reports.exists()


def test_assignee_cannot_edit_timetable_or_reopen(township, cadre_user, cadre_client):
    item = c.item(township, cadre_user.cadre, item_class=SupervisedItem.ItemClass.COMPLEX)
    assert cadre_client.get(f"/tasks/supervised-items/{item.pk}/edit/").status_code == 403
    with pytest.raises(PermissionDenied):
        services.file_timetable(cadre_user, item, due_on=item.assigned_at.date(), plan="计划")
    closed = c.closed_item(township, cadre_user.cadre)
    with pytest.raises(PermissionDenied):
        services.reopen_item(cadre_user, closed, reason="自行重开")
    assert not closed.reopenings.exists()


def test_the_report_rules_still_hold_for_the_assignee(township, cadre_user):
    item = c.closed_item(township, cadre_user.cadre)
    with refused(ALL, Code.WRONG_STATE):
        services.add_report(cadre_user, item, content="补报")
    assert not item.reports.exists()


def test_assignee_reports_through_the_api_too(township, cadre_user, cadre_client):
    own, other = c.item(township, cadre_user.cadre), c.item(township)
    data = {"kind": SupervisedReport.Kind.PROGRESS, "content": "已推进", "percent": 30}
    response = cadre_client.post("/api/v1/tasks/supervised-reports/", {**data, "item": own.pk},
                                 content_type="application/json")
    assert response.status_code == 201, response.content
    response = cadre_client.post("/api/v1/tasks/supervised-reports/", {**data, "item": other.pk},
                                 content_type="application/json")
    assert response.status_code == 400
    assert own.reports.count() == 1 and not other.reports.exists()
