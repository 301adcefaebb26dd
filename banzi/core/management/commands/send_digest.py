"""`manage.py send_digest`: the daily digest of notifications for information.

Notifications sent for information only (someone else's request decided, a request withdrawn) do not
ring the bell. Once a day this command gathers each user's undigested ones into one notification,
"Today's updates (N)", which does, and links to the notifications page showing them. Its key names the
date ("core.digest:2026-12-02"), so running it again, or on several servers, sends nobody a second
digest for the day; what arrives after a user's digest waits for the next one. Run it once a day at
the end of the working day, e.g. 17:30 (docs/reminders.md).
"""
import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from banzi.core import clock
from banzi.core.notifications import send_digests


class Command(BaseCommand):
    help = ("Gather each user's notifications for information of the day into one digest notification. "
            "Safe to run repeatedly: each user gets one digest a day.")

    def add_arguments(self, parser):
        parser.add_argument("--date", help="The day of the digest, YYYY-MM-DD (default: today, the county's date).")

    def handle(self, *args, date=None, **options):
        try:
            day = datetime.date.fromisoformat(date) if date else clock.today()
        except ValueError as exc:
            raise CommandError(f"--date {date!r} is not a date like 2026-12-02") from exc
        with translation.override(settings.LANGUAGE_CODE):
            sent = send_digests(day)
            self.stdout.write(_("Digests sent: %(n)d") % {"n": sent})
