from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReservesConfig(AppConfig):
    name = "banzi.reserves"
    label = "reserves"
    verbose_name = _("Reserve cadres")

    def ready(self):
        from banzi.core import api_routes, demo, navigation
        from banzi.core.roles import STAFF, Role

        from . import checks  # noqa: F401  (registers the pool's rule)

        api_routes.register("reserves", "banzi.reserves.api_urls")
        staff = set(STAFF)
        navigation.register(
            "reserves", _("Reserve cadres"), 15,
            navigation.MenuItem(_("Reserve cadres"), "reserves:reserveentry_list", staff | {Role.CADRE}),
            navigation.MenuItem(_("Reserve cadre reviews"), "reserves:reservereview_list", staff),
            navigation.MenuItem(_("Development measures"), "reserves:developmentmeasure_list", staff),
        )
        demo.register(95)(load_reserves_demo)


def load_reserves_demo():
    """Demo reserve pool loaded:"""
    from .demo import load_reserves_demo as load

    return load()
