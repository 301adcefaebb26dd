"""API under /api/v1/conduct/; overnight duty and attendance routes come from `duty/api_urls.py`."""
from rest_framework.routers import DefaultRouter

from .duty.api_urls import router as duty_router

router = DefaultRouter()

urlpatterns = router.urls + duty_router.urls
