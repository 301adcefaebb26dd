"""The audit trail's integrity (GB/T 22239-2019 8.1.4.3 c): a chain of HMAC-SM3 macs, a guard in the
database, verification and archiving.

- Each `AuditEvent` carries `mac` = HMAC-SM3 (the audit key, `crypto.audit_mac`) over a canonical
  serialization of its fields and the previous event's mac, in the order of ids. Inserts are
  serialized (PostgreSQL: a transaction-scoped advisory lock; SQLite: one writer at a time, the
  previous mac read in the inserting transaction), so no two events chain to the same one.
- The database refuses UPDATE and DELETE of events (triggers on PostgreSQL and SQLite, installed by
  migration `core.0010`): an event may be deleted only when an `AuditArchive` covers it, and the one
  update let through is a deleted user's id set to NULL (the username and name stay, under the mac).
- `verify()` walks the chain (streaming) and names the first event or archive record that does not
  match; `archive()` exports old events to a sealed file, records where the chain now starts, and
  only then deletes them; `verify_archive()` checks such a file.

The user's id is not under the mac (it is let go when the user is deleted); the username and the
user's name are.
"""
import datetime
import json
import os
from dataclasses import dataclass

from django.conf import settings
from django.core import checks
from django.db import connections, router, transaction
from django.utils import timezone

from . import bulk, clock, crypto

# pg_advisory_xact_lock key of the chain's head ("banzi audit").
LOCK_KEY = 0x62616E7A69_4155
ARCHIVE_FORMAT = "banzi-audit-archive"
ARCHIVE_ASSOCIATED = b"banzi-audit-archive-v1"
MIN_RETENTION_DAYS = 180

# The fields under an event's mac, in this order (the user's id is not: see the module's docstring).
CHAINED_FIELDS = ("time", "kind", "action", "outcome", "username", "user_display", "content_type_id", "object_id",
                  "object_repr", "changes", "detail", "ip_address")
ARCHIVE_FIELDS = ("time", "before", "first_id", "last_id", "count", "last_mac", "file_name", "file_digest")


def _models():
    from .models import AuditArchive, AuditEvent

    return AuditEvent, AuditArchive


# --- the canonical form and the mac -----------------------------------------------------------------

