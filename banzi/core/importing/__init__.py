"""Excel import for any list: upload checks, a resource base with Chinese column headings, scope
checks and duplicate detection, and the pages (upload → preview → confirm, template download).

django-import-export maps columns to fields and runs the dry run; Banzi adds what a system of
record needs on top: the file is checked by content, every row is validated and saved through the
same service as the UI (so each saved row has its history with the importing user), a township user
can only import into their own township, and nothing is saved unless every row is right.

A module imports its own list with a resource (see `org.resources`) and one line of URLs:

    urlpatterns = [*import_urls("cadres", CadreResource)]

which gives `<app>:<model>_import` (upload, preview, confirm) and `<app>:<model>_import_template`.
"""
import dataclasses
import datetime
import io
import logging
import re
import zipfile

import openpyxl
import tablib
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    FieldDoesNotExist,
    MultipleObjectsReturned,
    ObjectDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.defaultfilters import filesizeformat
from django.urls import path, reverse
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from import_export import widgets
from import_export.fields import Field
from import_export.resources import ModelDeclarativeMetaclass, ModelResource
from import_export.results import RowResult
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation

from banzi.core import clock

from .. import services
from ..audit import record_event
from ..models import AuditEvent, ImportJob
from ..scoping import can_write_model, instance_in_scope

logger = logging.getLogger(__name__)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_WORKBOOK_PART = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and password-protected workbooks
# An .xlsx is zipped XML; unzipped it is rarely more than ~20 times its size. Far more is a zip bomb.
UNZIPPED_RATIO = 30
MAX_COLUMNS = 100
PREVIEW_ROWS = 500
SUMMARY_ERRORS = 500
JOB_LIFETIME = datetime.timedelta(days=1)
_SPACES = re.compile(r"\s+")


def _squeeze(value):
    """A cell's text without any spaces, for comparing what people type."""
    return _SPACES.sub("", str(value)).replace("\u3000", "")
_REQUIRED_MARKS = ("*", "＊", "(必填)", "（必填）")


# ---------------------------------------------------------------------------------------------
# The file: checked by content and size, then read into headings and rows.


def _not_xlsx():
    return ValidationError(
        _("This file is not an Excel workbook (.xlsx). Open it in Excel, save it as “Excel Workbook (*.xlsx)” "
          "and upload that file; CSV, text and other files cannot be imported."),
        code="not_xlsx",
    )


def validate_xlsx(content):
    """Check that the bytes really are an .xlsx workbook of acceptable size (not only named so)."""
    max_bytes = settings.BANZI_IMPORT_MAX_BYTES
    if len(content) > max_bytes:
        raise ValidationError(
            _("The file is %(size)s; the largest file that can be imported is %(max)s.")
            % {"size": filesizeformat(len(content)), "max": filesizeformat(max_bytes)},
            code="too_big",
        )
    if not content:
        raise ValidationError(_("The file is empty."), code="empty")
    if content.startswith(_OLE_MAGIC):
        raise ValidationError(
            _("This is an old Excel 97–2003 (.xls) file or a password-protected workbook. Open it in Excel, "
              "remove any password, save it as “Excel Workbook (*.xlsx)” and upload that file."),
            code="xls",
        )
    if not content.startswith(b"PK\x03\x04"):
        raise _not_xlsx()
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > max_bytes * UNZIPPED_RATIO:
                raise ValidationError(_("The workbook is too large once unpacked."), code="too_big")
            content_types = archive.read("[Content_Types].xml")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, EOFError) as exc:
        raise _not_xlsx() from exc
    if _WORKBOOK_PART not in content_types:
        raise _not_xlsx()


def clean_heading(value):
    """A column heading as written in the template: no spaces, no “required” marks."""
    text = _squeeze(value if value is not None else "")
    for mark in _REQUIRED_MARKS:
        text = text.removesuffix(mark)
    return text


def _cell(value):
    if isinstance(value, str):
        value = value.replace("\u3000", " ").replace("\xa0", " ").strip()
        return value or None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@dataclasses.dataclass
class Sheet:
    """The first worksheet of an upload: its headings and its non-empty rows with their row numbers."""

    headings: list
    rows: list
    row_numbers: list


