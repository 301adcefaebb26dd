"""`manage.py send_calendar_reminders`: ask the county administrators for the holiday schedule.

From 1 November until next year's official schedule of public holidays and adjusted working days is
entered (and in a year that began without one), every active county administrator is reminded once
a week: until then that year's deadlines and leave days count weekends only. The home page asks the
same. Each reminder's key names the year and the week, so running the command daily (cron, a
systemd timer, several servers) reminds nobody twice in a week. See docs/reminders.md.
"""
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _

from banzi.accounts.models import User
from banzi.core import clock
from banzi.core.calendar_views import schedule_requests
from banzi.core.notifications import Message, notify_many
from banzi.core.roles import Role


def calendar_messages(today):
    """The reminders due on `today`: one per county administrator and year still without a schedule."""
    requests = schedule_requests(today)
    if not requests:
        return []
    year, week, _day = today.isocalendar()
    admins = User.objects.filter(role=Role.COUNTY_ADMIN, is_active=True).values_list("pk", flat=True)
    return [Message(user_id, f"core.calendar:{r['year']}:{year}-W{week:02d}", r["title"], r["url"], r["body"],
                    "warning")
            for user_id in admins for r in requests]


class Command(BaseCommand):
    help = ("Remind the county administrators, once a week from 1 November, to enter next year's holiday schedule "
            "until it is entered. Safe to run repeatedly.")

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            sent = notify_many(calendar_messages(clock.today()))
        self.stdout.write(_("Holiday schedule reminders sent: %(n)d") % {"n": sent})
