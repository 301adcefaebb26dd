"""API under /api/v1/study/."""
from rest_framework.routers import DefaultRouter

router = DefaultRouter()

urlpatterns = router.urls
