from django.urls import path
from django.views.generic import RedirectView

from banzi.core.routing import model_urls

from . import imports, structure_views, views
from .models import Cadre, Organization, Position, Team, TeamMembership, VillageDesignation

app_name = "org"

urlpatterns = [
    *model_urls("organizations", Organization, list_view=views.OrganizationListView,
                detail_view=views.OrganizationDetailView, edit_view=views.OrganizationEditView),
    *model_urls("designations", VillageDesignation, list_view=views.VillageDesignationListView,
                detail_view=views.VillageDesignationDetailView, edit_view=views.VillageDesignationEditView),
    *model_urls("cadres", Cadre, list_view=views.CadreListView, detail_view=views.CadreDetailView,
                edit_view=views.CadreEditView),
    path("cadres/<int:pk>/archive/", views.CadreArchiveStep.as_view(), name="cadre_archive"),
    path("cadres/<int:pk>/restore/", views.CadreRestoreStep.as_view(), name="cadre_restore"),
    *model_urls("positions", Position, list_view=views.PositionListView, detail_view=views.PositionDetailView,
                edit_view=views.PositionEditView),
    *model_urls("teams", Team, list_view=views.TeamListView, detail_view=views.TeamDetailView,
                edit_view=views.TeamEditView),
    *model_urls("memberships", TeamMembership, list_view=views.TeamMembershipListView,
                detail_view=views.TeamMembershipDetailView, edit_view=views.TeamMembershipEditView),
    *imports.urlpatterns,
    path("structure/", structure_views.StructureView.as_view(), name="structure"),
    path("reserves/", RedirectView.as_view(pattern_name="reserves:reserveentry_list", permanent=False)),
]
