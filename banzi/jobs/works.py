"""What each kind of job does. Each work gets its `Job`, runs as the job's owner (scoped like the page
that started it), reports its progress through `core.progress`, writes in one transaction, and
returns a small JSON summary (or raises: `runner.JobFailed`, ValidationError, PermissionDenied)."""
import functools
import io
from types import SimpleNamespace

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import resolve
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from banzi.core import crypto, progress
from banzi.core import services as core_services
from banzi.core.audit import error_codes, record_event
from banzi.core.models import AuditEvent, ImportJob

from . import files
from .models import Job
from .runner import JobFailed

UPLOAD_ASSOCIATED_DATA = b"banzi.job-upload"
REPORT_ROWS = 500


def resource_params(resource_class):
    """An import resource as a job's parameters: the importable class it is, or derives from (a sheet
    made for one session, `type(...)` with a session id), and the plain values that derived class sets."""
    for base in resource_class.__mro__:
        path = f"{base.__module__}.{base.__qualname__}"
        try:
            if import_string(path) is base:
                break
        except ImportError:
            continue
    # What the metaclass gives any subclass (fields, _meta …) is made again when the job derives its own.
    made_anyway = set(vars(type(base.__name__, (base,), {"__module__": base.__module__})))
    state = {}
    for klass in reversed(resource_class.__mro__[:resource_class.__mro__.index(base)]):
        state.update({k: v for k, v in vars(klass).items() if k not in made_anyway})
    if any(not isinstance(v, str | int | float | bool | type(None)) for v in state.values()):
        raise ImproperlyConfigured(f"{resource_class!r} cannot be rebuilt by a background job")
    return {"resource": path, "resource_state": state}


def resource_class(params):
    """The import resource of `resource_params`."""
    base = import_string(params["resource"])
    state = params.get("resource_state") or {}
    return type(base.__name__, (base,), {**state, "__module__": base.__module__}) if state else base


def seal_upload(content):
    """An upload waiting for its check: it holds ID numbers and phones, so it is kept sealed (SM4)."""
    return crypto.encrypt_bytes(bytes(content), UPLOAD_ASSOCIATED_DATA)


def _text(value):
    return "" if value is None else str(value)


def report_result(report):
    """An import report as the job keeps it for its page: the counts, the file's problems and the first
    REPORT_ROWS rows with errors and rows that change."""
    changed = report.changed_rows
    error_rows = report.error_rows
    return {
        "file_name": report.file_name,
        "counts": report.counts,
        "has_errors": report.has_errors,
        "file_errors": [_text(e) for e in report.file_errors],
        "ignored_columns": [_text(c) for c in report.ignored_columns],
        "error_rows": [{"number": row.number, "label": _text(row.label), "errors": [
            {"column": _text(e["column"]), "message": _text(e["message"]), "code": e.get("code")} for e in row.errors
        ]} for row in error_rows[:REPORT_ROWS]],
        "more_errors": max(0, len(error_rows) - REPORT_ROWS),
        "changed_rows": [{"number": row.number, "action": row.action, "label": _text(row.label), "changes": [
            {"column": _text(c["column"]), "old": _text(c["old"]), "new": _text(c["new"])} for c in row.changes
        ]} for row in changed[:REPORT_ROWS]],
        "more_changed": max(0, len(changed) - REPORT_ROWS),
    }


class StoredReport:
    """An import report as a job kept it (`report_result`), read back for the preview page with the
    names of `ImportReport`: counts, has_errors, errors (one per cell: row, column, message, code) …"""

    def __init__(self, data):
        self.data = data
        for name in ("file_name", "counts", "has_errors", "file_errors", "ignored_columns", "more_errors",
                     "more_changed"):
            setattr(self, name, data.get(name))
        self.error_rows = [SimpleNamespace(**row) for row in data.get("error_rows", [])]
        self.changed_rows = [SimpleNamespace(**row) for row in data.get("changed_rows", [])]

    @property
    def errors(self):
        return [{"row": row.number, **error} for row in self.error_rows for error in row.errors]


def _all_rows_done(report):
    """The last step of an import, whether or not its service reported the rows on the way."""
    rows = len(report.rows)
    progress.report(rows, rows)


def _record_import_failure(job, resource_class, detail):
    """A refused import on the audit trail, as the import page records it: the file and why."""
    record_event(kind=AuditEvent.Kind.TRANSFER, action=AuditEvent.Action.IMPORT, outcome=AuditEvent.Outcome.FAILURE,
                 user=job.user, model=resource_class._meta.model, detail=detail)


def _rows_refused(report, file_name):
    return _("%(file)s: %(count)d rows refused") % {"file": file_name, "count": report.counts["error"]}


