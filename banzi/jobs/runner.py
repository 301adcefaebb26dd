"""Starting and running jobs.

`start` creates the `Job` row and enqueues `tasks.run_job` with its id; the worker (or, with the
immediate backend, the request itself) calls `run`, which claims the job, does its work (`works`)
inside `progress.reporting_to`, and records how it ended. The work is all or nothing: each work
runs its writes in one transaction, so a job that fails has saved nothing.
"""
import datetime
import logging
import threading
import time

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, connections
from django.db.models import Q
from django.db.utils import load_backend
from django.utils import translation
from django.utils.translation import gettext as _

from banzi.core import clock, progress
from banzi.core.errors import kept_errors

from .models import Job

logger = logging.getLogger(__name__)

# Progress is stored at most this often, or when it has moved by at least 1%.
PROGRESS_INTERVAL = 0.5
QUIET_AFTER_REFUSAL = 5.0
# A running job's heartbeat is touched this often, whether or not its work reports progress.
HEARTBEAT_SECONDS = 30


def start(user, kind, title, *, params=None, payload=b"", import_job=None):
    """Create a job for `user` and enqueue it; returns the job (already finished when the backend is
    immediate)."""
    from . import files
    from .tasks import run_job

    files.delete_expired()
    job = Job.objects.create(
        user=user, kind=kind, title=title[:255], params=params or {}, payload=payload, import_job=import_job,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    result = run_job.enqueue(job.pk)
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    return Job.objects.defer("payload").get(pk=job.pk)


def _side_connection():
    """A connection of its own for progress, so that what is stored is seen at once even while the
    work holds its transaction open. On SQLite it waits for the write lock only briefly: while an
    import writes, its progress is skipped rather than the import slowed."""
    settings_dict = dict(connections["default"].settings_dict)
    if connection.vendor == "sqlite":
        settings_dict["OPTIONS"] = {**settings_dict.get("OPTIONS", {}), "timeout": 0.05}
    backend = load_backend(settings_dict["ENGINE"])
    return backend.DatabaseWrapper(settings_dict, "default")


def _close_side(side):
    """Close a side connection for good. Django keeps an in-memory SQLite database's connections open
    (closing the last one would drop the database), so there it is closed by hand: left to the garbage
    collector, it would be closed at whatever moment a collection runs, even inside a statement of
    another connection to the same shared memory, where SQLite then waits for its own lock for ever."""
    side.close()
    if side.connection is not None:
        side.connection.close()
        side.connection = None


class JobFailed(Exception):
    """Raised by a work that ends without doing what was asked, with the reason and what it found (an
    import whose rows are no longer valid keeps its report, to show which rows)."""

    def __init__(self, message, result=None):
        super().__init__(message)
        self.message, self.result = str(message), result or {}


class ProgressWriter:
    """The listener of a job's `progress.report`: stores done/total and the heartbeat on the job row,
    at most every PROGRESS_INTERVAL seconds or each 1% (and always the last step)."""

    def __init__(self, job_id):
        self.job_id = job_id
        self.last_time = 0.0
        self.last_done = None
        self.side = None
        self.latest = {}
        self.quiet_until = 0.0

    def __call__(self, done, total):
        self.latest = {"done": done, "total": total}
        now = time.monotonic()
        step = max(1, total // 100) if total else 1
        moved = self.last_done is None or done - self.last_done >= step or done >= total
        if (now - self.last_time < PROGRESS_INTERVAL and not moved) or now < self.quiet_until:
            return
        self.last_time, self.last_done = now, done
        self.store(done=done, total=total, heartbeat_at=clock.now())

    def store(self, **values):
        try:
            if not connection.in_atomic_block:
                Job.objects.filter(pk=self.job_id).update(**values)
                return
            if self.side is None:
                self.side = _side_connection()
            with self.side.cursor() as cursor:
                sets = ", ".join(f"{connection.ops.quote_name(name)} = %s" for name in values)
                params = [self.side.ops.adapt_datetimefield_value(v) if isinstance(v, datetime.datetime) else v
                          for v in values.values()]
                cursor.execute(f"UPDATE {connection.ops.quote_name(Job._meta.db_table)} SET {sets} WHERE id = %s",
                               [*params, self.job_id])
        except DatabaseError as exc:
            # Progress is a courtesy: a busy database must not fail or slow the work itself, so after a
            # refusal (SQLite's one write lock held by the work) it is not tried again for a while.
            logger.info("progress of job %s not stored: %s", self.job_id, exc)
            self.quiet_until = time.monotonic() + QUIET_AFTER_REFUSAL

    def close(self):
        if self.side is not None:
            _close_side(self.side)
            self.side = None


class Heartbeat:
    """Touches a running job's `heartbeat_at` every HEARTBEAT_SECONDS from a thread of its own (with its
    own connection), so that a long step that reports no progress is not taken for a dead worker."""

    def __init__(self, job_id):
        self.job_id = job_id
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.beat, name=f"job-{job_id}-heartbeat", daemon=True)

    def beat(self):
        side = None
        try:
            while not self.stopped.wait(HEARTBEAT_SECONDS):
                try:
                    side = side or _side_connection()
                    with side.cursor() as cursor:
                        cursor.execute(
                            f"UPDATE {connection.ops.quote_name(Job._meta.db_table)} SET heartbeat_at = %s "
                            "WHERE id = %s", [side.ops.adapt_datetimefield_value(clock.now()), self.job_id])
                except DatabaseError as exc:
                    logger.info("heartbeat of job %s not stored: %s", self.job_id, exc)
        finally:
            if side is not None:
                _close_side(side)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stopped.set()
        self.thread.join()


def _claim(job_id, worker_id):
    now = clock.now()
    return Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=now, heartbeat_at=now, worker_id=worker_id[:64])


