"""A list as an Excel workbook that reads right in Excel and WPS.

django-tables2's own export (through tablib) wrote every cell as text, times as UTC text
("2026-12-04 20:35:20+00:00"), no title and a file name that browsers dropped. `TableWorkbook` takes
the same arguments as django-tables2's `TableExport` and writes instead:

- a title row (the list's name), a row with the filters applied and the time of export;
- the header, frozen and repeated on every printed page, with 序号 as the first column;
- dates and times as real Excel dates in the county's time zone, numbers as numbers, percentages
  ("85%") as percentages, 是/否 for yes and no;
- column widths that fit Chinese text (a CJK character is two widths), printing fitted to the width
  of an A4 page (landscape when the list is wide);
- the file name in the `filename*` form of RFC 6266/5987, which every browser keeps.
"""
import datetime
import decimal
import io
import re

from django.http import HttpResponse
from django.utils.encoding import force_str
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django_tables2 import columns as table_columns
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from . import clock

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERCENT = re.compile(r"^(-?\d+(?:\.(\d+))?)\s*%$")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MIN_WIDTH, MAX_WIDTH = 6, 50
WIDE = 7  # columns from which the page is printed in landscape
HEADER_ROW = 3

_thin = Side(style="thin", color="999999")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)


def display_width(text):
    """Columns a text takes: a CJK or full-width character takes two."""
    return sum(2 if ord(char) > 0x2E7F else 1 for char in text)


def excel_value(value):
    """A cell's value as Excel should hold it, and its number format (or None)."""
    if value is None:
        return "", None
    if isinstance(value, bool):
        return (_("Yes") if value else _("No")), None
    if isinstance(value, datetime.datetime):
        return clock.local(value).replace(tzinfo=None), DATETIME_FORMAT
    if isinstance(value, datetime.date):
        return value, DATE_FORMAT
    if isinstance(value, int | float | decimal.Decimal):
        return value, None
    text = force_str(value).strip()
    match = PERCENT.match(text)
    if match:
        decimals = len(match.group(2) or "")
        return decimal.Decimal(match.group(1)) / 100, "0%" if not decimals else "0." + "0" * decimals + "%"
    return text, None


def _typed_cell(table, row, bound_column):
    """The value the page shows, typed: a date column gives its date, not the date as text."""
    name = bound_column.name
    custom = hasattr(table, f"value_{name}") or hasattr(table, f"render_{name}")
    if not custom and isinstance(bound_column.column, table_columns.DateColumn | table_columns.DateTimeColumn):
        raw = bound_column.accessor.resolve(row.record, quiet=True)
        if isinstance(raw, datetime.date):
            return raw
    return row.get_cell_value(name)


def filters_text(filterset):
    """The filters a list is narrowed by, as 「label：value」 pairs, or an empty text."""
    form = getattr(filterset, "form", None)
    if form is None or not form.is_bound or not form.is_valid():
        return ""
    parts = []
    for name, value in form.cleaned_data.items():
        if value in (None, "", [], ()) or name in ("sort", "o", "page"):
            continue
        field = form.fields[name]
        if hasattr(value, "start") or hasattr(value, "stop"):  # a range filter's slice
            value = "–".join(str(v) for v in (value.start, value.stop) if v is not None)
            if not value:
                continue
        elif isinstance(value, list | tuple) or hasattr(value, "__iter__") and not isinstance(value, str):
            choices = dict(getattr(field, "choices", ()) or ())
            value = "、".join(str(choices.get(v, v)) for v in value)
        elif isinstance(value, bool):
            value = _("Yes") if value else _("No")
        elif getattr(field, "choices", None) is not None and not hasattr(value, "pk"):
            value = dict(field.choices).get(value, value)
        parts.append(f"{field.label or name}：{value}")
    return "；".join(parts)


class TableWorkbook:
    """An .xlsx of a django-tables2 table; used as a list view's `export_class` or on its own."""

    FORMATS = {"xlsx": CONTENT_TYPE}

    def __init__(self, export_format="xlsx", table=None, exclude_columns=None, dataset_kwargs=None,
                 title=None, filters="", notes=()):
        if export_format != "xlsx":
            raise ValueError(f"Unsupported export format: {export_format}")
        self.table = table
        self.exclude_columns = exclude_columns or ()
        self.title = force_str(title or (dataset_kwargs or {}).get("title") or "")
        self.filters = filters
        self.notes = [list(note) for note in notes]  # rows written under the table, after a blank one

    @classmethod
    def is_valid_format(cls, export_format):
        return export_format in cls.FORMATS

    def columns(self):
        return [column for column in self.table.columns.iterall()
                if not (column.column.exclude_from_export or column.name in self.exclude_columns)]

    def workbook(self):
        book = Workbook()
        sheet = book.active
        # A sheet's name may not hold []:*?/\ and is at most 31 characters.
        sheet.title = re.sub(r"[\[\]:*?/\\]", " ", self.title)[:31] or _("Sheet1")
        columns = self.columns()
        headers = [_("No."), *(force_str(column.header) for column in columns)]
        last = get_column_letter(len(headers))
        widths = [display_width(h) + 2 for h in headers]

        sheet.append([self.title])
        sheet.merge_cells(f"A1:{last}1")
        sheet["A1"].font = Font(bold=True, size=14)
        sheet["A1"].alignment = Alignment(horizontal="center", vertical="center")
        sheet.row_dimensions[1].height = 24
        stamp = clock.local_now().strftime("%Y-%m-%d %H:%M")
        note = _("Exported at %(time)s") % {"time": stamp}
        if self.filters:
            note = _("Filters: %(filters)s; %(exported)s") % {"filters": self.filters, "exported": note}
        sheet.append([note])
        sheet.merge_cells(f"A2:{last}2")
        sheet["A2"].alignment = Alignment(wrap_text=True, vertical="top")
        if self.filters:
            sheet.row_dimensions[2].height = 15 * min(4, 1 + display_width(note) // 100)

        sheet.append(headers)
        for cell in sheet[HEADER_ROW]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDE4EE")
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = BORDER

        for number, row in enumerate(self.table.rows, start=1):
            values = [(number, None)] + [excel_value(_typed_cell(self.table, row, column)) for column in columns]
            sheet.append([value for value, _format in values])
            line = sheet.max_row
            for index, (value, number_format) in enumerate(values):
                cell = sheet.cell(row=line, column=index + 1)
                cell.border = BORDER
                if number_format:
                    cell.number_format = number_format
                width = 16 if number_format in (DATETIME_FORMAT,) else 11 if number_format else display_width(str(value))
                widths[index] = max(widths[index], width + 2)

        if self.notes:
            sheet.append([])
            for note in self.notes:  # under the table's first columns, beside the 序号 column
                sheet.append(["", *(force_str(value) for value in note)])

        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(MIN_WIDTH, min(MAX_WIDTH, width))
        sheet.freeze_panes = f"B{HEADER_ROW + 1}"
        sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.orientation = "landscape" if len(headers) >= WIDE else "portrait"
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_options.horizontalCentered = True
        return book

    def export(self):
        buffer = io.BytesIO()
        self.workbook().save(buffer)
        return buffer.getvalue()

    def response(self, filename=None):
        response = HttpResponse(self.export(), content_type=CONTENT_TYPE)
        if filename:
            response["Content-Disposition"] = content_disposition_header(True, filename)
        return response
