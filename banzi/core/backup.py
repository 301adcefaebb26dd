"""Backup and restore (GB/T 22239-2019 8.1.4.9 数据备份恢复): `manage.py backup` and `manage.py restore`.

A backup is one file: a tar archive holding

- `database.sqlite3` (SQLite: a copy made with the online backup API, safe while the app runs) or
  `database.pgdump` (PostgreSQL: `pg_dump --format=custom`, from the same snapshot as the counts);
- `media/...`: every uploaded file under MEDIA_ROOT;
- `manifest.json`: when and by which Banzi version it was made, the database vendor, the migrations
  applied (the latest per app, and all of them), the number of rows of every table, and the size,
  SHA-256 and SM3 of the database dump and of every file;

sealed with SM4-GCM (`banzi.core.crypto.encrypt_bytes`, the current key of BANZI_DATA_KEYS) in chunks of
8 MB, so that a database of any size is sealed and opened without holding it in memory. The sealed file is

    MAGIC, a random 16-byte backup id, then frames: [1 byte: last?][4 bytes: length][sealed chunk]

and each chunk is sealed with the backup id, its index and whether it is the last as associated data:
a chunk moved, dropped, repeated, taken from another backup, or a file cut short, fails authentication.
Each sealed chunk names its key id, so a backup made before a key rotation opens as long as the old key
is still listed in BANZI_DATA_KEYS.

A restore first opens and authenticates the whole file, checks every hash, the vendor and the
migrations, and only then replaces the database and the files: a damaged or foreign file changes nothing.
The plain archive only ever exists in a private temporary directory (mode 0700) that is removed afterwards.
"""
import getpass
import hashlib
import importlib.metadata
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from cryptography.hazmat.primitives import hashes
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import translation
from django.utils.translation import gettext as _

from banzi.core import clock, crypto

MAGIC = b"BANZI-BACKUP\x00\x01"
BACKUP_ID_BYTES = 16
CHUNK_BYTES = 8 * 1024 * 1024
# A longer frame is not one of ours (and is not read into memory).
MAX_FRAME_BYTES = 64 * 1024 * 1024
FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_DIR = "media"
DUMP_NAMES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
VENDORS = tuple(DUMP_NAMES)


class BackupError(Exception):
    """A backup could not be made, or a file cannot be restored: the message says why, for the operator."""


# --- hashing -----------------------------------------------------------------------------------------


class _Hashes:
    """SHA-256 and SM3 of a stream, computed while it is read."""

    def __init__(self):
        self.sha256 = hashlib.sha256()
        self.sm3 = hashes.Hash(hashes.SM3())
        self.size = 0

    def update(self, data):
        self.sha256.update(data)
        self.sm3.update(data)
        self.size += len(data)

    def result(self):
        return {"size": self.size, "sha256": self.sha256.hexdigest(), "sm3": self.sm3.finalize().hex()}


class _HashingReader:
    def __init__(self, raw, digests):
        self.raw, self.digests = raw, digests

    def read(self, size=-1):
        data = self.raw.read(size)
        self.digests.update(data)
        return data


def file_hashes(path):
    digests = _Hashes()
    with open(path, "rb") as handle:
        while block := handle.read(1024 * 1024):
            digests.update(block)
    return digests.result()


# --- the sealed file ---------------------------------------------------------------------------------


def _associated(backup_id, index, last):
    return MAGIC + backup_id + index.to_bytes(8, "big") + (b"\x01" if last else b"\x00")


def seal_file(source, output):
    """Seal a plain archive into `output` (written beside it, then renamed; mode 0600). Returns the
    SHA-256 of the sealed file, for the audit trail."""
    output = Path(output)
    partial = output.with_name(output.name + ".part")
    backup_id = os.urandom(BACKUP_ID_BYTES)
    digest = hashlib.sha256()
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with open(descriptor, "wb") as out, open(source, "rb") as plain:
            def write(data):
                out.write(data)
                digest.update(data)

            write(MAGIC + backup_id)
            index, chunk = 0, plain.read(CHUNK_BYTES)
            while True:
                following = plain.read(CHUNK_BYTES)
                last = not following
                sealed = crypto.encrypt_bytes(chunk, associated=_associated(backup_id, index, last))
                write(bytes([last]) + len(sealed).to_bytes(4, "big") + sealed)
                if last:
                    break
                index, chunk = index + 1, following
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, output)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return digest.hexdigest()


