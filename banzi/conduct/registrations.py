"""What discipline, leave and outing reports register with core when the app is ready (from
`ConductConfig.ready()`): their menu entries, their dashboard figures and leave rules (registered
when `metrics` and `services` are imported) and their demo data loader."""
from django.utils.translation import gettext_lazy as _


def register():
    from banzi.core import demo, navigation
    from banzi.core.roles import STAFF, Role

    from . import metrics, services  # noqa: F401  (register the dashboard's figures and the leave rules)

    staff = set(STAFF)
    everyone = staff | {Role.CADRE}
    items = [
        ("conduct:leaverequest_list", _("Leave"), everyone),
        ("conduct:outingreport_list", _("Outing reports"), everyone),
        ("conduct:away_today", _("Away today"), staff),
        ("conduct:commitmentletter_list", _("Commitment letters"), everyone),
        ("conduct:concurrentpostdeclaration_list", _("Concurrent-post declarations"), everyone),
        ("conduct:missing_list", _("Not signed or declared"), staff),
        ("conduct:violation_list", _("Violations"), staff),
        ("conduct:leaveledgerentry_list", _("Annual leave ledger"), everyone),
        ("conduct:disciplinerule_list", _("Discipline rules"), everyone),
    ]
    navigation.register(
        "conduct", _("Strict management"), 45,
        *[navigation.MenuItem(label, url_name, roles) for url_name, label, roles in items],
    )
    demo.register(75)(load_conduct_demo)


def load_conduct_demo():
    """Demo discipline, leave and outing reports loaded:"""
    from .demo import load_demo

    return load_demo()
