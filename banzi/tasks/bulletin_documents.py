"""Bulletins (通报): the figures of a scope and period computed from the records, and their exports —
a Word document laid out as an official document (GB/T 9704-2012) and an Excel workbook.

Nothing in a bulletin is typed: its heading (title, scope, period, issuing body, number, date) is
the `Bulletin` record, and every figure comes from `metrics` over the records the user may see.
"""
import datetime
import io
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from django.utils import translation
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from banzi.core import clock
from banzi.org.models import Organization

from . import metrics
from .metrics import Period

# --- figures -----------------------------------------------------------------------------------


@dataclass
class BulletinData:
    """Everything a bulletin shows, computed for one user (their scope) as of one day."""

    bulletin: object
    period: Period
    today: datetime.date
    is_county: bool
    rate: metrics.Rate
    counts: dict
    total: int
    progress: int | None
    opened: int
    closed: int
    townships: list = field(default_factory=list)
    members: list = field(default_factory=list)
    tasks: list = field(default_factory=list)
    overdue: list = field(default_factory=list)
    problems_opened: list = field(default_factory=list)
    problems_closed: list = field(default_factory=list)


def _row(name, entries, period, today, problems, **extra):
    counts = metrics.state_counts(entries)
    return {
        "name": name, "rate": metrics.implementation_rate(entries, period, today), "total": len(entries),
        "done": counts[metrics.DONE], "overdue": counts[metrics.OVERDUE], "at_risk": counts[metrics.AT_RISK],
        "progress": metrics.average_progress(entries), "opened": problems.opened, "closed": problems.closed,
        **extra,
    }


def bulletin_data(bulletin, user, today=None, now=None):
    """The bulletin's figures over the records of its county or township that the user may see. A
    county bulletin has a row per township; both kinds have a row per person responsible for work."""
    now = now or clock.now()
    today = today or clock.local_date(now)
    period = Period(bulletin.period_start, bulletin.period_end)
    org = bulletin.organization
    is_county = org.kind == Organization.Kind.COUNTY
    township = None if is_county else (org.township_id or org.pk)
    county = org.pk if is_county else None
    entries = [e for e in metrics.collect(user, period, township=township, county=county, today=today, now=now)
               if e.state != metrics.CANCELLED]
    problems = metrics.problems_in_period(user, period, township=township, county=county)
    start, end = metrics.day_bounds(period)
    opened = [p for p in problems if start <= p.created_at <= end]
    closed = [p for p in problems if p.verified_at and start <= p.verified_at <= end and p.status == p.Status.CLOSED]
    totals = metrics.problem_counts(problems, period)[None]

    by_township = metrics.group_by(entries, lambda e: e.township_id)
    township_problems = metrics.problem_counts(problems, period, metrics.problem_township)
    townships = []
    if is_county:
        townships_of_county = Organization.objects.visible_to(user).filter(
            kind=Organization.Kind.TOWNSHIP, is_active=True, parent=org)
        for t in townships_of_county.order_by("sort_order", "name").only("pk", "name"):
            townships.append(_row(t.name, by_township.get(t.pk, []), period, today, township_problems[t.pk], id=t.pk))

    by_person = metrics.group_by(entries, lambda e: e.person_id)
    person_problems = metrics.problem_counts(problems, period, metrics.problem_person)
    members = []
    for person_id, rows in by_person.items():
        first = rows[0]
        members.append(_row(first.person, rows, period, today, person_problems[person_id], id=person_id,
                            post=first.post, township=first.township))

    tasks = sorted((e for e in entries if e.kind == "task"), key=lambda e: (e.township, e.person, e.deadline))
    return BulletinData(
        bulletin=bulletin, period=period, today=today, is_county=is_county,
        rate=metrics.implementation_rate(entries, period, today), counts=metrics.state_counts(entries),
        total=len(entries), progress=metrics.average_progress(entries), opened=totals.opened, closed=totals.closed,
        townships=metrics.ranked(townships), members=metrics.ranked(members), tasks=tasks,
        overdue=sorted(metrics.overdue(entries), key=lambda e: (e.deadline, e.title)),
        problems_opened=opened, problems_closed=closed,
    )


# --- words shared by the page, the document and the workbook -----------------------------------

def day(value):
    """A date as an official document writes it (2026年11月29日), or ISO in English."""
    if value is None:
        return ""
    if (translation.get_language() or "").startswith("zh"):
        return f"{value.year}年{value.month}月{value.day}日"
    return value.isoformat()


