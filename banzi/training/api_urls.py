"""API under /api/v1/training/: the records, and the figures as read-only endpoints."""
from django.urls import path
from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.register("topics", api.TrainingTopicViewSet, basename="training-trainingtopic")
router.register("lecturers", api.LecturerViewSet, basename="training-lecturer")
router.register("programs", api.TrainingProgramViewSet, basename="training-trainingprogram")
router.register("sessions", api.TrainingSessionViewSet, basename="training-trainingsession")
router.register("enrollments", api.EnrollmentViewSet, basename="training-enrollment")
router.register("attendances", api.AttendanceViewSet, basename="training-attendance")
router.register("needs", api.TrainingNeedViewSet, basename="training-trainingneed")

urlpatterns = [
    path("statistics/", api.StatisticsView.as_view(), name="training-statistics"),
    path("hours/", api.CadreHoursView.as_view(), name="training-hours"),
    path("needs/uncovered/", api.UncoveredNeedsView.as_view(), name="training-needs-uncovered"),
    *router.urls,
]
