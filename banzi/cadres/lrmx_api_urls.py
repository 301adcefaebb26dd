"""API routes of the 干部任免审批表 in and out, mounted under /api/v1/cadres-lrmx/ (`apps.ready`)."""
from rest_framework.routers import DefaultRouter

from . import lrmx_api

router = DefaultRouter()
router.register("units", lrmx_api.UnitImportViewSet, basename="cadres-lrmx-unit")
router.register("cadres", lrmx_api.CadreFormViewSet, basename="cadres-lrmx-cadre")
router.register("teams", lrmx_api.TeamFormViewSet, basename="cadres-lrmx-team")

urlpatterns = router.urls
