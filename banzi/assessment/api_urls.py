"""API under /api/v1/assessment/."""
from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.register("assessments", api.AssessmentViewSet, basename="assessment-assessment")
router.register("assessees", api.AssesseeViewSet, basename="assessment-assessee")
router.register("quota-approvals", api.QuotaApprovalViewSet, basename="assessment-quotaapproval")
router.register("awards", api.AwardViewSet, basename="assessment-award")
router.register("consequences", api.ConsequenceViewSet, basename="assessment-consequence")
router.register("groups", api.AssessmentGroupViewSet, basename="assessment-assessmentgroup")
router.register("evaluation-groups", api.EvaluationGroupViewSet, basename="assessment-evaluationgroup")

urlpatterns = router.urls