def read_sheet(content):
    """Read the first worksheet: the first non-empty row holds the headings. Raise ValidationError for
    a file that cannot be read, has no rows, repeats a heading or has too many rows."""
    max_rows = settings.BANZI_IMPORT_MAX_ROWS
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors on damaged files
        logger.info("unreadable workbook: %s", exc)
        raise ValidationError(
            _("The workbook could not be read; it may be damaged. Open it in Excel, save it again and retry."),
            code="unreadable",
        ) from exc
    try:
        if not workbook.worksheets:
            raise ValidationError(_("The workbook has no worksheet."), code="empty")
        headings, keep, rows, numbers = None, [], [], []
        for number, values in enumerate(
            workbook.worksheets[0].iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1
        ):
            values = [_cell(v) for v in values]
            if all(v is None for v in values):
                continue
            if headings is None:
                keep = [i for i, v in enumerate(values) if v is not None]
                headings = [clean_heading(values[i]) for i in keep]
                continue
            if len(rows) >= max_rows:
                raise ValidationError(
                    _("The file has more than %(max)d rows; split it into several files.") % {"max": max_rows},
                    code="too_many_rows",
                )
            rows.append(tuple(values[i] if i < len(values) else None for i in keep))
            numbers.append(number)
    except ValidationError:
        raise
    except Exception as exc:
        logger.info("unreadable worksheet: %s", exc)
        raise ValidationError(
            _("The workbook could not be read; it may be damaged. Open it in Excel, save it again and retry."),
            code="unreadable",
        ) from exc
    finally:
        workbook.close()
    if not headings:
        raise ValidationError(_("The first worksheet is empty; the first row must hold the column headings."),
                              code="empty")
    repeated = sorted({h for h in headings if headings.count(h) > 1})
    if repeated:
        raise ValidationError(
            _("These columns appear more than once: %(columns)s.") % {"columns": "、".join(repeated)},
            code="repeated_columns",
        )
    if not rows:
        raise ValidationError(_("The file has column headings but no rows to import."), code="no_rows")
    return Sheet(headings, rows, numbers)


# ---------------------------------------------------------------------------------------------
# Widgets: how a cell becomes a value. Each raises ValueError with a message for the user.


class TextWidget(widgets.CharWidget):
    """Text, trimmed; numbers typed into a text column (a phone number) become their digits."""

    def __init__(self, upper=False):
        super().__init__(coerce_to_string=True, allow_blank=True)
        self.upper = upper

    def clean(self, value, row=None, **kwargs):
        if value is None:
            return ""
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, datetime.date):
            value = value.isoformat()
        text = str(value).strip()
        return text.upper() if self.upper else text

    def describe(self):
        return ""


class IdNumberWidget(TextWidget):
    """An 18-digit resident ID number, checked in the model; here only read as text."""

    def __init__(self, required=False):
        super().__init__(upper=True)
        self.required = required

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, int | float) and not isinstance(value, bool) and len(str(int(value))) > 15:
            raise ValueError(_("Excel has stored this ID number as a number and lost its last digits; format the "
                               "column as text and enter the number again."))
        text = _SPACES.sub("", super().clean(value, row, **kwargs))
        if self.required and not text:
            raise ValueError(_("Enter the ID number; it identifies the person."))
        return text

    def describe(self):
        return _("18 characters: 17 digits and a digit or X")


