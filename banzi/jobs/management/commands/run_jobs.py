"""`manage.py run_jobs`: the background worker. Runs the queued jobs (imports, exports, bulletins,
reminders) one at a time, polling the database; start one or more beside the web server (`make demo`
does; docs/deploy.md has the systemd unit).

On start it first fails the jobs a previous run of the same worker (`--worker-id`) left "running", and
any job whose heartbeat is older than BANZI_JOB_STALE_SECONDS: their work was rolled back with the
connection of the worker that stopped, and their owners read that they can start them again. The
options are django-tasks-db's `db_worker` (`--interval`, `--batch`, `--max-tasks`, `--queue-name` …).
"""
from django_tasks_db.management.commands import db_worker

from banzi.jobs import files, runner


class Command(db_worker.Command):
    help = "Run Banzi's background jobs (imports, large exports, bulletins, reminders) from the database queue."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(reload=False)

    def handle(self, *args, **options):
        failed = runner.recover_stale(worker_id=options["worker_id"])
        if failed:
            self.stderr.write(f"{failed} interrupted job(s) marked failed.")
        files.delete_expired()
        return super().handle(*args, **options)
