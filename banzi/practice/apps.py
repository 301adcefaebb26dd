from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticeConfig(AppConfig):
    name = "banzi.practice"
    label = "practice"
    verbose_name = _("Frontline practice")

    def ready(self):
        from banzi.core import api_routes, demo, navigation
        from banzi.core.roles import STAFF, Role

        from . import metrics  # noqa: F401  (registers the dashboard figures and the duty credits)

        api_routes.register("practice", "banzi.practice.api_urls")
        staff = set(STAFF)
        everyone = staff | {Role.CADRE}
        items = [
            ("practice:designation_overview", _("Designated villages"), staff),
            ("practice:designation_grid", _("Designation map"), staff),
            ("practice:campaign", _("Rectification campaign"), staff),
            ("practice:villagerectification_list", _("Village rectifications"), staff),
            ("practice:rectificationgroup_list", _("Rectification working groups"), staff),
            ("practice:posting_list", _("Postings"), everyone),
            ("practice:worklog_list", _("Work logs"), everyone),
            ("practice:enterprise_service", _("Enterprise service"), staff),
            ("practice:tempering", _("Hard-place tempering"), staff),
            ("practice:mentorship_list", _("Mentoring pairs"), everyone),
            ("practice:mentoring", _("Mentoring overview"), staff),
            ("practice:mentorshipmeeting_list", _("Mentoring meetings"), everyone),
            ("practice:studyvisit_list", _("Study visits"), staff),
            ("practice:my_record", _("My frontline record"), {Role.CADRE}),
        ]
        navigation.register(
            "practice", _("Frontline practice"), 30,
            *[navigation.MenuItem(label, url_name, roles) for url_name, label, roles in items],
        )
        demo.register(60)(load_practice_demo)


def load_practice_demo():
    """Demo frontline practice loaded:"""
    from .demo import load_practice_demo as load

    return load()
