"""Generic audit tests over every business model: each create, update and delete keeps who and what
in the record's history and in the audit trail; nothing in the app rewrites either; the auditor's
global view filters and exports; sign-ins are security events."""
import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.html import escape

from banzi.core.models import AuditEvent
from banzi.org.models import Cadre
from banzi.org.services import archive_cadre
from tests import factories as f
from tests.generic import case_params, table_pks, xlsx_rows

pytestmark = pytest.mark.django_db

CASES = case_params()
AUDIT_LIST = "/core/audit/"


def data_events(model, pk, action):
    return AuditEvent.objects.filter(
        kind=AuditEvent.Kind.DATA, action=action, content_type=ContentType.objects.get_for_model(model),
        object_id=str(pk),
    )


def errors_of(response):
    return response.context["form"].errors if response.context and "form" in response.context else response


@pytest.mark.parametrize("case", CASES)
def test_create_is_kept_with_its_user(case, township, county_admin, county_client):
    before = set(case.model.objects.values_list("pk", flat=True))
    response = county_client.post(case.url("add"), case.form_data(township))
    assert response.status_code == 302, errors_of(response)
    record = case.model.objects.exclude(pk__in=before).get()
    history = record.history.get()
    assert history.history_type == "+"
    assert history.history_user == county_admin
    event = data_events(case.model, record.pk, AuditEvent.Action.CREATE).get()
    assert event.user == county_admin and event.username == county_admin.username
    assert event.object_repr == str(record)[:255]


@pytest.mark.parametrize("case", CASES)
def test_update_is_kept_with_old_and_new_values(case, township, county_admin, county_client):
    record = case.make(township)
    old = {name: case.form_value(record, name) for name in case.update}
    response = county_client.post(case.url("edit", record), case.edit_data(record, county_admin))
    assert response.status_code == 302, errors_of(response)

    latest = record.history.order_by("-history_id").first()
    assert latest.history_type == "~" and latest.history_user == county_admin
    event = data_events(case.model, record.pk, AuditEvent.Action.UPDATE).get()
    assert event.user == county_admin
    changes = {c["field"]: c for c in event.changes}
    # The edit changed exactly the fields it meant to, from their old to their new values.
    assert set(changes) == set(case.update), changes
    for name, new in case.update.items():
        assert str(changes[name]["old"] if changes[name]["old"] is not None else "") == old[name]
        assert str(changes[name]["new"]) == new

    page = county_client.get(case.url("history", record))
    assert page.status_code == 200
    body = page.content.decode()
    assert escape(county_admin.display_name) in body  # the person, not the sign-in name
    for change in changes.values():
        assert escape(change["label"]).lower() in body.lower()
        # An id or a code is shown as what it names (the cadre, the choice's label).
        assert escape(str(change.get("new_label", change["new"]))) in body


@pytest.mark.parametrize("case", CASES)
def test_delete_is_kept_with_its_user(case, township, county_admin, county_client):
    record = case.make(township)
    pk = record.pk
    response = county_client.post(case.url("delete", record))
    assert response.status_code == 302
    assert not case.model.objects.filter(pk=pk).exists()
    last = case.model.history.filter(id=pk).order_by("-history_id").first()
    assert last.history_type == "-" and last.history_user == county_admin
    assert data_events(case.model, pk, AuditEvent.Action.DELETE).get().user == county_admin


@pytest.mark.parametrize("case", case_params(lambda c: c.make_referenced is not None))
def test_refused_delete_writes_no_delete(case, township, county_client):
    record = case.make_referenced(township)
    county_client.post(case.url("delete", record))
    # The refusal is on the trail as a failed delete, and nothing as deleted.
    failed = data_events(case.model, record.pk, AuditEvent.Action.DELETE).get()
    assert failed.outcome == AuditEvent.Outcome.FAILURE and "Refused: record (" in failed.detail, failed.detail
    assert not record.history.filter(history_type="-").exists()


