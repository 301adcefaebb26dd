from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "banzi.reports"
    label = "reports"
    verbose_name = _("Year-end report")

    def ready(self):
        from banzi.core import api_routes, navigation
        from banzi.core.roles import STAFF, Role

        api_routes.register("reports", "banzi.reports.api_urls")
        navigation.register(
            "reports", _("Year-end report"), 95,
            navigation.MenuItem(_("Year-end work report"), "reports:report_form", set(STAFF)),
            navigation.MenuItem(_("Report templates"), "reports:reporttemplate_list", {Role.COUNTY_ADMIN}),
        )
