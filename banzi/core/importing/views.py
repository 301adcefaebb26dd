"""The import pages: upload → check (a background job, with progress) → preview → confirm → import (a
background job) → result, and the template download; `import_urls` gives a
list its two URLs in one line:

    urlpatterns = [*import_urls("cadres", CadreResource)]

which names them `<app>:<model>_import` (upload, preview, confirm) and `<app>:<model>_import_template`.
"""
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.defaultfilters import filesizeformat
from django.urls import path, reverse
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from banzi.core.audit import error_codes, record_event
from banzi.core.errors import Code, restored_errors
from banzi.core.models import AuditEvent, ImportJob
from banzi.core.scoping import can_write_model
from banzi.jobs import runner, works
from banzi.jobs.models import Job

from .template_workbook import build_template, instructions
from .workbook import XLSX_CONTENT_TYPE, validate_xlsx


class ImportUploadForm(forms.Form):
    """The upload: an .xlsx checked by content and size."""

    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX_CONTENT_TYPE}", "class": "form-control"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.BANZI_IMPORT_MAX_BYTES:
            raise ValidationError(
                _("The file is %(size)s; the largest file that can be imported is %(max)s.")
                % {"size": filesizeformat(upload.size), "max": filesizeformat(settings.BANZI_IMPORT_MAX_BYTES)},
                code=Code.FILE_SIZE,
            )
        self.content = upload.read()
        validate_xlsx(self.content)
        return upload


class ImportMixin(LoginRequiredMixin):
    resource_class = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not can_write_model(request.user, self.resource_class._meta.model):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @property
    def model(self):
        return self.resource_class._meta.model


