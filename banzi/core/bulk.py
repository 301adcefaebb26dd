"""Rows inserted in bulk with their values prepared once: for a write of thousands of records (an
import) where Django's `bulk_create`, preparing every value of every row through the compiler,
takes more time than the database.

`RowValues` turns records into what the database driver is given, field by field, exactly as
`bulk_create` does (`Field.get_db_prep_save`), but prepares a value that repeats in a field (a unit, a
gender, a date) once; a sealed field (`core.fields`) is sealed for every value, each with its own
nonce. `insert` writes prepared rows (COPY on PostgreSQL, multi-row INSERTs elsewhere), returning
the new primary keys in the order of the rows when asked. `Blank` makes new records by the thousand, as `Model(**values)` does.
"""
import contextlib
import gc
import inspect
from itertools import pairwise

from django.db import connections, models
from django.db.models import signals
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute

# The attributes of fields Django makes: setting one on a new record stores the value, as in its __dict__.
_PLAIN_ATTRIBUTES = (DeferredAttribute, ForeignKeyDeferredAttribute)
_PLAIN_PRE_SAVE = (models.Field.pre_save, models.DateField.pre_save, models.DateTimeField.pre_save)
# Fields whose preparation gives a value of this type back as it is (`CharField.get_prep_value` of a
# text is the text): such a value is passed on without looking it up.
_AS_IS = {models.CharField: str, models.TextField: str, models.BooleanField: bool}


def is_timestamp(field):
    """Whether the field is set by `save()` to the current moment (auto_now or auto_now_add)."""
    return bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))


@contextlib.contextmanager
def collector_paused():
    """Python's cyclic garbage collector paused while thousands of records are read, built and written:
    each of its passes walks every live object again, which cost a 10,000-row import a sixth of its
    time. Reference counting still frees what is dropped; the collector runs again afterwards. Usable
    as a decorator; a pause within a pause leaves the collector as the outer one found it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Blank:
    """New records of a model, each field at its default as `Model()` leaves it, with some values
    given by attname: `Blank(Cadre)(name="张三")`. Several times faster than `Model(**values)` for
    thousands of records: the defaults that do not change are worked out once. A record is a copy of
    a blank one made once, its values put in its `__dict__` as `Model.__init__` would put them, when
    nothing can tell the difference: no receiver of `pre_init` or `post_init` for the model, and every
    field's attribute Django's own (a foreign key's, on a record that has cached no related one, only
    stores the key). Otherwise each is made by `Model(*values)`, Django's fast path (that of records
    read from the database)."""

    def __init__(self, model):
        self.model = model
        fields = model._meta.concrete_fields
        self.index = {field.attname: index for index, field in enumerate(fields)}
        self.values = []
        self.each_time = []  # (index, field): a default worked out for each record (a callable, a database default)
        for index, field in enumerate(fields):
            if (field.has_default() and callable(field.default)) or field.has_db_default():
                self.each_time.append((index, field))
                self.values.append(None)
            else:
                self.values.append(field.get_default())
        self.template = None
        plain = (model.__init__ is models.Model.__init__ and model.__setattr__ is models.Model.__setattr__
                 and all(type(inspect.getattr_static(model, field.attname, None)) in _PLAIN_ATTRIBUTES
                         for field in fields))
        if plain and not signals.pre_init.has_listeners(model) and not signals.post_init.has_listeners(model):
            blank = model(*self.values)
            self.template = {name: value for name, value in blank.__dict__.items() if name != "_state"}

    def __call__(self, **values):
        if not values.keys() <= self.index.keys():
            raise TypeError(f"{self.model._meta.label} has no field {sorted(values.keys() - self.index.keys())}")
        if self.template is None:
            args = self.values.copy()
            for index, field in self.each_time:
                if field.attname not in values:
                    args[index] = field.get_default()
            for attname, value in values.items():
                args[self.index[attname]] = value
            return self.model(*args)
        state = self.template.copy()
        for _index, field in self.each_time:
            if field.attname not in values:
                state[field.attname] = field.get_default()
        state.update(values)
        obj = self.model.__new__(self.model)
        obj.__dict__ = state
        obj._state = ModelState()
        return obj


class Lazy:
    """A sequence of `len(items)` rows made one by one as they are read (`make(item)`): while COPY sends
    the rows made so far, the database stores them and the next ones are made. `make` must not query
    the database (the connection is busy with the COPY: `insert` refuses it)."""

    def __init__(self, items, make):
        self.items, self.make = items, make

    def __len__(self):
        return len(self.items)

    def __iter__(self):
        return map(self.make, self.items)


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
        self.timestamps = [field.attname for field in self.fields if is_timestamp(field)]
        self.relations = [field for field in self.fields if field.is_relation and field.many_to_one]
        # For each field: its attname (None: read through its own pre_save), the type of a value given
        # as it is, and the values already prepared (None for a sealed field: each sealing has its nonce).
        self.plan = [
            (field.attname if is_timestamp(field) or type(field).pre_save in _PLAIN_PRE_SAVE else None,
             _AS_IS.get(type(field)), None if getattr(field, "sealed", False) else {}, field)
            for field in self.fields
        ]

    def row(self, obj):
        """The record's values in the order of `fields`; its timestamps are set to `moment` first."""
        for attname in self.timestamps:
            setattr(obj, attname, self.moment)
        for field in self.relations:
            # As bulk_create: a related record saved after it was assigned gives its key now; one not saved is refused.
            related = field.get_cached_value(obj, None)
            if related is not None:
                if related.pk is None:
                    raise ValueError(f"bulk_create() prohibited to prevent data loss due to unsaved related object "
                                     f"'{field.name}'.")
                if getattr(obj, field.attname) is None:
                    setattr(obj, field.attname, related.pk)
        connection = self.connection
        values = []
        for attname, as_is, memo, field in self.plan:
            value = getattr(obj, attname) if attname is not None else field.pre_save(obj, True)
            if type(value) is as_is:
                values.append(value)
            elif memo is None:
                values.append(field.get_db_prep_save(value, connection))
            else:
                try:
                    key = (type(value), value)
                    values.append(memo[key])
                except KeyError:
                    prepared = memo[key] = field.get_db_prep_save(value, connection)
                    values.append(prepared)
                except TypeError:  # a value that cannot be a key (a list for a JSON field): prepared each time
                    values.append(field.get_db_prep_save(value, connection))
        return values


