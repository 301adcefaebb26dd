"""Backup and restore (GB/T 22239-2019 8.1.4.9): `manage.py backup` and `manage.py restore`.

The round trips make records of several kinds (cadres with ID numbers, a confidential talk, a meeting with
an uploaded attachment, a user, audit events), back up, WIPE the whole database (SQLite: replaced by an
empty database, no tables at all; PostgreSQL: its schema dropped) and MEDIA_ROOT, restore, and find every
record, file and audit row again.

How the database is real here: pytest-django's SQLite test database lives in memory, and the backup API
copies it like any file database; `test_round_trip_of_a_file_database_in_separate_processes` also copies
it to a database FILE and runs `manage.py backup` and `manage.py restore` in separate processes with
DATABASE_URL pointing at that file, the way an operator runs them, and compares every row of every table.
The PostgreSQL round trip runs only when the suite runs on PostgreSQL (DATABASE_URL=postgres://...).
"""
import builtins
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import types
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from banzi.accounts.models import User
from banzi.core import backup, clock
from banzi.core.audit import record_event
from banzi.core.models import AuditEvent
from banzi.governance.models import Meeting
from banzi.org.models import Cadre
from banzi.talks.models import Talk
from tests import factories as f
from tests.governance.cases import meeting
from tests.talks.factories import talk

try:
    from banzi.core.audit_chain import verify as audit_chain_verify
except ImportError:
    audit_chain_verify = None

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n% minutes of the committee meeting\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
NOTE = "乡镇党委会议纪要（扫描件说明）\n".encode()

on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite round trip")
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql",
                                   reason="runs when the suite runs on PostgreSQL (DATABASE_URL=postgres://...)")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def live_db(transactional_db):
    """A committed database that the test may wipe: on SQLite the pristine (migrated, empty) database is put
    back afterwards whatever happened, so a failure midway cannot leave the next tests without tables."""
    pristine = None
    if connection.vendor == "sqlite":
        pristine = sqlite3.connect(":memory:")
        connection.ensure_connection()
        connection.connection.backup(pristine)
    yield
    if pristine is not None:
        pristine.backup(connection.connection)
        pristine.close()


def make_records(media_root):
    """Records of several kinds, an uploaded file and a file of MEDIA_ROOT no record points at, and audit
    events (those of the records' history and a security event)."""
    township = f.TownshipFactory(name="新城镇", parent=f.CountyFactory())
    cadres = [f.CadreFactory(organization=township) for _ in range(3)]
    talk(township, talker=cadres[0], talkee=cadres[1])
    record = meeting(township, members=cadres)
    record.attachment.save("党委会议纪要.pdf", ContentFile(PDF))
    (media_root / "scans" / "2026").mkdir(parents=True)
    (media_root / "scans" / "2026" / "说明.txt").write_bytes(NOTE)
    user = f.UserFactory(username="township_clerk")
    record_event(kind=AuditEvent.Kind.SECURITY, action=AuditEvent.Action.LOGIN, user=user, detail="signed in")
    return cadres


def snapshot():
    """Every row a user relies on here, field by field."""
    return {
        "cadres": list(Cadre.objects.order_by("pk").values()),
        "cadre history": list(Cadre.history.order_by("pk").values()),
        "talks": list(Talk.objects.order_by("pk").values()),
        "meetings": list(Meeting.objects.order_by("pk").values()),
        "users": list(User.objects.order_by("pk").values()),
        "audit": list(AuditEvent.objects.order_by("pk").values()),
    }


def assert_refused_and_unchanged(before, before_files, media_root):
    """Nothing changed but one audit row: the refusal, a security event."""
    after = snapshot()
    assert after["audit"][:-1] == before["audit"]
    refusal = AuditEvent.objects.order_by("-pk").first()
    assert (refusal.kind, refusal.action) == (AuditEvent.Kind.SECURITY, AuditEvent.Action.IMPORT)
    assert refusal.detail.startswith("Restore refused: ")
    assert {k: v for k, v in after.items() if k != "audit"} == {k: v for k, v in before.items() if k != "audit"}
    if before_files is not None:
        assert files(media_root) == before_files


def files(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(Path(root).rglob("*")) if p.is_file()}