def percent(value):
    return "—" if value is None else f"{value}%"


def summary_sentence(data):
    """The overall figures in one sentence (the first section of the bulletin)."""
    return _(
        "%(total)d tasks and supervised items were under way; %(due)d were due, %(on_time)d of them done on "
        "time: an on-time rate of %(rate)s against a target of 100%%. %(overdue)d are overdue and %(at_risk)d "
        "at risk; average progress is %(progress)s. %(opened)d problems were found and %(closed)d closed."
    ) % {
        "total": data.total, "due": data.rate.due, "on_time": data.rate.on_time, "rate": data.rate.display(),
        "overdue": data.counts[metrics.OVERDUE], "at_risk": data.counts[metrics.AT_RISK],
        "progress": percent(data.progress), "opened": data.opened, "closed": data.closed,
    }


def intro_sentence(data):
    return _(
        "From the work lists, tasks and supervised items on record, the implementation of work from %(start)s "
        "to %(end)s is reported as follows."
    ) % {"start": day(data.period.start), "end": day(data.period.end)}


def township_columns():
    return [_("Rank"), _("Township"), _("Due"), _("Done on time"), _("On-time rate"), _("Overdue"),
            _("Average progress"), _("Problems found"), _("Problems closed")]


def township_cells(row):
    return [row["rank"] or "—", row["name"], row["rate"].due, row["rate"].on_time, row["rate"].display(),
            row["overdue"], percent(row["progress"]), row["opened"], row["closed"]]


def member_columns():
    return [_("Rank"), _("Name"), _("Post"), _("Township"), _("Due"), _("Done on time"), _("On-time rate"),
            _("Overdue"), _("Average progress"), _("Problems found"), _("Problems closed")]


def member_cells(row):
    return [row["rank"] or "—", row["name"], row["post"], row["township"], row["rate"].due, row["rate"].on_time,
            row["rate"].display(), row["overdue"], percent(row["progress"]), row["opened"], row["closed"]]


def task_columns():
    return [_("Responsible"), _("Task"), _("Target"), _("Deadline"), _("Progress"), _("Effect"), _("State")]


def task_cells(entry):
    return [entry.person, entry.title, entry.target, day(entry.deadline), f"{entry.progress}%", entry.effect,
            metrics.state_label(entry.state)]


def overdue_columns():
    return [_("Item"), _("Responsible"), _("Township"), _("Deadline"), _("Progress")]


def overdue_cells(entry):
    return [entry.title, entry.person, entry.township or entry.organization, day(entry.deadline), f"{entry.progress}%"]


def problem_columns():
    return [_("Problem"), _("Responsible"), _("Organization"), _("Deadline"), _("Status")]


def problem_cells(problem):
    return [problem.description, problem.responsible.name, problem.organization.name, day(problem.deadline),
            problem.get_status_display()]


def sections(data):
    """The numbered sections of the bulletin: (heading, paragraphs, (columns, rows) or None)."""
    out = [(_("Overall"), [summary_sentence(data)], None)]
    if data.is_county:
        out.append((_("On-time completion by township"), [],
                    (township_columns(), [township_cells(r) for r in data.townships])))
    out.append((_("Work of the team members"), [], (member_columns(), [member_cells(r) for r in data.members])))
    out.append((_("Targets, progress and effects"), [], (task_columns(), [task_cells(e) for e in data.tasks])))
    out.append((_("Overdue items"), [] if data.overdue else [_("None.")],
                (overdue_columns(), [overdue_cells(e) for e in data.overdue]) if data.overdue else None))
    problem_text = _("%(opened)d problems were found and %(closed)d verified and closed in the period.") % {
        "opened": data.opened, "closed": data.closed}
    rows = [problem_cells(p) for p in data.problems_opened + [p for p in data.problems_closed
                                                               if p not in data.problems_opened]]
    out.append((_("Problems found and rectified"), [problem_text], (problem_columns(), rows) if rows else None))
    return out


CHINESE_NUMERALS = "一二三四五六七八九十"


def numbered(index, heading):
    """一、二、… as GB/T 9704 numbers first-level headings."""
    return f"{CHINESE_NUMERALS[index]}、{heading}"


