"""API under /api/v1/conduct/; overnight duty and attendance routes come from `duty/api_urls.py`."""
from django.urls import path
from rest_framework.routers import DefaultRouter

from . import api
from .duty.api_urls import router as duty_router

router = DefaultRouter()
router.register("discipline-rules", api.DisciplineRuleViewSet, basename="conduct-disciplinerule")
router.register("commitments", api.CommitmentLetterViewSet, basename="conduct-commitmentletter")
router.register("declarations", api.ConcurrentPostDeclarationViewSet, basename="conduct-concurrentpostdeclaration")
router.register("violations", api.ViolationViewSet, basename="conduct-violation")
router.register("leave", api.LeaveRequestViewSet, basename="conduct-leaverequest")
router.register("leave-ledger", api.LeaveLedgerEntryViewSet, basename="conduct-leaveledgerentry")
router.register("outings", api.OutingReportViewSet, basename="conduct-outingreport")

urlpatterns = router.urls + duty_router.urls + [
    path("away-today/", api.AwayTodayView.as_view(), name="conduct-away-today"),
    path("not-signed/", api.MissingView.as_view(), name="conduct-not-signed"),
]
