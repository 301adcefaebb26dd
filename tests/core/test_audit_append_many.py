"""Events appended in one pass (`audit_chain.append_many`, a bulk import's one event per record) are
chained exactly as events appended one by one: to the head, each to the one before, in id order."""
import io

import pytest
from django.core.management import call_command

from banzi.core import audit_chain, crypto
from banzi.core.audit import record_event
from banzi.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def login(detail):
    return record_event(kind=AuditEvent.Kind.SECURITY, action=AuditEvent.Action.LOGIN, detail=detail)


def data_event(index, user):
    return AuditEvent(kind=AuditEvent.Kind.DATA, action=AuditEvent.Action.CREATE, user=user,
                      object_id=str(index), object_repr=f"record {index}", changes=[{"field": "name", "new": index}],
                      detail="Imported from roster.xlsx")


def test_events_appended_in_batches_chain_to_the_head_and_to_each_other(county_admin):
    before = login("before")
    events = audit_chain.append_many([data_event(i, county_admin) for i in range(7)], batch_size=3)
    after = login("after")  # one by one again, after the batch

    stored = list(AuditEvent.objects.filter(pk__in=[e.pk for e in events]).order_by("id"))
    assert [e.object_id for e in stored] == [str(i) for i in range(7)]  # ids in the order of the chain
    previous = before.mac
    for row in stored:
        assert row.mac == crypto.audit_mac(audit_chain.canonical(audit_chain.chained_values(row), previous))
        assert row.username == county_admin.get_username() and row.user_display
        previous = row.mac
    after.refresh_from_db()
    assert after.mac == crypto.audit_mac(audit_chain.canonical(audit_chain.chained_values(after), previous))
    assert audit_chain.verify() is None
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "Audit trail OK" in out.getvalue()


def test_nothing_to_append_writes_nothing():
    count = AuditEvent.objects.count()
    assert audit_chain.append_many([]) == []
    assert AuditEvent.objects.count() == count


def test_events_of_a_user_given_by_key_alone_are_appended(county_admin):
    """Who an event's user is may have to be read (a key alone given): it is, before the rows are sent."""
    events = [AuditEvent(kind=AuditEvent.Kind.DATA, action=AuditEvent.Action.CREATE, user_id=county_admin.pk,
                         object_id=str(i), object_repr=f"record {i}") for i in range(3)]
    audit_chain.append_many(events)
    stored = list(AuditEvent.objects.filter(pk__in=[e.pk for e in events]).order_by("id"))
    assert [e.username for e in stored] == [county_admin.get_username()] * 3
    assert audit_chain.verify() is None
