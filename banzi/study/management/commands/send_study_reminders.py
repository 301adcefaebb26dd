"""`manage.py send_study_reminders`: a gentle reminder to cadres who asked for one (opt-in) and
have recorded no daily study for a week.

Only cadres who turned the reminder on in “My daily study” hear from it — DESIGN.md principle 2: no
forced check-in. Each reminder's key names the cadre and the week, so running the command again,
daily from cron or on several servers, sends nobody more than one reminder a week.
"""
import datetime

from django.core.management.base import BaseCommand
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from banzi.core import clock
from banzi.core.notifications import Message, notify_many
from banzi.study.models import StudyPreference

QUIET_DAYS = 7


def reminder_messages(today):
    """The reminders due on `today`: opted-in cadres with an active user and no record for a week."""
    since = today - datetime.timedelta(days=QUIET_DAYS)
    preferences = (StudyPreference.objects.filter(remind_after_a_week=True, cadre__user__is_active=True)
                   .annotate(last=Max("cadre__study_records__studied_on"))
                   .filter(Q(last__isnull=True) | Q(last__lte=since))
                   .select_related("cadre__user"))
    year, week, _day = today.isocalendar()
    url = reverse("study:my_study")
    for preference in preferences:
        user = preference.cadre.user
        if preference.last:
            body = _("Your last study record is of %(date)s. Half an hour a day adds up; record it when you can.") % {
                "date": preference.last.isoformat()}
        else:
            body = _("Half an hour a day adds up; record your study when you can.")
        yield Message(user.pk, f"study.reminder:{preference.cadre_id}:{year}-W{week:02d}",
                      _("A week without a study record"), url, body, "info")


class Command(BaseCommand):
    help = "Remind cadres who opted in after a week without a daily study record (once a week at most)."

    def handle(self, *args, **options):
        with translation.override("zh-hans"):
            sent = notify_many(list(reminder_messages(clock.today())))
        self.stdout.write(_("Study reminders sent: %(n)d") % {"n": sent})
