"""Excel imports of the registry: cadre rosters and team memberships (pages from core.importing)."""
from banzi.core.importing.views import import_urls

from .resources import CadreResource, TeamMembershipResource

urlpatterns = [
    *import_urls("cadres", CadreResource),
    *import_urls("memberships", TeamMembershipResource),
]
