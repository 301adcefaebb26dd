"""The API's routes by app. Each app registers its URL modules in its AppConfig.ready(), as it
registers its menu entries and metrics, and `core.api_urls` mounts them under /api/v1/<prefix>/:

    api_routes.register("tasks", "banzi.tasks.api_urls")

The prefix is also the tag of the app's operations in the OpenAPI schema
(SPECTACULAR_SETTINGS["SCHEMA_PATH_PREFIX"]). An app may register several modules under its prefix;
a request is matched against them in the order they were registered.
"""
from django.urls import include, path

_routes: dict[str, list[str]] = {}


def register(prefix, urlconf):
    """Mount the URL module `urlconf` (a dotted path) under /api/v1/<prefix>/."""
    modules = _routes.setdefault(prefix, [])
    if urlconf not in modules:
        modules.append(urlconf)


def registered():
    """{prefix: [URL modules]} in the order the apps registered them."""
    return {prefix: list(modules) for prefix, modules in _routes.items()}


def urlpatterns():
    return [path(f"v1/{prefix}/", include(module)) for prefix, modules in _routes.items() for module in modules]
