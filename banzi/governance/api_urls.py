"""API under /api/v1/governance/."""
from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.register("meetings", api.MeetingViewSet, basename="governance-meeting")
router.register("agenda-items", api.AgendaItemViewSet, basename="governance-agendaitem")
router.register("org-life-rules", api.OrgLifeRuleViewSet, basename="governance-orgliferule")
router.register("compliance", api.ComplianceViewSet, basename="governance-compliance")
router.register("overview", api.OverviewViewSet, basename="governance-overview")
router.register("dual-life", api.DualLifeViewSet, basename="governance-duallife")

urlpatterns = router.urls
