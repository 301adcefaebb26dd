"""The monthly attendance summary as an Excel workbook: a sheet of cadres and a sheet of unit totals."""
import io

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from banzi.core.audit import record_event
from banzi.core.importing.workbook import XLSX_CONTENT_TYPE
from banzi.core.models import AuditEvent

from . import attendance


def _sheet(sheet, title, first_headings, rows):
    sheet.title = title
    sheet.append([*first_headings, *[str(attendance.LABELS[c]) for c in attendance.COLUMNS]])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        first = [row.label, row.organization] if len(first_headings) == 2 else [row.label]
        sheet.append([*first, *row.cells])
    sheet.freeze_panes = "A2"


def summary_workbook(year, month, rows, totals):
    """The month's summary: per cadre, then per unit; every figure counted from the day statuses."""
    book = Workbook()
    _sheet(book.active, _("Cadres %(year)s-%(month)02d") % {"year": year, "month": month},
           [_("full name"), _("unit")], rows)
    _sheet(book.create_sheet(), _("Units"), [_("unit")], totals)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_response(content, file_name, request):
    record_event(kind=AuditEvent.Kind.TRANSFER, action=AuditEvent.Action.EXPORT, user=request.user,
                 detail=f"{file_name} ?{request.GET.urlencode()}", request=request)
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, file_name)
    return response
