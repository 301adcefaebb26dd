"""API under /api/v1/practice/."""
from rest_framework.routers import DefaultRouter

router = DefaultRouter()

urlpatterns = router.urls
