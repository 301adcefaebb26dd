"""`manage.py send_duty_reminders`: tell each cadre on overnight duty tomorrow about their night.

Safe to run as often as one likes (hourly from cron or a systemd timer, on several servers): each
reminder has a key (shift, cadre, night) and is stored once. See `banzi/conduct/duty/reminders.py`.
"""
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from banzi.conduct.duty.reminders import duty_messages
from banzi.core.notifications import notify_many


class Command(BaseCommand):
    help = "Notify the cadres on overnight duty tomorrow. Safe to run repeatedly: each reminder is sent once."

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            messages = list(duty_messages())
            new = notify_many(messages)
        self.stdout.write(self.style.SUCCESS(
            f"{new} duty reminders sent; {len({(m.user_id, m.key) for m in messages}) - new} had been sent before."))
