"""A finished job's file (an export, a bulletin): kept sealed (SM4) under MEDIA_ROOT/jobs/, handed only
to the job's owner, and deleted after BANZI_JOB_FILE_HOURS."""
import datetime
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from banzi.core import clock, crypto

from .models import Job

FILE_ASSOCIATED_DATA = b"banzi.job-file"
JOB_KEEP_DAYS = 30


def keep(job, name, content):
    """Store `content` for `job` under `name` (what the download will be called)."""
    path = default_storage.save(f"jobs/{uuid.uuid4().hex}", ContentFile(crypto.encrypt_bytes(content, FILE_ASSOCIATED_DATA)))
    Job.objects.filter(pk=job.pk).update(file_path=path, file_name=name[:255])
    job.file_path, job.file_name = path, name[:255]


def read(job):
    """The file's content, or None once it has been deleted."""
    if not job.file_path or not default_storage.exists(job.file_path):
        return None
    with default_storage.open(job.file_path, "rb") as handle:
        return crypto.decrypt_bytes(handle.read(), FILE_ASSOCIATED_DATA)


def delete_expired():
    """Delete the files of jobs finished more than BANZI_JOB_FILE_HOURS ago, and the jobs themselves after
    JOB_KEEP_DAYS (what an import did stays in its ImportJob and on the audit trail); returns how many
    files were deleted."""
    now = clock.now()
    Job.objects.filter(finished_at__lt=now - datetime.timedelta(days=JOB_KEEP_DAYS), file_path="").delete()
    before = now - datetime.timedelta(hours=settings.BANZI_JOB_FILE_HOURS)
    expired = Job.objects.filter(finished_at__lt=before).exclude(file_path="")
    count = 0
    for pk, path in expired.values_list("pk", "file_path"):
        default_storage.delete(path)
        Job.objects.filter(pk=pk).update(file_path="")
        count += 1
    return count