def _sealed_key_id(sealed):
    start = len(crypto.BYTES_MAGIC) + 1
    if not sealed.startswith(crypto.BYTES_MAGIC) or len(sealed) < start:
        return None
    return sealed[start:start + sealed[start - 1]].decode("utf-8", "replace")


def unseal_file(path, target):
    """Open and authenticate a sealed backup into the plain archive `target`; BackupError if it is not a
    Banzi backup, is damaged or cut short, or was sealed with a key that is not configured."""
    path = Path(path)
    damaged = f"{path} is damaged or has been altered: it fails authentication"
    try:
        source = open(path, "rb")  # noqa: SIM115 (closed below)
    except OSError as exc:
        raise BackupError(f"Cannot read {path}: {exc.strerror}") from None
    with source, open(target, "wb") as out:
        head = source.read(len(MAGIC) + BACKUP_ID_BYTES)
        if not head.startswith(MAGIC) or len(head) < len(MAGIC) + BACKUP_ID_BYTES:
            raise BackupError(f"{path} is not a Banzi backup.")
        backup_id, index = head[len(MAGIC):], 0
        while True:
            frame = source.read(5)
            if len(frame) < 5:
                raise BackupError(f"{damaged} (it ends too early).")
            last, length = frame[0], int.from_bytes(frame[1:], "big")
            if last not in (0, 1) or length > MAX_FRAME_BYTES:
                raise BackupError(f"{damaged} (chunk {index + 1}).")
            sealed = source.read(length)
            if len(sealed) < length:
                raise BackupError(f"{damaged} (it ends too early).")
            key_id = _sealed_key_id(sealed)
            if key_id is not None and key_id not in crypto.data_keys():
                raise BackupError(
                    f"{path} was sealed with the data key {key_id!r}, which is not in BANZI_DATA_KEYS: list that key "
                    "(after the current one) to open it."
                )
            try:
                out.write(crypto.decrypt_bytes(sealed, associated=_associated(backup_id, index, bool(last))))
            except crypto.DecryptionError:
                raise BackupError(f"{damaged} (chunk {index + 1}).") from None
            index += 1
            if last:
                break
        if source.read(1):
            raise BackupError(f"{damaged} (data after its end).")


# --- the database ------------------------------------------------------------------------------------


def _state(cursor, tables, quote):
    """Rows per table and the migrations applied, read through one DB-API cursor."""
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
        counts[table] = cursor.fetchone()[0]
    applied = []
    if "django_migrations" in counts:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
        applied = [[app, name] for app, name in cursor.fetchall()]
    latest = {}
    for app, name in applied:
        latest[app] = name
    return {"counts": counts, "applied_migrations": applied, "migrations": dict(sorted(latest.items()))}


def _sqlite_quote(name):
    return '"' + name.replace('"', '""') + '"'


def _sqlite_tables(cursor):
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    return [row[0] for row in cursor.fetchall()]


def _sqlite_state(raw):
    cursor = raw.cursor()
    try:
        return _state(cursor, _sqlite_tables(cursor), _sqlite_quote)
    finally:
        cursor.close()


def _live_sqlite():
    if connection.in_atomic_block:
        raise BackupError("Run the backup or restore outside a database transaction.")
    connection.ensure_connection()
    return connection.connection


def _dump_sqlite(target):
    """A consistent copy of the live database by SQLite's online backup API (readers and writers of the
    running app are not stopped), and its state read from the copy."""
    live = _live_sqlite()
    copy = sqlite3.connect(target)
    try:
        live.backup(copy)
        return _sqlite_state(copy)
    finally:
        copy.close()


def _tool(name):
    path = shutil.which(name)
    if not path:
        raise BackupError(
            f"{name} was not found on the PATH: install the PostgreSQL client programs (e.g. apt install "
            "postgresql-client), of the server's major version or newer."
        )
    return path


def _pg_environment():
    """The connection of settings.DATABASES for the PostgreSQL tools, all through the environment: the
    password in PGPASSWORD, never on a command line that every user of the machine can read."""
    db = connection.settings_dict
    env = dict(os.environ)
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"),
                          ("NAME", "PGDATABASE")):
        if db.get(key):
            env[variable] = str(db[key])
    for option, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT"), ("sslcert", "PGSSLCERT"),
                             ("sslkey", "PGSSLKEY"), ("passfile", "PGPASSFILE"), ("service", "PGSERVICE")):
        value = (db.get("OPTIONS") or {}).get(option)
        if value:
            env[variable] = str(value)
    return env


