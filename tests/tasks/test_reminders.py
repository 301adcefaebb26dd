"""Reminders: deadlines near (within the next working day) or missed notify the responsible cadre and
the assigner (or the township committee) once, however often `send_reminders` runs; the bell and the
notifications page."""
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from banzi.core import notifications
from banzi.core.models import Notification
from banzi.core.roles import Role
from banzi.tasks.models import SupervisedItem, Task
from tests import factories as f

from .boards_data import D, assigner, at, item, task

pytestmark = pytest.mark.django_db
NOW = at(2026, 11, 27, 16)  # Friday afternoon: the next working day is Monday 30 November


@pytest.fixture(autouse=True)
def fixed_time(travel):
    travel.move_to(NOW)


@pytest.fixture
def people(township, township_admin):
    cadre = f.CadreFactory(organization=township, name="刘五")
    user = f.UserFactory(username="liu", role=Role.CADRE, cadre=cadre)
    return cadre, user, township_admin


def run():
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    return out.getvalue()


def keys(user):
    return sorted(Notification.objects.filter(user=user).values_list("key", flat=True))


def test_task_due_on_the_next_working_day_is_near(people):
    cadre, user, admin = people
    monday = task(responsible=cadre, deadline=D(2026, 11, 30))
    task(responsible=cadre, deadline=D(2026, 12, 1))  # Tuesday: not yet
    task(responsible=cadre, deadline=D(2026, 11, 30), status=Task.Status.DONE, completed_on=D(2026, 11, 26))
    run()
    assert keys(user) == [f"tasks.task:{monday.pk}:2026-11-30:near"]
    assert keys(admin) == keys(user)  # the township committee keeps the work lists
    note = Notification.objects.get(user=user)
    assert note.level == "warning" and monday.title in note.title


def test_missed_task_deadline(people):
    cadre, user, _admin = people
    late = task(responsible=cadre, deadline=D(2026, 11, 20), progress=40)
    run()
    assert keys(user) == [f"tasks.task:{late.pk}:2026-11-20:missed"]
    assert Notification.objects.get(user=user).level == "danger"


def test_running_twice_notifies_once(people):
    cadre, user, admin = people
    task(responsible=cadre, deadline=D(2026, 11, 30))
    task(responsible=cadre, deadline=D(2026, 11, 20))
    first = run()
    assert first.startswith("4 notifications sent")
    second = run()
    assert second.startswith("0 notifications sent; 4 had been sent before")
    assert Notification.objects.count() == 4


def test_a_moved_deadline_is_reminded_again(people):
    cadre, user, _admin = people
    t = task(responsible=cadre, deadline=D(2026, 11, 30))
    run()
    t.deadline = D(2026, 11, 20)
    t.save()
    run()
    assert len(keys(user)) == 2


def test_supervised_item_stages_near_and_missed(people):
    cadre, user, _admin = people
    boss = assigner(username="boss")
    # Assigned Friday 27 Nov (calendar days): deploy and first report due Monday 30 Nov: near.
    fresh = item(assignee=cadre, assigned_by=boss, assigned_at=at(2026, 11, 27, 9))
    # Assigned Monday 16 Nov, deployed and reported, not done by Monday 23 Nov: missed.
    late = item(assignee=cadre, assigned_by=boss, assigned_at=at(2026, 11, 16, 9),
                deployed_at=at(2026, 11, 16, 15), first_report_at=at(2026, 11, 18, 9))
    item(assignee=cadre, assigned_by=boss, assigned_at=at(2026, 11, 16, 9), done_at=at(2026, 11, 20),
         status=SupervisedItem.Status.DONE)
    run()
    expected = sorted([
        f"tasks.item:{fresh.pk}:deploy:2026-11-30:near",
        f"tasks.item:{fresh.pk}:first_report:2026-11-30:near",
        f"tasks.item:{late.pk}:done:2026-11-23:missed",
    ])
    assert keys(user) == expected
    assert keys(boss) == expected  # the assigner hears too
    assert run().startswith("0 notifications sent")


def test_notify_is_idempotent(people):
    _cadre, user, _admin = people
    assert notifications.notify(user, "k", "标题", "/x/")
    assert not notifications.notify(user, "k", "另一个标题")
    assert Notification.objects.get(user=user, key="k").title == "标题"


def test_bell_and_notifications_page(people, client_for):
    _cadre, user, _admin = people
    notifications.notify(user, "a", "第一条", "/tasks/battle-map/")
    notifications.notify(user, "b", "第二条")
    client = client_for(user)
    page = client.get(reverse("core:notification_list"))
    assert page.status_code == 200
    assert page.context["unread_notifications"] == 2
    assert 'id="notification-bell"' in page.content.decode() and 'data-unread="2"' in page.content.decode()
    first = Notification.objects.get(user=user, key="a")
    response = client.post(reverse("core:notification_read", args=[first.pk]), {"open": "1"})
    assert response.status_code == 302 and response.url == "/tasks/battle-map/"
    assert notifications.unread_count(user) == 1
    client.post(reverse("core:notification_read_all"))
    assert notifications.unread_count(user) == 0


def test_notifications_are_private(people, client_for, township_admin):
    _cadre, user, _admin = people
    notifications.notify(user, "a", "私人提醒", "https://example.com/")
    mine = Notification.objects.get(user=user)
    other = client_for(township_admin)
    assert other.post(reverse("core:notification_read", args=[mine.pk])).status_code == 404
    assert "私人提醒" not in other.get(reverse("core:notification_list")).content.decode()
    # An outside link is never followed.
    response = client_for(user).post(reverse("core:notification_read", args=[mine.pk]), {"open": "1"})
    assert response.url == reverse("core:notification_list")