def error_list(exc):
    """A ValidationError's messages with their codes, as a job keeps them (the page gives them back to
    its form, so that what is refused and why reads as it did when the work ran in the request)."""
    return kept_errors(exc)


def fail(job, message, result=None):
    """Mark a job failed with the reason its owner will read, and drop its input."""
    Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, message=str(message), finished_at=clock.now(),
                                         payload=b"", result=result or {})


def run(job_id, worker_id=""):
    """Run one queued job; a job already claimed, finished or failed is left alone."""
    from . import works

    if not _claim(job_id, worker_id):
        return None
    job = Job.objects.get(pk=job_id)
    writer = ProgressWriter(job.pk)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            with Heartbeat(job.pk), progress.reporting_to(writer):
                result = works.WORKS[job.kind](job)
        except JobFailed as exc:
            fail(job, exc.message, exc.result)
            return None
        except ValidationError as exc:
            fail(job, " ".join(exc.messages), {"errors": error_list(exc)})
            return None
        except PermissionDenied as exc:
            fail(job, str(exc) or _("You are not allowed to do this."))
            return None
        except Exception:
            logger.exception("job %s (%s) failed", job.pk, job.kind)
            fail(job, _("The job stopped on an unexpected error; nothing has been saved. Try again, or tell the "
                        "system administrator."))
            raise
        finally:
            writer.close()
        now = clock.now()
        Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, result=result or {}, finished_at=now,
                                             heartbeat_at=now, payload=b"", **writer.latest)
    return result


def stale_before():
    return clock.now() - datetime.timedelta(seconds=settings.BANZI_JOB_STALE_SECONDS)


def recover_stale(queryset=None, *, worker_id=""):
    """Fail every job left "running" by a worker that stopped: its heartbeat is older than
    BANZI_JOB_STALE_SECONDS, or it was run by `worker_id`, a worker starting again. Its work ran in one transaction, which the database rolled back when the
    worker's connection went: nothing of it is saved, and the owner reads that it can be started again.
    The queue's own row of the task is failed too, so no worker waits on it. Returns how many."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    queryset = Job.objects.all() if queryset is None else queryset
    lost = Q(heartbeat_at__lt=stale_before()) | Q(heartbeat_at__isnull=True)
    if worker_id:
        lost |= Q(worker_id=worker_id)
    stale = queryset.filter(lost, status=Job.Status.RUNNING)
    task_ids = [t for t in stale.values_list("task_id", flat=True) if t]
    with translation.override(settings.LANGUAGE_CODE):
        message = _("The job was interrupted (the server restarted) and nothing of it has been saved; start it again.")
    count = stale.update(status=Job.Status.FAILED, finished_at=clock.now(), payload=b"", message=message)
    if task_ids:
        DBTaskResult.objects.filter(pk__in=task_ids, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED, finished_at=clock.now())
    return count