def insert(model, fields, rows, *, using="default", returning=False, batch_size=1000):
    """Insert rows of driver values (in the order of `fields`) into the model's table. Returns the
    new primary keys in the order of the rows if `returning`, else None. `rows` is a sequence, or a
    `Lazy` one whose rows are made as they are sent; a number of rows other than its length is refused.

    PostgreSQL: the keys are taken from the table's sequence first (in one query, in ascending
    order, given to the rows in their order), and the rows sent by COPY, which the driver writes
    without quoting each value as a literal. Elsewhere: multi-row INSERTs of as many rows as the
    database takes parameters (`bulk_batch_size`), RETURNING the keys."""
    announced = len(rows)
    if not announced:
        return [] if returning else None
    connection = connections[using]
    if connection.vendor == "postgresql":
        return _copy(connection, model, fields, rows, returning)
    rows = list(rows)
    if len(rows) != announced:
        raise RuntimeError(f"{announced} rows were announced for {model._meta.db_table}, {len(rows)} made")
    ops = connection.ops
    opts = model._meta
    head = f"INSERT INTO {ops.quote_name(opts.db_table)} ({', '.join(ops.quote_name(f.column) for f in fields)}) "
    tail = ""
    if returning:
        if not connection.features.can_return_rows_from_bulk_insert:
            raise NotImplementedError(f"{connection.vendor} cannot return the keys of a multi-row insert")
        tail, _params = ops.return_insert_columns([opts.pk])
    size = max(1, min(batch_size, ops.bulk_batch_size(fields, rows)))
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


def _no_query_during_copy(execute, sql, params, many, context):
    raise RuntimeError(f"a row made for a COPY ran a query ({sql[:80]}); make what reads the database before it")


def _copy(connection, model, fields, rows, returning):
    quote = connection.ops.quote_name
    opts = model._meta
    columns = [f.column for f in fields]
    keys = None
    with connection.cursor() as cursor:
        if returning:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [quote(opts.db_table), opts.pk.column, len(rows)])
            keys = sorted(row[0] for row in cursor.fetchall())
            columns.insert(0, opts.pk.column)
        names = ", ".join(quote(column) for column in columns)
        announced, made = len(rows), 0
        # A query while the COPY is open would wait for it forever on the same connection: refused.
        with connection.execute_wrapper(_no_query_during_copy), \
                cursor.cursor.copy(f"COPY {quote(opts.db_table)} ({names}) FROM STDIN") as copy:
            for row in rows:
                if made == announced:
                    break
                copy.write_row(row if keys is None else [keys[made], *row])
                made += 1
            else:
                if made == announced:
                    return keys
            # Another number of rows than announced: raised within the COPY, which is abandoned.
            raise RuntimeError(f"{announced} rows were announced for {opts.db_table}, another number made")
