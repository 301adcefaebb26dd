"""Shared API test helpers: a token client per user whose every response is checked against the
OpenAPI schema, the ids of a list page, and the two checks every app's API runs on each endpoint
(scoping, and list query counts that do not grow with rows)."""
import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from openapi_schema_validator import OAS30Validator
from rest_framework.test import APIClient

from banzi.accounts import tokens


@functools.cache
def openapi_schema():
    """The API's OpenAPI document, as /api/schema/ serves it (generated once per test process)."""
    return json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))


@functools.cache
def _operations():
    """(compiled path pattern, path template) for every path in the schema, longest first."""
    found = []
    for template in openapi_schema()["paths"]:
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
        found.append((re.compile(f"^{pattern}$"), template))
    return sorted(found, key=lambda pair: -len(pair[1]))


def operation_for(method, path):
    """The schema's operation for a request, or None when the schema does not know the path."""
    for pattern, template in _operations():
        if pattern.match(path):
            return template, openapi_schema()["paths"][template].get(method.lower())
    return None, None


class SchemaError(AssertionError):
    pass


def assert_matches_schema(response):
    """A JSON response of /api/v1/ is what the schema says the operation answers with that status.

    Every API path and method must be in the schema; a documented status's body must validate
    against its schema; an undocumented error (400, 403, 404 ...) must still be a JSON object."""
    request = response.wsgi_request
    path, method = request.path, request.method
    if not path.startswith("/api/v1/") or method in ("HEAD", "OPTIONS"):
        return
    template, operation = operation_for(method, path)
    if operation is None:
        if response.status_code in (404, 405):  # a path or method that does not exist is refused
            assert isinstance(response.json(), dict), f"{method} {path}: error body is not an object"
            return
        raise SchemaError(f"{method} {path} is not in the OpenAPI schema")
    status = str(response.status_code)
    documented = operation.get("responses", {})
    content_type = response.get("Content-Type", "")
    if status not in documented:
        if response.status_code >= 400 and "json" in content_type:
            assert isinstance(response.json(), dict), f"{method} {path} {status}: error body is not an object"
        elif response.status_code < 400:
            raise SchemaError(f"{method} {template} answered {status}, which the schema does not document "
                              f"(documented: {sorted(documented)})")
        return
    content = documented[status].get("content")
    if not content:
        if response.status_code != 204:
            assert not response.content or "json" not in content_type, f"{method} {template} {status}: undocumented body"
        return
    if "json" not in content_type:
        media = content_type.split(";")[0]
        assert media in content, f"{method} {template} {status}: {media} is not among {sorted(content)}"
        return
    media_schema = (content.get("application/json") or next(iter(content.values()))).get("schema")
    if media_schema is None:
        return
    validator = OAS30Validator({"allOf": [media_schema], "components": openapi_schema().get("components", {})})
    errors = sorted(validator.iter_errors(response.json()), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(body)"
        raise SchemaError(f"{method} {template} {status} does not match the schema at {where}: {first.message}")


class SchemaCheckingClient(APIClient):
    """An API client that checks every response it receives against the OpenAPI schema."""

    def request(self, **kwargs):
        response = super().request(**kwargs)
        assert_matches_schema(response)
        return response


def api_for(user):
    _token, key = tokens.issue(user)
    client = SchemaCheckingClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def assert_township_scoped(url, make, township, other_township, county_admin, township_admin):
    """The county lists both townships' records; a township lists, opens and changes only its own
    (another township's record answers 404 to every verb, and stays)."""
    own, other = make(township), make(other_township)
    assert {own.pk, other.pk} <= ids(api_for(county_admin).get(url))
    client = api_for(township_admin)
    listed = ids(client.get(url))
    assert own.pk in listed and other.pk not in listed
    assert client.get(f"{url}{own.pk}/").status_code == 200
    assert client.get(f"{url}{other.pk}/").status_code == 404
    assert client.patch(f"{url}{other.pk}/", {}).status_code == 404
    assert client.delete(f"{url}{other.pk}/").status_code == 404
    assert type(other).objects.filter(pk=other.pk).exists()


def assert_list_queries_flat(client, url, make, township):
    """The list's queries with 3 records equal those with 12, and the count follows the records."""

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, {"page_size": 100})
        assert response.status_code == 200
        return len(ctx.captured_queries), response.json()["count"]

    for _ in range(3):
        make(township)
    few, count_few = queries()
    for _ in range(9):
        make(township)
    many, count_many = queries()
    assert count_many == count_few + 9
    assert many == few


