"""The template workbook a user downloads for an import: the headings, an example row, the
accepted values as drop-down lists and a sheet explaining every column; and the general rules of an
import, shown both in that sheet and on the import page.
"""
import io

import openpyxl
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .columns import DateWidget, TextWidget


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
