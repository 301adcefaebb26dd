from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "banzi.dashboard"
    label = "dashboard"
    verbose_name = _("Dashboard")

    def ready(self):
        from . import metrics  # noqa: F401  (registers the audit trail's figures for the auditor)
