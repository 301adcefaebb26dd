from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConductConfig(AppConfig):
    name = "banzi.conduct"
    label = "conduct"
    verbose_name = _("Strict management")

    def ready(self):
        from . import wiring
        from .duty import wiring as duty_wiring

        wiring.ready()
        duty_wiring.ready()
