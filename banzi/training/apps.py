from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "banzi.training"
    label = "training"
    verbose_name = _("Training")

    def ready(self):
        from banzi.core import api_routes, demo, navigation
        from banzi.core.roles import STAFF, Role

        from . import metrics  # noqa: F401  (registers the yearly minimum rule and the dashboard figures)

        api_routes.register("training", "banzi.training.api_urls")
        staff = set(STAFF)
        everyone = staff | {Role.CADRE}
        items = [
            ("training:trainingprogram_list", _("Training programs"), everyone),
            ("training:hours", _("Training hours"), everyone),
            ("training:statistics", _("Training statistics"), staff),
            ("training:trainingneed_list", _("Training needs"), everyone),
            ("training:needs_matching", _("Needs and programs"), staff),
            ("training:lecturer_list", _("Lecturers"), staff),
            ("training:trainingtopic_list", _("Training topics"), staff),
        ]
        navigation.register(
            "study", _("Study and training"), 20,
            *[navigation.MenuItem(label, url_name, roles) for url_name, label, roles in items],
        )
        demo.register(55)(load_training_demo)


def load_training_demo():
    """Demo training loaded:"""
    from .demo import load_training_demo as load

    return load()