def test_service_writes_are_kept_with_their_user(township, county_admin):
    membership = f.TeamMembershipFactory(team=f.TeamFactory(township=township))
    cadre = membership.cadre
    archive_cadre(county_admin, cadre, reason="调离")
    assert cadre.history.order_by("-history_id").first().history_user == county_admin
    event = data_events(Cadre, cadre.pk, AuditEvent.Action.UPDATE).get()
    assert {c["field"] for c in event.changes} == {"status", "archived_on"}
    assert event.detail == "调离"
    assert data_events(type(membership), membership.pk, AuditEvent.Action.UPDATE).get().user == county_admin


# -- nothing in the app rewrites history ------------------------------------------------------

def _protected_models():
    return {AuditEvent} | {m for m in apps.get_models() if hasattr(m, "instance_type") and m.__name__.startswith("Historical")}


def _walk(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def _view_model(view):
    model = getattr(view, "model", None)
    queryset = getattr(view, "queryset", None)
    if model is None and queryset is not None:
        model = queryset.model
    return model


WRITE_METHODS = ("post", "put", "patch", "delete")


def test_no_url_changes_history_or_audit_events(admin_user):
    protected = _protected_models()
    assert AuditEvent in protected and len(protected) > 5
    checked = 0
    for route, callback in _walk(get_resolver()):
        model_admin = getattr(callback, "model_admin", None)
        if model_admin is not None:
            if model_admin.model in protected:
                request = type("Request", (), {"user": admin_user, "method": "POST"})()
                assert not model_admin.has_add_permission(request), route
                assert not model_admin.has_change_permission(request), route
                assert not model_admin.has_delete_permission(request), route
                checked += 1
            continue
        actions = getattr(callback, "actions", None)  # a REST framework viewset
        view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        if view is None or _view_model(view) not in protected:
            continue
        checked += 1
        if actions is not None:
            assert set(actions) <= {"get", "head", "options"}, route
        else:
            assert not any(hasattr(view, m) for m in WRITE_METHODS), route
    assert checked >= 1  # at least the auditor's audit trail


def test_audit_trail_and_history_pages_refuse_writes(township, auditor_client, county_client):
    record = f.CadreFactory(organization=township)
    count = AuditEvent.objects.count()
    for client in (auditor_client, county_client):
        for method in ("post", "put", "delete"):
            assert getattr(client, method)(AUDIT_LIST).status_code in (403, 405)
            # The auditor is refused every business page before its method is looked at (三员分立).
            assert getattr(client, method)(reverse("org:cadre_history", args=[record.pk])).status_code in (403, 405)
    # Nothing written but the refusals themselves.
    new = AuditEvent.objects.order_by("id")[count:]
    assert {(e.action, e.outcome) for e in new} == {("denied", "denied")}
    assert record.history.count() == 1


def test_audit_events_cannot_be_changed_or_deleted(township, county_admin):
    event = AuditEvent.objects.create(kind=AuditEvent.Kind.SECURITY, action=AuditEvent.Action.LOGIN)
    event.detail = "rewritten"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).detail == ""


# -- the auditor's global view -----------------------------------------------------------------

@pytest.fixture
def trail(township, county_admin, township_admin, county_client, township_client):
    """A few changes by two users on two record types."""
    cadre = f.CadreFactory(organization=township)
    county_client.post(reverse("org:cadre_edit", args=[cadre.pk]),
                       {**_cadre_post(cadre), "post": "组织委员"})
    village = f.VillageFactory(parent=township)
    township_client.post(reverse("org:organization_edit", args=[village.pk]),
                         {"name": village.name, "kind": "village", "parent": township.pk, "sort_order": "0",
                          "address": "新址", "is_active": "on"})
    township_client.post(reverse("org:organization_delete", args=[village.pk]))
    return {"cadre": cadre, "village_pk": village.pk}


def _cadre_post(cadre):
    from tests.generic import case_for, instance_form_data

    return instance_form_data(case_for(Cadre).form_class, cadre)


def _events(response):
    return [e for e in AuditEvent.objects.filter(pk__in=table_pks(response))]


