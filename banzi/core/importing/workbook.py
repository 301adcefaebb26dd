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

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from lxml import etree
from openpyxl.reader.excel import ExcelReader
from openpyxl.utils.cell import coordinate_to_tuple, get_column_letter
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.worksheet._reader import INLINE_STRING, _cast_number
from openpyxl.xml.constants import SHARED_STRINGS

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
        workbook = load_workbook(content)
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


# The XML of a worksheet and its shared strings is read by lxml in C, as a stream of rows, each cell's
# value worked out as openpyxl's `WorkSheetParser.parse_cell` works it out, with openpyxl's own
# conversions (numbers, dates by the cell's style, yes/no, ISO dates) but without a dictionary and
# a coordinate parse per cell: openpyxl reads through the pure-Python XML parser (defusedxml's) and
# takes three to four times as long. No entity is expanded, nothing is fetched, a document type
# declaration is refused as defusedxml refuses its entities, and the zip bomb was refused before
# (validate_xlsx). tests/core/test_import_sheet_rows.py compares the rows with openpyxl's own.
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _VALUE, _SHARED = f"{_MAIN_NS}row", f"{_MAIN_NS}v", f"{_MAIN_NS}si"
_DIGITS = "0123456789"
_COLUMN_OF = {get_column_letter(n): n for n in range(1, MAX_COLUMNS + 1)}


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


def _elements(source, tag):
    """Each `tag` element of an XML stream, complete, then emptied: what is read is not kept."""
    stream = etree.iterparse(source, events=("end",), tag=tag, resolve_entities=False, no_network=True,
                             load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True)
    checked = False
    for _event, element in stream:
        if not checked:
            _refuse_doctype(element)
            checked = True
        yield element
        element.clear(keep_tail=True)
        while element.getprevious() is not None:
            del element.getparent()[0]
    if not checked and stream.root is not None:
        _refuse_doctype(stream.root)


def _refuse_doctype(element):
    if element.getroottree().docinfo.doctype:
        raise ValueError("a document type declaration in a workbook part")


def shared_strings(source):
    """A workbook's shared strings as openpyxl's `read_string_table` reads them."""
    return [text_content(node).replace("x005F_", "") for node in _elements(source, _SHARED)]


class _Reader(ExcelReader):
    """openpyxl's reader of a workbook, its shared strings read by `shared_strings`."""

    def read_strings(self):
        part = self.package.find(SHARED_STRINGS)
        if part is not None:
            with self.archive.open(part.PartName[1:]) as source:
                self.shared_strings = shared_strings(source)


def load_workbook(content):
    """The workbook in openpyxl's read-only mode, with the cells' values (not their formulas)."""
    reader = _Reader(io.BytesIO(content), read_only=True, data_only=True)
    reader.read()
    return reader.wb


def sheet_rows(sheet):
    """(row number, MAX_COLUMNS values) for every row a read-only worksheet of a `data_only` workbook
    holds that openpyxl's `iter_rows(max_col=MAX_COLUMNS, values_only=True)` gives, after
    `reset_dimensions()` (every row present, whatever the sheet declares), but for the empty rows
    between them."""
    workbook = sheet.parent
    if not workbook.data_only:
        raise ValueError("sheet_rows reads the values of a data_only workbook")
    strings, epoch = sheet._shared_strings, workbook.epoch
    dates, durations = workbook._date_formats, workbook._timedelta_formats
    counter = 0  # the last row number given
    number = 0  # openpyxl's row counter
    with sheet._get_source() as source:
        for row in _elements(source, _ROW):
            written = row.get("r")
            if written is None:
                number += 1
            else:
                try:
                    number = int(written)
                except ValueError:
                    as_float = float(written)
                    if not as_float.is_integer():
                        raise ValueError(f"{written} is not a valid row number") from None
                    number = int(as_float)
            values = [None] * MAX_COLUMNS
            column = 0
            for cell in row:
                attributes = cell.attrib
                coordinate = attributes.get("r")
                if coordinate:
                    letters = coordinate.rstrip(_DIGITS)
                    column = _COLUMN_OF.get(letters) or coordinate_to_tuple(coordinate)[1]
                else:
                    column += 1
                if column > MAX_COLUMNS:
                    continue
                kind = attributes.get("t", "n")
                if kind == "inlineStr":
                    text = cell.find(INLINE_STRING)
                    values[column - 1] = None if text is None else text_content(text)
                    continue
                value = None
                for part in cell:  # its value: the text of its first <v> (findtext, without the path)
                    if part.tag == _VALUE:
                        value = part.text or None
                        break
                if value is None:
                    pass
                elif kind == "n":
                    value = _cast_number(value)
                    style = attributes.get("s")
                    style = int(style) if style else 0
                    if style in dates:
                        try:
                            value = from_excel(value, epoch, timedelta=style in durations)
                        except (OverflowError, ValueError):
                            value = "#VALUE!"  # as openpyxl reads a date it cannot place
                elif kind == "s":
                    value = strings[int(value)]
                elif kind == "b":
                    value = bool(int(value))
                elif kind == "d":
                    value = from_ISO8601(value)
                values[column - 1] = value
            if number <= counter:
                continue  # a row out of order: openpyxl passes it over
            counter = number
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
