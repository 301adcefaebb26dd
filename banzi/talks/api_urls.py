"""API under /api/v1/talks/."""
from rest_framework.routers import DefaultRouter

router = DefaultRouter()

urlpatterns = router.urls
