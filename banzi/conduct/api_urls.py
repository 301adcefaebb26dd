"""API under /api/v1/conduct/."""
from rest_framework.routers import DefaultRouter

router = DefaultRouter()

urlpatterns = router.urls
