"""The year-end report as a .docx in the official-document layout of the bulletins (GB/T 9704):
title, 主送, the three parts (一、二、三、) with their paragraphs (first-line indent, the lead sentence
first), the issuing body and date, and the appendix table of the figures with their definitions."""
import io

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from banzi.core import clock
from banzi.tasks.bulletin_documents import (
    BODY_FONT,
    BODY_SIZE,
    HEADING_FONT,
    TITLE_FONT,
    TITLE_SIZE,
    _page_setup,
    _paragraph,
    _register_fallbacks,
    _table,
    day,
    set_font,
)

from .report import display


def appendix_columns():
    return [_("Figure"), _("Definition"), _("Value"), _("Unit"), _("Compared with the previous period"),
            _("Records")]


def appendix_rows(report, with_links=False):
    rows = []
    for value in report.values.values():
        figure = value.figure
        rows.append([str(figure.label), str(figure.definition), display(value.value, figure), str(figure.unit),
                     value.comparison or "—", value.url if with_links else _("List: %(path)s") % {"path": value.url}])
    return rows


def issuing_body(report):
    return (_("%(township)s Party committee") % {"township": report.scope.township.name}
            if report.scope.township is not None else _("%(county)s Party committee organization department") % {
                "county": report.scope.county_name})


def report_docx(report, today=None):
    document = Document()
    _register_fallbacks(document)
    _page_setup(document)
    body = issuing_body(report)
    document.core_properties.title = report.title
    document.core_properties.author = body
    _paragraph(document, report.title, TITLE_FONT, TITLE_SIZE, WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document)
    _paragraph(document, _("To the county Party committee:") if report.scope.township is None
               else _("To the county Party committee organization department:"))
    _paragraph(document, _("The work of %(scope)s in %(period)s on the building of the township leadership teams, "
                           "drawn from the records, is reported as follows.") % {
        "scope": report.scope.name, "period": report.period.label}, indent=True)
    for _part, heading, paragraphs in report.sections:
        _paragraph(document, heading, HEADING_FONT, indent=True)
        for paragraph in paragraphs:
            text = paragraph.text
            if paragraph.comparison_text:
                text += paragraph.comparison_text
            out = _paragraph(document, indent=True)
            if paragraph.title:
                set_font(out.add_run(paragraph.title), BODY_FONT, BODY_SIZE, bold=True)
            set_font(out.add_run(text), BODY_FONT, BODY_SIZE)
    _paragraph(document)
    _paragraph(document, body, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(document, day(today or clock.today()), align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(document)
    _paragraph(document, _("Appendix: the figures of this report"), HEADING_FONT)
    _paragraph(document, _("Each figure is counted from the records of %(scope)s from %(start)s to %(end)s; the list "
                           "of the records it counts is at the address given.") % {
        "scope": report.scope.name, "start": day(report.period.start), "end": day(report.period.end)}, indent=True)
    _table(document, appendix_columns(), appendix_rows(report))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
