from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "banzi.org"
    label = "org"
    verbose_name = _("Organizations and cadres")

    def ready(self):
        from banzi.core import api_routes, navigation
        from banzi.core.roles import STAFF

        from . import (
            metrics,  # noqa: F401  (registers the registry's dashboard figures)
            structure,  # noqa: F401  (registers the team structure rule)
        )

        api_routes.register("org", "banzi.org.api_urls")
        staff = set(STAFF)
        navigation.register(
            "org", _("Registry"), 10,
            navigation.MenuItem(_("Leadership teams"), "org:team_list", staff),
            navigation.MenuItem(_("Team memberships"), "org:teammembership_list", staff),
            navigation.MenuItem(_("Team structure"), "org:structure", staff),
            navigation.MenuItem(_("Cadres"), "org:cadre_list", staff),
            navigation.MenuItem(_("Organizations"), "org:organization_list", staff),
            navigation.MenuItem(_("Village designations"), "org:villagedesignation_list", staff),
            navigation.MenuItem(_("Positions"), "org:position_list", staff),
        )
