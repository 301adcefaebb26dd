from django.urls import path
from rest_framework.routers import DefaultRouter

from . import api, structure_views

router = DefaultRouter()
router.register("organizations", api.OrganizationViewSet, basename="org-organization")
router.register("designations", api.VillageDesignationViewSet, basename="org-villagedesignation")
router.register("cadres", api.CadreViewSet, basename="org-cadre")
router.register("positions", api.PositionViewSet, basename="org-position")
router.register("teams", api.TeamViewSet, basename="org-team")
router.register("memberships", api.TeamMembershipViewSet, basename="org-teammembership")

urlpatterns = router.urls
urlpatterns += [path("structure/", structure_views.StructureAPIView.as_view(), name="org-structure")]
