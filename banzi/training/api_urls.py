"""API under /api/v1/training/."""
from rest_framework.routers import DefaultRouter

router = DefaultRouter()

urlpatterns = router.urls
