from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "banzi.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from . import (
            audit,  # noqa: F401  (connects the audit signal handlers)
            navigation,
        )
        from .roles import Role

        navigation.register(
            "audit", _("Audit"), 90, navigation.MenuItem(_("Audit trail"), "core:auditevent_list", {Role.AUDITOR})
        )
