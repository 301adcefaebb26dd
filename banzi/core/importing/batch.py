"""Writing an import in batches: the records created (`create_with_history`: each value prepared
once, the record and its creation history row from the same values) and updated (`bulk_update` in
chunks, with django-simple-history's helper), each with its one history row and its one audit
event, chained to the trail in one pass (`audit_chain.append_many`), as saving them one by one
would have written. And the progress of a long import, reported every ~1% (`core.progress`).
"""
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import connections, router, transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history, get_history_model_for_model

from banzi.core import clock, progress
from banzi.core.audit import HISTORY_ACTIONS, _display, client_ip, current_request
from banzi.core.audit_chain import append_many
from banzi.core.bulk import Blank, Lazy, RowValues, insert
from banzi.core.models import AuditEvent

WRITE_BATCH = 1000


class Progress:
    """Reports `done` of `total` steps to `core.progress` about every hundredth of the way."""

    def __init__(self, total):
        self.total = max(total, 1)
        self.done = 0
        self.step = -(-self.total // 100)  # a hundredth, rounded up
        self.next = self.step

    def advance(self, steps=1):
        self.done = min(self.total, self.done + steps)
        if self.done >= self.next or self.done == self.total:
            progress.report(self.done, self.total)
            self.next = self.done + self.step

    def finish(self):
        if self.done < self.total:
            self.done = self.total - 1
            self.advance()


def tracked_fields(model):
    """The model's fields that its history compares (its editable tracked fields)."""
    return [model._meta.get_field(f.name) for f in model.history.model.tracked_fields if f.editable]


def tracked_values(instance, fields=None):
    """The values the record's history compares, as `diff_against` reads them (`model_to_dict` of the
    `tracked_fields`, given when known so that a long import looks them up once)."""
    fields = tracked_fields(type(instance)) if fields is None else fields
    return {field.name: field.value_from_object(instance) for field in fields}


class ChangeLabels:
    """What `audit.field_changes` shows for a changed field, with the names of related records looked
    up once for the whole import (not once per changed record)."""

    def __init__(self, model):
        self.model = model
        self.names = {}
        self.relations = [f for f in model._meta.concrete_fields if f.many_to_one]
        self.tracked = tracked_fields(model)

    def remember(self, field, obj):
        if obj is not None:
            self.names[(field.name, obj.pk)] = str(obj)

    def labels(self, field, values):
        if field.many_to_one or field.one_to_one:
            missing = [v for v in values if v is not None and (field.name, v) not in self.names]
            if missing:
                for obj in field.related_model._base_manager.filter(pk__in=missing):
                    self.remember(field, obj)
            return [None if v is None else self.names.get((field.name, v), f"#{v}") for v in values]
        if field.choices:
            choices = dict(field.flatchoices)
            return [None if v is None or v == "" else str(choices.get(v, v)) for v in values]
        return None

    def changes(self, old, new):
        """The changes between two `tracked_values`, as `audit.field_changes` writes them."""
        changes = []
        for name in sorted(name for name in new if old.get(name) != new[name]):
            field = self.model._meta.get_field(name)
            label = str(field.verbose_name)
            if getattr(field, "sealed", False):
                changes.append({"field": name, "label": label, "old": None, "new": None, "sealed": True})
                continue
            entry = {"field": name, "label": label, "old": _display(old.get(name)), "new": _display(new[name])}
            labels = self.labels(field, [old.get(name), new[name]])
            if labels is not None:
                entry["old_label"], entry["new_label"] = labels
            changes.append(entry)
        return changes


def write_records(user, model, creates, updates, *, reason, fields, progress_=None):
    """Create and update the records in batches, each with one history row and one audit event.

    creates: new records (unsaved); updates: (record, a copy of it as it was before the change); fields:
    the fields an update writes. Raises PermissionDenied if a written record is not within the
    user's reach (values derived on the way, as `services.save_object` checks)."""
    moment = clock.now()
    labels = ChangeLabels(model)
    events = []
    content_type = ContentType.objects.get_for_model(model)
    user_id = getattr(user, "pk", None)
    ip_address = client_ip(current_request())

    blank_event = Blank(AuditEvent)

    def event(instance, history_type, changes):
        made = blank_event(
            time=moment, kind=AuditEvent.Kind.DATA, action=HISTORY_ACTIONS[history_type],
            outcome=AuditEvent.Outcome.SUCCESS, username=user.get_username() if user_id else "",
            content_type_id=content_type.pk, object_id=str(instance.pk), object_repr=str(instance)[:255],
            changes=changes, detail=(reason or "")[:500], ip_address=ip_address,
        )
        if user_id:
            made.user = user
        return made

    # The records created in one COPY (and their history in another), the progress told as each is sent.
    saved = create_with_history(model, creates, user=user, reason=reason, moment=moment,
                                made=progress_.advance if progress_ is not None else None)
    events.extend(event(instance, "+", []) for instance in saved)
    _ensure_within_reach(user, model, [obj.pk for obj in creates])
    update_fields = [*fields, "updated_at"]
    for start in range(0, len(updates), WRITE_BATCH):
        batch = updates[start:start + WRITE_BATCH]
        records = [record for record, _old in batch]
        for record in records:
            record.updated_at = moment
            record._change_reason = reason
        bulk_update_with_history(records, model, update_fields, batch_size=WRITE_BATCH, default_user=user,
                                 default_change_reason=reason, default_date=moment)
        _ensure_within_reach(user, model, [record.pk for record in records])
        for record, original in batch:
            for field in labels.relations:
                for obj in (record, original):
                    if field.is_cached(obj):
                        labels.remember(field, getattr(obj, field.name))
            events.append(event(record, "~", labels.changes(tracked_values(original, labels.tracked),
                                                            tracked_values(record, labels.tracked))))
        if progress_ is not None:
            progress_.advance(len(batch))
    append_many(events, batch_size=WRITE_BATCH)
    return len(events)


def create_with_history(model, instances, *, user, reason, moment, using=None, made=None):
    """Insert new records, each with its creation history row, as `bulk_create_with_history` writes
    them (history date, user and reason given), in one transaction; returns the records, now with
    their primary keys.

    Each value is prepared once (`core.bulk.RowValues`) and the history row takes the record's own
    values: an ID number or a phone is sealed once, and the record and its history hold the same
    sealed text. The timestamps `save()` sets (created, updated) are `moment`, as is the history date."""
    instances = list(instances)
    if not instances:
        return instances
    opts = model._meta
    if not opts.pk.db_returning or any(obj.pk is not None for obj in instances):
        raise TypeError(f"{opts.label}: only new records with a key the database gives can be created here")
    using = using or router.db_for_write(model)
    connection = connections[using]
    fields = [f for f in opts.concrete_fields if f is not opts.pk and not f.generated]
    values = RowValues(fields, connection, moment)
    rows = []

    def row(obj):
        rows.append(values.row(obj))
        if made is not None:
            made()
        return rows[-1]

    with transaction.atomic(using=using, savepoint=False):
        keys = insert(model, fields, Lazy(instances, row), using=using, returning=True, batch_size=WRITE_BATCH)
        for obj, key in zip(instances, keys, strict=True):
            obj.pk = key
            obj._state.adding = False
            obj._state.db = using
        if getattr(settings, "SIMPLE_HISTORY_ENABLED", True) and hasattr(opts, "simple_history_manager_attribute"):
            history = get_history_model_for_model(model)
            columns, build = _history_columns(history, fields, connection, user=user, reason=reason, moment=moment)
            insert(history, columns, Lazy(range(len(instances)), lambda i: build(instances[i], rows[i])),
                   using=using, batch_size=WRITE_BATCH)
    return instances


def _history_columns(history, fields, connection, *, user, reason, moment):
    """The columns of a creation history row and a function of (record, its row of values) giving the
    history row: the record's own prepared values, its key, and the history's date, user, reason, type."""
    given = {"history_date": moment, "history_type": "+", "history_change_reason": reason,
             "history_user_id": getattr(user, "pk", None)}
    position = {f.attname: index for index, f in enumerate(fields)}
    columns, parts = [], []  # each part: ("row", index), ("key", field) or ("value", prepared)
    for field in history._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(field)
        if field.attname in given:
            parts.append(("value", field.get_db_prep_save(given[field.attname], connection)))
        elif field.attname in position and type(field) is type(fields[position[field.attname]]):
            parts.append(("row", position[field.attname]))
        elif field.name == history.instance_type._meta.pk.name:
            parts.append(("key", field))
        else:
            raise TypeError(f"{history._meta.label}.{field.name} is not a copy of a field of the record")

    def build(obj, row):
        return [row[part] if kind == "row" else part.get_db_prep_save(obj.pk, connection) if kind == "key" else part
                for kind, part in parts]

    return columns, build


def _ensure_within_reach(user, model, pks):
    if not pks:
        return
    editable = model._default_manager.editable_by(user)
    low, high = min(pks), max(pks)
    if isinstance(low, int) and high - low < 2 * len(pks):
        # Keys given one after the other (the records just created): those within their range the
        # user may change, in one query of two parameters, rather than thousands of keys named.
        within = set(editable.filter(pk__range=(low, high)).values_list("pk", flat=True))
        if not within.issuperset(pks):
            raise PermissionDenied(_("This record would be outside the organizations you manage."))
    elif editable.filter(pk__in=pks).count() != len(set(pks)):
        raise PermissionDenied(_("This record would be outside the organizations you manage."))
