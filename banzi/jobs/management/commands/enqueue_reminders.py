"""`manage.py enqueue_reminders`: queue the reminder commands as one background job, for a cron line or
systemd timer that should return at once; the worker (`run_jobs`) sends them. The commands themselves
(`send_reminders`, `send_study_reminders`, `send_duty_reminders`, `send_calendar_reminders`) still run
directly from cron as before; each sends a reminder once, however often it runs (docs/deploy.md).
The daily digest (`send_digest`) is queued only when named: it belongs at the end of the day, not in an
hourly run of the reminders."""
from django.core.management.base import BaseCommand, CommandError

from banzi.jobs import runner
from banzi.jobs.models import Job

COMMANDS = ("send_reminders", "send_study_reminders", "send_duty_reminders", "send_calendar_reminders")
ONLY_WHEN_NAMED = ("send_digest",)


class Command(BaseCommand):
    help = "Queue the reminder commands as a background job run by `manage.py run_jobs`."

    def add_arguments(self, parser):
        parser.add_argument("commands", nargs="*", help=f"Which reminders: {', '.join(COMMANDS + ONLY_WHEN_NAMED)} "
                                 f"(default: all but {', '.join(ONLY_WHEN_NAMED)}).")

    def handle(self, *args, commands=(), **options):
        unknown = sorted(set(commands) - set(COMMANDS + ONLY_WHEN_NAMED))
        if unknown:
            raise CommandError(f"Unknown reminder command(s): {', '.join(unknown)}")
        job = runner.start(None, Job.Kind.REMINDERS, "Reminders", params={"commands": list(commands or COMMANDS)})
        self.stdout.write(f"Job {job.pk}: {job.get_status_display()}")
