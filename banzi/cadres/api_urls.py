"""API under /api/v1/cadres/: the records of the cadre's file."""
from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.register("profiles", api.CadreProfileViewSet, basename="cadres-cadreprofile")
router.register("resume", api.ResumeEntryViewSet, basename="cadres-resumeentry")
router.register("education", api.EducationRecordViewSet, basename="cadres-educationrecord")
router.register("family", api.FamilyMemberViewSet, basename="cadres-familymember")
router.register("rewards", api.RewardPunishmentViewSet, basename="cadres-rewardpunishment")
router.register("earlier-results", api.EarlierAssessmentResultViewSet, basename="cadres-earlierassessmentresult")

urlpatterns = router.urls
