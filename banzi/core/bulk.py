"""Rows inserted in bulk with their values prepared once: for a write of thousands of records (an
import) where Django's `bulk_create`, preparing every value of every row through the compiler,
takes more time than the database.

`RowValues` turns records into what the database driver is given, field by field, exactly as
`bulk_create` does (`Field.get_db_prep_save`), but prepares a value that repeats in a field (a unit, a
gender, a date) once; a sealed field (`core.fields`) is sealed for every value, each with its own
nonce. `insert` writes prepared rows in multi-row INSERTs, returning the new primary keys in the
order of the rows when asked.
"""
from itertools import pairwise

from django.db import connections, models

_PLAIN_PRE_SAVE = (models.Field.pre_save, models.DateField.pre_save, models.DateTimeField.pre_save)


def is_timestamp(field):
    """Whether the field is set by `save()` to the current moment (auto_now or auto_now_add)."""
    return bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))


class RowValues:
    """The driver's values of `fields` for records being created, as `bulk_create` would give them.

    moment: the value of the timestamps that `save()` would set (auto_now, auto_now_add); it is set
    on the records too."""

    def __init__(self, fields, connection, moment=None):
        self.fields = list(fields)
        self.connection = connection
        self.moment = moment
        for field in self.fields:
            if hasattr(field, "get_placeholder"):
                raise TypeError(f"{field} needs its own SQL placeholder; write it with bulk_create")
        self.memos = [None if getattr(field, "sealed", False) else {} for field in self.fields]
        self.timestamps = [field.attname for field in self.fields if is_timestamp(field)]
        self.read = [self._reader(field) for field in self.fields]

    def _reader(self, field):
        if is_timestamp(field) or type(field).pre_save in _PLAIN_PRE_SAVE:
            attname = field.attname
            return lambda obj: getattr(obj, attname)
        return lambda obj: field.pre_save(obj, True)

    def prepare(self, index, value):
        """The driver's value of the index-th field for a Python value."""
        memo = self.memos[index]
        if memo is None:
            return self.fields[index].get_db_prep_save(value, self.connection)
        try:
            key = (type(value), value)
            return memo[key]
        except KeyError:
            prepared = memo[key] = self.fields[index].get_db_prep_save(value, self.connection)
            return prepared
        except TypeError:  # a value that cannot be a key (a list for a JSON field): prepared each time
            return self.fields[index].get_db_prep_save(value, self.connection)

    def row(self, obj):
        """The record's values in the order of `fields`; its timestamps are set to `moment` first."""
        for attname in self.timestamps:
            setattr(obj, attname, self.moment)
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
        prepare = self.prepare
        return [prepare(index, read(obj)) for index, read in enumerate(self.read)]


def insert(model, fields, rows, *, using="default", returning=False, batch_size=1000):
    """Insert rows of driver values (in the order of `fields`) into the model's table, several rows
    a statement. Returns the new primary keys in the order of the rows if `returning`, else None."""
    if not rows:
        return [] if returning else None
    connection = connections[using]
    ops = connection.ops
    opts = model._meta
    size = max(1, min(batch_size, ops.bulk_batch_size(fields, rows)))
    head = f"INSERT INTO {ops.quote_name(opts.db_table)} ({', '.join(ops.quote_name(f.column) for f in fields)}) "
    tail = ""
    if returning:
        if not connection.features.can_return_rows_from_bulk_insert:
            raise NotImplementedError(f"{connection.vendor} cannot return the keys of a multi-row insert")
        tail, _params = ops.return_insert_columns([opts.pk])
    placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
    statements = {}
    keys = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = rows[start:start + size]
            sql = statements.get(len(chunk))
            if sql is None:
                sql = statements[len(chunk)] = f"{head}VALUES {', '.join([placeholders] * len(chunk))} {tail}"
            cursor.execute(sql, [value for row in chunk for value in row])
            if returning:
                returned = [row[0] for row in ops.fetch_returned_insert_rows(cursor)]
                # The keys are matched to the rows by their order, as bulk_create does; one statement's
                # keys come from its sequence in the order of its rows, else the write is refused.
                if len(returned) != len(chunk) or any(a >= b for a, b in pairwise(returned)):
                    raise RuntimeError(f"the keys returned by an insert into {opts.db_table} do not follow its rows")
                keys.extend(returned)
    return keys if returning else None
