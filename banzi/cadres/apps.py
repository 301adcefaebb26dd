from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CadresConfig(AppConfig):
    name = "banzi.cadres"
    label = "cadres"
    verbose_name = _("Cadre files")

    def ready(self):
        from banzi.core import api_routes, audit, demo, navigation
        from banzi.core.roles import STAFF

        api_routes.register("cadres", "banzi.cadres.api_urls")
        # Family members are personal data: each API list request is recorded as a bulk read.
        audit.PERSONAL_DATA_LISTS.add("cadres.familymember")
        # No menu of its own: the file is a section of the cadre's page (org/cadre_detail.html).
        demo.register(35)(load_cadres_demo)

        # The 干部任免审批表 in and out (.lrmx, .docx): its API routes and the import page's menu entry.
        api_routes.register("cadres", "banzi.cadres.lrmx_api_urls")
        navigation.register("org", _("Registry"), 10, navigation.MenuItem(
            _("Import appointment forms (.lrmx)"), "cadres_lrmx:import", set(STAFF)))


def load_cadres_demo():
    """Demo cadre files loaded:"""
    from .demo import load_cadres_demo as load

    return load()
