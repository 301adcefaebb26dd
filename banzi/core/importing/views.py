"""The import pages: upload → preview → confirm, and the template download; `import_urls` gives a
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
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from banzi.core import services as core_services
from banzi.core.audit import error_codes, record_event
from banzi.core.errors import Code
from banzi.core.models import AuditEvent, ImportJob
from banzi.core.scoping import can_write_model

from .services import commit_import, upload_for_preview
from .template_workbook import build_template, instructions
from .workbook import XLSX_CONTENT_TYPE, validate_xlsx

PREVIEW_ROWS = 500


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
    """GET: what the file must hold, the template link and the upload form. POST a file: the
    preview. POST a job: the import, then back to the list."""

    template_name = "core/import_form.html"
    preview_template_name = "core/import_preview.html"
    success_url = None  # default: the model's list

    def get_success_url(self):
        return self.success_url or reverse(self.model.url_name("list"))

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
        return render(request, self.template_name, self.context(form=ImportUploadForm()))

    def post(self, request, *args, **kwargs):
        if "job" in request.POST:
            return self.confirm(request)
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            self.record_failure(error_codes(form.errors.as_data()))
            return render(request, self.template_name, self.context(form=form))
        file_name = form.cleaned_data["file"].name[:255]
        try:
            report, job = core_services.run(upload_for_preview, request.user, self.resource_class, form.content,
                                       file_name)
        except ValidationError as exc:
            self.record_failure(f"{file_name}: {error_codes({'file': exc.error_list})}")
            form.add_error("file", exc)
            return render(request, self.template_name, self.context(form=form))
        if report.has_errors:
            self.record_failure(_("%(file)s: %(count)d rows refused") % {"file": file_name,
                                                                         "count": report.counts["error"]})
        return self.render_preview(report, job)

    def record_failure(self, detail):
        """A refused import on the audit trail: the file and why (rules' codes, never the values)."""
        record_event(kind=AuditEvent.Kind.TRANSFER, action=AuditEvent.Action.IMPORT, outcome=AuditEvent.Outcome.FAILURE,
                     user=self.request.user, model=self.model, detail=detail, request=self.request)

    def confirm(self, request):
        job_id = request.POST.get("job", "")
        if not job_id.isdigit():
            raise Http404
        job = get_object_or_404(
            ImportJob.objects.defer("content"), pk=job_id, user=request.user,
            model_label=self.resource_class.model_label(),
        )
        try:
            report = core_services.run(commit_import, request.user, self.resource_class, job)
        except ValidationError as exc:
            self.record_failure(f"{job.file_name}: {error_codes({'job': exc.error_list})}")
            for message in exc.messages:
                messages.warning(request, message)
            return HttpResponseRedirect(request.path)
        if report.has_errors:
            self.record_failure(_("%(file)s: %(count)d rows refused") % {"file": job.file_name,
                                                                         "count": report.counts["error"]})
            messages.error(request, _("The data has changed since the preview and some rows are no longer valid; "
                                      "nothing has been saved."))
            return self.render_preview(report, None)
        counts = report.counts
        messages.success(request, _("Imported %(file)s: %(new)d new, %(update)d updated, %(skip)d unchanged.")
                         % {"file": job.file_name, **counts})
        return HttpResponseRedirect(self.get_success_url())

    def render_preview(self, report, job):
        return render(self.request, self.preview_template_name, self.context(
            report=report, job=job, counts=report.counts, changed_rows=report.changed_rows[:PREVIEW_ROWS],
            more_changed=max(0, len(report.changed_rows) - PREVIEW_ROWS),
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