def _moment(value):
    if value is None:
        return None
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _normalize(value):
    """A JSON value as the database gives it back: keys as text, tuples as lists, and a float that is
    a whole number as an integer (PostgreSQL's jsonb does not keep 1e16 as a float)."""
    if isinstance(value, dict):
        return {str(k): _normalize(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_normalize(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _ip(event):
    value = event.ip_address
    if not value:
        return None
    # As stored: an IPv6 address is normalized on its way to the database.
    return event._meta.get_field("ip_address").get_prep_value(value)


def chained_values(event):
    """An event's chained fields as JSON values, as they read back from the database."""
    values = {name: getattr(event, name) for name in CHAINED_FIELDS}
    values["time"] = _moment(event.time)
    # As the database gives the changes back (no changes, as for a created record, need no round trip).
    values["changes"] = _normalize(json.loads(json.dumps(event.changes))) if event.changes else []
    values["ip_address"] = _ip(event)
    return values


def canonical(values, previous_mac):
    """The text an event's mac is computed over: its chained values and the previous event's mac."""
    return json.dumps({**values, "previous": previous_mac or ""}, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"))


def event_mac(event, previous_mac):
    return crypto.audit_mac(canonical(chained_values(event), previous_mac))


def archive_mac(archive, previous_mac):
    values = {name: getattr(archive, name) for name in ARCHIVE_FIELDS}
    values["time"] = _moment(archive.time)
    values["before"] = _moment(archive.before)
    values["previous"] = previous_mac or ""
    return crypto.audit_mac(json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":")))


# --- appending ------------------------------------------------------------------------------------------

def chain_start(using="default"):
    """The mac the trail's oldest remaining event chains to: the last archived event's, or ''."""
    _event, AuditArchive = _models()
    return AuditArchive.objects.using(using).order_by("-last_id").values_list("last_mac", flat=True).first() or ""


def head_mac(using="default"):
    AuditEvent, _archive = _models()
    # One plain statement: it runs before every audit event, and building it through the ORM cost more
    # than running it.
    connection = connections[using]
    table, column, key = (connection.ops.quote_name(name) for name in (
        AuditEvent._meta.db_table, AuditEvent._meta.get_field("mac").column, AuditEvent._meta.pk.column))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} ORDER BY {key} DESC LIMIT 1")  # noqa: S608 - the model's own names
        row = cursor.fetchone()
    return row[0] if row is not None else chain_start(using)


def lock_chain(using="default"):
    """Serialize appends until the end of the transaction. PostgreSQL: an advisory lock; SQLite lets
    one connection write at a time, and the previous mac is read in the inserting transaction."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def _fill_user(event, names=None):
    """The event's username and how its user is shown; `names` ({user id: (username, shown)}) keeps
    them for the next events of the same user (a bulk write's thousand events have one user)."""
    user = event.user if event.user_id else None
    if user is not None:
        known = names.get(user.pk) if names is not None else None
        if known is None:
            known = (user.get_username(), str(getattr(user, "display_name", "") or user.get_username()))
            if names is not None:
                names[user.pk] = known
        event.username = event.username or known[0]
        if not event.user_display:
            event.user_display = known[1]
    event.username = (event.username or "")[:150]
    event.user_display = (event.user_display or "")[:150]
    event.object_repr = (event.object_repr or "")[:255]
    event.detail = (event.detail or "")[:500]


def append(event, insert):
    """Chain a new event to the trail's head and insert it (`insert()`), in one transaction."""
    AuditEvent, _archive = _models()
    using = event._state.db or router.db_for_write(AuditEvent)
    with transaction.atomic(using=using, savepoint=False):
        lock_chain(using)
        if event.time is None:
            event.time = clock.now()
        _fill_user(event)
        event.mac = event_mac(event, head_mac(using))
        insert()


def append_many(events, *, batch_size=1000, using=None):
    """Chain new events to the trail's head, in their order, and insert them in batches, in one
    transaction: the head is read once under the lock and each event chains to the one before it
    (as `append` would, one by one). For a bulk write that has one event per record (an import).

    The chain is verified in the order of ids: each batch is one INSERT whose ids follow the order
    of its rows; should a database hand them out otherwise, the whole write is refused."""
    AuditEvent, _archive = _models()
    events = list(events)
    if not events:
        return events
    using = using or router.db_for_write(AuditEvent)
    with transaction.atomic(using=using, savepoint=False):
        lock_chain(using)
        previous = head_mac(using)
        moment = clock.now()
        names = {}
        for event in events:  # what may read the database (an event's user), before the COPY
            if event.time is None:
                event.time = moment
            _fill_user(event, names)
        # The queryset refuses bulk inserts (they would bypass the chain); these are chained here, each
        # as its row is written (`bulk.Lazy`: no query), in the order of the rows.
        # Each value is prepared once (`bulk.RowValues`): most repeat from one event to the next.
        connection = connections[using]
        fields = [f for f in AuditEvent._meta.concrete_fields if f is not AuditEvent._meta.pk]
        values = bulk.RowValues(fields, connection)

        def chained_row(event):
            nonlocal previous
            event.mac = previous = event_mac(event, previous)
            return values.row(event)

        ids = bulk.insert(AuditEvent, fields, bulk.Lazy(events, chained_row), using=using,
                          returning=True, batch_size=batch_size)
        if ids != sorted(ids):
            raise RuntimeError("audit events were not given ids in the order of the chain")
        for event, pk in zip(events, ids, strict=True):
            event.pk = pk
            event._state.adding = False
            event._state.db = using
    return events


# --- verifying ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Broken:
    """The first row that does not match its mac: an audit event, or an archive record."""

    model: str  # "event" or "archive"
    id: int
    time: datetime.datetime | None
    reason: str

    def __str__(self):
        when = f" ({clock.local(self.time):%Y-%m-%d %H:%M:%S})" if self.time else ""
        return f"{self.model} #{self.id}{when}: {self.reason}"


@dataclass(frozen=True)
class Report:
    count: int
    first_id: int | None
    last_id: int | None
    archives: int
    broken: Broken | None


def _check_archives(using):
    """The archive records chained among themselves; returns (last archive or None, Broken or None)."""
    _event, AuditArchive = _models()
    previous, last = "", None
    for archive in AuditArchive.objects.using(using).order_by("last_id", "id").iterator(chunk_size=500):
        if archive.mac != archive_mac(archive, previous):
            return last, Broken("archive", archive.pk, archive.time, "the archive record does not match its MAC")
        previous, last = archive.mac, archive
    return last, None


def check(using="default", chunk_size=2000):
    """Walk the whole trail in the order of ids, a chunk at a time; the report names the first
    broken row (or none)."""
    AuditEvent, AuditArchive = _models()
    last_archive, broken = _check_archives(using)
    archives = AuditArchive.objects.using(using).count() if last_archive is not None else 0
    if broken is not None:
        return Report(0, None, None, archives, broken)
    previous = last_archive.last_mac if last_archive else ""
    count, first_id, last_id = 0, None, None
    rows = AuditEvent.objects.using(using).order_by("id").iterator(chunk_size=chunk_size)
    for event in rows:
        if last_archive is not None and event.pk <= last_archive.last_id:
            return Report(count, first_id, last_id, archives,
                          Broken("event", event.pk, event.time, "an archived event is still in the trail"))
        if event.mac != event_mac(event, previous):
            reason = ("the event was changed, or an event before it was removed" if event.mac
                      else "the event has no MAC")
            return Report(count, first_id, last_id, archives, Broken("event", event.pk, event.time, reason))
        previous = event.mac
        count += 1
        first_id = event.pk if first_id is None else first_id
        last_id = event.pk
    return Report(count, first_id, last_id, archives, None)


def verify(using="default"):
    """The first broken row of the audit trail (a `Broken`: model, id, time, reason), or None when
    every event matches its mac and its place in the chain. For `manage.py verify_audit` and for a
    restore's check."""
    return check(using).broken


# --- the database guard -------------------------------------------------------------------------------

REFUSED = "audit trail is append-only"


def _tables(apps=None):
    if apps is None:
        AuditEvent, AuditArchive = _models()
    else:
        AuditEvent, AuditArchive = apps.get_model("core", "AuditEvent"), apps.get_model("core", "AuditArchive")
    return AuditEvent, AuditArchive


def guard_sql(vendor, apps=None):
    """The statements that make the audit tables append-only on this database."""
    AuditEvent, AuditArchive = _tables(apps)
    events, archives = AuditEvent._meta.db_table, AuditArchive._meta.db_table
    if vendor == "postgresql":
        return [
            f"""CREATE OR REPLACE FUNCTION {events}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        -- A deleted user's id is let go (ON DELETE SET NULL); nothing else changes.
        IF OLD.user_id IS NOT NULL AND NEW.user_id IS NULL
           AND (to_jsonb(NEW) - 'user_id') = (to_jsonb(OLD) - 'user_id') THEN
            RETURN NEW;
        END IF;
    ELSIF TG_OP = 'DELETE' THEN
        -- Only archived events go: covered by an archive record, and older than its cut-off.
        IF EXISTS (SELECT 1 FROM {archives} a WHERE OLD.id <= a.last_id AND OLD.time < a.before) THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION '{REFUSED}: % of {events} refused', TG_OP USING ERRCODE = '23000';
END $$""",
            f"""CREATE OR REPLACE FUNCTION {archives}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{REFUSED}: % of % refused', TG_OP, TG_TABLE_NAME USING ERRCODE = '23000';
END $$""",
            f"CREATE TRIGGER {events}_append_only BEFORE UPDATE OR DELETE ON {events} "
            f"FOR EACH ROW EXECUTE FUNCTION {events}_append_only()",
            f"CREATE TRIGGER {events}_no_truncate BEFORE TRUNCATE ON {events} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {archives}_append_only()",
            f"CREATE TRIGGER {archives}_append_only BEFORE UPDATE OR DELETE ON {archives} "
            f"FOR EACH ROW EXECUTE FUNCTION {archives}_append_only()",
            f"CREATE TRIGGER {archives}_no_truncate BEFORE TRUNCATE ON {archives} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {archives}_append_only()",
        ]
    if vendor == "sqlite":
        unchanged = " AND ".join(
            f'NEW."{f.column}" IS OLD."{f.column}"' for f in AuditEvent._meta.concrete_fields if f.name != "user"
        )
        return [
            f"""CREATE TRIGGER {events}_no_update BEFORE UPDATE ON {events} FOR EACH ROW
WHEN NOT (OLD.user_id IS NOT NULL AND NEW.user_id IS NULL AND {unchanged})
BEGIN SELECT RAISE(ABORT, '{REFUSED}: UPDATE of {events} refused'); END""",
            f"""CREATE TRIGGER {events}_no_delete BEFORE DELETE ON {events} FOR EACH ROW
WHEN NOT EXISTS (SELECT 1 FROM {archives} a WHERE OLD.id <= a.last_id AND OLD.time < a.before)
BEGIN SELECT RAISE(ABORT, '{REFUSED}: DELETE of {events} refused'); END""",
            f"""CREATE TRIGGER {archives}_no_update BEFORE UPDATE ON {archives} FOR EACH ROW
BEGIN SELECT RAISE(ABORT, '{REFUSED}: UPDATE of {archives} refused'); END""",
            f"""CREATE TRIGGER {archives}_no_delete BEFORE DELETE ON {archives} FOR EACH ROW
BEGIN SELECT RAISE(ABORT, '{REFUSED}: DELETE of {archives} refused'); END""",
        ]
    return []


def unguard_sql(vendor, apps=None):
    AuditEvent, AuditArchive = _tables(apps)
    events, archives = AuditEvent._meta.db_table, AuditArchive._meta.db_table
    if vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {events}_append_only ON {events}",
            f"DROP TRIGGER IF EXISTS {events}_no_truncate ON {events}",
            f"DROP TRIGGER IF EXISTS {archives}_append_only ON {archives}",
            f"DROP TRIGGER IF EXISTS {archives}_no_truncate ON {archives}",
            f"DROP FUNCTION IF EXISTS {events}_append_only()",
            f"DROP FUNCTION IF EXISTS {archives}_append_only()",
        ]
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {name}" for name in (
            f"{events}_no_update", f"{events}_no_delete", f"{archives}_no_update", f"{archives}_no_delete")]
    return []


