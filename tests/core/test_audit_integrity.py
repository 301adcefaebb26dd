"""The audit trail's integrity (GB/T 22239-2019 8.1.4.3 c–d): the database itself refuses to change or
delete an event (SQLite here; the same tests prove the PostgreSQL triggers when run with
DATABASE_URL=postgres://…), each event is chained to the previous one by HMAC-SM3 so that a change
made around the database's guard is named by `verify_audit`, a deleted user's name stays on their
events, and old events leave only through a sealed archive after the retention."""
import datetime
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from banzi.core import audit_chain, clock, crypto
from banzi.core.audit import record_event
from banzi.core.models import AuditArchive, AuditEvent
from tests import factories as f

pytestmark = pytest.mark.django_db

TABLE = AuditEvent._meta.db_table


def event(detail="", **kwargs):
    return record_event(kind=AuditEvent.Kind.SECURITY, action=AuditEvent.Action.LOGIN, detail=detail, **kwargs)


def sql(statement, params=()):
    """Run raw SQL as someone with database access would, around the application; True if it ran."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, params)
        return True
    except DatabaseError:
        return False


def around_the_guard(statement, params=()):
    """Tamper as someone who may drop triggers would: the guard lifted for one statement."""
    with transaction.atomic():
        audit_chain.remove_guard(connection)
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
        audit_chain.install_guard(connection)


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


# -- append-only at the database -------------------------------------------------------------------

def test_the_database_guard_is_installed_by_the_migrations():
    assert audit_chain.guard_installed(connection)


def test_raw_sql_update_and_delete_of_an_event_are_refused_by_the_database():
    row = event("kept")
    assert not sql(f"UPDATE {TABLE} SET detail = 'rewritten' WHERE id = %s", [row.pk])
    assert not sql(f"UPDATE {TABLE} SET username = 'someone', user_id = NULL WHERE id = %s", [row.pk])
    assert not sql(f"DELETE FROM {TABLE} WHERE id = %s", [row.pk])
    assert not sql(f"DELETE FROM {TABLE}")
    if connection.vendor == "postgresql":
        assert not sql(f"TRUNCATE {TABLE}")
    kept = AuditEvent.objects.get(pk=row.pk)
    assert kept.detail == "kept" and kept.mac == row.mac
    assert audit_chain.verify() is None


def test_archive_records_cannot_be_changed_or_deleted(travel, tmp_path):
    travel.move_to(clock.now() - datetime.timedelta(days=400))
    event("old")
    travel.move_to(clock.now() + datetime.timedelta(days=400))
    record = audit_chain.archive(audit_chain.latest_archivable_date(), str(tmp_path / "a.bin"))
    table = AuditArchive._meta.db_table
    assert not sql(f"UPDATE {table} SET last_id = 1000000 WHERE id = %s", [record.pk])
    assert not sql(f"DELETE FROM {table} WHERE id = %s", [record.pk])
    assert AuditArchive.objects.get().last_id == record.last_id


def test_the_orm_refuses_to_change_delete_or_bulk_insert_events():
    row = event()
    for attempt in (lambda: AuditEvent.objects.filter(pk=row.pk).update(detail="x"),
                    lambda: AuditEvent.objects.filter(pk=row.pk).delete(),
                    lambda: AuditEvent.objects.bulk_create([AuditEvent(kind="security", action="login")]),
                    row.save, row.delete):
        with pytest.raises(RuntimeError):
            attempt()
    assert AuditEvent.objects.filter(pk=row.pk, detail="").exists()


# -- the chain -----------------------------------------------------------------------------------------

def test_each_event_is_chained_to_the_previous_one_by_hmac_sm3(county_admin):
    first, second = event("one"), event("two", user=county_admin)
    county_admin.first_name = "县委组织部"
    county_admin.save()  # a data change, indexed from the history record
    third = AuditEvent.objects.order_by("-id").first()
    assert third.action == AuditEvent.Action.UPDATE
    for row, previous in ((second, first), (third, second)):
        row.refresh_from_db()
        values = audit_chain.chained_values(row)
        assert row.mac == crypto.audit_mac(audit_chain.canonical(values, previous.mac))
        assert len(row.mac) == 64
    assert audit_chain.verify() is None
    out = run("verify_audit")
    assert "Audit trail OK" in out and f"{AuditEvent.objects.count()} events verified" in out


def test_a_changed_event_is_named_by_verify_audit():
    rows = [event(f"event {i}") for i in range(5)]
    around_the_guard(f"UPDATE {TABLE} SET detail = 'rewritten' WHERE id = %s", [rows[2].pk])
    broken = audit_chain.verify()
    assert (broken.model, broken.id) == ("event", rows[2].pk)
    assert broken.time == rows[2].time
    with pytest.raises(CommandError) as refused:
        run("verify_audit")
    assert f"event #{rows[2].pk} (" in str(refused.value) and "BROKEN" in str(refused.value)


def test_a_removed_event_is_found_at_the_next_one():
    rows = [event(f"event {i}") for i in range(4)]
    around_the_guard(f"DELETE FROM {TABLE} WHERE id = %s", [rows[1].pk])
    assert audit_chain.verify().id == rows[2].pk


def test_a_forged_event_inserted_in_the_trail_is_named():
    rows = [event(f"event {i}") for i in range(3)]
    forged = AuditEvent(kind="security", action="login", detail="forged", mac="0" * 64, time=clock.now())
    AuditEvent._base_manager.bulk_create([forged])  # around record_event and its chain
    later = event("after the forgery")
    assert audit_chain.verify().id == forged.pk
    assert later.pk > rows[-1].pk


def test_existing_events_are_chained_by_the_migration():
    import importlib

    from django.apps import apps

    # Events as they were before the chain: no mac, no outcome, no user's name.
    user = f.UserFactory(first_name="张", last_name="三")
    rows = [AuditEvent(kind="security", action=action, user=user, username=user.username, time=clock.now())
            for action in ("login", "login_failed", "denied")]
    with transaction.atomic():
        audit_chain.remove_guard(connection)
        AuditEvent._base_manager.all()._raw_delete(connection.alias)
        AuditEvent._base_manager.bulk_create(rows)
        migration = importlib.import_module("banzi.core.migrations.0009_audit_chain_existing_events")
        migration.chain_existing_events(apps, type("Editor", (), {"connection": connection})())
        audit_chain.install_guard(connection)
    assert audit_chain.verify() is None
    chained = list(AuditEvent.objects.order_by("id"))
    assert [e.outcome for e in chained] == ["success", "failure", "denied"]
    assert all(e.mac and e.user_display == "张 三" for e in chained)


# -- the actor's name ------------------------------------------------------------------------------

def test_deleting_a_user_keeps_their_name_on_their_events(township):
    user = f.UserFactory(username="wangwu", first_name="王", last_name="五")
    row = event("signed in", user=user)
    assert (row.username, row.user_display) == ("wangwu", "王 五")
    user.delete()
    row.refresh_from_db()
    assert row.user_id is None
    assert (row.username, row.user_display, row.detail) == ("wangwu", "王 五", "signed in")
    # The user's id was let go; the chain, which holds the name, still verifies.
    assert audit_chain.verify() is None
    # That one change is all the database lets through.
    assert not sql(f"UPDATE {TABLE} SET username = 'x' WHERE id = %s", [row.pk])


# -- retention and archiving -------------------------------------------------------------------------

@pytest.fixture
def old_and_new(travel):
    """Events 400 days old (a user's creation among them) and 300 days old, and events of today."""
    now = clock.now()
    travel.move_to(now - datetime.timedelta(days=400))
    user = f.UserFactory(username="olduser")
    event("old 1")
    event("old 2", user=user)
    travel.move_to(now - datetime.timedelta(days=300))
    event("old 3")
    old = list(AuditEvent.objects.order_by("id"))
    travel.move_to(now)
    new = [event("new 1"), event("new 2")]
    return old, new


def test_archive_exports_old_events_sealed_then_deletes_them(old_and_new, tmp_path):
    old, new = old_and_new
    before = clock.today() - datetime.timedelta(days=200)
    output = tmp_path / "audit-2025.bin"
    out = run("archive_audit", "--before", before.isoformat(), "--output", str(output))
    assert f"Archived {len(old)} audit events" in out

    # Only the events before the date left the trail; the rest, and the archiving itself, remain.
    remaining = AuditEvent.objects.order_by("id")
    assert not remaining.filter(pk__in=[e.pk for e in old]).exists()
    assert [e.detail for e in remaining][:2] == ["new 1", "new 2"]
    archived = remaining.get(action=AuditEvent.Action.ARCHIVE)
    assert archived.kind == AuditEvent.Kind.SECURITY and str(len(old)) in archived.detail
    record = AuditArchive.objects.get()
    assert (record.first_id, record.last_id, record.count, record.last_mac) == (
        old[0].pk, old[-1].pk, len(old), old[-1].mac)

    # The trail's chain now starts from the archive, and still verifies.
    assert audit_chain.verify() is None
    assert "Audit trail OK" in run("verify_audit")

    # The file is sealed: not readable as text, its events and macs inside, and it verifies.
    raw = output.read_bytes()
    assert b"old 1" not in raw
    header, _seal, rows = audit_chain.read_archive(str(output))
    assert header["count"] == len(old) and [r["detail"] for r in rows][-3:] == ["old 1", "old 2", "old 3"]
    assert [r["mac"] for r in rows] == [e.mac for e in old] and rows[-2]["username"] == "olduser"
    out = run("verify_audit", "--archive", str(output))
    assert f"Audit archive OK: {len(old)} events" in out and "recorded in this database" in out


def test_a_second_archive_continues_the_chain(old_and_new, tmp_path, travel):
    old, _new = old_and_new
    run("archive_audit", "--before", (clock.today() - datetime.timedelta(days=350)).isoformat(),
        "--output", str(tmp_path / "one.bin"))
    assert AuditArchive.objects.get().count == len(old) - 1  # all but "old 3"
    run("archive_audit", "--before", (clock.today() - datetime.timedelta(days=200)).isoformat(),
        "--output", str(tmp_path / "two.bin"))
    assert [a.count for a in AuditArchive.objects.order_by("last_id")] == [len(old) - 1, 1]
    assert audit_chain.verify() is None
    assert "1 events" in run("verify_audit", "--archive", str(tmp_path / "two.bin"))


def test_archive_refuses_a_date_within_the_retention(old_and_new, tmp_path, settings):
    count = AuditEvent.objects.count()
    too_late = clock.today() - datetime.timedelta(days=179)
    with pytest.raises(CommandError, match="within the retention of 180 days"):
        run("archive_audit", "--before", too_late.isoformat(), "--output", str(tmp_path / "a.bin"))
    settings.BANZI_AUDIT_RETENTION_DAYS = 365
    with pytest.raises(CommandError, match="within the retention of 365 days"):
        run("archive_audit", "--before", (clock.today() - datetime.timedelta(days=200)).isoformat(),
            "--output", str(tmp_path / "b.bin"))
    assert AuditEvent.objects.count() == count and not AuditArchive.objects.exists()
    assert not (tmp_path / "a.bin").exists()


def test_the_database_refuses_to_delete_events_no_archive_covers(old_and_new, tmp_path):
    old, new = old_and_new
    audit_chain.archive(clock.today() - datetime.timedelta(days=350), str(tmp_path / "a.bin"))
    # Newer than the archive (not covered by it): refused, whatever its age.
    assert not sql(f"DELETE FROM {TABLE} WHERE id = %s", [old[-1].pk])
    assert not sql(f"DELETE FROM {TABLE} WHERE id = %s", [new[0].pk])
    assert AuditEvent.objects.filter(pk__in=[old[-1].pk, new[0].pk]).count() == 2


def test_a_tampered_archive_file_does_not_verify(old_and_new, tmp_path):
    output = tmp_path / "a.bin"
    audit_chain.archive(clock.today() - datetime.timedelta(days=200), str(output))
    header, _seal, rows = audit_chain.read_archive(str(output))

    # Re-sealed with the data key but without the audit key's seal matching: refused.
    rows[1]["detail"] = "rewritten"
    text = "\n".join(json.dumps(r, ensure_ascii=False) for r in [header, *rows])
    forged = tmp_path / "forged.bin"
    forged.write_bytes(crypto.encrypt_bytes(f"{text}\n{json.dumps({'seal': '0' * 64})}\n".encode(),
                                            audit_chain.ARCHIVE_ASSOCIATED))
    with pytest.raises(CommandError, match="seal does not match"):
        run("verify_audit", "--archive", str(forged))

    # Sealed anew with the audit key too: the event's own mac still gives it away.
    resealed = tmp_path / "resealed.bin"
    resealed.write_bytes(crypto.encrypt_bytes(
        f"{text}\n{json.dumps({'seal': crypto.audit_mac(text)})}\n".encode(), audit_chain.ARCHIVE_ASSOCIATED))
    with pytest.raises(CommandError, match=f"event #{rows[1]['id']} .* does not match its MAC"):
        run("verify_audit", "--archive", str(resealed))

    # A flipped byte: the file does not open.
    damaged = bytearray(output.read_bytes())
    damaged[-5] ^= 1
    (tmp_path / "damaged.bin").write_bytes(bytes(damaged))
    with pytest.raises(CommandError, match="cannot be opened"):
        run("verify_audit", "--archive", str(tmp_path / "damaged.bin"))


def test_a_forged_archive_record_is_named(old_and_new):
    _old, new = old_and_new
    around_the_guard(
        f"INSERT INTO {AuditArchive._meta.db_table} (time, before, first_id, last_id, count, last_mac, file_name, "
        "file_digest, mac) VALUES (%s, %s, 1, %s, 1, %s, 'x', 'x', %s)",
        [clock.now(), clock.now(), new[0].pk, "0" * 64, "0" * 64])
    broken = audit_chain.verify()
    assert broken.model == "archive"


def test_nothing_to_archive_writes_nothing(tmp_path):
    event("today")
    out = run("archive_audit", "--before", audit_chain.latest_archivable_date().isoformat(),
              "--output", str(tmp_path / "a.bin"))
    assert "nothing archived" in out and not (tmp_path / "a.bin").exists()


def test_retention_below_180_days_is_refused_by_a_system_check(settings):
    settings.BANZI_AUDIT_RETENTION_DAYS = 90
    assert [e.id for e in audit_chain.check_retention()] == ["banzi.E301"]
    settings.BANZI_AUDIT_RETENTION_DAYS = 180
    assert audit_chain.check_retention() == []
