"""Excel imports of the registry: cadre rosters and team memberships (pages from core.importing).
Their previews show ID numbers and phones, so no browser or proxy keeps them (Cache-Control: no-store)."""
from django.views.decorators.cache import never_cache

from banzi.core.importing.views import import_urls

from .resources import CadreResource, TeamMembershipResource


def _not_cached(patterns):
    for pattern in patterns:
        pattern.callback = never_cache(pattern.callback)
    return patterns


urlpatterns = _not_cached([
    *import_urls("cadres", CadreResource),
    *import_urls("memberships", TeamMembershipResource),
])
