"""API under /api/v1/study/."""
from django.urls import path
from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.register("sessions", api.StudySessionViewSet, basename="study-studysession")
router.register("attendances", api.StudyAttendanceViewSet, basename="study-studyattendance")
router.register("records", api.StudyRecordViewSet, basename="study-studyrecord")
router.register("duties", api.LeadDutyViewSet, basename="study-leadduty")
router.register("duty-records", api.LeadDutyRecordViewSet, basename="study-leaddutyrecord")
router.register("evidence", api.LeadDutyEvidenceViewSet, basename="study-leaddutyevidence")

urlpatterns = [
    path("teams/<int:pk>/duty-matrix/", api.TeamMatrixView.as_view(), name="study-team-matrix"),
    path("leaders/<int:pk>/duties/", api.LeaderDutiesView.as_view(), name="study-leader-duties"),
    path("monthly-totals/", api.MonthlyTotalsView.as_view(), name="study-monthly-totals"),
    path("group-studies/", api.GroupStudiesView.as_view(), name="study-group-studies"),
    *router.urls,
]
