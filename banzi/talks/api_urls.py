"""API under /api/v1/talks/."""
from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.register("talks", api.TalkViewSet, basename="talks-talk")
router.register("plans", api.TalkPlanViewSet, basename="talks-talkplan")
router.register("plan-entries", api.TalkPlanEntryViewSet, basename="talks-talkplanentry")
router.register("integrity", api.IntegrityViewSet, basename="talks-integrity")

urlpatterns = router.urls