def wipe(media_root):
    """The database and the uploaded files lost: no table left, no file left."""
    if connection.vendor == "sqlite":
        empty = sqlite3.connect(":memory:")
        empty.backup(connection.connection)
        empty.close()
    else:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    shutil.rmtree(media_root)
    assert "org_cadre" not in connection.introspection.table_names()


def round_trip(media, tmp_path, capsys):
    cadres = make_records(media)
    before, before_files = snapshot(), files(media)
    assert before["audit"] and len(before_files) == 2 and before["talks"][0]["summary"]

    call_command("backup", output=str(tmp_path / "nightly.bzbak"))
    made = capsys.readouterr().out
    assert "Backup written to" in made and "2 uploaded files" in made
    event = AuditEvent.objects.order_by("-pk").first()
    assert (event.kind, event.action) == (AuditEvent.Kind.SECURITY, AuditEvent.Action.EXPORT)
    assert event.detail.startswith("Backup made: nightly.bzbak")

    wipe(media)
    call_command("restore", str(tmp_path / "nightly.bzbak"), yes=True)
    out = capsys.readouterr().out

    after = snapshot()
    assert after["audit"][:-1] == before["audit"]  # every audit row back; the backup's own event came after it
    restore_event = AuditEvent.objects.order_by("-pk").first()
    assert (restore_event.kind, restore_event.action) == (AuditEvent.Kind.SECURITY, AuditEvent.Action.IMPORT)
    assert restore_event.detail.startswith("Backup restored:") and "row counts as in the backup" in restore_event.detail
    assert {k: v for k, v in after.items() if k != "audit"} == {k: v for k, v in before.items() if k != "audit"}
    assert [Cadre.objects.get(pk=c.pk).id_number for c in cadres] == [c.id_number for c in cadres]
    assert files(media) == before_files
    assert Meeting.objects.get().attachment.read() == PDF
    assert "Database and uploaded files restored." in out and "tables as in the backup" in out
    assert ("Audit chain: intact" if audit_chain_verify else "Audit chain: not available in this release") in out
    assert f"audit chain: {'intact' if audit_chain_verify else 'not available'}" in restore_event.detail


