from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConductConfig(AppConfig):
    name = "banzi.conduct"
    label = "conduct"
    verbose_name = _("Strict management")

    def ready(self):
        from banzi.core import api_routes

        from . import registrations
        from .duty import registrations as duty_registrations

        api_routes.register("conduct", "banzi.conduct.api_urls")
        registrations.register()
        duty_registrations.register()