def install_guard(connection, apps=None):
    with connection.cursor() as cursor:
        for statement in guard_sql(connection.vendor, apps):
            cursor.execute(statement)


def remove_guard(connection, apps=None):
    with connection.cursor() as cursor:
        for statement in unguard_sql(connection.vendor, apps):
            cursor.execute(statement)


def guard_installed(connection):
    """Whether the triggers are in place (for `check --deploy` and the tests)."""
    AuditEvent, _archive = _models()
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table])
        elif connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [table])
        else:
            return False
        names = {row[0] for row in cursor.fetchall()}
    expected = {f"{table}_no_update", f"{table}_no_delete"} if connection.vendor == "sqlite" else {
        f"{table}_append_only", f"{table}_no_truncate"}
    return expected <= names


# --- retention and archiving --------------------------------------------------------------------------

def retention_days():
    return int(getattr(settings, "BANZI_AUDIT_RETENTION_DAYS", MIN_RETENTION_DAYS))


def latest_archivable_date():
    """The latest cut-off an archive may take: events from this date on are within the retention."""
    return clock.today() - datetime.timedelta(days=retention_days())


@checks.register(checks.Tags.security)
def check_retention(app_configs=None, **kwargs):
    days = getattr(settings, "BANZI_AUDIT_RETENTION_DAYS", MIN_RETENTION_DAYS)
    if not isinstance(days, int) or days < MIN_RETENTION_DAYS:
        return [checks.Error(
            f"BANZI_AUDIT_RETENTION_DAYS is {days!r}: audit events must be kept at least {MIN_RETENTION_DAYS} days "
            "(GB/T 22239-2019 8.1.4.3).", id="banzi.E301")]
    return []