class ImportView(ImportMixin, View):
    """GET: what the file must hold, the template link and the upload form. POST a file: a background
    job checks every row (the preview). POST a checked upload: a job imports it. `?job=<id>` is a job's
    page: its progress, then the preview or the outcome. With the immediate task backend the job has
    finished when the POST returns, and the page answers at once as it always did."""

    template_name = "core/import_form.html"
    preview_template_name = "core/import_preview.html"
    progress_template_name = "core/import_progress.html"
    result_template_name = "core/import_result.html"
    success_url = None  # default: the model's list

    def get_success_url(self):
        return self.success_url or reverse(self.model.url_name("list"))

    @property
    def resource_params(self):
        """How the job finds this page's resource again: `works.resource_class(params)`."""
        return works.resource_params(self.resource_class)

    def context(self, **kwargs):
        resource = self.resource_class(user=self.request.user)
        return {
            "model_meta": self.model._meta,
            "columns": resource.columns(),
            "instructions": instructions(resource),
            "template_url": reverse(self.model.url_name("import_template")),
            "import_url": self.request.path,
            "list_url": self.get_success_url(),
            **kwargs,
        }

    def get(self, request, *args, **kwargs):
        if "job" in request.GET:
            return self.show_job(self.get_job(request.GET["job"]))
        return render(request, self.template_name, self.context(form=ImportUploadForm()))

    def post(self, request, *args, **kwargs):
        if "job" in request.POST:
            return self.confirm(request)
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            self.record_failure(error_codes(form.errors.as_data()))
            return render(request, self.template_name, self.context(form=form))
        file_name = form.cleaned_data["file"].name[:255]
        job = runner.start(
            request.user, Job.Kind.IMPORT_PREVIEW,
            _("Check %(file)s for import") % {"file": file_name},
            params={**self.resource_params, "file_name": file_name}, payload=works.seal_upload(form.content),
        )
        if not job.is_finished:
            return HttpResponseRedirect(self.job_url(job))
        if job.status == Job.Status.FAILED:
            errors = self.job_errors(job)
            form.add_error("file", errors)
            return render(request, self.template_name, self.context(form=form))
        return self.render_preview(job)

    @staticmethod
    def job_errors(job):
        """Why a job failed, as the ValidationError its work raised (messages and codes)."""
        return restored_errors(job.result.get("errors", []), job.message)

    def record_failure(self, detail):
        """A refused import on the audit trail: the file and why (rules' codes, never the values)."""
        record_event(kind=AuditEvent.Kind.TRANSFER, action=AuditEvent.Action.IMPORT, outcome=AuditEvent.Outcome.FAILURE,
                     user=self.request.user, model=self.model, detail=detail, request=self.request)

    def job_url(self, job):
        return f"{self.request.path}?{urlencode({'job': job.pk})}"

    def get_job(self, job_id):
        """One of the user's own import jobs for this list, or a 404."""
        if not str(job_id).isdigit():
            raise Http404
        job = get_object_or_404(
            Job.objects.visible_to(self.request.user).defer("payload"), pk=job_id,
            kind__in=(Job.Kind.IMPORT_PREVIEW, Job.Kind.IMPORT_COMMIT),
        )
        if any(job.params.get(key) != value for key, value in self.resource_params.items()):
            raise Http404
        if job.status == Job.Status.RUNNING and runner.recover_stale(Job.objects.filter(pk=job.pk)):
            job.refresh_from_db()
        return job

    def confirm(self, request):
        job_id = request.POST.get("job", "")
        if not job_id.isdigit():
            raise Http404
        import_job = get_object_or_404(
            ImportJob.objects.defer("content", "rows"), pk=job_id, user=request.user,
            model_label=self.resource_class.model_label(),
        )
        job = runner.start(
            request.user, Job.Kind.IMPORT_COMMIT, _("Import %(file)s") % {"file": import_job.file_name},
            params={**self.resource_params, "file_name": import_job.file_name}, import_job=import_job,
        )
        if not job.is_finished:
            return HttpResponseRedirect(self.job_url(job))
        if job.status == Job.Status.FAILED:
            if "counts" in job.result:
                messages.error(request, job.message)
                return self.render_preview(job, confirmable=False)
            messages.warning(request, job.message)
            return HttpResponseRedirect(request.path)
        messages.success(request, self.success_message(job))
        return HttpResponseRedirect(self.get_success_url())

    def success_message(self, job):
        return _("Imported %(file)s: %(new)d new, %(update)d updated, %(skip)d unchanged.") % {
            "file": job.params["file_name"], **job.result["counts"]}

    def show_job(self, job):
        """A job's page: its progress while it runs, then what it found or did."""
        if not job.is_finished:
            return render(self.request, self.progress_template_name, self.context(job=job))
        if job.kind == Job.Kind.IMPORT_PREVIEW:
            if job.status == Job.Status.FAILED:
                return render(self.request, self.template_name, self.context(
                    form=ImportUploadForm(), failure=self.job_errors(job).messages))
            return self.render_preview(job)
        if job.status == Job.Status.FAILED and "counts" in job.result:
            return self.render_preview(job, confirmable=False, failure=job.message)
        return render(self.request, self.result_template_name, self.context(
            job=job, success=self.success_message(job) if job.status == Job.Status.DONE else ""))

    def render_preview(self, job, *, confirmable=True, failure=""):
        """The report of a check (or of an import refused because rows had become invalid), as the job kept it."""
        report = works.StoredReport(job.result)
        import_job = None
        if confirmable and job.import_job_id and not report.has_errors:
            import_job = ImportJob.objects.defer("content", "rows").filter(
                pk=job.import_job_id, status=ImportJob.Status.PENDING).first()
        return render(self.request, self.preview_template_name, self.context(
            report=report, job=import_job, counts=report.counts, changed_rows=report.changed_rows,
            more_changed=report.more_changed, failure=failure,
        ))


class ImportTemplateView(ImportMixin, View):
    """The template .xlsx for an import, generated from its resource."""

    def get(self, request, *args, **kwargs):
        content = build_template(self.resource_class(user=request.user))
        response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
        file_name = _("%(records)s import template") % {"records": self.model._meta.verbose_name_plural}
        response["Content-Disposition"] = content_disposition_header(True, f"{file_name}.xlsx")
        response.audit_export = False  # an empty template: no data leaves (core.audit_middleware)
        return response


def import_urls(prefix, resource_class, *, view_class=ImportView, template_view_class=ImportTemplateView, **options):
    """URLs `<model>_import` and `<model>_import_template` under `<prefix>/import/` for a resource."""
    name = resource_class._meta.model._meta.model_name
    return [
        path(f"{prefix}/import/", view_class.as_view(resource_class=resource_class, **options), name=f"{name}_import"),
        path(f"{prefix}/import/template/", template_view_class.as_view(resource_class=resource_class),
             name=f"{name}_import_template"),
    ]