def import_preview(job):
    """Check every row of an upload (`upload_for_preview`, saving nothing) and keep it for its confirmation."""
    from banzi.core.importing.services import upload_for_preview

    resource = resource_class(job.params)
    file_name = job.params["file_name"]
    content = crypto.decrypt_bytes(bytes(job.payload), UPLOAD_ASSOCIATED_DATA)
    try:
        report, import_job = core_services.run(upload_for_preview, job.user, resource, content, file_name)
    except ValidationError as exc:
        _record_import_failure(job, resource, f"{file_name}: {error_codes({'file': exc.error_list})}")
        raise
    if import_job is not None:
        Job.objects.filter(pk=job.pk).update(import_job=import_job)
    if report.has_errors:
        _record_import_failure(job, resource, _rows_refused(report, file_name))
    _all_rows_done(report)
    return report_result(report)


def import_commit(job):
    """Import a checked upload, all or nothing (`commit_import`)."""
    from banzi.core.importing.services import commit_import

    resource = resource_class(job.params)
    import_job = ImportJob.objects.defer("content").get(pk=job.import_job_id)
    try:
        report = core_services.run(commit_import, job.user, resource, import_job)
    except ValidationError as exc:
        _record_import_failure(job, resource, f"{import_job.file_name}: {error_codes({'job': exc.error_list})}")
        raise
    if report.has_errors:
        _record_import_failure(job, resource, _rows_refused(report, import_job.file_name))
        raise JobFailed(_("The data has changed since the preview and some rows are no longer valid; nothing has "
                          "been saved."), report_result(report))
    _all_rows_done(report)
    return report_result(report)


def audited_export(work):
    """An export that fails is on the audit trail too (one that succeeds is recorded as it is made)."""
    @functools.wraps(work)
    def run(job):
        try:
            return work(job)
        except Exception as exc:
            record_event(kind=AuditEvent.Kind.TRANSFER, action=AuditEvent.Action.EXPORT, user=job.user,
                         outcome=AuditEvent.Outcome.FAILURE, detail=f"{job.title}: {type(exc).__name__}")
            raise
    return run


@audited_export
def export(job):
    """A list's Excel export: the list page itself answers, as the job's owner, with the same filters."""
    params = job.params
    request = RequestFactory().get(params["path"], data=None, QUERY_STRING=params["query"],
                                   REMOTE_ADDR=params.get("client_ip") or "127.0.0.1")
    request.user = job.user
    request.banzi_export_job = job
    match = resolve(params["path"])
    request.resolver_match = match
    progress.report(0, params.get("rows") or 1)
    response = match.func(request, *match.args, **match.kwargs)
    if response.status_code != 200 or "attachment" not in response.get("Content-Disposition", ""):
        raise JobFailed(_("The list could not be exported (status %(status)s).") % {"status": response.status_code})
    files.keep(job, params["file_name"], response.content)
    progress.report(params.get("rows") or 1, params.get("rows") or 1)
    return {"rows": params.get("rows")}


@audited_export
def bulletin(job):
    """A bulletin as .docx or .xlsx, computed over what the owner may see."""
    from banzi.tasks import bulletin_documents
    from banzi.tasks.boards import BulletinDownloadView
    from banzi.tasks.models import Bulletin

    file_format = job.params["format"]
    item = Bulletin.objects.visible_to(job.user).select_related("organization").get(pk=job.params["bulletin"])
    _content_type, build = BulletinDownloadView.formats[file_format]
    progress.report(0, 2)
    data = bulletin_documents.bulletin_data(item, job.user)
    progress.report(1, 2)
    body = build(data, red_band=job.params.get("red_band", True)) if file_format == "docx" else build(data)
    record_event(kind=AuditEvent.Kind.TRANSFER, action=AuditEvent.Action.EXPORT, user=job.user, obj=item,
                 detail=_("Bulletin exported as .%(format)s") % {"format": file_format})
    files.keep(job, f"{item.title}.{file_format}", body)
    progress.report(2, 2)
    return {"format": file_format}


def reminders(job):
    """The reminder commands (`send_*_reminders`), one after the other; each sends a reminder once."""
    output = []
    commands = job.params["commands"]
    for done, name in enumerate(commands):
        progress.report(done, len(commands))
        out = io.StringIO()
        call_command(name, stdout=out)
        output.append(out.getvalue().strip())
    progress.report(len(commands), len(commands))
    return {"output": output}


WORKS = {
    Job.Kind.IMPORT_PREVIEW: import_preview,
    Job.Kind.IMPORT_COMMIT: import_commit,
    Job.Kind.EXPORT: export,
    Job.Kind.BULLETIN: bulletin,
    Job.Kind.REMINDERS: reminders,
}
