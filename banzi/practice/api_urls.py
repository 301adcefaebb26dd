"""API under /api/v1/practice/: the records, and the read-only figures under figures/."""
from django.urls import path
from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.register("rectifications", api.VillageRectificationViewSet, basename="practice-villagerectification")
router.register("groups", api.RectificationGroupViewSet, basename="practice-rectificationgroup")
router.register("postings", api.PostingViewSet, basename="practice-posting")
router.register("work-logs", api.WorkLogViewSet, basename="practice-worklog")
router.register("mentorships", api.MentorshipViewSet, basename="practice-mentorship")
router.register("mentoring-meetings", api.MentorshipMeetingViewSet, basename="practice-mentorshipmeeting")
router.register("study-visits", api.StudyVisitViewSet, basename="practice-studyvisit")

urlpatterns = [
    path("figures/enterprise-service/", api.EnterpriseServiceFigures.as_view(), name="practice-figures-enterprise"),
    path("figures/campaign/", api.CampaignFigures.as_view(), name="practice-figures-campaign"),
    path("figures/tempering/", api.TemperingFigures.as_view(), name="practice-figures-tempering"),
    path("figures/mentoring/", api.MentoringFigures.as_view(), name="practice-figures-mentoring"),
    *router.urls,
]