class ArchiveError(Exception):
    """An archive was refused (a date within the retention) or a file does not verify."""


def _cutoff(before):
    """The county's midnight starting `before`, as a stored moment."""
    return datetime.datetime.combine(before, datetime.time.min, tzinfo=timezone.get_default_timezone())


def _row(event):
    """An event as a line of an archive: its chained values, its mac, and what helps a reader."""
    content_type = event.content_type
    return {**chained_values(event), "id": event.pk, "user_id": event.user_id, "mac": event.mac,
            "content_type": f"{content_type.app_label}.{content_type.model}" if content_type else None}


def _row_mac(data, previous):
    values = {name: data.get(name) for name in CHAINED_FIELDS}
    values["changes"] = _normalize(values["changes"] or [])
    return crypto.audit_mac(canonical(values, previous))


def archive(before, output, *, using="default"):
    """Export the events older than `before` (a date at least the retention ago) to `output`,
    sealed (SM4-GCM under the data key, with an HMAC-SM3 seal under the audit key inside), then
    record the archive and delete them, in one transaction. Returns the `AuditArchive`, or None when
    there was nothing to archive. The file is written and synced before anything is deleted."""
    AuditEvent, AuditArchive = _models()
    if before > latest_archivable_date():
        raise ArchiveError(
            f"{before} is within the retention of {retention_days()} days: archive events before "
            f"{latest_archivable_date()} at the latest.")
    if os.path.exists(output):
        raise ArchiveError(f"{output} exists already; choose a new file.")
    cutoff = _cutoff(before)
    with transaction.atomic(using=using):
        lock_chain(using)
        events = AuditEvent.objects.using(using)
        # The archive is a prefix of the chain: every event up to the first one from the cut-off on.
        newer = events.filter(time__gte=cutoff).order_by("id").values_list("id", flat=True).first()
        older = events.filter(time__lt=cutoff)
        if newer is not None:
            older = older.filter(id__lt=newer)
        last_id = older.order_by("-id").values_list("id", flat=True).first()
        if last_id is None:
            return None
        start = chain_start(using)
        first_id, count, previous, body = None, 0, start, []
        for event in events.filter(id__lte=last_id).select_related("content_type").order_by("id").iterator(
                chunk_size=2000):
            if event.mac != event_mac(event, previous):
                raise ArchiveError(f"the trail is broken at event #{event.pk}; run verify_audit, archive nothing")
            body.append(json.dumps(_row(event), ensure_ascii=False, sort_keys=True))
            previous = event.mac
            first_id = event.pk if first_id is None else first_id
            count += 1
        header = {"format": ARCHIVE_FORMAT, "version": 1, "before": before.isoformat(), "first_id": first_id,
                  "last_id": last_id, "count": count, "start_mac": start, "last_mac": previous,
                  "written_at": _moment(clock.now())}
        text = "\n".join([json.dumps(header, ensure_ascii=False, sort_keys=True), *body])
        seal = crypto.audit_mac(text)
        sealed = crypto.encrypt_bytes(f"{text}\n{json.dumps({'seal': seal})}\n".encode(), ARCHIVE_ASSOCIATED)
        with open(output, "xb") as out:
            out.write(sealed)
            out.flush()
            os.fsync(out.fileno())
        record = AuditArchive(before=cutoff, first_id=first_id, last_id=last_id, count=count, last_mac=previous,
                              file_name=os.path.abspath(output)[:500], file_digest=seal)
        previous_archive = AuditArchive.objects.using(using).order_by("-last_id").values_list("mac", flat=True).first()
        record.mac = archive_mac(record, previous_archive or "")
        record.save(using=using)
        deleted = _delete_archived(using, last_id)
        if deleted != count:
            raise ArchiveError(f"{deleted} events deleted, {count} archived: nothing deleted")
        from .audit import record_event

        # The archiving itself is on the trail, chained to the archive's last event.
        record_event(kind=AuditEvent.Kind.SECURITY, action=AuditEvent.Action.ARCHIVE, obj=record,
                     detail=f"{count} events #{first_id}–#{last_id} before {before} → {record.file_name}")
    return record


