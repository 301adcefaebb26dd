from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CadresConfig(AppConfig):
    name = "banzi.cadres"
    label = "cadres"
    verbose_name = _("Cadre files")

    def ready(self):
        from banzi.core import api_routes, audit, demo

        api_routes.register("cadres", "banzi.cadres.api_urls")
        # Family members are personal data: each API list request is recorded as a bulk read.
        audit.PERSONAL_DATA_LISTS.add("cadres.familymember")
        # No menu of its own: the file is a section of the cadre's page (org/cadre_detail.html).
        demo.register(35)(load_cadres_demo)


def load_cadres_demo():
    """Demo cadre files loaded:"""
    from .demo import load_cadres_demo as load

    return load()
