"""The demo county's batched writes (core.demo.add_many, audit_chain.append_many) leave the rows the
per-record writes leave: each record, one history row, one audit event chained in order."""
import datetime

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection

from banzi.conduct.duty import services as duty_services
from banzi.conduct.duty.models import AttendanceRecord
from banzi.core import audit_chain, clock
from banzi.core import demo as core_demo
from banzi.core.models import AuditEvent

from .. import factories as f

AUDITED = ("kind", "action", "outcome", "user_id", "username", "user_display", "content_type_id", "changes",
           "detail", "ip_address")
HISTORY = ("history_type", "history_user_id", "history_change_reason", "status", "date", "organization_id")


def _days(count):
    day, days = clock.today() - datetime.timedelta(days=40), []
    while len(days) < count:
        day += datetime.timedelta(days=1)
        days.append(day)
    return days


def test_a_batch_leaves_the_rows_one_by_one_writes_leave(county_admin, township):
    cadre = f.CadreFactory(organization=township)
    one_day, *batch_days = _days(4)
    single = duty_services.save_attendance(county_admin, AttendanceRecord(cadre=cadre, date=one_day, status="present"))
    batch = core_demo.add_many(county_admin, [
        AttendanceRecord(cadre=cadre, organization=cadre.organization, date=day, status="present") for day in batch_days])

    assert AttendanceRecord.objects.filter(cadre=cadre).count() == 1 + len(batch_days)
    for record in batch:
        history = list(record.history.all())
        assert len(history) == 1
        assert [getattr(history[0], name) for name in HISTORY[:3]] == \
            [getattr(single.history.get(), name) for name in HISTORY[:3]]
        assert (history[0].status, history[0].date, history[0].organization_id) == \
            (record.status, record.date, township.pk)
    events = list(AuditEvent.objects.filter(object_id__in=[str(r.pk) for r in [single, *batch]],
                                            content_type__model="attendancerecord").order_by("id"))
    assert [e.object_id for e in events] == [str(r.pk) for r in [single, *batch]]
    first = {name: getattr(events[0], name) for name in AUDITED}
    for event, record in zip(events[1:], batch, strict=True):
        assert {name: getattr(event, name) for name in AUDITED} == first
        assert event.object_repr == str(record)
    # Chained in the order of ids, from the event before the batch on.
    assert audit_chain.verify() is None
    assert audit_chain.head_mac() == events[-1].mac


def test_a_record_out_of_reach_refuses_the_whole_batch(township_admin, township, other_township):
    mine, theirs = f.CadreFactory(organization=township), f.CadreFactory(organization=other_township)
    day = _days(1)[0]
    records = [AttendanceRecord(cadre=c, organization=c.organization, date=day, status="present") for c in (mine, theirs)]
    with pytest.raises(PermissionDenied):
        core_demo.add_many(township_admin, records)
    assert not AttendanceRecord.objects.exists()


def test_fast_writes_puts_the_settings_back():
    from simple_history.manager import HistoryDescriptor

    before = (settings.DEBUG, connection.force_debug_cursor, HistoryDescriptor.__get__)
    with core_demo.fast_writes():
        assert settings.DEBUG is False and not connection.queries_logged
        assert AttendanceRecord.history.model is AttendanceRecord.history.model  # still the history manager
    assert (settings.DEBUG, connection.force_debug_cursor, HistoryDescriptor.__get__) == before