def _delete_archived(using, last_id):
    """The one deletion of audit events there is; the database checks an archive covers each."""
    AuditEvent, _archive = _models()
    table = AuditEvent._meta.db_table
    with connections[using].cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id <= %s", [last_id])  # noqa: S608 - the model's own table
        return cursor.rowcount


@dataclass(frozen=True)
class ArchiveReport:
    count: int
    first_id: int | None
    last_id: int | None
    before: str
    start_mac: str
    last_mac: str
    recorded: bool  # an archive record in this database names this file's last event and mac


def read_archive(path):
    """The header and rows of an archive file, after checking its seal; raises ArchiveError."""
    try:
        with open(path, "rb") as source:
            plain = crypto.decrypt_bytes(source.read(), ARCHIVE_ASSOCIATED).decode("utf-8")
    except (OSError, crypto.DecryptionError, UnicodeDecodeError) as exc:
        raise ArchiveError(f"{path}: cannot be opened ({exc})") from exc
    lines = plain.rstrip("\n").split("\n")
    if len(lines) < 2:
        raise ArchiveError(f"{path}: not an audit archive")
    text, seal_line = "\n".join(lines[:-1]), lines[-1]
    try:
        seal = json.loads(seal_line)["seal"]
        header = json.loads(lines[0])
    except (ValueError, KeyError, TypeError) as exc:
        raise ArchiveError(f"{path}: not an audit archive") from exc
    if header.get("format") != ARCHIVE_FORMAT or seal != crypto.audit_mac(text):
        raise ArchiveError(f"{path}: the archive's seal does not match its content")
    return header, seal, [json.loads(line) for line in lines[1:-1]]


def verify_archive(path, using="default"):
    """Check an archive file: its seal, and the chain of its events from its start; returns an
    ArchiveReport or raises ArchiveError naming the first broken event."""
    _event, AuditArchive = _models()
    header, seal, rows = read_archive(path)
    previous = header.get("start_mac", "")
    for data in rows:
        if data.get("mac") != _row_mac(data, previous):
            raise ArchiveError(f"{path}: event #{data.get('id')} ({data.get('time')}) does not match its MAC")
        previous = data["mac"]
    if len(rows) != header.get("count") or previous != header.get("last_mac"):
        raise ArchiveError(f"{path}: the archive holds {len(rows)} events, its header says {header.get('count')}")
    recorded = AuditArchive.objects.using(using).filter(
        last_id=header["last_id"], last_mac=header["last_mac"], file_digest=seal).exists()
    return ArchiveReport(len(rows), header.get("first_id"), header.get("last_id"), header.get("before", ""),
                         header.get("start_mac", ""), previous, recorded)