# --- the Word document (GB/T 9704-2012) --------------------------------------------------------

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
PAGE_NUMBER_FONT = "宋体"
# Where a computer lacks the official fonts, Word substitutes the font table's alternative name.
FALLBACKS = {TITLE_FONT: "宋体", BODY_FONT: "仿宋", HEADING_FONT: "SimHei", PAGE_NUMBER_FONT: "SimSun"}
RED = RGBColor(0xE6, 0x00, 0x12)
TITLE_SIZE = Pt(22)  # 2号
BODY_SIZE = Pt(16)  # 3号
TABLE_SIZE = Pt(10.5)  # 5号: the tables of figures fit the type area
PAGE_NUMBER_SIZE = Pt(14)  # 4号
LINE_PITCH = Pt(28)  # 22 lines a page on the type area


def set_font(run, east_asian, size=None, bold=None, colour=None):
    """Name the East-Asian font on the run itself (w:eastAsia), with a Latin font for digits."""
    run.font.name = LATIN_FONT
    r_pr = run._element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    if size is not None:
        run.font.size = size
    if bold is not None:
        run.font.bold = bold
    if colour is not None:
        run.font.color.rgb = colour
    return run


def _register_fallbacks(document):
    """Add the official fonts to the font table with an alternative name Word falls back to."""
    part = next(r.target_part for r in document.part.rels.values() if r.reltype.endswith("/fontTable"))
    xml = part.blob.decode("utf-8")
    entries = "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
        f'<w:family w:val="{"modern" if name != TITLE_FONT else "script"}"/><w:pitch w:val="fixed"/></w:font>'
        for name, alt in FALLBACKS.items()
    )
    part._blob = xml.replace("</w:fonts>", entries + "</w:fonts>").encode("utf-8")


def _paragraph(document, text="", font=BODY_FONT, size=BODY_SIZE, align=None, bold=None, colour=None,
               indent=False):
    paragraph = document.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_PITCH
    fmt.space_before = fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(32)  # two characters
    if align is not None:
        paragraph.alignment = align
    if text:
        set_font(paragraph.add_run(text), font, size, bold, colour)
    return paragraph


def _red_rule(paragraph):
    """The red separator line under the issuing body (版头中的分隔线)."""
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "1"), ("w:color", "E60012")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p_pr.append(borders)


def _page_number(paragraph):
    """— 1 — : the page number field between dashes, in 4号 半角宋体."""
    set_font(paragraph.add_run("— "), PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
    run = set_font(paragraph.add_run(), PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == " PAGE ":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._element.append(element)
    set_font(paragraph.add_run(" —"), PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)


def _table(document, columns, rows):
    table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, columns, strict=True):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        set_font(cell.paragraphs[0].add_run(str(text)), HEADING_FONT, TABLE_SIZE)
    # Rows are parsed from XML, one string a row: python-docx's add_row().cells re-reads the whole
    # table for every row and its element API is slow per run, which turns a county bulletin of a
    # thousand tasks into minutes.
    widths = [tc.width.twips if tc.width is not None else 0 for tc in table.rows[0]._tr.tc_lst]
    run_properties = (
        f'<w:rPr><w:rFonts w:ascii="{LATIN_FONT}" w:hAnsi="{LATIN_FONT}" w:eastAsia="{BODY_FONT}"/>'
        f'<w:sz w:val="{round(TABLE_SIZE.pt * 2)}"/><w:szCs w:val="{round(TABLE_SIZE.pt * 2)}"/></w:rPr>'
    )
    for values in rows:
        cells = "".join(
            f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr><w:p><w:r>{run_properties}'
            f'<w:t xml:space="preserve">{escape("" if value is None else str(value))}</w:t></w:r></w:p></w:tc>'
            for width, value in zip(widths, values, strict=True)
        )
        table._tbl.append(parse_xml(f"<w:tr {nsdecls('w')}>{cells}</w:tr>"))
    return table


def _page_setup(document):
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(28) - Mm(7)  # the page number sits 7 mm below the type area
    # Odd pages number on the right, even pages on the left (GB/T 9704 7.5).
    document.settings.odd_and_even_pages_header_footer = True
    odd = section.footer.paragraphs[0]
    odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _page_number(odd)
    even = section.even_page_footer.paragraphs[0]
    even.alignment = WD_ALIGN_PARAGRAPH.LEFT
    _page_number(even)
    normal = document.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = BODY_SIZE
    normal.element.get_or_add_rPr()
    fonts = normal.element.rPr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        normal.element.rPr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), BODY_FONT)


