"""The import's two services and the `ImportJob` kept between them: the preview (a dry run of
every row, saving nothing; the upload is kept as a job if every row is right, with the rows as the
preview read them) and the commit (claims the job and imports the rows kept, all or nothing, with
one audit event).
"""
import datetime
import logging

import tablib
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from banzi.core import clock, crypto
from banzi.core.audit import record_event
from banzi.core.bulk import collector_paused
from banzi.core.errors import Code
from banzi.core.models import AuditEvent, ImportJob
from banzi.core.scoping import can_write_model

from .report import ImportReport, build_report
from .workbook import pack_sheet, read_sheet, unpack_sheet

logger = logging.getLogger(__name__)

JOB_LIFETIME = datetime.timedelta(days=1)
JOB_ASSOCIATED_DATA = b"banzi.import-job"
ROWS_ASSOCIATED_DATA = b"banzi.import-job.rows"  # distinct: the sealed rows cannot pass for the upload


def _run(user, resource_class, sheet, file_name, *, dry_run, previewed=False):
    resource = resource_class(user=user, file_name=file_name)
    ignored = resource.check_headings(sheet.headings)
    resource.row_numbers = sheet.row_numbers
    if resource.batched:
        rows, file_errors = resource.run_batched(sheet.headings, sheet.rows, dry_run=dry_run, previewed=previewed)
        return ImportReport(file_name=file_name, rows=rows, file_errors=file_errors, ignored_columns=ignored)
    dataset = tablib.Dataset(*sheet.rows, headers=sheet.headings)
    result = resource.import_data(dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True)
    return build_report(resource, result, file_name, ignored)


def _open_upload(content):
    """A kept upload's workbook; one kept before uploads were sealed is read as it is."""
    if content.startswith(crypto.BYTES_MAGIC):
        return crypto.decrypt_bytes(content, JOB_ASSOCIATED_DATA)
    return content


def _seal_rows(sheet):
    """The rows the preview read, sealed (SM4) like the upload they come from: they hold ID numbers
    and phones. Empty if a cell cannot be kept exactly; the commit then reads the upload."""
    try:
        return crypto.encrypt_bytes(pack_sheet(sheet), ROWS_ASSOCIATED_DATA)
    except (TypeError, ValueError) as exc:
        logger.warning("import rows not kept, the workbook will be read again: %s", exc)
        return b""


def _kept_sheet(job):
    """The rows a job's preview read, or, for a job kept without them (or with rows that cannot be
    opened any more), its upload read again."""
    sealed = bytes(ImportJob.objects.filter(pk=job.pk).values_list("rows", flat=True).get())
    if sealed:
        try:
            return unpack_sheet(crypto.decrypt_bytes(sealed, ROWS_ASSOCIATED_DATA))
        except (crypto.DecryptionError, ValueError) as exc:
            logger.warning("kept import rows of job %s unreadable, reading its workbook: %s", job.pk, exc)
    content = ImportJob.objects.filter(pk=job.pk).values_list("content", flat=True).get()
    return read_sheet(_open_upload(bytes(content)))


def _ensure_can_import(user, resource_class):
    model = resource_class._meta.model
    if not can_write_model(user, model):
        raise PermissionDenied(_("You are not allowed to change %(model)s.") % {"model": model._meta.verbose_name})


def preview_import(user, resource_class, content, file_name):
    """Validate every row of an upload exactly as the import would, saving nothing.

    A batched resource (`ImportResource.batched`, e.g. the cadre roster) validates every row in
    memory, with the rules the database would check and those across rows (one cadre per ID
    number) checked against lookups made once for the file: nothing is written. Any other resource
    writes its rows in a transaction that is always rolled back, so that rules across rows (one
    team head) are checked as they will be at the real import. Progress is reported to
    `core.progress`. Raises ValidationError for a file that cannot be imported at all (type, size,
    rows, columns).
    """
    return _preview(user, resource_class, content, file_name)[0]


@collector_paused()
def _preview(user, resource_class, content, file_name):
    """The preview's report and the sheet it read (`read_sheet` checks the content first)."""
    _ensure_can_import(user, resource_class)
    sheet = read_sheet(content)
    return _run(user, resource_class, sheet, file_name, dry_run=True), sheet


def keep_job(user, resource_class, file_name, content, report, sheet=None):
    """Keep a previewed upload as an `ImportJob` for its confirmation, or None when a row has
    errors (there is nothing to confirm); jobs past their lifetime are dropped on the way. The
    sheet the preview read, if given, is kept beside the upload, so that the confirmation need not
    read the workbook again."""
    ImportJob.objects.filter(created_at__lt=clock.now() - JOB_LIFETIME).delete()
    if report.has_errors:
        return None
    # The upload holds ID numbers and phones until it is confirmed: kept sealed (SM4), like them.
    return ImportJob.objects.create(
        user=user, model_label=resource_class.model_label(), file_name=file_name,
        content=crypto.encrypt_bytes(bytes(content), JOB_ASSOCIATED_DATA),
        rows=_seal_rows(sheet) if sheet is not None else b"",
        summary=report.summary(),
    )


def upload_for_preview(user, resource_class, content, file_name):
    """One user action, the upload: validate every row (`preview_import`) and keep the upload and its
    rows for the confirmation (`keep_job`). Returns the report and the job (None when a row has errors)."""
    report, sheet = _preview(user, resource_class, content, file_name)
    return report, keep_job(user, resource_class, file_name, content, report, sheet)


@collector_paused()
def commit_import(user, resource_class, job):
    """Import a previewed upload, all or nothing, and use the job up.

    Runs in one transaction: if any row fails (the data may have changed since the preview),
    nothing is saved and the job is marked failed. Otherwise every row is saved with its history
    user — a batched resource writes the records in batches, each with its one history row and one
    audit event; any other saves each row through the resource's service — one IMPORT audit event
    is written, and the job keeps only its summary. The rows are those the preview read and kept
    (the workbook is read again only for a job kept without them). Raises ValidationError if the job
    was already used.
    """
    _ensure_can_import(user, resource_class)
    with transaction.atomic():
        # Claiming the job first makes a second confirmation (another tab, another server) wait
        # for this one and then find nothing to claim.
        claimed = ImportJob.objects.filter(
            pk=job.pk, user=user, status=ImportJob.Status.PENDING, created_at__gte=clock.now() - JOB_LIFETIME
        ).update(status=ImportJob.Status.DONE)
        if not claimed:
            raise ValidationError(_("This upload has already been imported or has expired; upload the file again."),
                                  code=Code.IMPORT_EXPIRED)
        # A job is kept only for a preview without an error: its rows were validated (`previewed`).
        report = _run(user, resource_class, _kept_sheet(job), job.file_name, dry_run=False, previewed=True)
        if report.has_errors:
            transaction.set_rollback(True)
        else:
            counts = report.counts
            record_event(
                kind=AuditEvent.Kind.TRANSFER, action=AuditEvent.Action.IMPORT, user=user,
                detail=_("%(records)s from %(file)s: %(new)d new, %(update)d updated, %(skip)d unchanged")
                % {"records": resource_class._meta.model._meta.verbose_name_plural, "file": job.file_name, **counts},
            )
            ImportJob.objects.filter(pk=job.pk).update(content=b"", rows=b"", summary=report.summary())
    if report.has_errors:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED, content=b"", rows=b"", summary=report.summary()
        )
    return report
