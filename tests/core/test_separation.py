"""三员分立 (GB/T 22239-2019 8.1.4.2): the system, security and audit administrators each do their own
work and nothing else. Every URL of the site is tried as each of them, by session and by token:
everything outside their duties is 403 before any view runs. The generic case tables then check each
business model's pages and endpoints with real records (test_scoping.py, test_api_generic.py), and
tests/accounts/test_users.py the account pages' cross-administrator refusals."""
import functools
import re

import pytest
from django.contrib.admindocs.views import extract_views_from_urlpatterns, simplify_regex
from django.urls import Resolver404, get_resolver, resolve, reverse
from rest_framework.test import APIClient

from banzi.accounts import tokens
from banzi.core import rule_services, rules
from banzi.core.models import AuditEvent, CalendarDay
from banzi.core.navigation import menu_for
from banzi.core.separation import WithinDuties, permits
from tests import factories as f
from tests.api import api_for

pytestmark = pytest.mark.django_db

ADMINISTRATORS = ("system_admin", "security_admin", "auditor")


def _resolves(path):
    try:
        resolve(path)
    except Resolver404:  # a format suffix ("cadres.<format>") that "1" does not fill
        return False
    return True


@functools.cache
def site_paths():
    """Every URL pattern of the site as a path, each parameter replaced by 1."""
    paths = set()
    for _func, regex, _namespace, _name in extract_views_from_urlpatterns(get_resolver().url_patterns):
        path = re.sub(r"<[^>]+>", "1", simplify_regex(regex))
        # A format suffix (".<format>") comes out as "\\.1": DRF's own variant of a path kept here.
        if not path.startswith(("/static/", "/media/")) and "\\" not in path and _resolves(path):
            paths.add(path)
    return tuple(sorted(paths))


def api_views():
    for func, regex, _namespace, name in extract_views_from_urlpatterns(get_resolver().url_patterns):
        path = simplify_regex(regex)
        if path.startswith("/api/v1/") and hasattr(func, "cls"):
            yield path, name, func


def test_the_site_has_the_urls_the_walk_relies_on():
    paths = site_paths()
    assert "/org/cadres/" in paths and "/org/cadres/1/" in paths and "/api/v1/org/cadres/" in paths
    assert len(paths) > 200


def test_every_api_view_keeps_the_administrators_to_their_duties():
    """A view that sets its own permission_classes must include WithinDuties (DRF's default has it)."""
    missing = sorted({name or path for path, name, func in api_views()
                      if path != "/api/v1/auth/token/"
                      and WithinDuties not in getattr(func.cls, "permission_classes", [])})
    assert not missing, f"add core.separation.WithinDuties to the permission_classes of: {missing}"


@pytest.mark.parametrize("administrator", ADMINISTRATORS)
def test_every_page_outside_the_duties_is_refused(administrator, request, client_for):
    user = request.getfixturevalue(administrator)
    client = client_for(user)
    refused = [p for p in site_paths() if not permits(user, p)]
    assert len(refused) > 150
    wrong = {}
    for path in refused:
        for method in ("get", "post"):
            status = getattr(client, method)(path).status_code
            if status != 403:
                wrong[f"{method.upper()} {path}"] = status
    assert not wrong, wrong
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.DATA, user=user).exists()


@pytest.mark.parametrize("administrator", ADMINISTRATORS)
def test_every_api_endpoint_outside_the_duties_is_refused_by_token(administrator, request):
    user = request.getfixturevalue(administrator)
    client = APIClient()  # not the schema-checking client: the routers' index pages are not in the schema
    client.credentials(HTTP_AUTHORIZATION=f"Token {tokens.create(user)[1]}")
    wrong = {}
    for path in (p for p in site_paths() if p.startswith("/api/v1/") and not permits(user, p)):
        for method in ("get", "post", "patch", "delete"):
            response = getattr(client, method)(path)
            if response.status_code != 403:
                wrong[f"{method.upper()} {path}"] = response.status_code
    assert not wrong, wrong