def _run(arguments, what, after_failure=""):
    try:
        done = subprocess.run(arguments, env=_pg_environment(), capture_output=True, text=True, check=False)
    except OSError as exc:
        raise BackupError(f"{what} could not be started: {exc}") from None
    if done.returncode != 0:
        raise BackupError(f"{what} failed (exit status {done.returncode}): {done.stderr.strip()[-2000:]}"
                          f"{after_failure}")
    return done


def _pg_tables(cursor):
    return connection.introspection.table_names(cursor)


def _dump_postgresql(target):
    """pg_dump from the snapshot the row counts were read in (REPEATABLE READ, exported to pg_dump), so
    the manifest describes exactly the dump while the app keeps writing."""
    pg_dump = _tool("pg_dump")
    if connection.in_atomic_block:
        raise BackupError("Run the backup outside a database transaction.")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        state = _state(cursor, _pg_tables(cursor), connection.ops.quote_name)
        _run([pg_dump, "--format=custom", "--no-password", f"--snapshot={snapshot}", f"--file={target}"], "pg_dump")
    return state


def live_counts():
    """Rows per table of the live database now."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            tables = _sqlite_tables(cursor)
        else:
            tables = _pg_tables(cursor)
        return _state(cursor, tables, connection.ops.quote_name)["counts"]


# --- making a backup ---------------------------------------------------------------------------------


def banzi_version():
    try:
        return importlib.metadata.version("banzi")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def default_name():
    return f"banzi-backup-{clock.local_now():%Y%m%d-%H%M%S}.bzbak"


def _media_files():
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return root, []
    found = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                found.append(path)
    return root, found


def _add(tar, arcname, path):
    """Add a file to the archive, hashing it on the way: each file is read once."""
    digests = _Hashes()
    with open(path, "rb") as handle:
        stat = os.fstat(handle.fileno())
        info = tarfile.TarInfo(arcname)
        info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), 0o600
        tar.addfile(info, _HashingReader(handle, digests))
    return digests.result()


@dataclass
class Made:
    path: Path
    manifest: dict
    sha256: str


def create_backup(output=None):
    """Back up the database and MEDIA_ROOT into one sealed file; returns what was made."""
    vendor = connection.vendor
    if vendor not in VENDORS:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    output = Path(output) if output else Path.cwd() / default_name()
    if output.is_dir():
        output = output / default_name()
    if not output.parent.is_dir():
        raise BackupError(f"The folder {output.parent} does not exist.")
    key_id = crypto.current_key_id()
    with tempfile.TemporaryDirectory(prefix="banzi-backup-") as work:
        work = Path(work)
        dump = work / DUMP_NAMES[vendor]
        state = _dump_sqlite(dump) if vendor == "sqlite" else _dump_postgresql(dump)
        archive = work / "backup.tar"
        with tarfile.open(archive, "w", format=tarfile.PAX_FORMAT) as tar:
            database = {"vendor": vendor, "file": dump.name, **_add(tar, dump.name, dump)}
            dump.unlink()
            root, paths = _media_files()
            files = []
            for path in paths:
                relative = path.relative_to(root).as_posix()
                files.append({"path": relative, **_add(tar, f"{MEDIA_DIR}/{relative}", path)})
            manifest = {
                "format": FORMAT,
                "created_at": clock.now().isoformat(),
                "banzi_version": banzi_version(),
                "key_id": key_id,
                "database": database,
                "migrations": state["migrations"],
                "applied_migrations": state["applied_migrations"],
                "counts": state["counts"],
                "media": files,
            }
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(clock.now().timestamp()), 0o600
            tar.addfile(info, io.BytesIO(data))
        sha256 = seal_file(archive, output)
    with translation.override(settings.LANGUAGE_CODE):
        detail = _("Backup made: %(file)s (%(rows)d rows in %(tables)d tables, %(files)d files; SHA-256 %(sha)s; "
                   "sealed with key %(key)s; by %(by)s)") % {
            "file": output.name, "rows": sum(manifest["counts"].values()), "tables": len(manifest["counts"]),
            "files": len(files), "sha": sha256, "key": key_id, "by": _operator()}
    _record(restored=False, detail=detail)
    return Made(output, manifest, sha256)


def _operator():
    try:
        return f"{getpass.getuser()} (manage.py)"
    except (KeyError, OSError):
        return "manage.py"


def _record(*, restored, detail):
    from banzi.core.audit import record_event
    from banzi.core.models import AuditEvent

    # A backup is the whole database exported, a restore the whole database imported: both security events.
    action = AuditEvent.Action.IMPORT if restored else AuditEvent.Action.EXPORT
    record_event(kind=AuditEvent.Kind.SECURITY, action=action, detail=detail)


def record_failure(*, restoring, reason):
    """A backup that failed or a restore that was refused is a security event too (e.g. someone offering a
    forged file); when the database itself is missing there is nowhere to record it, and the command's
    error says it all."""
    from django.db import DatabaseError

    with translation.override(settings.LANGUAGE_CODE):
        message = _("Restore refused: %(reason)s") if restoring else _("Backup failed: %(reason)s")
        detail = message % {"reason": f"{reason} ({_operator()})"}
    try:
        _record(restored=restoring, detail=detail)
    except DatabaseError:
        pass


# --- opening a backup --------------------------------------------------------------------------------


@dataclass
class Opened:
    manifest: dict
    folder: Path
    notes: list = field(default_factory=list)

    @property
    def dump(self):
        return self.folder / self.manifest["database"]["file"]


def _safe_member(member):
    name = PurePosixPath(member.name)
    if name.is_absolute() or ".." in name.parts:
        return False
    if member.isdir():
        return name.parts[0] == MEDIA_DIR
    if not member.isfile():
        return False
    return str(name) in (MANIFEST, *DUMP_NAMES.values()) or (name.parts[0] == MEDIA_DIR and len(name.parts) > 1)


def open_backup(path, work):
    """Authenticate and unpack a backup into the private folder `work`, and check every hash against its
    manifest. Nothing live is touched."""
    work = Path(work)
    work.mkdir(mode=0o700, parents=True, exist_ok=True)
    archive = work / "backup.tar"
    unseal_file(path, archive)
    folder = work / "contents"
    folder.mkdir(mode=0o700)
    try:
        with tarfile.open(archive, "r:") as tar:
            members = tar.getmembers()
            if not all(_safe_member(member) for member in members):
                raise BackupError(f"{path} holds unexpected entries: it was not made by manage.py backup.")
            tar.extractall(folder, filter="data")
    except tarfile.TarError as exc:
        raise BackupError(f"{path} opens, but its archive is unreadable: {exc}") from None
    archive.unlink()
    try:
        manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
        database = manifest["database"]
        if manifest.get("format") != FORMAT or database.get("file") not in DUMP_NAMES.values():
            raise ValueError
    except (OSError, ValueError, KeyError, TypeError):
        raise BackupError(f"{path} has no readable manifest: it was not made by manage.py backup.") from None
    _check_hashes(manifest, folder)
    return Opened(manifest, folder)


def _check_hashes(manifest, folder):
    expected = {f"{MEDIA_DIR}/{entry['path']}": entry for entry in manifest.get("media", [])}
    expected[manifest["database"]["file"]] = manifest["database"]
    present = {path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()} - {MANIFEST}
    if present != set(expected):
        missing, extra = sorted(set(expected) - present), sorted(present - set(expected))
        raise BackupError(f"The backup's files differ from its manifest (missing {missing}, not listed {extra}).")
    for name, entry in expected.items():
        found = file_hashes(folder / name)
        if (found["size"], found["sha256"], found["sm3"]) != (entry["size"], entry["sha256"], entry["sm3"]):
            raise BackupError(f"{name} in the backup does not match its SHA-256/SM3 hash in the manifest.")


def check_restorable(manifest):
    """Refuse a backup of another database vendor or one whose database has migrations this code does not
    know; return notes for the operator (e.g. migrations to apply after the restore)."""
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            f"This backup is of a {vendor} database and this installation uses {connection.vendor}: restore it "
            f"into a {vendor} installation."
        )
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    applied = {tuple(pair) for pair in manifest["applied_migrations"]}
    unknown = sorted(applied - known)
    if unknown:
        listed = ", ".join(f"{app}.{name}" for app, name in unknown[:10])
        raise BackupError(
            f"The backup's database has migrations this version of Banzi does not know ({listed}"
            f"{', ...' if len(unknown) > 10 else ''}): it was made by Banzi {manifest.get('banzi_version')}. "
            "Install that release or a newer one, then restore."
        )
    notes = []
    if connection.vendor == "postgresql":
        extra = sorted(set(live_counts()) - set(manifest["counts"]))
        if extra:
            notes.append(f"{len(extra)} table(s) of this database are not in the backup and stay as they are "
                         f"({', '.join(extra[:5])}{', ...' if len(extra) > 5 else ''}); restore into an empty "
                         "database to leave them out.")
    pending = known - applied
    if pending:
        notes.append(f"The backup predates {len(pending)} migration(s) of this release: run manage.py migrate "
                     "after the restore.")
    return notes


# --- restoring ---------------------------------------------------------------------------------------


def _restore_sqlite(dump):
    source = sqlite3.connect(dump)
    try:
        if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("The database in the backup fails SQLite's integrity check.")
        # The backup API copies the whole file into the live database in one step, under its lock: the
        # live database is replaced as a whole or not at all, and other connections see the new content.
        source.backup(_live_sqlite())
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite could not restore the database ({exc}). Nothing was changed.") from None
    finally:
        source.close()


def _restore_postgresql(dump):
    pg_restore = _tool("pg_restore")
    if connection.in_atomic_block:
        raise BackupError("Run the restore outside a database transaction.")
    connection.close()  # drop our own connection's locks; pg_restore replaces the tables
    _run([pg_restore, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
          "--exit-on-error", "--no-password", f"--dbname={connection.settings_dict['NAME']}", str(dump)],
         "pg_restore", "\nIt ran in one transaction and was rolled back. Nothing was changed.")


def _restore_media(folder):
    """Replace the files under MEDIA_ROOT by the backup's (the folder itself stays: it may be a mount)."""
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    for child in root.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    source = folder / MEDIA_DIR
    if source.is_dir():
        shutil.copytree(source, root, dirs_exist_ok=True)


