"""Overnight duty and attendance pages, included by `banzi/conduct/urls.py` into the `conduct:` namespace."""
from django.urls import path

from banzi.core.routing import model_urls

from . import imports, views
from .models import AttendanceRecord, DutyCheckIn, DutyRoster, DutyShift, DutySwap, SpotCheck

urlpatterns = [
    path("duty/tonight/", views.TonightView.as_view(), name="duty_tonight"),
    path("attendance/summary/", views.AttendanceSummaryView.as_view(), name="attendance_summary"),
    *imports.urlpatterns,
    *model_urls("duty-rosters", DutyRoster, list_view=views.DutyRosterListView, detail_view=views.DutyRosterDetailView,
                edit_view=views.DutyRosterEditView, delete_view=views.DutyRosterDeleteView),
    *model_urls("duty-shifts", DutyShift, list_view=views.DutyShiftListView, detail_view=views.DutyShiftDetailView,
                edit_view=views.DutyShiftEditView),
    *model_urls("duty-swaps", DutySwap, list_view=views.DutySwapListView, detail_view=views.DutySwapDetailView,
                edit_view=views.DutySwapEditView, delete_view=views.DutySwapDeleteView),
    *model_urls("duty-check-ins", DutyCheckIn, list_view=views.DutyCheckInListView,
                detail_view=views.DutyCheckInDetailView, edit_view=views.DutyCheckInEditView),
    *model_urls("spot-checks", SpotCheck, list_view=views.SpotCheckListView, detail_view=views.SpotCheckDetailView,
                edit_view=views.SpotCheckEditView, delete_view=views.SpotCheckDeleteView),
    *model_urls("attendance", AttendanceRecord, list_view=views.AttendanceRecordListView,
                detail_view=views.AttendanceRecordDetailView, edit_view=views.AttendanceRecordEditView),
    path("duty-rosters/<int:pk>/publish/", views.PublishRosterStep.as_view(), name="dutyroster_publish"),
    path("duty-shifts/<int:pk>/check-in/", views.CheckInStep.as_view(), name="dutyshift_check_in"),
    path("duty-swaps/<int:pk>/approve/", views.ApproveSwapStep.as_view(), name="dutyswap_approve"),
    path("duty-swaps/<int:pk>/reject/", views.RejectSwapStep.as_view(), name="dutyswap_reject"),
]
