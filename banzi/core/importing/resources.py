"""The base of every import: `ImportResource`, one subclass per importable list (see
`org.resources`), declaring its `Column`s.

django-import-export maps the columns to fields and runs the rows; the resource adds what a system
of record needs: rows are matched only among records the user may change, a row outside the
user's scope or repeating another row is an error, and every row is saved through the same service
as the UI, so each saved row has its history with the importing user.
"""
import datetime

from django.core.exceptions import (
    NON_FIELD_ERRORS,
    FieldDoesNotExist,
    MultipleObjectsReturned,
    ObjectDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.utils.translation import gettext as _
from import_export.fields import Field
from import_export.resources import ModelDeclarativeMetaclass, ModelResource
from import_export.results import RowResult

from banzi.core import services
from banzi.core.errors import Code
from banzi.core.scoping import instance_in_scope

from .columns import Column
from .workbook import squeeze


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
        for field in self.fields.values():
            if hasattr(field.widget, "user"):
                field.widget.user = user

    # Describing the file ----------------------------------------------------------------------

    @classmethod
    def model_label(cls):
        return cls._meta.model._meta.label_lower

    def columns(self):
        return [f for f in self.get_import_fields() if isinstance(f, Column)]

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
        columns = [c for c in self.duplicate_columns if c in dataset.headers]
        marks = [c for c in self.example_columns or self.duplicate_columns if c in dataset.headers]
        example = tuple(self._key_part(value)
                        for heading, value in zip(self.headings(), self.example_row(), strict=True) if heading in marks)
        seen = {}
        for index, row in enumerate(dataset.dict, start=1):
            key = tuple(self._key_part(row.get(c)) for c in columns)
            if columns and key[0]:  # the first duplicate column (an ID number) must be filled in
                seen.setdefault(key, []).append(index)
            if marks and tuple(self._key_part(row.get(c)) for c in self.headings() if c in marks) == example:
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
        index = kwargs.get("row_number")
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
                old = column.export(original) if original is not None else ""
                new = column.export(row_result.instance)
                if old != new:
                    row_result.changes.append({"column": column.column_name, "old": old, "new": new})
        row_result.instance = row_result.original = None  # keep memory flat on long files

    def after_import(self, dataset, result, **kwargs):
        # ModelResource resets the id sequences here, for imports that carry ids; ours never do,
        # and resetting a sequence while other users insert rows would hand out used ids.
        pass

    def row_label(self, row, row_result=None):
        if row_result is not None and row_result.object_repr:
            return row_result.object_repr
        return " ".join(str(row.get(c)) for c in self.label_columns if row.get(c) not in (None, ""))
