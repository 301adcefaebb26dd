"""API routes of the 干部任免审批表 in and out, mounted under /api/v1/cadres/ beside the cadre file's own
routes (`apps.ready`; an app may register several modules under its prefix). A SimpleRouter: the
other module of the prefix keeps the API root page."""
from rest_framework.routers import SimpleRouter

from . import lrmx_api

router = SimpleRouter()
router.register("lrmx-units", lrmx_api.UnitImportViewSet, basename="cadres-lrmx-unit")
router.register("lrmx-cadres", lrmx_api.CadreFormViewSet, basename="cadres-lrmx-cadre")
router.register("lrmx-teams", lrmx_api.TeamFormViewSet, basename="cadres-lrmx-team")

urlpatterns = router.urls