def test_auditor_filters_the_trail_by_user_action_and_record_type(trail, auditor_client, county_admin):
    response = auditor_client.get(AUDIT_LIST)
    assert response.status_code == 200
    assert len(table_pks(response)) >= 3

    events = _events(auditor_client.get(AUDIT_LIST, {"username": county_admin.username}))
    assert events and all(e.username == county_admin.username for e in events)

    events = _events(auditor_client.get(AUDIT_LIST, {"action": "delete"}))
    assert [(e.action, e.object_id) for e in events] == [("delete", str(trail["village_pk"]))]

    cadre_type = ContentType.objects.get_for_model(Cadre)
    events = _events(auditor_client.get(AUDIT_LIST, {"content_type": cadre_type.pk, "action": "update"}))
    assert [e.object_id for e in events] == [str(trail["cadre"].pk)]
    assert events[0].changes[0]["new"] == "组织委员"


def test_auditor_exports_the_trail(trail, auditor_client, auditor):
    rows = xlsx_rows(auditor_client.get(AUDIT_LIST, {"action": "update", "_export": "xlsx"}))
    assert len(rows) == 1 + AuditEvent.objects.filter(action="update").count()
    text = "\n".join("\t".join(r) for r in rows)
    assert "组织委员" in text and "新址" in text
    # Exporting is itself on the trail.
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, user=auditor).exists()


def test_audit_trail_is_for_the_auditor_only(trail, county_client, township_client, cadre_client):
    for client in (county_client, township_client, cadre_client):
        assert client.get(AUDIT_LIST).status_code == 403
        assert client.get(AUDIT_LIST, {"_export": "xlsx"}).status_code == 403
    assert Client().get(AUDIT_LIST).status_code == 302


# -- security events ---------------------------------------------------------------------------

def test_login_success_and_failure_are_security_events(county_admin):
    client = Client(REMOTE_ADDR="10.1.2.3")
    login = reverse("login")
    response = client.post(login, {"username": county_admin.username, "password": "wrong-password"})
    assert response.status_code == 200
    failed = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED)
    assert failed.kind == AuditEvent.Kind.SECURITY
    assert failed.username == county_admin.username and failed.ip_address == "10.1.2.3"

    response = client.post(login, {"username": county_admin.username, "password": f.PASSWORD})
    assert response.status_code == 302
    ok = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN)
    assert ok.kind == AuditEvent.Kind.SECURITY and ok.user == county_admin
    # Signing in is not a change to the user's record.
    county_admin.refresh_from_db()
    assert county_admin.last_login is not None
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.DATA, time__gte=failed.time).exists()

    client.post(reverse("logout"))
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGOUT, user=county_admin).exists()


def test_auditor_filters_the_trail_by_outcome_on_the_page_and_in_the_api(auditor_client, auditor, cadre_client,
                                                                        cadre_user):
    assert cadre_client.get(AUDIT_LIST).status_code == 403  # a denial
    events = _events(auditor_client.get(AUDIT_LIST, {"outcome": "denied"}))
    assert [(e.action, e.username) for e in events] == [("denied", "cadre")]
    page = auditor_client.get(AUDIT_LIST, {"outcome": "denied"}).content.decode()
    assert escape(cadre_user.display_name) in page and "Denied" in page

    from tests.api import api_for

    rows = api_for(auditor).get("/api/v1/core/audit-events/", {"outcome": "denied"}).json()["results"]
    assert [(r["action"], r["outcome"], r["outcome_label"], r["username"], r["user_display"]) for r in rows] == [
        ("denied", "denied", "Denied", "cadre", cadre_user.display_name)]


def test_the_record_types_offered_are_banzis_records_not_its_internals(auditor_client):
    """Neither history tables, the framework's tables nor a picker's kept choices are offered to filter by."""
    from banzi.core.audit_views import _record_types
    from banzi.core.models import PickerSource

    offered = set(_record_types().values_list("app_label", "model"))
    assert ("org", "cadre") in offered
    assert ("core", PickerSource._meta.model_name) not in offered
    assert not any(model.startswith("historical") for _, model in offered)
    assert not any(app in ("sessions", "contenttypes", "auth", "admin") for app, _ in offered)
