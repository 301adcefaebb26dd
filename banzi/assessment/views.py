"""Assessment pages: declarations over core's generic views."""
from banzi.core.uploads import FileDownloadView
from banzi.core.views import ObjectDeleteView, ObjectDetailView, ObjectEditView, ObjectListView

from . import filters, forms, services, tables
from .models import Assessee, Assessment, EvaluationGroup, QuotaApproval


class AssessmentListView(ObjectListView):
    queryset = Assessment.objects.select_related("organization")
    filterset_class = filters.AssessmentFilterSet
    table_class = tables.AssessmentTable


class AssessmentDetailView(ObjectDetailView):
    queryset = Assessment.objects.select_related("organization")
    fields = ["title", "kind", "year", "quarter", "starts_on", "ends_on", "organization", "status", "reopen_reason"]


class AssessmentEditView(ObjectEditView):
    model = Assessment
    form_class = forms.AssessmentForm
    service = staticmethod(services.save_assessment)


class AssessmentDeleteView(ObjectDeleteView):
    model = Assessment
    service = staticmethod(services.delete_assessment)


class AssesseeListView(ObjectListView):
    queryset = Assessee.objects.select_related("assessment", "unit", "cadre", "team__township")
    filterset_class = filters.AssesseeFilterSet
    table_class = tables.AssesseeTable


class AssesseeDetailView(ObjectDetailView):
    queryset = Assessee.objects.select_related("assessment", "unit", "cadre", "team__township", "proposed_by",
                                               "confirmed_by")
    fields = ["assessment", "category", "team", "cadre", "unit", "proposed_grade", "proposed_by", "confirmed_grade",
              "confirmed_by", "confirmed_on", "report", "report_file"]


class AssesseeEditView(ObjectEditView):
    model = Assessee
    form_class = forms.AssesseeForm
    service = staticmethod(services.save_assessee)


class AssesseeDeleteView(ObjectDeleteView):
    model = Assessee
    service = staticmethod(services.delete_assessee)


class QuotaApprovalListView(ObjectListView):
    queryset = QuotaApproval.objects.select_related("assessment", "unit")
    filterset_class = filters.QuotaApprovalFilterSet
    table_class = tables.QuotaApprovalTable


class QuotaApprovalDetailView(ObjectDetailView):
    queryset = QuotaApproval.objects.select_related("assessment", "unit")


class QuotaApprovalEditView(ObjectEditView):
    model = QuotaApproval
    form_class = forms.QuotaApprovalForm
    service = staticmethod(services.save_quota_approval)


class EvaluationGroupListView(ObjectListView):
    queryset = EvaluationGroup.objects.select_related("assessment", "unit")
    filterset_class = filters.EvaluationGroupFilterSet
    table_class = tables.EvaluationGroupTable


class EvaluationGroupDetailView(ObjectDetailView):
    queryset = EvaluationGroup.objects.select_related("assessment", "unit")


class EvaluationGroupEditView(ObjectEditView):
    model = EvaluationGroup
    form_class = forms.EvaluationGroupForm
    service = staticmethod(services.save_group)


class AssesseeReportView(FileDownloadView):
    """The 述职述廉 report's attachment, for those who may see the assessee."""

    model = Assessee
    field = "report_file"
