"""Report pages under /reports/: the form (scope and period), the report itself with each figure
linked to its records, its .docx download (audited as an export by core.audit_middleware), and the
county's paragraph templates."""
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views import View
from django.views.generic import TemplateView

from banzi.core import clock
from banzi.core.metrics import figures
from banzi.core.views import ObjectDetailView, ObjectEditView, ObjectListView

from . import documents, filters, forms, report, tables
from .models import ReportTemplate

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class ReportFormView(LoginRequiredMixin, TemplateView):
    """Choose the scope and the period (a township committee has its own township only)."""

    template_name = "reports/report_form.html"

    def get_context_data(self, **kwargs):
        report.resolve_scope(self.request.user, "")  # refuses cadres and administrators
        ctx = super().get_context_data(**kwargs)
        ctx["form"] = forms.ReportForm(self.request.user, initial={"period": str(clock.today().year)})
        return ctx


class ReportMixin(LoginRequiredMixin):
    def read_report(self):
        """(report, error): the report of the asked scope and period, or the message why there is none."""
        scope = report.resolve_scope(self.request.user, self.request.GET.get("scope"))
        try:
            period = report.resolve_period(self.request.GET.get("period"), scope)
        except ValidationError as exc:
            return None, scope, exc.messages[0]
        built = report.build(scope, period)
        try:
            report.require_records(built)
        except ValidationError as exc:
            return built, scope, exc.messages[0]
        return built, scope, ""


class ReportView(ReportMixin, TemplateView):
    template_name = "reports/report.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        built, scope, error = self.read_report()
        ctx.update(report=built, scope=scope, error=error, query=self.request.GET.urlencode(),
                   form=forms.ReportForm(self.request.user, initial={
                       "scope": scope.value, "period": self.request.GET.get("period") or str(clock.today().year)}),
                   heading=built.title if built else "")
        if built and not error:
            ctx["appendix"] = documents.appendix_rows(built, with_links=True)
        return ctx


class ReportDownloadView(ReportMixin, View):
    def get(self, request):
        built, _scope, error = self.read_report()
        if error:
            messages.error(request, error)
            return HttpResponseRedirect(f"{reverse('reports:report_view')}?{request.GET.urlencode()}")
        response = HttpResponse(documents.report_docx(built), content_type=DOCX)
        response["Content-Disposition"] = content_disposition_header(True, f"{built.title}.docx")
        return response


# --- the paragraph templates ---------------------------------------------------------------------

class ReportTemplateListView(ObjectListView):
    model = ReportTemplate
    filterset_class = filters.ReportTemplateFilterSet
    table_class = tables.ReportTemplateTable


class ReportTemplateDetailView(ObjectDetailView):
    model = ReportTemplate


class ReportTemplateEditView(ObjectEditView):
    model = ReportTemplate
    form_class = forms.ReportTemplateForm
    template_name = "reports/reporttemplate_edit.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["figures"] = figures.all()
        return ctx