# --- the registered endpoints and their cases --------------------------------------------------------

STANDARD_ACTIONS = {"list", "create", "retrieve", "update", "partial_update", "destroy"}


@dataclass(frozen=True)
class Endpoint:
    """One URL of /api/v1/: a viewset route (with its method → action map) or a plain API view."""

    route: str
    name: str
    view: type
    actions: tuple = ()

    @property
    def model(self):
        queryset = getattr(self.view, "queryset", None)
        return queryset.model if queryset is not None else None


def _walk(patterns, prefix=""):
    from django.urls import URLResolver

    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        else:
            yield prefix + str(entry.pattern), entry


@functools.cache
def api_endpoints():
    """Every endpoint under /api/v1/ except the token login and the routers' index pages."""
    from django.urls import get_resolver
    from rest_framework.routers import APIRootView

    found = []
    for route, pattern in _walk(get_resolver().url_patterns):
        if not route.startswith("api/v1/") or "format" in route or pattern.name == "api-token":
            continue
        callback = pattern.callback
        view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        if view is None or issubclass(view, APIRootView):
            continue
        actions = tuple(sorted((getattr(callback, "actions", None) or {}).items()))
        found.append(Endpoint(route=route, name=pattern.name, view=view, actions=actions))
    return tuple(found)


def model_viewsets():
    """The business models' viewsets (ScopedModelViewSet), one entry per viewset with its list URL name."""
    from banzi.core.api import ScopedModelViewSet

    return tuple(e for e in api_endpoints()
                 if issubclass(e.view, ScopedModelViewSet) and dict(e.actions).get("get") == "list")


def workflow_actions():
    """The extra actions of the viewsets that change something (POST ... /<pk>/<step>/)."""
    return tuple(e for e in api_endpoints()
                 if e.actions and any(m != "get" and a not in STANDARD_ACTIONS for m, a in e.actions))


def read_endpoints():
    """Endpoints that only read computed figures: plain API views and read-only or extra GET actions
    of viewsets that are not a business model's standard list and detail."""
    standard = {e.view for e in model_viewsets()}
    found = []
    for e in api_endpoints():
        methods = dict(e.actions)
        if e.actions and e.view in standard and set(methods.values()) <= STANDARD_ACTIONS:
            continue
        if e in workflow_actions():
            continue
        found.append(e)
    return tuple(found)


@dataclass
class ActionCase:
    """How the generic tests take one workflow action through the API.

    `prepare(township)` returns (record, user): a record of the township in a state where the user
    may take the step. `data(record)` is the POST body. `done(record)` tells, on the record read
    again, whether the step changed it as it should."""

    url_name: str
    prepare: Callable
    done: Callable
    data: Callable = lambda record: {}
    status: int = 200
    # "json" for a body with nested lists (multipart otherwise, as a form would post it).
    format: str | None = None


@dataclass
class ReadCase:
    """How the generic tests read one figure endpoint.

    `url(township)` gives the URL (building what it needs, e.g. a team for a team's matrix); `make(township)`
    adds records that the figures count, for the query-count and scoping checks (None where the figures
    are a fixed catalogue). `roles` may read it; every other role gets 403 or 404."""

    url_name: str
    url: Callable
    make: Callable | None = None
    roles: tuple = ("county_admin", "township_admin")
    # Whether the township's figures are the same whatever another township records (False for
    # endpoints that show one record of the township, e.g. a team's matrix, which the check can't vary).
    township_scoped: bool = True


_ACTIONS, _READS = {}, {}


def register_action(case):
    if case.url_name in _ACTIONS:
        raise ValueError(f"{case.url_name} already has a case")
    _ACTIONS[case.url_name] = case
    return case


def register_read(case):
    if case.url_name in _READS:
        raise ValueError(f"{case.url_name} already has a case")
    _READS[case.url_name] = case
    return case


def action_cases():
    from tests.generic import all_cases

    all_cases()  # imports every tests/<app>/cases.py
    return dict(_ACTIONS)


def read_cases():
    from tests.generic import all_cases

    all_cases()
    return dict(_READS)
