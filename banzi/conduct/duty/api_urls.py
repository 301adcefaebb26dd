"""Overnight duty and attendance API routes, added to /api/v1/conduct/ by `banzi/conduct/api_urls.py`."""
from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("duty-rosters", api.DutyRosterViewSet, basename="conduct-dutyroster")
router.register("duty-shifts", api.DutyShiftViewSet, basename="conduct-dutyshift")
router.register("duty-swaps", api.DutySwapViewSet, basename="conduct-dutyswap")
router.register("duty-check-ins", api.DutyCheckInViewSet, basename="conduct-dutycheckin")
router.register("spot-checks", api.SpotCheckViewSet, basename="conduct-spotcheck")
router.register("attendance", api.AttendanceRecordViewSet, basename="conduct-attendancerecord")

# Read-only figures; `banzi/conduct/api_urls.py` adds `router.urls`, so they ride along on the router.
router.urls.extend([
    path("duty-tonight/", api.TonightView.as_view(), name="conduct-duty-tonight"),
    path("attendance-summary/", api.AttendanceSummaryView.as_view(), name="conduct-attendance-summary"),
])
