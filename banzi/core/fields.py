"""Model fields that keep personal data sealed at rest (GB/T 22239-2019 8.1.4.8, GB/T 39786-2021).

An `EncryptedCharField` or `EncryptedTextField` holds the clear value in Python (forms, validators,
serializers and templates see the clear text) and the SM4-GCM sealed text in the database: every
write seals it under the first key of BANZI_DATA_KEYS (`banzi.core.crypto`), every read opens it.
django-simple-history copies the field to the historical model, so the history tables hold sealed
values too.

A sealed value differs at each write (a fresh nonce): the database cannot compare, sort or search it.
Only an empty value may be looked up (`phone=""`, `id_number__isnull=True`); equality goes through
a blind index kept beside the field (see `Cadre.id_number_index`). `max_length` bounds the clear
value; the column is a text column, long enough for any sealed value.
"""
from django.core.exceptions import FieldError
from django.db import models
from django.db.models.functions import Cast
from django.db.models.lookups import Exact, In, IsNull

from banzi.core import crypto


def _refuse_clear_comparison(field, values):
    if any(value not in (None, "") for value in values):
        raise FieldError(
            f"{field.model.__name__}.{field.name} is encrypted: it can only be compared with an empty value; "
            "search through its blind index."
        )


class SealedExact(Exact):
    def get_prep_lookup(self):
        if not hasattr(self.rhs, "resolve_expression"):
            _refuse_clear_comparison(self.lhs.output_field, [self.rhs])
        return super().get_prep_lookup()


class SealedIn(In):
    def get_prep_lookup(self):
        if not hasattr(self.rhs, "resolve_expression"):
            _refuse_clear_comparison(self.lhs.output_field, list(self.rhs))
        return super().get_prep_lookup()


class EncryptedMixin:
    """Seals on the way to the database, opens on the way back; see the module's docstring."""

    sealed = True
    ALLOWED_LOOKUPS = {"exact": SealedExact, "in": SealedIn, "isnull": IsNull}

    def db_type(self, connection):
        return connection.data_types["TextField"] % {}

    def cast_db_type(self, connection):
        return self.db_type(connection)

    def get_internal_type(self):
        return "TextField"

    def from_db_value(self, value, expression, connection):
        return crypto.decrypt_text(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt_text(str(value))

    def get_lookup(self, lookup_name):
        return self.ALLOWED_LOOKUPS.get(lookup_name)

    def get_transform(self, lookup_name):
        return None


class EncryptedCharField(EncryptedMixin, models.CharField):
    """A short personal value (an ID number, a phone number) sealed at rest; `max_length` bounds the clear value."""


class EncryptedTextField(EncryptedMixin, models.TextField):
    """A confidential text (a talk's summary) sealed at rest."""


def encrypted_fields(model):
    """The names of the model's encrypted concrete fields."""
    return [f.name for f in model._meta.concrete_fields if getattr(f, "sealed", False)]


def raw_values(queryset, names):
    """The queryset's rows as (pk, {name: stored text}), reading the sealed text itself, not the clear value."""
    raw = {f"_raw_{name}": Cast(name, output_field=models.TextField()) for name in names}
    pk_name = queryset.model._meta.pk.attname
    for row in queryset.annotate(**raw).values(pk_name, *raw).iterator(chunk_size=2000):
        yield row[pk_name], {name: row[f"_raw_{name}"] for name in names}


def reseal(model, names=None, *, batch_size=500, manager=None, dry_run=False):
    """Seal every stored value of the model's encrypted fields that is clear text or sealed under
    another key than the current one, in batches, without touching the history or `updated_at`.
    Idempotent. Returns the number of rows rewritten (with `dry_run`, that would be)."""
    names = names or encrypted_fields(model)
    if not names:
        return 0
    manager = manager or model._base_manager
    current = crypto.current_key_id()
    stale = []
    for pk, values in raw_values(manager.order_by("pk"), names):
        if any(value not in (None, "") and crypto.sealed_key_id(value) != current for value in values.values()):
            stale.append(pk)
    if dry_run:
        return len(stale)
    done = 0
    for start in range(0, len(stale), batch_size):
        rows = list(manager.filter(pk__in=stale[start:start + batch_size]))
        # bulk_update writes through each field's get_db_prep_save: the clear values are sealed anew.
        manager.bulk_update(rows, names)
        done += len(rows)
    return done


def unseal(model, names=None, *, batch_size=500):
    """Write the clear values back (only to undo the migration that sealed them)."""
    names = names or encrypted_fields(model)
    manager = model._base_manager
    for pk, values in raw_values(manager.order_by("pk"), names):
        clear = {name: models.Value(crypto.decrypt_text(value), output_field=models.TextField())
                 for name, value in values.items() if crypto.is_sealed(value)}
        if clear:
            manager.filter(pk=pk).update(**clear)