class DateWidget(widgets.Widget):
    """A date as Excel stores it or as people write it: 2021-09-01, 2021/9/1, 2021.09.01, 20210901,
    2021年9月1日; a month alone (2021.09, 2021-09, 202109) means its first day."""

    DAY_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
    MONTH_FORMATS = ("%Y-%m", "%Y/%m", "%Y.%m", "%Y年%m月", "%Y%m")

    def __init__(self):
        super().__init__(coerce_to_string=True)

    def clean(self, value, row=None, **kwargs):
        if value is None or value == "":
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        parsed = self._parse_number(value) if isinstance(value, int | float) else self._parse_text(str(value))
        if parsed is None:
            raise ValueError(_("“%(value)s” is not a date; write dates like 2021-09-01.") % {"value": value})
        return parsed

    def _parse_number(self, value):
        if isinstance(value, int) and len(str(value)) in (6, 8):
            return self._parse_text(str(value))
        if isinstance(value, float) and 1900 <= value < 2200:
            # “2001.07” typed into a cell becomes the number 2001.07 (and “2001.10” becomes 2001.1).
            year, month = int(value), round((value - int(value)) * 100)
            return datetime.date(year, month, 1) if 1 <= month <= 12 else None
        if 10000 <= value < 100000:  # an Excel serial day number (1927 on) in a cell not formatted as a date
            try:
                return from_excel(value).date()
            except (ValueError, OverflowError):
                return None
        return None

    def _parse_text(self, text):
        text = _SPACES.sub("", text)
        for formats, is_month in ((self.DAY_FORMATS, False), (self.MONTH_FORMATS, True)):
            for fmt in formats:
                try:
                    parsed = datetime.datetime.strptime(text, fmt).date()
                except ValueError:
                    continue
                return parsed.replace(day=1) if is_month else parsed
        return None

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if isinstance(value, datetime.date) else ""

    def describe(self):
        return _("a date, e.g. 2021-09-01")


class ChoiceWidget(widgets.Widget):
    """One of a field's choices, written as its Chinese label in the file (男, 女, 大学 …).

    `labels` maps each choice value to the labels accepted in a file, the first being the one the
    template writes. The stored value and the label in the user's language are accepted too.
    """

    def __init__(self, choices, labels=None):
        super().__init__(coerce_to_string=True)
        self.choices = list(getattr(choices, "choices", choices))
        self.labels = labels or {}
        self._lookup = None

    def file_label(self, value):
        accepted = self.labels.get(value)
        if accepted:
            return accepted[0]
        with translation.override("zh-hans"):
            return str(dict(self.choices).get(value, value))

    def lookup(self):
        if self._lookup is None:
            self._lookup = {}
            for value, label in self.choices:
                for text in (value, str(label), *self.labels.get(value, ())):
                    self._lookup[_squeeze(text).lower()] = value
                with translation.override("zh-hans"):
                    self._lookup[_squeeze(label).lower()] = value
        return self._lookup

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return ""
        key = _squeeze(value).lower()
        if key not in self.lookup():
            raise ValueError(_("“%(value)s” is not an accepted value; write one of: %(choices)s.")
                             % {"value": value, "choices": " / ".join(self.file_labels())})
        return self.lookup()[key]

    def file_labels(self):
        return [self.file_label(value) for value, _label in self.choices]

    def render(self, value, obj=None, **kwargs):
        return self.file_label(value) if value else ""

    def describe(self):
        return _("one of: %(choices)s") % {"choices": " / ".join(self.file_labels())}


class YesNoWidget(widgets.Widget):
    """A yes/no flag written 是 or 否 (also Y/N, 1/0, √/×); an empty cell means no."""

    YES, NO = "是", "否"
    TRUE = {"是", "√", "✓", "y", "yes", "true", "t", "1", "有"}
    FALSE = {"否", "×", "✗", "n", "no", "false", "f", "0", "无"}

    def __init__(self):
        super().__init__(coerce_to_string=True)

    def clean(self, value, row=None, **kwargs):
        if value is None or value == "":
            return False
        if isinstance(value, bool):
            return value
        key = str(value).strip().lower()
        if key in self.TRUE:
            return True
        if key in self.FALSE:
            return False
        raise ValueError(_("“%(value)s” is not a yes/no value; write %(yes)s or %(no)s.")
                         % {"value": value, "yes": self.YES, "no": self.NO})

    def file_labels(self):
        return [self.YES, self.NO]

    def render(self, value, obj=None, **kwargs):
        return self.YES if value else self.NO

    def describe(self):
        return _("%(yes)s or %(no)s; an empty cell means %(no)s") % {"yes": self.YES, "no": self.NO}


