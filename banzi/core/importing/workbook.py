"""Reading an uploaded workbook: the bytes are checked to be a real .xlsx of acceptable size (by
content, not by name), then the first worksheet is read into its headings and its non-empty rows.

Everything here raises ValidationError with a message the user can act on; nothing here knows
which list is being imported (that is `resources`). A sheet once read can be packed into bytes and
unpacked again as it was (`pack_sheet`, `unpack_sheet`), so that an import need not read its workbook twice.
"""
import dataclasses
import datetime
import io
import json
import logging
import re
import zipfile
import zlib

import openpyxl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.worksheet._reader import FORMULA_TAG, INLINE_STRING, WorkSheetParser

from banzi.core.errors import Code
from banzi.core.uploads import check_unpacked

logger = logging.getLogger(__name__)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_WORKBOOK_PART = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and password-protected workbooks
MAX_COLUMNS = 100
SPACES = re.compile(r"\s+")
_REQUIRED_MARKS = ("*", "＊", "(必填)", "（必填）")


def squeeze(value):
    """A cell's text without any spaces, for comparing what people type."""
    return SPACES.sub("", str(value)).replace("\u3000", "")


def _not_xlsx():
    return ValidationError(
        _("This file is not an Excel workbook (.xlsx). Open it in Excel, save it as “Excel Workbook (*.xlsx)” "
          "and upload that file; CSV, text and other files cannot be imported."),
        code=Code.FILE_TYPE,
    )


def validate_xlsx(content):
    """Check that the bytes really are an .xlsx workbook of acceptable size (not only named so)."""
    max_bytes = settings.BANZI_IMPORT_MAX_BYTES
    if len(content) > max_bytes:
        raise ValidationError(
            _("The file is %(size)s; the largest file that can be imported is %(max)s.")
            % {"size": filesizeformat(len(content)), "max": filesizeformat(max_bytes)},
            code=Code.FILE_SIZE,
        )
    if not content:
        raise ValidationError(_("The file is empty."), code=Code.FILE_EMPTY)
    if content.startswith(_OLE_MAGIC):
        raise ValidationError(
            _("This is an old Excel 97–2003 (.xls) file or a password-protected workbook. Open it in Excel, "
              "remove any password, save it as “Excel Workbook (*.xlsx)” and upload that file."),
            code=Code.FILE_TYPE,
        )
    if not content.startswith(b"PK\x03\x04"):
        raise _not_xlsx()
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            # A zip bomb is refused here, before openpyxl (read_sheet) inflates anything.
            check_unpacked(archive, len(content))
            content_types = archive.read("[Content_Types].xml")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, EOFError) as exc:
        raise _not_xlsx() from exc
    if _WORKBOOK_PART not in content_types:
        raise _not_xlsx()


