from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalksConfig(AppConfig):
    name = "banzi.talks"
    label = "talks"
    verbose_name = _("Talks")

    def ready(self):
        from banzi.core import api_routes, demo, navigation
        from banzi.core.roles import STAFF, Role

        from . import metrics  # noqa: F401  (registers the dashboard's talk figures and the integrity rule)

        api_routes.register("talks", "banzi.talks.api_urls")
        staff = set(STAFF)
        everyone = staff | {Role.CADRE}
        navigation.register(
            "governance", _("Mechanisms"), 35,
            navigation.MenuItem(_("Heart-to-heart talks"), "talks:talk_list", everyone),
            navigation.MenuItem(_("Talk plans"), "talks:talkplan_list", staff),
            navigation.MenuItem(_("Integrity talks with the newly promoted"), "talks:integrity", staff),
        )
        demo.register(62)(load_talks_demo)


def load_talks_demo():
    """Demo talks loaded:"""
    from .demo import load_talks_demo as load

    return load()
