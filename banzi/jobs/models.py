"""A background job as its owner sees it: what it is, how far it has got, and how it ended."""
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from banzi.core import clock


class JobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A job is its owner's alone: nobody else sees its progress, its result or its file."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class Job(models.Model):
    """One piece of work longer than a request (an import, a large export, a bulletin, reminders),
    queued in the database and run by a worker (`manage.py run_jobs`).

    The worker stores `done`/`total` as the work reports them (core.progress) and touches
    `heartbeat_at` while it runs; a job still "running" with an old heartbeat was interrupted (its
    worker stopped) and is marked failed by `runner.recover_stale`. A failed job says why in
    `message`; a finished one keeps its `result` (a summary) and perhaps a file to download, sealed
    and deleted after BANZI_JOB_FILE_HOURS.
    """

    class Kind(models.TextChoices):
        IMPORT_PREVIEW = "import_preview", _("Import check")
        IMPORT_COMMIT = "import_commit", _("Import")
        EXPORT = "export", _("Export")
        BULLETIN = "bulletin", _("Bulletin")
        REMINDERS = "reminders", _("Reminders")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    FINISHED = (Status.DONE, Status.FAILED)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+",
        null=True, blank=True,
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=255)
    language = models.CharField(_("language"), max_length=10, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    created_at = models.DateTimeField(_("created at"), default=clock.now, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    payload = models.BinaryField(_("input"), blank=True, default=b"")
    result = models.JSONField(_("result"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    file_path = models.CharField(_("file"), max_length=255, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    import_job = models.ForeignKey(
        "core.ImportJob", verbose_name=_("import"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    worker_id = models.CharField(_("worker"), max_length=64, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at", "-id"]
        default_permissions = ()

    def __str__(self):
        return f"{self.title} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("jobs:job", args=[self.pk])

    @property
    def is_finished(self):
        return self.status in self.FINISHED

    @property
    def percent(self):
        if self.status == self.Status.DONE:
            return 100
        return min(99, self.done * 100 // self.total) if self.total else 0
