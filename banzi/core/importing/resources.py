"""The base of every import: `ImportResource`, one subclass per importable list (see
`org.resources`), declaring its `Column`s.

django-import-export maps the columns to fields and runs the rows; the resource adds what a system
of record needs: rows are matched only among records the user may change, a row outside the
user's scope or repeating another row is an error, and every row is saved through the same service
as the UI, so each saved row has its history with the importing user.
"""
import copy
import datetime
import functools
import logging

from django.core.exceptions import (
    NON_FIELD_ERRORS,
    FieldDoesNotExist,
    MultipleObjectsReturned,
    ObjectDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.db.models.expressions import DatabaseDefault
from django.utils.translation import gettext as _
from import_export.fields import Field
from import_export.resources import ModelDeclarativeMetaclass, ModelResource
from import_export.results import RowResult

from banzi.core import services
from banzi.core.bulk import Blank
from banzi.core.errors import Code
from banzi.core.scoping import instance_in_scope

from .batch import Progress, write_records
from .columns import Column
from .report import RowOutcome, failure_errors, validation_errors
from .workbook import squeeze

logger = logging.getLogger(__name__)


class ImportResourceMetaclass(ModelDeclarativeMetaclass):
    """Uses the declared columns, in their order, as the resource's fields unless Meta lists them."""

    def __new__(mcs, name, bases, attrs):
        meta = attrs.get("Meta")
        if meta is not None and getattr(meta, "model", None) is not None and not hasattr(meta, "fields"):
            meta.fields = tuple(key for key, value in attrs.items() if isinstance(value, Field))
        return super().__new__(mcs, name, bases, attrs)


class ImportResource(ModelResource, metaclass=ImportResourceMetaclass):
    """The base of every import: declare `Column`s and a `Meta.model` (and `import_id_fields` for
    the columns that find an existing record, or override `find_instance`).

    Rows are matched only among records the user may change; each row is validated by the model
    (`full_clean`) and saved through `service` (core.services.save_object by default), as the UI does.
    scope_attribute: the relation that places a record in a township; a row outside the user's
    scope is an error on that column. duplicate_columns: headings whose values identify a row; the
    same values on two rows are errors. label_columns: headings that name a row in the preview.
    example_columns: headings whose example values mark the template's example row (the duplicate
    columns unless a real row could carry the same values, as today's date in one's own township).
    """

    service = staticmethod(services.save_object)
    scope_attribute = None
    duplicate_columns = ()
    label_columns = ()
    example_columns = ()

    class Meta:
        use_transactions = True
        skip_unchanged = True
        report_skipped = True
        skip_html_diff = True
        store_instance = True
        store_row_values = True
        clean_model_instances = False  # the service validates every row that is saved

    def __init__(self, user, file_name="", **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.file_name = file_name
        self.row_numbers = []
        self.duplicates = {}
        self.example_rows = set()
        self._columns = None
        self._exports = None  # a batched import's values as the file writes them (`export_cell`)
        self._readers = None  # how each column is read (`_cell_readers`), for one file
        self.progress = None
        for field in self.fields.values():
            if hasattr(field.widget, "user"):
                field.widget.user = user

    # Describing the file ----------------------------------------------------------------------

    @classmethod
    def model_label(cls):
        return cls._meta.model._meta.label_lower

    def columns(self):
        if self._columns is None:  # asked for on every row: the declaration does not change
            self._columns = [f for f in self.get_import_fields() if isinstance(f, Column)]
        return self._columns

    def headings(self):
        return [c.column_name for c in self.columns()]

    def required_headings(self):
        """The columns a file must have: those marked required and those that find existing records."""
        match = set(self.match_headings())
        return [c.column_name for c in self.columns() if c.required or c.column_name in match]

    def match_headings(self):
        """The headings that find an existing record (for the import page)."""
        return [self.fields[name].column_name for name in self.get_import_id_fields() if name in self.fields]

    def example_row(self):
        return [c.example_value(self) for c in self.columns()]

    def check_headings(self, headings):
        """Raise ValidationError naming the required columns the file lacks; return the ignored ones."""
        missing = [h for h in self.required_headings() if h not in headings]
        if missing:
            raise ValidationError(
                _("The file lacks these columns: %(columns)s. Download the template to see the columns.")
                % {"columns": "、".join(missing)},
                code=Code.MISSING_COLUMNS,
            )
        known = set(self.headings())
        return [h for h in headings if h not in known]

    def error_label(self, key):
        """The column named in an error raised on a model field, a column or the whole row."""
        if key == NON_FIELD_ERRORS:
            return ""
        for column in self.columns():
            if key in (column.attribute, column.column_name):
                return column.error_label or column.column_name
        try:
            return str(self._meta.model._meta.get_field(key).verbose_name)
        except FieldDoesNotExist:
            return str(key)

    # Finding and checking rows --------------------------------------------------------------

    def get_queryset(self):
        return self._meta.model._default_manager.editable_by(self.user)

    def find_instance(self, instance_loader, row):
        """The existing record this row updates, or None; override for matching on several columns."""
        for name in self.get_import_id_fields():
            column = self.fields[name]
            # An empty key matches nothing: it must never pick a record whose key is also blank.
            if column.column_name not in row or column.clean(row) in (None, ""):
                return None
        return super().get_instance(instance_loader, row)

    def get_instance(self, instance_loader, row):
        try:
            return self.find_instance(instance_loader, row)
        except (ValueError, ValidationError, ObjectDoesNotExist, MultipleObjectsReturned):
            return None  # the column's own error is reported when the row is read

    @staticmethod
    def _key_part(value):
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, datetime.date):
            return value.isoformat()
        return squeeze(value).upper() if value is not None else ""

    def before_import(self, dataset, **kwargs):
        self.mark_rows(dataset.headers, dataset.dict)
        self.progress = Progress(len(dataset))

    def import_row(self, row, instance_loader, **kwargs):
        row_result = super().import_row(row, instance_loader, **kwargs)
        if self.progress is not None:
            self.progress.advance()
        return row_result

    def mark_rows(self, headers, rows):
        """Note the rows that repeat another row's duplicate columns, and the template's example row."""
        columns = [c for c in self.duplicate_columns if c in headers]
        marks = [c for c in self.example_columns or self.duplicate_columns if c in headers]
        example = tuple(self._key_part(value)
                        for heading, value in zip(self.headings(), self.example_row(), strict=True) if heading in marks)
        marked = [c for c in self.headings() if c in marks]
        seen = {}
        for index, row in enumerate(rows, start=1):
            key = tuple(self._key_part(row.get(c)) for c in columns)
            if columns and key[0]:  # the first duplicate column (an ID number) must be filled in
                seen.setdefault(key, []).append(index)
            if marks and (key if marked == columns else tuple(self._key_part(row.get(c)) for c in marked)) == example:
                self.example_rows.add(index)
        for indexes in seen.values():
            if len(indexes) > 1:
                for index in indexes:
                    self.duplicates[index] = [self.excel_row(i) for i in indexes if i != index]

    def excel_row(self, index):
        """The worksheet row number of the index-th data row (1-based)."""
        return self.row_numbers[index - 1] if 0 < index <= len(self.row_numbers) else index + 1

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        self.check_row(instance, kwargs.get("row_number"), errors)

    def check_row(self, instance, index, errors):
        """Add the errors of the file's rules (example row, repeated row, scope); raise them all."""
        if index in self.example_rows:
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                ValidationError(_("This is the template's example row; delete it or replace it with real data."), code=Code.EXAMPLE_ROW))
        elif index in self.duplicates:
            errors.setdefault(self.duplicate_columns[0], []).append(ValidationError(
                _("Row(s) %(rows)s have the same %(columns)s; each record may appear only once.")
                % {"rows": ", ".join(map(str, self.duplicates[index])), "columns": "、".join(self.duplicate_columns)},
                code=Code.UNIQUE,
            ))
        scope = self.scope_attribute
        if scope and scope not in errors and getattr(instance, f"{scope}_id", None) is not None:
            if not instance_in_scope(self.user, instance):
                errors[scope] = [ValidationError(_("This is outside the organizations you manage."), code=Code.OUTSIDE_SCOPE)]
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        if not import_validation_errors:
            return  # the service validates the row when it saves it
        errors = dict(import_validation_errors)
        model_fields = {f.name for f in instance._meta.fields}
        try:
            instance.full_clean(exclude=[k for k in errors if k in model_fields], validate_unique=validate_unique)
        except ValidationError as exc:
            # A column that could not be read already has its error; the model would only add
            # “this field is required” or a rule tripping over the missing value.
            for key, more in exc.update_error_dict({}).items():
                errors.setdefault(key, more)
        raise ValidationError(errors)

    def do_instance_save(self, instance, is_create):
        try:
            self.service(self.user, instance, reason=_("Imported from %(file)s") % {"file": self.file_name})
        except PermissionDenied as exc:
            raise ValidationError(str(exc) or _("You are not allowed to change this record."), code=Code.NOT_PERMITTED) from exc

    def after_import_row(self, row, row_result, **kwargs):
        """Note what the row changes: each changed column of an update, each filled-in column of a new record."""
        row_result.changes = []
        if row_result.import_type in (RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE):
            original = row_result.original if row_result.is_update() else None
            for column in self.columns():
                if not column.attribute or column.column_name not in row:
                    continue
                if original is None and row[column.column_name] in (None, ""):
                    continue  # a new record: list what the file fills in
                old = self.export_cell(column, original) if original is not None else ""
                new = self.export_cell(column, row_result.instance)
                if old != new:
                    row_result.changes.append({"column": column.column_name, "old": old, "new": new})
        row_result.instance = row_result.original = None  # keep memory flat on long files

    def export_cell(self, column, obj):
        """`column.export(obj)`, the record's value as the file writes it; in a batched import, a value
        of a widget that reads a cell by its value alone (`by_value`) is written once per distinct value."""
        memo = self._exports.get(column.column_name) if self._exports is not None else None
        if memo is None:
            if (self._exports is None or not getattr(column.widget, "by_value", False)
                    or type(column).export is not Field.export or "__" in column.attribute):
                return column.export(obj)
            memo = self._exports[column.column_name] = {}
        value = getattr(obj, column.attribute, None)
        try:
            key = (type(value), value)
            return memo[key]
        except KeyError:
            text = memo[key] = column.export(obj)
            return text
        except TypeError:
            return column.export(obj)

    def after_import(self, dataset, result, **kwargs):
        # ModelResource resets the id sequences here, for imports that carry ids; ours never do,
        # and resetting a sequence while other users insert rows would hand out used ids.
        if self.progress is not None:
            self.progress.finish()

    def row_label(self, row, row_result=None):
        if row_result is not None and row_result.object_repr:
            return row_result.object_repr
        return " ".join(str(row.get(c)) for c in self.label_columns if row.get(c) not in (None, ""))

    # The batched import (resources that set `batched`) ------------------------------------------
    #
    # Every row is read and validated in memory, against lookups made once for the whole file
    # (`prefetch`), with the rules that the database would check on saving (uniqueness, rules
    # across rows) checked by the resource (`check_batch`); nothing is written by the preview. The
    # commit validates again, in its transaction, and writes every record in batches with its one
    # history row and one audit event (`batch.write_records`). A resource opts in by setting
    # `batched = True` and implementing `prefetch`, `find_existing`, `check_batch` and
    # `prepare_for_write` (what the model's `save()` derives).

    batched = False

    def prefetch(self, rows):
        """Look up, once for the whole file, what the rows refer to and the records they update."""
        for column in self.columns():
            if hasattr(column.widget, "prefetch") and column.column_name in self.file_headings:
                column.widget.prefetch([row.get(column.column_name) for row in rows])

    def find_existing(self, row):
        """The existing record this row updates (from `prefetch`), or None."""
        raise NotImplementedError

    def check_batch(self, instance, index, errors):
        """Add to `errors` what the database would refuse on saving (uniqueness), and the rules across rows."""

    def prepare_for_write(self, instance):
        """Set what the model's `save()` derives (a fingerprint, the pinyin), since a bulk write skips it."""

    def write_fields(self):
        """The fields an update writes: the columns' attributes and what `prepare_for_write` derives."""
        return [c.attribute for c in self.columns() if c.attribute and c.column_name in self.file_headings]

    def run_batched(self, headers, values, *, dry_run, previewed=False):
        """Validate every row in memory and, unless `dry_run` or a row has errors, write them all.
        Returns the report's rows and the errors of the file as a whole (the write refused).

        previewed: the rows are those a preview validated without an error (the commit of a kept
        job); a new record's own values are then not validated again, only what can have changed
        since in the database (`recheck_in_memory`)."""
        self.file_headings = list(headers)
        self.previewed = previewed
        self._readers, self._checked_fields, self._checks = None, None, {}
        self._blank = Blank(self._meta.model)
        self._exports = {}
        self._model_fields = {f.name for f in self._meta.model._meta.fields}
        rows = [dict(zip(self.file_headings, row, strict=False)) for row in values]
        self.mark_rows(self.file_headings, rows)
        self.prefetch(rows)
        self.progress = progress = Progress(len(rows) * (1 if dry_run else 2))
        outcomes, described, creates, updates = [], [], [], []
        for index, row in enumerate(rows, start=1):
            row_result = RowResult()
            row_result.row_values = row
            try:
                change = self.validate_row(index, row, row_result)
            except ValidationError as exc:
                row_result.import_type = RowResult.IMPORT_TYPE_INVALID
                row_result.validation_error = exc
                change = None
            except Exception as exc:  # as import_export would: the row fails, the others are still checked
                row_result.import_type = RowResult.IMPORT_TYPE_ERROR
                row_result.errors.append(exc)
                change = None
            errors = validation_errors(self, row_result.validation_error)
            for error in row_result.errors:
                errors.extend(failure_errors(index, error))
            if change is not None:
                (creates if change[1] is None else updates).append(change)
            action = "error" if errors else {RowResult.IMPORT_TYPE_NEW: "new",
                                             RowResult.IMPORT_TYPE_UPDATE: "update"}.get(row_result.import_type, "skip")
            outcome = RowOutcome(number=self.excel_row(index), action=action, label=self.row_label(row, row_result),
                                 changes=[], errors=errors)
            outcomes.append(outcome)
            if not errors:
                described.append((row, row_result, outcome))
            progress.advance()
        failed = any(outcome.errors for outcome in outcomes)
        if dry_run or failed:
            # What each row changes is shown by the preview (and by a commit that failed), not after an
            # import: listed when the report is read (the first rows are shown).
            for row, row_result, outcome in described:
                outcome.changes = functools.partial(self._describe, row, row_result)
            progress.finish()
            return outcomes, []
        for instance, _original in creates + updates:
            self.prepare_for_write(instance)
        try:
            with transaction.atomic():
                write_records(
                    self.user, self._meta.model, [instance for instance, _original in creates], updates,
                    reason=_("Imported from %(file)s") % {"file": self.file_name}, fields=self.write_fields(),
                    progress_=progress,
                )
        except IntegrityError as exc:
            # Another user saved a clashing record between the checks and the write: nothing is saved.
            logger.warning("import of %s refused by the database: %r", self.file_name, exc)
            return outcomes, [_("The data has changed while the file was being imported; nothing has been "
                                "saved. Upload the file again.")]
        progress.finish()
        return outcomes, []

    def _describe(self, row, row_result):
        self.after_import_row(row, row_result)
        return row_result.changes

    def validate_row(self, index, row, row_result):
        """Read and validate one row in memory; return (record, original or None) to write, or None
        when the row changes nothing. Raises ValidationError with every error of the row."""
        instance = self.find_existing(row)
        new = instance is None
        original = None
        if new:
            instance = self._blank()
            row_result.import_type = RowResult.IMPORT_TYPE_NEW
        else:
            original = copy.copy(instance)
            row_result.import_type = RowResult.IMPORT_TYPE_UPDATE
        errors = {
            attribute: ValidationError(message, code=Code.INVALID)
            for attribute, message in self.read_cells(instance, row).items()
        }
        try:
            self.check_row(instance, index, errors)
        except ValidationError as exc:
            errors = exc.update_error_dict({})
        if not errors and not new and self.unchanged(instance, original, row):
            row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            row_result.add_instance_info(instance)
            return None
        if new and self.previewed:
            self.recheck_in_memory(instance, index, errors)
        else:
            self.validate_in_memory(instance, index, errors)
        row_result.add_instance_info(instance)
        row_result.instance = instance
        row_result.original = original
        return instance, original

    def _cell_readers(self):
        """(column, heading, attribute, null saved, memo) of each column that sets an attribute; memo:
        the cleaned value or message by cell value, for a column read by its value alone, else None."""
        if self._readers is None:
            self._readers = [
                (column, column.column_name, column.attribute, column.saves_null_values,
                 {} if getattr(column.widget, "by_value", False) and type(column).save is Field.save
                 and not column.readonly and "__" not in column.attribute else None)
                for column in self.columns() if column.attribute
            ]
        return self._readers

    @staticmethod
    def _read_by_value(column, memo, value, row):
        """(True, the cleaned value) or (False, the message), worked out once per distinct value."""
        try:
            key = (type(value), value)
            return memo[key]
        except KeyError:
            try:
                read = memo[key] = (True, column.clean(row))
            except ValueError as exc:
                read = memo[key] = (False, str(exc))
            return read
        except TypeError:  # a value that cannot be a key: read each time
            return True, column.clean(row)

    def read_cell(self, column, row):
        """`column.clean(row)` (ValueError with the message of a cell that cannot be read), worked out
        once per distinct value for a column read by value, as `read_cells` reads it (the same memo)."""
        for known, heading, _attribute, _null, memo in self._cell_readers():
            if known is column and memo is not None:
                valid, cleaned = self._read_by_value(column, memo, row[heading], row)
                if not valid:
                    raise ValueError(cleaned)
                return cleaned
        return column.clean(row)

    def read_cells(self, instance, row):
        """Set the record's attributes from the row's cells, as `Column.save` does; returns the
        message of each cell that cannot be read, by attribute. A cell whose widget reads it by its
        value alone (`by_value`) is read once per distinct value of the file."""
        errors = {}
        read_by_value = self._read_by_value
        for column, heading, attribute, saves_null, memo in self._cell_readers():
            if heading not in row:
                continue
            try:
                if memo is None:
                    column.save(instance, row)
                    continue
                valid, cleaned = read_by_value(column, memo, row[heading], row)
                if not valid:
                    raise ValueError(cleaned)
                if cleaned is not None or saves_null:
                    setattr(instance, attribute, cleaned)
            except ValueError as exc:
                errors[attribute] = str(exc)
        return errors

    def unchanged(self, instance, original, row):
        return all(column.get_value(instance) == column.get_value(original)
                   for column in self.columns() if column.attribute and column.column_name in row)

    def validate_in_memory(self, instance, index, errors):
        """What `services.save_object` checks, without the database: the model's validation (a
        related record found by the file is known to exist), the batch's rules, the user's reach."""
        model_fields = self._model_fields
        exclude = [k for k in errors if k in model_fields]
        # A related record the file named was read from the database: no need to look it up again.
        exclude += [f.name for f in instance._meta.concrete_fields
                    if f.many_to_one and f.name not in exclude and f.is_cached(instance)
                    and getattr(instance, f.name) is not None]
        errors = dict(errors)
        # The model's full_clean, without its uniqueness and constraints (`check_batch` below).
        found = self.clean_fields(instance, exclude)
        try:
            instance.clean()
        except ValidationError as exc:
            found = exc.update_error_dict(found)
        for key, more in found.items():
            errors.setdefault(key, more)
        self._check_batch_and_reach(instance, index, errors)

    def recheck_in_memory(self, instance, index, errors):
        """What can have changed since the preview validated a new record's row, when the commit
        imports it (`previewed`): the rules across rows and records (`check_batch`: a number taken
        meanwhile) against lookups made again for the file, and the user's reach. The columns were
        read again too (a unit gone, or no longer the user's, is an error there). The record's own
        values are those the preview validated, and are not validated again."""
        self._check_batch_and_reach(instance, index, dict(errors))

    def _check_batch_and_reach(self, instance, index, errors):
        self.check_batch(instance, index, errors)
        if not errors and not instance_in_scope(self.user, instance):
            errors[NON_FIELD_ERRORS] = [ValidationError(_("This record would be outside the organizations you manage."),
                                                        code=Code.NOT_PERMITTED)]
        if errors:
            raise ValidationError(errors)

    def clean_fields(self, instance, exclude):
        """`Model.clean_fields` (errors returned by field name, not raised), with each field's check
        of a value made once per file: a field's `clean` (type, choices, length, validators) depends
        on the value alone, but for a relation's, which looks the record up (so is made each time),
        and a model's own `clean_fields`, which is called as it is."""
        if type(instance).clean_fields is not Model.clean_fields:
            try:
                instance.clean_fields(exclude=exclude)
            except ValidationError as exc:
                return exc.update_error_dict({})
            return {}
        if self._checked_fields is None:
            self._checked_fields = [(f, f.name, f.attname, f.blank, f.empty_values, f.is_relation)
                                    for f in instance._meta.fields if not f.generated]
        exclude = set(exclude)
        errors = {}
        checks = self._checks
        for field, name, attname, blank, empty_values, is_relation in self._checked_fields:
            if name in exclude:
                continue
            value = getattr(instance, attname)
            if (blank and value in empty_values) or isinstance(value, DatabaseDefault):
                continue
            try:
                if is_relation:
                    raise TypeError  # looked up in the database: checked each time
                key = (attname, type(value), value)
                valid, cleaned = checks[key]
            except KeyError:
                try:
                    valid, cleaned = checks[key] = (True, field.clean(value, instance))
                except ValidationError as exc:
                    valid, cleaned = checks[key] = (False, exc.error_list)
            except TypeError:
                try:
                    valid, cleaned = True, field.clean(value, instance)
                except ValidationError as exc:
                    valid, cleaned = False, exc.error_list
            if valid:
                setattr(instance, attname, cleaned)
            else:
                errors[name] = list(cleaned)  # a copy: the record's other errors may be added to it
        return errors