def official_docx(*, title, issuing_body, document_number="", issued_on=None, salutation="", intro="",
                  sections=(), red_band=True):
    """A .docx laid out as an official document (GB/T 9704): optional red band with the issuing body
    and the document number, the title in 方正小标宋简体 2号 centred, the salutation and the opening
    paragraph, numbered sections 一、二、… (heading, paragraphs, optional table as (columns, rows)) in
    黑体 with the text in 仿宋_GB2312 3号, the issuing body and date, page numbers. The bulletins and
    the other notices the county issues (the assessment's awards) share this layout."""
    document = Document()
    _register_fallbacks(document)
    _page_setup(document)
    document.core_properties.title = title
    document.core_properties.author = issuing_body
    if red_band:
        _paragraph(document, issuing_body, TITLE_FONT, Pt(26), WD_ALIGN_PARAGRAPH.CENTER, colour=RED)
        _paragraph(document)
    number = _paragraph(document, document_number, align=WD_ALIGN_PARAGRAPH.CENTER)
    if red_band:
        _red_rule(number)
    _paragraph(document)
    _paragraph(document, title, TITLE_FONT, TITLE_SIZE, WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document)
    if salutation:
        _paragraph(document, salutation)
    if intro:
        _paragraph(document, intro, indent=True)
    for index, (heading, paragraphs, table) in enumerate(sections):
        _paragraph(document, numbered(index, heading), HEADING_FONT, indent=True)
        for text in paragraphs:
            _paragraph(document, text, indent=True)
        if table:
            _table(document, *table)
    _paragraph(document)
    _paragraph(document, issuing_body, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(document, day(issued_on), align=WD_ALIGN_PARAGRAPH.RIGHT)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def bulletin_docx(data, red_band=True):
    """The bulletin as a .docx in the official-document layout (`official_docx`)."""
    bulletin = data.bulletin
    return official_docx(
        title=bulletin.title, issuing_body=bulletin.issuing_body, document_number=bulletin.document_number,
        issued_on=bulletin.issued_on, salutation=_("Township Party committees:") if data.is_county else "",
        intro=intro_sentence(data), sections=sections(data), red_band=red_band)


# --- the Excel workbook ------------------------------------------------------------------------

def _sheet(workbook, title, columns, rows, first=False):
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = title[:31]
    sheet.append([str(c) for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in rows:
        sheet.append(["" if v is None else v for v in row])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, min(40, 2 * len(str(column)) + 4))
    sheet.freeze_panes = "A2"
    return sheet


def bulletin_xlsx(data):
    """The bulletin's figures as a workbook: overall, townships, team members, tasks, overdue, problems."""
    bulletin = data.bulletin
    workbook = Workbook()
    overall = [
        (_("Title"), bulletin.title), (_("Issuing body"), bulletin.issuing_body),
        (_("Document number"), bulletin.document_number), (_("Issued on"), day(bulletin.issued_on)),
        (_("Period"), f"{day(data.period.start)} – {day(data.period.end)}"),
        (_("Tasks and supervised items"), data.total), (_("Due"), data.rate.due),
        (_("Done on time"), data.rate.on_time), (_("On-time rate"), data.rate.display()),
        (_("Target"), f"{metrics.TARGET_RATE}%"), (_("Overdue"), data.counts[metrics.OVERDUE]),
        (_("At risk"), data.counts[metrics.AT_RISK]), (_("Average progress"), percent(data.progress)),
        (_("Problems found"), data.opened), (_("Problems closed"), data.closed),
    ]
    _sheet(workbook, _("Overall"), [_("Item"), _("Value")], overall, first=True)
    if data.is_county:
        _sheet(workbook, _("Townships"), township_columns(), [township_cells(r) for r in data.townships])
    _sheet(workbook, _("Team members"), member_columns(), [member_cells(r) for r in data.members])
    _sheet(workbook, _("Tasks"), task_columns(), [task_cells(e) for e in data.tasks])
    _sheet(workbook, _("Overdue items"), overdue_columns(), [overdue_cells(e) for e in data.overdue])
    problems = data.problems_opened + [p for p in data.problems_closed if p not in data.problems_opened]
    _sheet(workbook, _("Problems"), problem_columns(), [problem_cells(p) for p in problems])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
