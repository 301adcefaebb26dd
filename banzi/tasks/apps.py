from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "banzi.tasks"
    label = "tasks"
    verbose_name = _("Work implementation")

    def ready(self):
        from banzi.core import api_routes, demo, navigation
        from banzi.core.roles import STAFF, Role

        from . import metrics  # noqa: F401  (registers the dashboard's work figures and the rules)

        api_routes.register("tasks", "banzi.tasks.api_urls")
        api_routes.register("tasks", "banzi.tasks.board_api_urls")
        staff = set(STAFF)
        everyone = staff | {Role.CADRE}
        items = [
            ("tasks:battle_map", _("Battle map"), everyone),
            ("tasks:worklist_list", _("Work lists"), everyone),
            ("tasks:task_list", _("Tasks"), everyone),
            ("tasks:superviseditem_list", _("Supervised items (13710)"), everyone),
            ("tasks:inspection_list", _("Cross-inspections"), staff),
            ("tasks:problem_list", _("Problem list"), everyone),
            ("tasks:review_sheet", _("Look-back review"), staff),
            ("tasks:bulletin_list", _("Bulletins"), staff),
        ]
        navigation.register(
            "tasks", _("Work implementation"), 40,
            *[navigation.MenuItem(label, url_name, roles) for url_name, label, roles in items],
        )
        demo.register(40)(load_work_demo)


def load_work_demo():
    """Demo work loaded:"""
    from .demo import load_tasks_demo

    return load_tasks_demo()
