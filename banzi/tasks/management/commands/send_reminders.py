"""`manage.py send_reminders`: in-app reminders of deadlines that are near or missed.

For every open task and every stage of an open supervised item's 13710 clock, the people concerned
are notified when the deadline falls within the next working day(s) (rule `tasks.progress`,
`remind_working_days`) and again once it is missed:
- a task: the responsible cadre's user and the township Party committee users of its township
  (who keep the work lists; a task has no single assigner);
- a supervised item: the responsible cadre's user and the assigner.
Every reminder has a key (record, stage, due date, near/missed), so running the command again —
hourly from cron or a systemd timer, on one server or several — notifies nobody twice. A changed
deadline is a new key and is reminded again. See docs/reminders.md.
"""
from collections import defaultdict

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db.models import Prefetch
from django.urls import NoReverseMatch
from django.utils import translation
from django.utils.translation import gettext as _

from banzi.accounts.models import User
from banzi.core import clock
from banzi.core.notifications import Message, notify_many
from banzi.core.roles import Role
from banzi.core.workdays import Calendar, end_of_day
from banzi.tasks import clock13710, metrics
from banzi.tasks.models import SupervisedItem, SupervisedReport, Task

NEAR, MISSED = "near", "missed"


def _url(obj):
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:
        return ""


def _user_of(cadre):
    user = getattr(cadre, "user", None) if cadre is not None else None
    return user if user is not None and user.is_active else None


def township_admins():
    """{township id: [users]} of the active township Party committee users."""
    admins = defaultdict(list)
    for user in User.objects.filter(role=Role.TOWNSHIP_ADMIN, is_active=True).select_related("organization"):
        if user.organization is not None and user.organization.township_id:
            admins[user.organization.township_id].append(user)
    return admins


def task_messages(today, near_until, admins):
    open_tasks = (
        Task.objects.exclude(status__in=(Task.Status.DONE, Task.Status.CANCELLED))
        .filter(deadline__lte=near_until).select_related("organization", "responsible__user")
    )
    for task in open_tasks.iterator(chunk_size=1000):
        when = MISSED if task.deadline < today else NEAR
        if when == MISSED:
            title = _("Task overdue since %(date)s: %(title)s")
        else:
            title = _("Task due %(date)s: %(title)s")
        title = title % {"date": task.deadline.isoformat(), "title": task.title}
        body = _("Responsible: %(person)s. Progress: %(progress)d%%.") % {
            "person": task.responsible.name, "progress": task.progress}
        key = f"tasks.task:{task.pk}:{task.deadline.isoformat()}:{when}"
        users = [_user_of(task.responsible)] + admins.get(task.organization.township_id, [])
        for user in {u.pk: u for u in users if u is not None}.values():
            yield Message(user.pk, key, title, _url(task), body, "danger" if when == MISSED else "warning")


def item_messages(now, near_until_at):
    items = list(
        SupervisedItem.objects.exclude(status__in=(SupervisedItem.Status.DONE, SupervisedItem.Status.CLOSED))
        .select_related("assignee__user", "assigned_by")
        .prefetch_related(Prefetch("reports", queryset=SupervisedReport.objects.only(
            "pk", "item_id", "kind", "reported_at", "percent")))
    )
    item_clock = clock13710.Clock.for_items(items, now=now)
    for item in items:
        users = [_user_of(item.assignee), item.assigned_by if item.assigned_by.is_active else None]
        users = {u.pk: u for u in users if u is not None}.values()
        for stage in item_clock.stages(item):
            if stage.due_at is None or not stage.is_open:
                continue
            if stage.state == clock13710.OVERDUE:
                when, title = MISSED, _("%(stage)s overdue since %(date)s: %(title)s")
            elif stage.due_at <= near_until_at:
                when, title = NEAR, _("%(stage)s due %(date)s: %(title)s")
            else:
                continue
            title = title % {"stage": stage.label, "date": stage.due_on.isoformat(), "title": item.title}
            body = _("Supervised item assigned to %(person)s.") % {"person": item.assignee.name}
            key = f"tasks.item:{item.pk}:{stage.name}:{stage.due_on.isoformat()}:{when}"
            for user in users:
                yield Message(user.pk, key, title, _url(item), body, "danger" if when == MISSED else "warning")


def build_reminders(now=None):
    """Every reminder that is due now (already-sent ones included; `notify_many` skips those)."""
    now = now or clock.now()
    today = clock.local_date(now)
    days = metrics.progress_rule()["remind_working_days"]
    calendar = Calendar.load(today.year - 1, today.year + 1)
    near_until = calendar.add_working_days(today, days)
    messages = list(task_messages(today, near_until, township_admins()))
    messages += list(item_messages(now, end_of_day(near_until)))
    return messages


class Command(BaseCommand):
    help = (
        "Notify the responsible cadre and the assigner (or the township committee) of task deadlines and "
        "13710 stages due within the next working day or missed. Safe to run repeatedly: each reminder is "
        "sent once."
    )

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            messages = build_reminders()
            new = notify_many(messages)
        self.stdout.write(self.style.SUCCESS(
            f"{new} notifications sent; {len(set((m.user_id, m.key) for m in messages)) - new} had been sent before."
        ))
