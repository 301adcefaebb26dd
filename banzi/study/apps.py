from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudyConfig(AppConfig):
    name = "banzi.study"
    label = "study"
    verbose_name = _("Study")

    def ready(self):
        from banzi.core import api_routes, demo, navigation
        from banzi.core.roles import STAFF, Role

        from . import metrics  # noqa: F401  (registers the study sources, the duty credits and the cards)

        api_routes.register("study", "banzi.study.api_urls")
        staff = set(STAFF)
        everyone = staff | {Role.CADRE}
        items = [
            ("study:my_study", _("My daily study"), {Role.CADRE}),
            ("study:my_duties", _("My lead-by-example duties"), {Role.CADRE}),
            ("study:calendar", _("Study calendar"), everyone),
            ("study:studysession_list", _("Group study sessions"), staff),
            ("study:monthly_totals", _("Monthly study totals"), staff),
            ("study:duty_matrix", _("Lead-by-example matrix"), staff),
            ("study:leaddutyrecord_list", _("Lead-by-example records"), everyone),
            ("study:leadduty_list", _("The nine lead-by-example duties"), everyone),
        ]
        navigation.register(
            "study", _("Study and training"), 20,
            *[navigation.MenuItem(label, url_name, roles) for url_name, label, roles in items],
        )
        demo.register(50)(load_study_demo)


def load_study_demo():
    """Demo study loaded:"""
    from .demo import load_study_demo as load

    return load()
