"""The audit trail through the API: the audit administrator's alone (everyone else 403), filtered as
the audit page filters, paginated, read-only, and exported to Excel; an export is itself recorded."""
import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from rest_framework.test import APIClient

from banzi.core.audit import audit_trail, record_event
from banzi.core.models import AuditEvent
from banzi.org.models import Cadre
from tests import factories as f
from tests.api import api_for, assert_list_queries_flat, assert_matches_schema, ids
from tests.api_errors import error_messages
from tests.generic import xlsx_rows

pytestmark = pytest.mark.django_db

URL = "/api/v1/core/audit-events/"
EXPORT = f"{URL}export/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOT_AUDITOR = ["county_admin", "township_admin", "cadre_user"]


@pytest.fixture
def trail(township, county_admin, township_admin):
    """A cadre created and renamed by the county, a login failure, and a village the township removed."""
    cadre = f.CadreFactory(organization=township, name="张三")
    cadre._history_user = county_admin
    cadre.post = "组织委员"
    cadre.save()
    record_event(kind=AuditEvent.Kind.SECURITY, action=AuditEvent.Action.LOGIN_FAILED, username="intruder")
    village = f.VillageFactory(parent=township, name="东村")
    village_pk = village.pk
    village._history_user = township_admin
    village.delete()
    return {"cadre": cadre, "village_pk": village_pk}


def events(response):
    return AuditEvent.objects.filter(pk__in=ids(response))


def test_auditor_reads_the_trail_latest_first_paginated(trail, auditor, county_admin):
    client = api_for(auditor)
    response = client.get(URL, {"page_size": 2})
    assert_matches_schema(response)
    body = response.json()
    assert body["count"] == AuditEvent.objects.count() and len(body["results"]) == 2 and body["next"]
    latest = AuditEvent.objects.first()
    assert body["results"][0]["id"] == latest.pk

    update = AuditEvent.objects.get(action="update", object_id=str(trail["cadre"].pk), user=county_admin)
    detail = client.get(f"{URL}{update.pk}/")
    assert_matches_schema(detail)
    row = detail.json()
    assert row["record_type"] == "org.cadre" and row["record_type_label"] == "cadre"
    assert (row["kind"], row["kind_label"], row["action"], row["action_label"]) == (
        "data", "Data change", "update", "Updated")
    assert row["username"] == "county" and row["object_repr"] == str(trail["cadre"])
    assert {"field": "post", "new": "组织委员"}.items() <= next(c for c in row["changes"] if c["field"] == "post").items()


def test_auditor_filters_as_on_the_audit_page(trail, auditor, county_admin):
    client = api_for(auditor)
    found = events(client.get(URL, {"username": "county"}))
    assert found and all(e.username == "county" for e in found)
    assert [(e.action, e.object_id) for e in events(client.get(URL, {"action": "delete"}))] == [
        ("delete", str(trail["village_pk"]))]
    cadre_type = ContentType.objects.get_for_model(Cadre)
    assert {e.object_id for e in events(client.get(URL, {"content_type": cadre_type.pk, "action": "update"}))} == {
        str(trail["cadre"].pk)}
    assert [e.username for e in events(client.get(URL, {"kind": "security"}))] == ["intruder"]
    assert {e.object_repr for e in events(client.get(URL, {"q": "东村"}))} == {"东村"}
    today = AuditEvent.objects.first().time.date()
    assert ids(client.get(URL, {"time_after": today - datetime.timedelta(days=1)})) == set(
        AuditEvent.objects.values_list("pk", flat=True))
    assert ids(client.get(URL, {"time_before": today - datetime.timedelta(days=1)})) == set()
    assert client.get(URL, {"action": "rewritten"}).status_code == 400


def test_the_trail_cannot_be_written(trail, auditor):
    client = api_for(auditor)
    event = AuditEvent.objects.first()
    count = AuditEvent.objects.count()
    assert client.post(URL, {"detail": "x"}, format="json").status_code == 405
    assert client.put(f"{URL}{event.pk}/", {"detail": "x"}, format="json").status_code == 405
    assert client.patch(f"{URL}{event.pk}/", {"detail": "x"}, format="json").status_code == 405
    assert client.delete(f"{URL}{event.pk}/").status_code == 405
    assert AuditEvent.objects.count() == count


@pytest.mark.parametrize("role", NOT_AUDITOR)
def test_everyone_else_is_refused(request, trail, role):
    user = request.getfixturevalue(role)
    client = api_for(user)
    event = AuditEvent.objects.first()
    for url in (URL, f"{URL}{event.pk}/", EXPORT):
        response = client.get(url)
        assert response.status_code == 403, url
        assert error_messages(response)["detail"] == ["Only the audit administrator may read the audit trail."]
    refused = client.get(EXPORT, HTTP_ACCEPT=XLSX)
    assert refused.status_code == 403 and refused["Content-Type"] == "application/json"
    assert error_messages(refused)["detail"] == ["Only the audit administrator may read the audit trail."]
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()
    with pytest.raises(PermissionDenied):
        audit_trail(user)


def test_anonymous_is_401(trail):
    assert APIClient().get(URL).status_code == 401
    assert APIClient().get(EXPORT).status_code == 401


def _rows(response):
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    return xlsx_rows(response)


def test_auditor_exports_the_filtered_trail_and_the_export_is_recorded(trail, auditor):
    client = api_for(auditor)
    rows = _rows(client.get(EXPORT, {"action": "update"}))
    assert len(rows) == 1 + AuditEvent.objects.filter(action="update").count()
    assert "组织委员" in "\n".join("\t".join(r) for r in rows)
    export = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert (export.kind, export.user, export.ip_address) == (AuditEvent.Kind.TRANSFER, auditor, "127.0.0.1")
    assert export.detail == "audit events ?action=update"
    # The export is now on the trail it exports, and shows in the list.
    assert export.pk in ids(client.get(URL, {"action": "export"}))


def test_the_export_answers_a_client_asking_for_a_workbook(trail, auditor):
    rows = _rows(api_for(auditor).get(EXPORT, {"kind": "security"}, HTTP_ACCEPT=XLSX))
    assert len(rows) == 2 and "intruder" in rows[1]


def test_the_list_queries_do_not_grow_with_events(auditor, township):
    def make(township):
        return AuditEvent.objects.create(kind=AuditEvent.Kind.DATA, action=AuditEvent.Action.UPDATE,
                                         content_type=ContentType.objects.get_for_model(Cadre), object_id="1",
                                         changes=[{"field": "post", "label": "post", "old": "a", "new": "b"}])

    assert_list_queries_flat(api_for(auditor), URL, make, township)
