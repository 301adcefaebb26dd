"""The outcome of an import or of its preview, row by row: what each row creates, updates or leaves
unchanged, and the errors of the rows that cannot be saved, named by row number and column.

The preview page shows it, and the `ImportJob` keeps its summary once the import is done.
"""
import dataclasses
import logging

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _
from import_export.results import RowResult

logger = logging.getLogger(__name__)

SUMMARY_ERRORS = 500


class RowOutcome:
    """What importing one row does: create, update, leave unchanged, or fail with errors.

    number: the worksheet row; action: new | update | skip | error; changes: [{"column", "old", "new"}],
    or a function listing them when they are first read (a preview of thousands of rows shows the
    changes of its first rows only); errors: [{"column", "message", "code"}]."""

    __slots__ = ("number", "action", "label", "_changes", "errors")

    def __init__(self, number, action, label, changes, errors):
        self.number, self.action, self.label, self.changes, self.errors = number, action, label, changes, errors

    @property
    def changes(self):
        if callable(self._changes):
            self._changes = self._changes()
        return self._changes

    @changes.setter
    def changes(self, value):
        self._changes = value

    def _fields(self):
        return (self.number, self.action, self.label, self.changes, self.errors)

    def __eq__(self, other):
        return isinstance(other, RowOutcome) and self._fields() == other._fields()

    __hash__ = None

    def __repr__(self):
        return "RowOutcome(number={!r}, action={!r}, label={!r}, changes={!r}, errors={!r})".format(*self._fields())


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


def validation_errors(resource, error):
    """A row's ValidationError as [{"column", "message", "code"}], each named by its column."""
    errors = []
    if error is None:
        return errors
    items = error.error_dict.items() if hasattr(error, "error_dict") else [(NON_FIELD_ERRORS, error.error_list)]
    for key, error_list in items:
        for single in ValidationError(error_list).error_list:
            for message in single:
                errors.append({"column": resource.error_label(key), "message": message, "code": single.code})
    return errors


def failure_errors(index, error):
    """A row that failed otherwise than by validation (logged; the user sees the error's text)."""
    logger.warning("import row %s failed: %r", index, error)
    return [{"column": "", "message": _("This row could not be saved: %(error)s") % {"error": error}, "code": None}]


def build_report(resource, result, file_name, ignored):
    """The report of an import_export result, with row numbers and columns as in the file."""
    rows = []
    for index, row_result in enumerate(result.rows, start=1):
        errors = validation_errors(resource, row_result.validation_error)
        for error in row_result.errors:
            errors.extend(failure_errors(index, error.error))
        action = "error" if errors else {RowResult.IMPORT_TYPE_NEW: "new", RowResult.IMPORT_TYPE_UPDATE: "update"}.get(
            row_result.import_type, "skip")
        rows.append(RowOutcome(
            number=resource.excel_row(index), action=action, label=resource.row_label(row_result.row_values, row_result),
            changes=getattr(row_result, "changes", []), errors=errors,
        ))
    file_errors = [str(e.error) for e in result.base_errors]
    return ImportReport(file_name=file_name, rows=rows, file_errors=file_errors, ignored_columns=ignored)
