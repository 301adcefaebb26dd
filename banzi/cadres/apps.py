from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CadresConfig(AppConfig):
    name = "banzi.cadres"
    label = "cadres"
    verbose_name = _("Cadre files")

    def ready(self):
        # --- the 干部任免审批表 in and out (.lrmx, .docx): the API routes and the import page's menu entry ---
        from banzi.core import api_routes, navigation
        from banzi.core.roles import STAFF

        api_routes.register("cadres", "banzi.cadres.lrmx_api_urls")
        navigation.register("org", _("Registry"), 10, navigation.MenuItem(
            _("Import appointment forms (.lrmx)"), "cadres_lrmx:import", set(STAFF)))
        # --- end of the .lrmx block ---