@on_sqlite
def test_backup_wipe_restore_finds_every_record_file_and_audit_row(live_db, media, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(backup, "CHUNK_BYTES", 4096)  # many sealed chunks, as a large database has
    round_trip(media, tmp_path, capsys)


@on_postgresql
def test_postgresql_backup_wipe_restore(live_db, media, tmp_path, capsys, monkeypatch):
    """pg_dump/pg_restore with the connection of settings.DATABASES, the password in PGPASSWORD only."""
    calls = []
    real_run = subprocess.run

    def spying_run(arguments, **kwargs):
        calls.append((arguments, kwargs["env"]))
        return real_run(arguments, **kwargs)

    monkeypatch.setattr(backup.subprocess, "run", spying_run)
    monkeypatch.setitem(connection.settings_dict, "PASSWORD", "pg-secret-42")  # trust auth ignores it
    round_trip(media, tmp_path, capsys)
    assert [Path(arguments[0]).name for arguments, _env in calls] == ["pg_dump", "pg_restore"]
    for arguments, env in calls:
        assert env["PGPASSWORD"] == "pg-secret-42" and not any("pg-secret-42" in a for a in arguments)
        assert env["PGDATABASE"] == connection.settings_dict["NAME"]


@on_sqlite
def test_round_trip_of_a_file_database_in_separate_processes(live_db, media, tmp_path):
    """The commands as an operator runs them: another process, a database file, the app's environment."""
    make_records(media)
    database = tmp_path / "banzi.sqlite3"
    original = tmp_path / "original.sqlite3"
    for target in (database, original):
        copy = sqlite3.connect(target)
        connection.connection.backup(copy)
        copy.close()
    keys = ",".join(f"{key_id}:{key.hex()}" for key_id, key in settings.BANZI_DATA_KEYS.items())
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "MEDIA_ROOT": str(media),
           "BANZI_DATA_KEYS": keys, "BANZI_ENV": "development"}
    before_files = files(media)

    def manage(*arguments):
        return subprocess.run([sys.executable, "manage.py", *arguments], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=300)

    made = manage("backup", "--output", str(tmp_path))
    assert made.returncode == 0, made.stderr
    archive, = tmp_path.glob("banzi-backup-*.bzbak")
    assert oct(archive.stat().st_mode & 0o777) == "0o600"

    database.unlink()  # the database file lost: restore into a new, empty one
    shutil.rmtree(media)
    refused = manage("restore", str(archive))  # no --yes, no terminal to answer: nothing happens
    assert refused.returncode != 0 and "Restore cancelled. Nothing was changed." in refused.stderr
    assert not media.exists()
    done = manage("restore", str(archive), "--yes")
    assert done.returncode == 0, done.stderr
    assert "tables as in the backup" in done.stdout

    restored, kept = sqlite3.connect(database), sqlite3.connect(original)
    tables = [r[0] for r in kept.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    assert "org_cadre" in tables and "core_auditevent" in tables
    for table in tables:
        rows = restored.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall()
        expected = kept.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall()
        if table == "core_auditevent":  # and the restore's event (the backup's came after the dump)
            assert rows[:len(expected)] == expected and len(rows) == len(expected) + 1
            assert [r[0] for r in restored.execute(
                "SELECT action FROM core_auditevent ORDER BY id DESC LIMIT 1")] == [AuditEvent.Action.IMPORT]
        else:
            assert rows == expected, table
    restored.close()
    kept.close()
    assert files(media) == before_files


def sm3(data):
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def test_the_manifest_describes_the_backup(live_db, media, tmp_path):
    make_records(media)
    made = backup.create_backup(tmp_path / "b.bzbak")
    opened = backup.open_backup(made.path, tmp_path / "open")
    manifest = json.loads((opened.folder / "manifest.json").read_text("utf-8"))
    assert manifest == made.manifest
    assert manifest["created_at"] == made.manifest["created_at"]
    assert clock.now().isoformat()[:16] == manifest["created_at"][:16]
    assert manifest["banzi_version"] == "0.1.0" and manifest["key_id"] == next(iter(settings.BANZI_DATA_KEYS))
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["counts"]["org_cadre"] == Cadre.objects.count()
    assert manifest["counts"]["core_auditevent"] == AuditEvent.objects.count() - 1  # the backup's own event
    assert "core" in manifest["migrations"] and ["core", "0001_initial"] in manifest["applied_migrations"]
    attachment = Meeting.objects.get().attachment.name
    entry = next(e for e in manifest["media"] if e["path"] == attachment)
    assert entry == {"path": attachment, "size": len(PDF), "sha256": hashlib.sha256(PDF).hexdigest(), "sm3": sm3(PDF)}
    assert {e["path"] for e in manifest["media"]} == {attachment, "scans/2026/说明.txt"}
    # Sealed: neither the database nor the files can be read in the backup file.
    sealed = made.path.read_bytes()
    assert PDF[:40] not in sealed and b"SQLite format 3" not in sealed and NOTE not in sealed


def frames(data):
    """Where each sealed chunk of a backup file starts and ends."""
    position, found = len(backup.MAGIC) + backup.BACKUP_ID_BYTES, []
    while position < len(data):
        end = position + 5 + int.from_bytes(data[position + 1:position + 5], "big")
        found.append((position, end))
        position = end
    return found


def tamper(path, how):
    data = bytearray(path.read_bytes())
    chunks = frames(data)
    assert len(chunks) > 3
    if how == "flip":
        data[len(data) // 2] ^= 0x01
    elif how == "truncate":
        del data[-100:]
    elif how == "drop the last chunk":
        del data[chunks[-1][0]:]
    elif how == "swap two chunks":
        (a, b), (c, d) = chunks[0], chunks[1]
        data[a:d] = data[c:d] + data[a:b]
    elif how == "mark a chunk as the last":
        start, end = chunks[1]
        data[start] = 1
        del data[end:]
    elif how == "not a backup":
        data = bytearray(PDF)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("how, message", [
    ("flip", "is damaged or has been altered"),
    ("truncate", "is damaged or has been altered"),
    ("drop the last chunk", "is damaged or has been altered"),
    ("swap two chunks", "is damaged or has been altered"),
    ("mark a chunk as the last", "is damaged or has been altered"),
    ("not a backup", "is not a Banzi backup"),
])
def test_a_damaged_or_foreign_file_is_refused_and_nothing_changes(live_db, media, tmp_path, monkeypatch, how,
                                                                   message):
    monkeypatch.setattr(backup, "CHUNK_BYTES", 4096)
    make_records(media)
    made = backup.create_backup(tmp_path / "b.bzbak")
    f.CadreFactory()  # the live data moved on after the backup
    (media / "later.txt").write_bytes(b"uploaded after the backup")
    before, before_files = snapshot(), files(media)
    tamper(made.path, how)
    with pytest.raises(CommandError, match=f"{message}.*Nothing was changed"):
        call_command("restore", str(made.path), yes=True)
    assert_refused_and_unchanged(before, before_files, media)


def test_a_backup_sealed_with_a_key_that_is_not_listed_is_refused(live_db, media, tmp_path, settings):
    make_records(media)
    made = backup.create_backup(tmp_path / "b.bzbak")
    keys = settings.BANZI_DATA_KEYS
    old_id = next(iter(keys))
    before = snapshot()  # read under the keys that sealed the records
    settings.BANZI_DATA_KEYS = {"2027": bytes(range(16, 32))}
    with pytest.raises(CommandError, match=f"sealed with the data key '{old_id}'.*not in BANZI_DATA_KEYS"):
        call_command("restore", str(made.path), yes=True)
    settings.BANZI_DATA_KEYS = keys
    assert_refused_and_unchanged(before, None, media)
    # The same id with other key bytes: it fails authentication.
    before = snapshot()
    settings.BANZI_DATA_KEYS = {old_id: bytes(range(16, 32))}
    with pytest.raises(CommandError, match="is damaged or has been altered"):
        call_command("restore", str(made.path), yes=True)
    settings.BANZI_DATA_KEYS = keys
    assert_refused_and_unchanged(before, None, media)


def test_a_backup_made_before_a_key_rotation_opens_while_its_key_is_listed(live_db, media, tmp_path, settings):
    make_records(media)
    made = backup.create_backup(tmp_path / "b.bzbak")
    settings.BANZI_DATA_KEYS = {"2027": bytes(range(16, 32)), **settings.BANZI_DATA_KEYS}  # the new key seals
    before = snapshot()
    f.CadreFactory()
    call_command("restore", str(made.path), yes=True)
    assert snapshot()["cadres"] == before["cadres"]
    assert backup.create_backup(tmp_path / "c.bzbak").manifest["key_id"] == "2027"


def test_restore_asks_for_confirmation_without_yes(live_db, media, tmp_path, monkeypatch, capsys):
    make_records(media)
    made = backup.create_backup(tmp_path / "b.bzbak")
    f.CadreFactory()
    before, before_files = snapshot(), files(media)
    prompts = []
    monkeypatch.setattr(builtins, "input", lambda prompt: prompts.append(prompt) or "no")
    with pytest.raises(CommandError, match="Restore cancelled. Nothing was changed."):
        call_command("restore", str(made.path))
    assert prompts == ["Type 'yes' to restore: "]
    assert "replaces the whole database and every uploaded file" in capsys.readouterr().out
    assert snapshot() == before and files(media) == before_files

    monkeypatch.setattr(builtins, "input", lambda prompt: "yes")
    call_command("restore", str(made.path))
    assert Cadre.objects.count() == len(before["cadres"]) - 1


def reseal(path, tmp_path, change):
    """A genuine, properly sealed backup whose contents were changed before sealing."""
    opened = backup.open_backup(path, tmp_path / "reseal")
    manifest = opened.manifest
    change(manifest, opened.folder)
    (opened.folder / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    plain = tmp_path / "reseal.tar"
    with tarfile.open(plain, "w") as tar:
        for item in sorted(opened.folder.rglob("*")):
            if item.is_file():
                tar.add(item, arcname=item.relative_to(opened.folder).as_posix())
    backup.seal_file(plain, tmp_path / "resealed.bzbak")
    return tmp_path / "resealed.bzbak"


def other_vendor(manifest, folder):
    manifest["database"]["vendor"] = "postgresql" if connection.vendor == "sqlite" else "sqlite"


def future_migration(manifest, folder):
    manifest["applied_migrations"].append(["core", "9999_from_a_later_release"])


def changed_file(manifest, folder):
    (folder / "media" / "scans" / "2026" / "说明.txt").write_bytes(b"forged")


def extra_file(manifest, folder):
    (folder / "media" / "planted.txt").write_bytes(b"not in the manifest")


@pytest.mark.parametrize("change, message", [
    (other_vendor, "This backup is of a (postgresql|sqlite) database and this installation uses (sqlite|postgresql)"),
    (future_migration, r"migrations this version of Banzi does not know \(core.9999_from_a_later_release\)"),
    (changed_file, "scans/2026/说明.txt in the backup does not match its SHA-256/SM3 hash"),
    (extra_file, r"differ from its manifest .*planted.txt"),
])
def test_a_backup_this_installation_cannot_take_is_refused(live_db, media, tmp_path, change, message):
    make_records(media)
    made = backup.create_backup(tmp_path / "b.bzbak")
    forged = reseal(made.path, tmp_path, change)
    f.CadreFactory()
    before, before_files = snapshot(), files(media)
    with pytest.raises(CommandError, match=f"{message}.*Nothing was changed"):
        call_command("restore", str(forged), yes=True)
    assert_refused_and_unchanged(before, before_files, media)


def test_missing_postgresql_tools_are_named(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(backup.BackupError, match="pg_dump was not found on the PATH: install the PostgreSQL client"):
        backup._tool("pg_dump")


def test_backup_refuses_a_missing_folder(live_db, media, tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("backup", output=str(tmp_path / "no" / "such" / "b.bzbak"))
    assert not AuditEvent.objects.filter(detail__startswith="Backup made").exists()
    failure = AuditEvent.objects.get(detail__startswith="Backup failed: ")
    assert (failure.kind, failure.action) == (AuditEvent.Kind.SECURITY, AuditEvent.Action.EXPORT)


def test_a_dump_the_database_cannot_take_changes_nothing(live_db, media, tmp_path):
    """A backup that authenticates but whose dump the database refuses (here cut in half, its hashes made to
    match): the restore stops before the files, and the database is as it was (SQLite's backup step and
    pg_restore --single-transaction are all or nothing)."""
    make_records(media)
    made = backup.create_backup(tmp_path / "b.bzbak")

    def half_a_dump(manifest, folder):
        dump = folder / manifest["database"]["file"]
        dump.write_bytes(dump.read_bytes()[: dump.stat().st_size // 2])
        manifest["database"].update(backup.file_hashes(dump))

    forged = reseal(made.path, tmp_path, half_a_dump)
    f.CadreFactory()
    before, before_files = snapshot(), files(media)
    with pytest.raises(CommandError, match="Nothing was changed"):
        call_command("restore", str(forged), yes=True)
    assert_refused_and_unchanged(before, before_files, media)


def test_a_broken_audit_chain_after_a_restore_is_reported(live_db, media, tmp_path, monkeypatch, capsys):
    """The restored trail is verified (banzi.core.audit_chain.verify: None when intact, else the first broken
    row): a broken chain is said on screen, in the restore's audit event and by the exit status."""
    make_records(media)
    made = backup.create_backup(tmp_path / "b.bzbak")
    def broken():
        return "event #3 (2026-12-02 10:00:00): the event was changed"

    if audit_chain_verify is not None:
        monkeypatch.setattr(sys.modules["banzi.core.audit_chain"], "verify", broken)
    else:  # a release without the chain: stand one in
        monkeypatch.setitem(sys.modules, "banzi.core.audit_chain", types.SimpleNamespace(verify=broken))
    with pytest.raises(CommandError, match="restored, but the audit chain of the restored trail is broken at event #3"):
        call_command("restore", str(made.path), yes=True)
    assert "Audit chain: broken at event #3" in capsys.readouterr().out
    event = AuditEvent.objects.order_by("-pk").first()
    assert event.detail.startswith("Backup restored:") and "audit chain: broken at event #3" in event.detail
