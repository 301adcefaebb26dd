"""API under /api/v1/reserves/: entries (with their steps and checks), reviews and measures."""
from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.register("entries", api.ReserveEntryViewSet, basename="reserves-reserveentry")
router.register("reviews", api.ReserveReviewViewSet, basename="reserves-reservereview")
router.register("measures", api.DevelopmentMeasureViewSet, basename="reserves-developmentmeasure")

urlpatterns = router.urls