def test_duties_of_each_administrator():
    system, security, audit = (f.UserFactory.build(role=r) for r in ("system_admin", "security_admin", "auditor"))
    assert permits(system, "/core/rules/") and permits(system, "/api/v1/core/calendar-days/")
    assert not permits(system, "/core/audit/") and not permits(system, "/api/v1/core/audit-events/")
    assert permits(audit, "/core/audit/") and permits(audit, "/api/v1/core/audit-events/export/")
    assert not permits(audit, "/core/rules/") and not permits(audit, "/core/calendar/days/")
    assert not permits(security, "/core/rules/") and not permits(security, "/core/audit/")
    for user in (system, security, audit):
        assert permits(user, "/accounts/login/") and permits(user, "/api/v1/me/")
        assert not permits(user, "/org/cadres/") and not permits(user, "/api/v1/talks/talks/")


def test_menus_per_role(system_admin, security_admin, auditor, county_admin):
    def entries(user):
        return {item["url"] for group in menu_for(user) for item in group["items"]}

    assert entries(system_admin) == {reverse("accounts:user_list"), reverse("core:rule_list"),
                                     reverse("core:calendaryear_list"), reverse("core:calendarday_list")}
    assert entries(security_admin) == {reverse("accounts:user_list"), reverse("accounts:security_policy")}
    assert entries(auditor) == {reverse("core:auditevent_list")}
    county = entries(county_admin)
    assert reverse("org:cadre_list") in county and reverse("core:rule_list") in county
    assert reverse("accounts:user_list") not in county and reverse("core:auditevent_list") not in county


def test_home_pages(system_admin_client, security_admin_client, auditor_client, township):
    assert system_admin_client.get("/")["Location"] == reverse("accounts:user_list")
    assert security_admin_client.get("/")["Location"] == reverse("accounts:user_list")
    f.CadreFactory(organization=township)
    home = auditor_client.get("/")
    assert home.status_code == 200
    html = home.content.decode()
    assert "Recent security events" in html
    assert "/org/cadres/" not in html and "/conduct/" not in html and "/talks/" not in html


def test_system_admin_keeps_rules_and_calendar_and_is_audited(system_admin, system_admin_client):
    response = system_admin_client.post(reverse("core:calendarday_add"),
                                        {"date": "2061-01-01", "kind": "rest", "name": "元旦"})
    assert response.status_code == 302, response.content.decode()[:2000]
    day = CalendarDay.objects.get(date="2061-01-01")
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.DATA, action=AuditEvent.Action.CREATE,
                                   object_id=str(day.pk), object_repr__contains="2061")
    assert event.user == system_admin
    assert rule_services.can_edit_rules(system_admin)
    key = next(iter(rules.registered()))
    assert system_admin_client.get(reverse("core:rule_edit", args=[key])).status_code == 200
    assert api_for(system_admin).get("/api/v1/core/rules/").status_code == 200


@pytest.mark.parametrize("administrator", ("security_admin", "auditor"))
def test_only_the_system_admin_keeps_the_configuration(administrator, request, client_for):
    user = request.getfixturevalue(administrator)
    client = client_for(user)
    assert client.post(reverse("core:calendarday_add"), {"date": "2061-01-01", "kind": "rest", "name": "元旦"}
                       ).status_code == 403
    assert not CalendarDay.objects.filter(date="2061-01-01").exists()
    assert not rule_services.can_edit_rules(user)
    assert client.get(reverse("core:rule_list")).status_code == 403


@pytest.mark.parametrize("administrator", ("system_admin", "security_admin"))
def test_only_the_auditor_reads_the_audit_trail(administrator, request, client_for, auditor_client):
    assert auditor_client.get(reverse("core:auditevent_list")).status_code == 200
    user = request.getfixturevalue(administrator)
    assert client_for(user).get(reverse("core:auditevent_list")).status_code == 403
    assert api_for(user).get("/api/v1/core/audit-events/").status_code == 403
    assert api_for(request.getfixturevalue("auditor")).get("/api/v1/core/audit-events/").status_code == 200
