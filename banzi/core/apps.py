from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "banzi.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from . import (
            api_routes,
            audit,  # noqa: F401  (connects the audit signal handlers)
            audit_chain,  # noqa: F401  (registers the audit retention check)
            navigation,
        )
        from .roles import CONFIGURATION, Role

        api_routes.register("core", "banzi.core.core_api_urls")
        autodiscover_modules("workflow")  # each app's lifecycle tables (core.workflow)

        navigation.register(
            "audit", _("Audit"), 90, navigation.MenuItem(_("Audit trail"), "core:auditevent_list", {Role.AUDITOR})
        )
        navigation.register(
            "settings", _("Settings"), 80,
            navigation.MenuItem(_("Working-day calendar"), "core:calendaryear_list", CONFIGURATION),
            navigation.MenuItem(_("Holidays and adjusted working days"), "core:calendarday_list", CONFIGURATION),
            navigation.MenuItem(_("Rules"), "core:rule_list", CONFIGURATION),
        )