class ScopedForeignKeyWidget(widgets.Widget):
    """A related record found by name among those the importing user may see.

    The resource sets `user`. Lookups are cached for the run, since a roster names the same unit
    on many rows.
    """

    def __init__(self, model, field="name", filters=None):
        super().__init__(coerce_to_string=True)
        self.model = model
        self.field = field
        self.filters = filters or {}
        self.user = None
        self._cache = {}

    def get_queryset(self, value, row):
        return self.model._default_manager.visible_to(self.user).filter(**self.filters)

    def lookup_kwargs(self, value, row):
        return {self.field: value}

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        kwargs = self.lookup_kwargs(text, row)
        key = tuple(sorted(kwargs.items()))
        if key not in self._cache:
            self._cache[key] = list(self.get_queryset(text, row).filter(**kwargs)[:2])
        found = self._cache[key]
        if not found:
            raise ValueError(self.not_found_message(text))
        if len(found) > 1:
            raise ValueError(self.ambiguous_message(text))
        return found[0]

    def not_found_message(self, text):
        return _("There is no %(model)s named “%(value)s” among those you may use.") % {
            "model": self.model._meta.verbose_name, "value": text}

    def ambiguous_message(self, text):
        return _("More than one %(model)s is named “%(value)s”.") % {
            "model": self.model._meta.verbose_name, "value": text}

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(getattr(value, self.field, value))

    def describe(self):
        return _("the name of a %(model)s") % {"model": self.model._meta.verbose_name}


# ---------------------------------------------------------------------------------------------
# Resources: one per importable list.


