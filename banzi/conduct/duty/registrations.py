"""What overnight duty and attendance register with core when the app is ready (from
`ConductConfig.ready()`): their menu entries, their dashboard figures (registered when `metrics` is
imported) and their demo data loader."""
from django.utils.translation import gettext_lazy as _


def register():
    from banzi.core import demo, navigation
    from banzi.core.roles import STAFF, Role

    from . import metrics  # noqa: F401  (registers the dashboard's duty figures)

    staff = set(STAFF)
    everyone = staff | {Role.CADRE}
    items = [
        ("conduct:duty_tonight", _("Overnight duty tonight"), everyone),
        ("conduct:dutyroster_list", _("Duty rosters"), staff),
        ("conduct:dutyshift_list", _("Duty shifts"), everyone),
        ("conduct:dutyswap_list", _("Duty swaps"), everyone),
        ("conduct:spotcheck_list", _("Spot checks"), staff),
        ("conduct:attendancerecord_list", _("Daily attendance"), everyone),
        ("conduct:attendance_summary", _("Monthly attendance"), staff),
    ]
    navigation.register(
        "conduct", _("Strict management"), 45,
        *[navigation.MenuItem(label, url_name, roles) for url_name, label, roles in items],
    )
    demo.register(78)(load_duty_demo)


def load_duty_demo():
    """Overnight duty and attendance demo loaded:"""
    from .demo import load_duty_demo as load

    return load()
