"""Strict-management pages under /conduct/; overnight duty and attendance come from `duty/urls.py`."""
from django.urls import include, path

from banzi.core.routing import model_urls

from . import views
from .models import (
    CommitmentLetter,
    ConcurrentPostDeclaration,
    DisciplineRule,
    LeaveLedgerEntry,
    LeaveRequest,
    OutingReport,
    Violation,
)

app_name = "conduct"

urlpatterns = [
    path("", include("banzi.conduct.duty.urls")),
    path("not-signed/", views.MissingListView.as_view(), name="missing_list"),
    path("away-today/", views.AwayTodayView.as_view(), name="away_today"),
    *model_urls("discipline-rules", DisciplineRule, list_view=views.DisciplineRuleListView,
                detail_view=views.DisciplineRuleDetailView, edit_view=views.DisciplineRuleEditView),
    *model_urls("commitments", CommitmentLetter, list_view=views.CommitmentLetterListView,
                detail_view=views.CommitmentLetterDetailView, edit_view=views.CommitmentLetterEditView),
    *model_urls("declarations", ConcurrentPostDeclaration, list_view=views.ConcurrentPostDeclarationListView,
                detail_view=views.ConcurrentPostDeclarationDetailView, edit_view=views.ConcurrentPostDeclarationEditView),
    *model_urls("violations", Violation, list_view=views.ViolationListView, detail_view=views.ViolationDetailView,
                edit_view=views.ViolationEditView),
    *model_urls("leave", LeaveRequest, list_view=views.LeaveRequestListView, detail_view=views.LeaveRequestDetailView,
                edit_view=views.LeaveRequestEditView, delete_view=views.LeaveRequestDeleteView),
    *model_urls("leave-ledger", LeaveLedgerEntry, list_view=views.LeaveLedgerEntryListView,
                detail_view=views.LeaveLedgerEntryDetailView, edit_view=views.LeaveLedgerEntryEditView,
                delete_view=views.LeaveLedgerEntryDeleteView),
    *model_urls("outings", OutingReport, list_view=views.OutingReportListView,
                detail_view=views.OutingReportDetailView, edit_view=views.OutingReportEditView),
    path("commitments/<int:pk>/scan/", views.CommitmentScanView.as_view(), name="commitmentletter_scan"),
    path("declarations/<int:pk>/decide/", views.DeclarationDecideStep.as_view(), name="concurrentpostdeclaration_decide"),
    path("violations/<int:pk>/decide/", views.ViolationDecideStep.as_view(), name="violation_decide"),
    path("leave/<int:pk>/submit/", views.LeaveSubmitStep.as_view(), name="leaverequest_submit"),
    path("leave/<int:pk>/approve/", views.LeaveApproveStep.as_view(), name="leaverequest_approve"),
    path("leave/<int:pk>/reject/", views.LeaveRejectStep.as_view(), name="leaverequest_reject"),
    path("leave/<int:pk>/cancel/", views.LeaveCancelStep.as_view(), name="leaverequest_cancel"),
    path("leave/<int:pk>/return/", views.LeaveReturnStep.as_view(), name="leaverequest_return"),
    path("outings/<int:pk>/return/", views.OutingReturnStep.as_view(), name="outingreport_return"),
]