class Column(Field):
    """One column of an import file: its Chinese heading, the attribute it sets, how it is read.

    required: the column must be in the file. example: the value in the template's example row (a
    callable receives the resource). error_label: the heading(s) named in this column's errors
    when the value comes from several columns. A column without an attribute is read by another
    column's widget (e.g. the election date that picks the team).
    """

    def __init__(self, heading, attribute=None, widget=None, *, required=False, help_text="", example=None,
                 error_label=None, **kwargs):
        super().__init__(attribute=attribute, column_name=heading, widget=widget or TextWidget(), **kwargs)
        self.required = required
        self.help_text = help_text
        self.example = example
        self.error_label = error_label

    def describe(self):
        parts = [str(self.help_text), self.widget.describe() if hasattr(self.widget, "describe") else ""]
        return "; ".join(p for p in parts if p)

    def example_value(self, resource):
        return self.example(resource) if callable(self.example) else self.example


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
    """

    service = staticmethod(services.save_object)
    scope_attribute = None
    duplicate_columns = ()
    label_columns = ()

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
                code="missing_columns",
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
        return _squeeze(value).upper() if value is not None else ""

    def before_import(self, dataset, **kwargs):
        columns = [c for c in self.duplicate_columns if c in dataset.headers]
        example = dict(zip(self.headings(), self.example_row(), strict=True))
        seen = {}
        for index, row in enumerate(dataset.dict, start=1):
            key = tuple(self._key_part(row.get(c)) for c in columns)
            if columns and key[0]:  # the first duplicate column (an ID number) must be filled in
                seen.setdefault(key, []).append(index)
            if columns and key == tuple(self._key_part(example.get(c)) for c in columns):
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
                ValidationError(_("This is the template's example row; delete it or replace it with real data.")))
        elif index in self.duplicates:
            errors.setdefault(self.duplicate_columns[0], []).append(ValidationError(
                _("Row(s) %(rows)s have the same %(columns)s; each record may appear only once.")
                % {"rows": ", ".join(map(str, self.duplicates[index])), "columns": "、".join(self.duplicate_columns)}
            ))
        scope = self.scope_attribute
        if scope and scope not in errors and getattr(instance, f"{scope}_id", None) is not None:
            if not instance_in_scope(self.user, instance):
                errors[scope] = [ValidationError(_("This is outside the organizations you manage."))]
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
            raise ValidationError(str(exc) or _("You are not allowed to change this record.")) from exc

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


# ---------------------------------------------------------------------------------------------
# Reports and the two services: preview (dry run) and commit.


@dataclasses.dataclass
class RowOutcome:
    """What importing one row does: create, update, leave unchanged, or fail with errors."""

    number: int
    action: str  # new | update | skip | error
    label: str
    changes: list
    errors: list  # [{"column", "message"}]


@dataclasses.dataclass
class ImportReport:
    """The outcome of an import or its preview, row by row."""

    file_name: str
    rows: list
    file_errors: list = dataclasses.field(default_factory=list)
    ignored_columns: list = dataclasses.field(default_factory=list)

    @property
    def counts(self):
        counts = {"new": 0, "update": 0, "skip": 0, "error": 0}
        for row in self.rows:
            counts[row.action] += 1
        return counts

    @property
    def has_errors(self):
        return bool(self.file_errors) or any(row.errors for row in self.rows)

    @property
    def error_rows(self):
        return [row for row in self.rows if row.errors]

    @property
    def errors(self):
        return [{"row": row.number, **error} for row in self.rows for error in row.errors]

    @property
    def changed_rows(self):
        return [row for row in self.rows if row.action in ("new", "update")]

    def summary(self):
        return {
            "file": self.file_name, "counts": self.counts, "file_errors": self.file_errors,
            "errors": self.errors[:SUMMARY_ERRORS], "ignored_columns": self.ignored_columns,
        }


def _report(resource, result, file_name, ignored):
    rows = []
    for index, row_result in enumerate(result.rows, start=1):
        errors = []
        if row_result.validation_error is not None:
            error = row_result.validation_error
            items = error.error_dict.items() if hasattr(error, "error_dict") else [(NON_FIELD_ERRORS, error.error_list)]
            for key, error_list in items:
                for message in ValidationError(error_list).messages:
                    errors.append({"column": resource.error_label(key), "message": message})
        for error in row_result.errors:
            logger.warning("import row %s failed: %r", index, error.error)
            errors.append({"column": "", "message": _("This row could not be saved: %(error)s") % {"error": error.error}})
        action = "error" if errors else {RowResult.IMPORT_TYPE_NEW: "new", RowResult.IMPORT_TYPE_UPDATE: "update"}.get(
            row_result.import_type, "skip")
        rows.append(RowOutcome(
            number=resource.excel_row(index), action=action, label=resource.row_label(row_result.row_values, row_result),
            changes=getattr(row_result, "changes", []), errors=errors,
        ))
    file_errors = [str(e.error) for e in result.base_errors]
    return ImportReport(file_name=file_name, rows=rows, file_errors=file_errors, ignored_columns=ignored)


def _run(user, resource_class, content, file_name, *, dry_run):
    sheet = read_sheet(content)
    resource = resource_class(user=user, file_name=file_name)
    ignored = resource.check_headings(sheet.headings)
    resource.row_numbers = sheet.row_numbers
    dataset = tablib.Dataset(*sheet.rows, headers=sheet.headings)
    result = resource.import_data(dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True)
    return _report(resource, result, file_name, ignored)


def _ensure_can_import(user, resource_class):
    model = resource_class._meta.model
    if not can_write_model(user, model):
        raise PermissionDenied(_("You are not allowed to change %(model)s.") % {"model": model._meta.verbose_name})


def preview_import(user, resource_class, content, file_name):
    """Validate every row of an upload exactly as the import would, saving nothing.

    The rows are written in a transaction that is always rolled back, so rules across rows (one
    team head, one cadre per ID number) are checked as they will be at the real import. Raises
    ValidationError for a file that cannot be imported at all (type, size, rows, columns).
    """
    _ensure_can_import(user, resource_class)
    validate_xlsx(content)
    return _run(user, resource_class, content, file_name, dry_run=True)


def commit_import(user, resource_class, job):
    """Import a previewed upload, all or nothing, and use the job up.

    Runs in one transaction: if any row fails (the data may have changed since the preview),
    nothing is saved and the job is marked failed. Otherwise every row is saved through the
    resource's service with its history user, one IMPORT audit event is written, and the job keeps
    only its summary. Raises ValidationError if the job was already used.
    """
    _ensure_can_import(user, resource_class)
    with transaction.atomic():
        # Claiming the job first makes a second confirmation (another tab, another server) wait
        # for this one and then find nothing to claim.
        claimed = ImportJob.objects.filter(
            pk=job.pk, user=user, status=ImportJob.Status.PENDING, created_at__gte=clock.now() - JOB_LIFETIME
        ).update(status=ImportJob.Status.DONE)
        if not claimed:
            raise ValidationError(_("This upload has already been imported or has expired; upload the file again."),
                                  code="used")
        content = ImportJob.objects.filter(pk=job.pk).values_list("content", flat=True).get()
        report = _run(user, resource_class, bytes(content), job.file_name, dry_run=False)
        if report.has_errors:
            transaction.set_rollback(True)
        else:
            counts = report.counts
            record_event(
                kind=AuditEvent.Kind.TRANSFER, action=AuditEvent.Action.IMPORT, user=user,
                detail=_("%(records)s from %(file)s: %(new)d new, %(update)d updated, %(skip)d unchanged")
                % {"records": resource_class._meta.model._meta.verbose_name_plural, "file": job.file_name, **counts},
            )
            ImportJob.objects.filter(pk=job.pk).update(content=b"", summary=report.summary())
    if report.has_errors:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED, content=b"", summary=report.summary()
        )
    return report


def build_template(resource):
    """The template workbook for a resource: headings, one example row, accepted values as
    drop-down lists, text-formatted text columns, and a sheet explaining every column."""
    model_meta = resource._meta.model._meta
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = str(model_meta.verbose_name_plural)[:31]
    columns = resource.columns()
    sheet.append([c.column_name for c in columns])
    sheet.append(resource.example_row())
    last_row = settings.BANZI_IMPORT_MAX_ROWS + 1
    for number, column in enumerate(columns, start=1):
        letter = get_column_letter(number)
        heading = sheet.cell(row=1, column=number)
        heading.font = Font(bold=True, color="B42318" if column.required else None)
        heading.fill = PatternFill("solid", fgColor="EEF2F7")
        sheet.column_dimensions[letter].width = max(12, len(column.column_name) * 2 + 4)
        example = sheet.cell(row=2, column=number)
        if isinstance(column.widget, DateWidget):
            example.number_format = "yyyy-mm-dd"
            sheet.column_dimensions[letter].number_format = "yyyy-mm-dd"
        elif isinstance(column.widget, TextWidget):
            example.number_format = "@"  # keep ID and phone numbers as typed
            sheet.column_dimensions[letter].number_format = "@"
        if hasattr(column.widget, "file_labels"):
            choices = ",".join(column.widget.file_labels())
            if len(choices) < 250:
                validation = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
                sheet.add_data_validation(validation)
                validation.add(f"{letter}2:{letter}{last_row}")
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet(_("Instructions")[:31])
    notes.append([_("Column"), _("Required"), _("How to fill it in")])
    for column in columns:
        notes.append([column.column_name, _("Yes") if column.required else "", column.describe()])
    notes.append([])
    for line in instructions(resource):
        notes.append([line])
    for number, width in ((1, 16), (2, 8), (3, 90)):
        notes.column_dimensions[get_column_letter(number)].width = width
    for cell in notes[1]:
        cell.font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def instructions(resource):
    """The general rules of an import, as shown on the import page and in the template."""
    lines = [
        _("Keep the heading row as it is; fill in one record per row and delete the example row."),
        _("Columns you leave out of the file are not changed; an empty cell clears the value."),
        _("Nothing is saved until you have seen the preview and confirmed it; if any row has an error, "
          "nothing is saved at all."),
        _("At most %(rows)d rows and %(size)s per file.")
        % {"rows": settings.BANZI_IMPORT_MAX_ROWS, "size": filesizeformat(settings.BANZI_IMPORT_MAX_BYTES)},
    ]
    match = resource.match_headings()
    if match:
        lines.insert(1, _("A row whose %(columns)s matches an existing record updates it; other rows create new "
                          "records.") % {"columns": "、".join(match)})
    return lines


# ---------------------------------------------------------------------------------------------
# Pages.


class ImportUploadForm(forms.Form):
    """The upload: an .xlsx checked by content and size."""

    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX_CONTENT_TYPE}", "class": "form-control"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.BANZI_IMPORT_MAX_BYTES:
            raise ValidationError(
                _("The file is %(size)s; the largest file that can be imported is %(max)s.")
                % {"size": filesizeformat(upload.size), "max": filesizeformat(settings.BANZI_IMPORT_MAX_BYTES)},
                code="too_big",
            )
        self.content = upload.read()
        validate_xlsx(self.content)
        return upload


class ImportMixin(LoginRequiredMixin):
    resource_class = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not can_write_model(request.user, self.resource_class._meta.model):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @property
    def model(self):
        return self.resource_class._meta.model


class ImportView(ImportMixin, View):
    """GET: what the file must hold, the template link and the upload form. POST a file: the
    preview. POST a job: the import, then back to the list."""

    template_name = "core/import_form.html"
    preview_template_name = "core/import_preview.html"
    success_url = None  # default: the model's list

    def get_success_url(self):
        return self.success_url or reverse(self.model.url_name("list"))

    def context(self, **kwargs):
        resource = self.resource_class(user=self.request.user)
        return {
            "model_meta": self.model._meta,
            "columns": resource.columns(),
            "instructions": instructions(resource),
            "template_url": reverse(self.model.url_name("import_template")),
            "import_url": self.request.path,
            "list_url": self.get_success_url(),
            **kwargs,
        }

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name, self.context(form=ImportUploadForm()))

    def post(self, request, *args, **kwargs):
        if "job" in request.POST:
            return self.confirm(request)
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, self.context(form=form))
        file_name = form.cleaned_data["file"].name[:255]
        try:
            report = preview_import(request.user, self.resource_class, form.content, file_name)
        except ValidationError as exc:
            form.add_error("file", exc)
            return render(request, self.template_name, self.context(form=form))
        ImportJob.objects.filter(created_at__lt=clock.now() - JOB_LIFETIME).delete()
        job = None
        if not report.has_errors:
            job = ImportJob.objects.create(
                user=request.user, model_label=self.resource_class.model_label(), file_name=file_name,
                content=form.content, summary=report.summary(),
            )
        return self.render_preview(report, job)

    def confirm(self, request):
        job_id = request.POST.get("job", "")
        if not job_id.isdigit():
            raise Http404
        job = get_object_or_404(
            ImportJob.objects.defer("content"), pk=job_id, user=request.user,
            model_label=self.resource_class.model_label(),
        )
        try:
            report = commit_import(request.user, self.resource_class, job)
        except ValidationError as exc:
            for message in exc.messages:
                messages.warning(request, message)
            return HttpResponseRedirect(request.path)
        if report.has_errors:
            messages.error(request, _("The data has changed since the preview and some rows are no longer valid; "
                                      "nothing has been saved."))
            return self.render_preview(report, None)
        counts = report.counts
        messages.success(request, _("Imported %(file)s: %(new)d new, %(update)d updated, %(skip)d unchanged.")
                         % {"file": job.file_name, **counts})
        return HttpResponseRedirect(self.get_success_url())

    def render_preview(self, report, job):
        return render(self.request, self.preview_template_name, self.context(
            report=report, job=job, counts=report.counts, changed_rows=report.changed_rows[:PREVIEW_ROWS],
            more_changed=max(0, len(report.changed_rows) - PREVIEW_ROWS),
        ))


class ImportTemplateView(ImportMixin, View):
    """The template .xlsx for an import, generated from its resource."""

    def get(self, request, *args, **kwargs):
        content = build_template(self.resource_class(user=request.user))
        response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
        file_name = _("%(records)s import template") % {"records": self.model._meta.verbose_name_plural}
        response["Content-Disposition"] = content_disposition_header(True, f"{file_name}.xlsx")
        return response


def import_urls(prefix, resource_class, *, view_class=ImportView, template_view_class=ImportTemplateView, **options):
    """URLs `<model>_import` and `<model>_import_template` under `<prefix>/import/` for a resource."""
    name = resource_class._meta.model._meta.model_name
    return [
        path(f"{prefix}/import/", view_class.as_view(resource_class=resource_class, **options), name=f"{name}_import"),
        path(f"{prefix}/import/template/", template_view_class.as_view(resource_class=resource_class),
             name=f"{name}_import_template"),
    ]
