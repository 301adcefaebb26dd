"""The responsible cadre reports progress on their own tasks, and on nothing else."""
import pytest
from django.core.exceptions import PermissionDenied

from banzi.tasks import services
from banzi.tasks.models import ProgressReport, Task
from tests.tasks import cases as c

pytestmark = pytest.mark.django_db


def report_post(percent=40, **extra):
    return {"reported_on": "", "percent": str(percent), "narrative": "已完成入户摸底", "effect": "摸清 36 户底数", **extra}


def test_cadre_reports_on_own_task_from_the_task_page(township, cadre_user, cadre_client):
    task = c.task(township, cadre_user.cadre)
    page = cadre_client.get(task.get_absolute_url())
    assert page.context["steps"]["report"].form is not None
    response = cadre_client.post(f"/tasks/tasks/{task.pk}/report/", report_post())
    assert response.status_code == 302
    report = ProgressReport.objects.get(task=task)
    task.refresh_from_db()
    assert (task.progress, task.latest_effect, task.status) == (40, "摸清 36 户底数", Task.Status.IN_PROGRESS)
    assert report.history.first().history_user == cadre_user
    assert task.history.first().history_user == cadre_user


def test_cadre_cannot_report_on_someone_elses_task(township, cadre_user, cadre_client):
    task = c.task(township)
    assert cadre_client.post(f"/tasks/tasks/{task.pk}/report/", report_post()).status_code == 404
    with pytest.raises(PermissionDenied):
        services.submit_progress_report(cadre_user, task, percent=10, narrative="代报")
    assert not ProgressReport.objects.filter(task=task).exists()


def test_cadre_cannot_mark_own_task_done(township, cadre_user, cadre_client):
    task = c.task(township, cadre_user.cadre)
    response = cadre_client.post(f"/tasks/tasks/{task.pk}/report/", report_post(100, mark_done="on"))
    assert response.status_code == 403
    task.refresh_from_db()
    assert task.status == Task.Status.NOT_STARTED
    assert not ProgressReport.objects.filter(task=task).exists()


def test_cadre_still_cannot_edit_the_task(township, cadre_user, cadre_client):
    task = c.task(township, cadre_user.cadre)
    assert cadre_client.get(f"/tasks/tasks/{task.pk}/edit/").status_code == 403
    assert cadre_client.get(task.get_absolute_url()).context["edit_url"] is None
