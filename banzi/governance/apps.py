from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "banzi.governance"
    label = "governance"
    verbose_name = _("Mechanisms")

    def ready(self):
        from banzi.core import api_routes, demo, navigation
        from banzi.core.roles import STAFF, Role

        from . import metrics  # noqa: F401  (registers the rules, group study and duty credits)

        api_routes.register("governance", "banzi.governance.api_urls")
        staff = set(STAFF)
        items = [
            ("governance:meeting_list", _("Meetings"), staff | {Role.CADRE}),
            ("governance:agendaitem_list", _("Agenda items and decisions"), staff),
            ("governance:compliance", _("Organizational-life compliance"), staff),
            ("governance:overview", _("Compliance overview"), staff),
            ("governance:dual_life", _("Team members' dual organizational life"), staff),
            ("governance:orgliferule_list", _("Organizational-life rules"), staff),
        ]
        navigation.register(
            "governance", _("Mechanisms"), 35,
            *[navigation.MenuItem(label, url_name, roles) for url_name, label, roles in items],
        )
        demo.register(65)(load_governance_demo)


def load_governance_demo():
    """Demo meetings loaded:"""
    from .demo import load_governance_demo as load

    return load()
