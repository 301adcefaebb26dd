"""Each app registers its own API routes (as it registers its menu and metrics); core mounts them
under /api/v1/<app>/ and names no app itself."""
import importlib
import inspect

import pytest
from django.apps import apps
from django.urls import resolve, reverse

from banzi.core import api_routes, api_urls


def apps_with_api_urls():
    labels = []
    for config in apps.get_app_configs():
        if not config.name.startswith("banzi.") or config.label == "core":
            continue
        try:
            importlib.import_module(f"{config.name}.api_urls")
        except ModuleNotFoundError:
            continue
        labels.append(config.label)
    return labels


def test_every_app_with_api_routes_registers_them():
    registered = api_routes.registered()
    mounted = {module: prefix for prefix, modules in registered.items() for module in modules}
    labels = apps_with_api_urls()
    assert {"org", "study", "training", "practice", "governance", "talks", "conduct", "tasks"} <= set(labels)
    for label in labels:
        # A domain app's records are under its own label; accounts serves the signed-in user at /me/.
        assert mounted[f"banzi.{label}.api_urls"] == ("me" if label == "accounts" else label)
    assert registered["tasks"] == ["banzi.tasks.api_urls", "banzi.tasks.board_api_urls"]


def test_core_api_urls_names_no_domain_app():
    source = inspect.getsource(api_urls)
    for label in apps_with_api_urls():
        assert f"banzi.{label}" not in source, label


@pytest.mark.parametrize(("name", "url"), [
    ("org-cadre-list", "/api/v1/org/cadres/"),
    ("tasks-superviseditem-detail", "/api/v1/tasks/supervised-items/1/"),
    ("study-studysession-list", "/api/v1/study/sessions/"),
    ("conduct-leaverequest-list", "/api/v1/conduct/leave/"),
    ("practice-figures-campaign", "/api/v1/practice/figures/campaign/"),
    ("governance-compliance-list", "/api/v1/governance/compliance/"),
    ("api-me", "/api/v1/me/"),
    ("core-rule-detail", "/api/v1/core/rules/1/"),
    ("tasks-figures-battle-map", "/api/v1/tasks/figures/battle-map/"),
])
def test_registered_routes_keep_their_urls_and_names(name, url):
    args = [1] if name.endswith("-detail") else []
    assert reverse(name, args=args) == url
    assert resolve(url).url_name == name


def test_a_module_is_registered_once():
    before = api_routes.registered()["org"]
    api_routes.register("org", "banzi.org.api_urls")
    assert api_routes.registered()["org"] == before