def clean_heading(value):
    """A column heading as written in the template: no spaces, no “required” marks."""
    text = squeeze(value if value is not None else "")
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
    a file that cannot be read, has no rows, repeats a heading or has too many rows.

    The content is checked again (`validate_xlsx`) first: a kept job's bytes are read here too, and
    nothing may reach openpyxl without the zip-bomb check."""
    max_rows = settings.BANZI_IMPORT_MAX_ROWS
    validate_xlsx(content)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors on damaged files
        logger.info("unreadable workbook: %s", exc)
        raise ValidationError(
            _("The workbook could not be read; it may be damaged. Open it in Excel, save it again and retry."),
            code=Code.FILE_UNREADABLE,
        ) from exc
    try:
        if not workbook.worksheets:
            raise ValidationError(_("The workbook has no worksheet."), code=Code.FILE_EMPTY)
        headings, keep, rows, numbers, width = None, [], [], [], MAX_COLUMNS
        # Every row present, not only those the sheet declares (<dimension>, which some programs write
        # wrong; the row limit below still holds), each as MAX_COLUMNS values.
        for number, values in sheet_rows(workbook.worksheets[0]):
            # Only the cells under a heading are kept; those beyond them (openpyxl pads every row to
            # MAX_COLUMNS) only tell whether the row is empty, and are tidied only if not None.
            cells = [_cell(v) for v in values[:width]]
            if all(v is None for v in cells) and all(_cell(v) is None for v in values[width:] if v is not None):
                continue
            values = cells
            if headings is None:
                keep = [i for i, v in enumerate(values) if v is not None]
                headings = [clean_heading(values[i]) for i in keep]
                width = keep[-1] + 1
                continue
            if len(rows) >= max_rows:
                raise ValidationError(
                    _("The file has more than %(max)d rows; split it into several files.") % {"max": max_rows},
                    code=Code.TOO_MANY_ROWS,
                )
            rows.append(tuple(values[i] if i < len(values) else None for i in keep))
            numbers.append(number)
    except ValidationError:
        raise
    except Exception as exc:
        logger.info("unreadable worksheet: %s", exc)
        raise ValidationError(
            _("The workbook could not be read; it may be damaged. Open it in Excel, save it again and retry."),
            code=Code.FILE_UNREADABLE,
        ) from exc
    finally:
        workbook.close()
    if not headings:
        raise ValidationError(_("The first worksheet is empty; the first row must hold the column headings."),
                              code=Code.FILE_EMPTY)
    repeated = sorted({h for h in headings if headings.count(h) > 1})
    if repeated:
        raise ValidationError(
            _("These columns appear more than once: %(columns)s.") % {"columns": "、".join(repeated)},
            code=Code.REPEATED_COLUMNS,
        )
    if not rows:
        raise ValidationError(_("The file has column headings but no rows to import."), code=Code.NO_ROWS)
    return Sheet(headings, rows, numbers)


class _SheetParser(WorkSheetParser):
    """openpyxl's reader of a worksheet, reading a cell of text written in the sheet itself (an
    inline string, as openpyxl and many programs write text) without building openpyxl's rich-text
    objects for it: the same text (`Text.content`: the plain text and the runs' text, not the
    phonetic guide) several times faster. Every other cell is read by openpyxl itself."""

    def parse_cell(self, element):
        if element.get("t") != "inlineStr" or (not self.data_only and element.find(FORMULA_TAG) is not None):
            return super().parse_cell(element)
        # Its place and style as openpyxl reads them (`WorkSheetParser.parse_cell`).
        style_id = element.get("s", 0)
        if style_id:
            style_id = int(style_id)
        coordinate = element.get("r")
        if coordinate:
            row, column = coordinate_to_tuple(coordinate)
            self.col_counter = column
        else:
            self.col_counter += 1
            row, column = self.row_counter, self.col_counter
        data_type, value = "inlineStr", None
        child = element.find(INLINE_STRING)
        if child is not None:
            data_type, value = "s", text_content(child)
        return {"row": row, "column": column, "value": value, "data_type": data_type, "style_id": style_id}


def _local(tag):
    return tag.rpartition("}")[2]


def text_content(node):
    """The text of a string element as openpyxl's `Text.from_tree(node).content`: its last <t>, then
    the last <t> of each run <r> that has one; a phonetic guide (<rPh>) is no part of it."""
    plain, runs = None, []
    for child in node:
        tag = _local(child.tag)
        if tag == "t":
            plain = child.text
        elif tag == "r":
            text = None
            for part in child:
                if _local(part.tag) == "t":
                    text = part.text
            if text is not None:
                runs.append(text)
    return "".join(runs) if plain is None else plain + "".join(runs)


def sheet_rows(sheet):
    """(row number, MAX_COLUMNS values) for every row a read-only worksheet holds that openpyxl's
    `iter_rows(max_col=MAX_COLUMNS, values_only=True)` gives, after `reset_dimensions()` (every row
    present, whatever the sheet declares), but for the empty rows between them."""
    workbook = sheet.parent
    counter = 1
    with sheet._get_source() as source:
        parser = _SheetParser(source, sheet._shared_strings, data_only=workbook.data_only, epoch=workbook.epoch,
                              date_formats=workbook._date_formats, timedelta_formats=workbook._timedelta_formats)
        for number, cells in parser.parse():
            if number < counter:
                continue  # a row out of order: openpyxl passes it over
            values = [None] * MAX_COLUMNS
            for cell in cells:
                if 1 <= cell["column"] <= MAX_COLUMNS:
                    values[cell["column"] - 1] = cell["value"]
            counter = number + 1
            yield number, tuple(values)


# A sheet kept between the preview and the import: compressed JSON, the cells that JSON cannot hold
# (dates and times) tagged as {"$": type, "v": ISO text}. JSON, not pickle: unpacking builds no objects
# but these. The version lets a later format refuse what it cannot read (the workbook is read instead).
_PACK_VERSION = 1
_TEMPORAL = {"datetime": datetime.datetime, "date": datetime.date, "time": datetime.time}


def _pack_cell(value):
    for tag, kind in _TEMPORAL.items():
        if type(value) is kind:
            return {"$": tag, "v": value.isoformat()}
    if isinstance(value, datetime.timedelta):  # a duration cell ([h]:mm)
        return {"$": "timedelta", "v": [value.days, value.seconds, value.microseconds]}
    raise TypeError(f"cannot pack a cell of type {type(value).__name__}")


def _unpack_cell(obj):
    tag = obj.get("$")
    if tag == "timedelta":
        return datetime.timedelta(*obj["v"])
    if tag in _TEMPORAL:
        return _TEMPORAL[tag].fromisoformat(obj["v"])
    raise ValueError(f"unknown packed cell {tag!r}")


def pack_sheet(sheet):
    """The sheet as bytes that `unpack_sheet` turns back into an equal sheet. Raises TypeError for a
    cell of a type it cannot keep exactly (openpyxl gives none)."""
    data = {"version": _PACK_VERSION, "headings": sheet.headings, "rows": sheet.rows, "row_numbers": sheet.row_numbers}
    text = json.dumps(data, default=_pack_cell, ensure_ascii=False, allow_nan=True, separators=(",", ":"))
    return zlib.compress(text.encode("utf-8"), 1)


def unpack_sheet(packed):
    """The sheet `pack_sheet` packed. Raises ValueError if the bytes are not such a sheet."""
    try:
        data = json.loads(zlib.decompress(packed), object_hook=_unpack_cell_or_dict)
        if not isinstance(data, dict) or data.get("version") != _PACK_VERSION:
            raise ValueError("not a packed sheet of this version")
        return Sheet(list(data["headings"]), [tuple(row) for row in data["rows"]], list(data["row_numbers"]))
    except (zlib.error, UnicodeDecodeError, KeyError, TypeError) as exc:
        raise ValueError("not a packed sheet") from exc


def _unpack_cell_or_dict(obj):
    return _unpack_cell(obj) if "$" in obj else obj