def verify_audit_chain():
    """The audit chain's verification, where this release has one: (ok or None if unavailable, text)."""
    try:
        from banzi.core.audit_chain import verify
    except ImportError:
        return None, "not available in this release"
    try:
        result = verify()
    except Exception as exc:  # the restore is done; say what the check found rather than fail
        return False, f"verification failed: {exc}"
    ok = getattr(result, "ok", result)
    if isinstance(ok, tuple):
        ok = ok[0] if ok else False
    if ok is None or ok is True:
        return True, str(result) if result not in (None, True) else "intact"
    return False, str(result)


@dataclass
class Restored:
    manifest: dict
    mismatches: list  # (table, rows in the manifest, rows now)
    chain_ok: bool | None
    chain_text: str
    notes: list


def restore_backup(opened):
    """Replace the live database and MEDIA_ROOT by an opened backup, verify the audit chain, compare the row
    counts with the manifest and record the restore in the restored audit trail."""
    manifest = opened.manifest
    if connection.vendor == "sqlite":
        _restore_sqlite(opened.dump)
    else:
        _restore_postgresql(opened.dump)
    ContentType.objects.clear_cache()  # ids of the restored database, not of the replaced one
    _restore_media(opened.folder)
    now = live_counts()
    expected = manifest["counts"]
    mismatches = [(table, expected.get(table), now.get(table)) for table in sorted(set(expected) | set(now))
                  if expected.get(table) != now.get(table)]
    chain_ok, chain_text = verify_audit_chain()
    with translation.override(settings.LANGUAGE_CODE):
        counts = _("as in the backup") if not mismatches else _("%(n)d tables differ") % {"n": len(mismatches)}
        detail = _("Backup restored: made %(made)s by Banzi %(version)s (%(rows)d rows, %(files)d files); row "
                   "counts %(counts)s; audit chain: %(chain)s; by %(by)s") % {
            "made": manifest["created_at"], "version": manifest.get("banzi_version"),
            "rows": sum(expected.values()), "files": len(manifest.get("media", [])), "counts": counts,
            "chain": chain_text, "by": _operator()}
    _record(restored=True, detail=detail)
    return Restored(manifest, mismatches, chain_ok, chain_text, opened.notes)
