"""Bulletins (通报): the figures of a scope and period computed from the records, and their exports —
a Word document laid out as an official document (GB/T 9704-2012) and an Excel workbook.

Nothing in a bulletin is typed: its heading (title, scope, period, issuing body, number, date) is
the `Bulletin` record, and every figure comes from `metrics` over the records the user may see.
"""
import datetime
import io
from collections import defaultdict
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
from docx.shared import Emu, Mm, Pt, RGBColor, Twips
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from banzi.core import clock
from banzi.core.exporting import display_width, excel_value
from banzi.org.models import Organization

from . import metrics
from .metrics import Period

# --- figures -----------------------------------------------------------------------------------
# One population for every figure of a bulletin, so that no two of them can contradict each other:
# "due" (应完成) is the entries whose deadline falls in the period and has passed (or that are done);
# they are done on time, done late, or still open ("late": 本期逾期未完成), and the three add up to
# "due". Entries still open whose deadline fell before the period are counted apart ("carried":
# 往期逾期未完成): they are overdue but were never due in this period. The battle map's "overdue"
# light counts both, and also items late on a 13710 stage before their deadline — which is why a
# bulletin that put that light beside "due" showed more overdue than due.

# How many of the longest-overdue items the body names; the full list is an attachment.
MOST_OVERDUE_SHOWN = 10


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
    done_late: int = 0
    late: int = 0
    carried: int = 0
    behind: int = 0

    @property
    def most_overdue(self):
        """The items open longest past their deadline (the body names these; an attachment lists all)."""
        return self.overdue[:MOST_OVERDUE_SHOWN]

    @property
    def problems(self):
        """The problems found or closed in the period, each once."""
        opened = set(self.problems_opened)
        return self.problems_opened + [p for p in self.problems_closed if p not in opened]

    @property
    def problems_open(self):
        """Of the problems found in the period, those not yet closed."""
        return [p for p in self.problems_opened if p.status != p.Status.CLOSED]

    @property
    def problems_past_deadline(self):
        return [p for p in self.problems_open if p.deadline < self.today]


def is_late(entry, period, today):
    """Due in the period (deadline in it and passed) and still open: 本期逾期未完成."""
    return entry.is_due(period.start, period.end, today) and not entry.is_done


def is_carried(entry, period, today):
    """Still open past a deadline that fell before the period: 往期逾期未完成."""
    return (entry.state != metrics.CANCELLED and not entry.is_done and entry.deadline < period.start
            and entry.deadline < today)


def is_behind(entry, period, today):
    """Not yet due but behind: at risk, or late on a 13710 stage before its deadline."""
    return (entry.state in (metrics.AT_RISK, metrics.OVERDUE) and not is_late(entry, period, today)
            and not is_carried(entry, period, today) and entry.deadline >= today)


def _figures(entries, period, today):
    rate = metrics.implementation_rate(entries, period, today)
    late = sum(is_late(e, period, today) for e in entries)
    carried = sum(is_carried(e, period, today) for e in entries)
    return {"rate": rate, "late": late, "carried": carried, "done_late": rate.due - rate.on_time - late,
            "overdue": late + carried}


def _row(name, entries, period, today, problems, **extra):
    counts = metrics.state_counts(entries)
    return {
        "name": name, "total": len(entries), "done": counts[metrics.DONE],
        "at_risk": sum(is_behind(e, period, today) for e in entries), **_figures(entries, period, today),
        "progress": metrics.average_progress(entries), "opened": problems.opened, "closed": problems.closed,
        **extra,
    }


def ranked_with_ties(rows):
    """Rows ranked by on-time rate, best first, in standard competition ranking (1, 1, 3): equal
    rates share a rank and are marked `tied`; rows with nothing due have no rank and come last."""
    rows = metrics.ranked(rows)
    shared = defaultdict(int)
    for row in rows:
        if row["rank"] is not None:
            shared[row["rank"]] += 1
    for row in rows:
        row["tied"] = row["rank"] is not None and shared[row["rank"]] > 1
        row["rank_label"] = rank_label(row)
    return rows


def bulletin_data(bulletin, user, today=None, now=None):
    """The bulletin's figures over the records of its county or township that the user may see. A
    county bulletin has a row per township, ranked by on-time rate; both kinds have a row per person
    responsible for work, unranked: ranking people is the kind of point ranking DESIGN.md principle 2
    rules out, so people are listed by township and name with their figures only."""
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
                            post=first.post, township=first.township, township_id=first.township_id))
    order = {t["id"]: position for position, t in enumerate(townships)}
    members.sort(key=lambda r: (order.get(r["township_id"], len(order)), r["township"], r["name"], r["id"]))

    tasks = sorted((e for e in entries if e.kind == "task"), key=lambda e: (e.township, e.person, e.deadline))
    overall = _figures(entries, period, today)
    overdue = [e for e in entries if is_late(e, period, today) or is_carried(e, period, today)]
    return BulletinData(
        bulletin=bulletin, period=period, today=today, is_county=is_county,
        rate=overall["rate"], counts=metrics.state_counts(entries),
        total=len(entries), progress=metrics.average_progress(entries), opened=totals.opened, closed=totals.closed,
        townships=ranked_with_ties(townships), members=members, tasks=tasks,
        overdue=sorted(overdue, key=lambda e: (e.deadline, e.title, e.obj.pk)),
        problems_opened=opened, problems_closed=closed, done_late=overall["done_late"], late=overall["late"],
        carried=overall["carried"], behind=sum(is_behind(e, period, today) for e in entries),
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


def intro_sentence(data):
    return _(
        "From the work lists, tasks and supervised items on record, the implementation of work from %(start)s "
        "to %(end)s is reported as follows."
    ) % {"start": day(data.period.start), "end": day(data.period.end)}


def summary_sentence(data):
    """The overall figures in sentences (the first section of the bulletin), every count one of the
    defined populations (`definitions`), so that they add up."""
    return _(
        "%(total)d tasks and supervised items were under way in the period. As of %(today)s, %(due)d were due: "
        "%(on_time)d done on time, %(done_late)d done late and %(late)d still open past their deadline, an "
        "on-time rate of %(rate)s against a target of 100%%. Besides these, %(carried)d items due before the "
        "period are still open. Of the items not yet due, %(behind)d are behind; average progress is "
        "%(progress)s."
    ) % {
        "total": data.total, "today": day(data.today), "due": data.rate.due, "on_time": data.rate.on_time,
        "done_late": data.done_late, "late": data.late, "rate": data.rate.display(), "carried": data.carried,
        "behind": data.behind, "progress": percent(data.progress),
    }


def definitions():
    """What each figure counts, stated once in the body and in the workbook."""
    return _(
        "How the figures are counted: due — tasks and supervised items whose deadline falls in the period and "
        "has passed, or that are done; done on time — of those, done on or before the deadline; on-time rate — "
        "done on time ÷ due; done late — done after the deadline; open past deadline (this period) — due and not "
        "yet done; open past deadline (earlier periods) — still not done, with a deadline before the period; "
        "behind — not yet due, but at risk (progress behind schedule or a milestone missed) or late on a 13710 "
        "stage. Cancelled work is not counted. Problems found — recorded in the period; problems closed — "
        "verified and closed in the period."
    )


def problems_sentence(data):
    return _(
        "%(opened)d problems were found and %(closed)d verified and closed in the period; of those found, "
        "%(open)d are not yet closed, %(past)d of them past their rectification deadline."
    ) % {"opened": data.opened, "closed": data.closed, "open": len(data.problems_open),
         "past": len(data.problems_past_deadline)}


def overdue_sentence(data):
    if not data.overdue:
        return _("No item is open past its deadline.")
    return _(
        "%(count)d items are open past their deadline (%(late)d of this period, %(carried)d of earlier periods); "
        "the %(shown)d open longest are:"
    ) % {"count": len(data.overdue), "late": data.late, "carried": data.carried, "shown": len(data.most_overdue)}


def rank_label(row):
    if row["rank"] is None:
        return "—"
    return (_("Tied No. %(rank)d") if row.get("tied") else _("No. %(rank)d")) % {"rank": row["rank"]}


def figure_columns():
    """The figures of a township or a person, in the order of the defined populations."""
    return [_("Due"), _("Done on time"), _("On-time rate"), _("Done late"), _("Open past deadline (this period)"),
            _("Open past deadline (earlier periods)"), _("Problems found"), _("Problems closed")]


def figure_cells(row):
    return [row["rate"].due, row["rate"].on_time, row["rate"].display(), row["done_late"], row["late"],
            row["carried"], row["opened"], row["closed"]]


def township_columns():
    return [_("Rank"), _("Township"), *figure_columns()]


def township_cells(row):
    return [rank_label(row), row["name"], *figure_cells(row)]


TOWNSHIP_WIDTHS = (12, 16, 9, 9, 11, 9, 12, 12, 9, 9)


def member_columns():
    return [_("No."), _("Name"), _("Post"), _("Township"), *figure_columns()]


def member_cells(index, row):
    return [index, row["name"], row["post"], row["township"], *figure_cells(row)]


MEMBER_WIDTHS = (6, 10, 14, 11, 8, 8, 10, 8, 10, 10, 8, 8)


def task_columns():
    return [_("No."), _("Responsible"), _("Task"), _("Target"), _("Deadline"), _("Progress"), _("Effect"),
            _("State")]


def task_cells(index, entry):
    return [index, entry.person, entry.title, entry.target, entry.deadline, f"{entry.progress}%", entry.effect,
            metrics.state_label(entry.state)]


TASK_WIDTHS = (6, 10, 18, 22, 13, 9, 22, 9)


def overdue_columns():
    return [_("No."), _("Item"), _("Responsible"), _("Township"), _("Deadline"), _("Days overdue"), _("Progress")]


def overdue_cells(index, entry, today):
    return [index, entry.title, entry.person, entry.township or entry.organization, entry.deadline,
            (today - entry.deadline).days, f"{entry.progress}%"]


OVERDUE_WIDTHS = (6, 30, 12, 16, 15, 9, 9)


def problem_columns():
    return [_("No."), _("Problem"), _("Responsible"), _("Organization"), _("Deadline"), _("Status")]


def problem_cells(index, problem):
    return [index, problem.description, problem.responsible.name, problem.organization.name, problem.deadline,
            problem.get_status_display()]


PROBLEM_WIDTHS = (6, 40, 12, 18, 14, 10)


def township_table(data):
    return township_columns(), [township_cells(r) for r in data.townships], TOWNSHIP_WIDTHS


def member_table(data):
    return member_columns(), [member_cells(i, r) for i, r in enumerate(data.members, start=1)], MEMBER_WIDTHS


def task_table(data):
    return task_columns(), [task_cells(i, e) for i, e in enumerate(data.tasks, start=1)], TASK_WIDTHS


def overdue_table(data, entries=None):
    entries = data.overdue if entries is None else entries
    return overdue_columns(), [overdue_cells(i, e, data.today) for i, e in enumerate(entries, start=1)], \
        OVERDUE_WIDTHS


def problem_table(data):
    return problem_columns(), [problem_cells(i, p) for i, p in enumerate(data.problems, start=1)], PROBLEM_WIDTHS


def sections(data):
    """The numbered sections of the bulletin's body, a summary of two or three pages: (heading,
    paragraphs, (columns, rows[, widths]) or None). Its tables are short whatever the number of
    records: a row per township, and the longest-overdue items; the full lists are `attachments`."""
    out = [(_("Overall"), [summary_sentence(data), definitions()], None)]
    if data.is_county:
        out.append((_("On-time completion by township"), [_(
            "Townships are ranked by on-time rate; equal rates share a rank. Team members are not ranked.")],
            township_table(data)))
    out.append((_("Overdue items"), [overdue_sentence(data)],
                overdue_table(data, data.most_overdue) if data.overdue else None))
    out.append((_("Problems found and rectified"), [problems_sentence(data)], None))
    return out


def attachments(data):
    """The full lists, each an attachment on its own pages: (title, paragraphs, table or None)."""
    none = [_("None.")]
    return [
        (_("Work of the team members"), [] if data.members else none, member_table(data) if data.members else None),
        (_("Targets, progress and effects of the tasks"), [] if data.tasks else none,
         task_table(data) if data.tasks else None),
        (_("Items open past their deadline"), [] if data.overdue else none,
         overdue_table(data) if data.overdue else None),
        (_("Problem list"), [] if data.problems else none,
         problem_table(data) if data.problems else None),
    ]


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


TYPE_AREA_WIDTH = Mm(210 - 28 - 26)  # A4 portrait less the left and right margins


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return day(value)
    return str(value)


def _row_properties(tr, header=False):
    """A row never splits across pages (w:cantSplit); the header row repeats on each (w:tblHeader)."""
    tr_pr = tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))


def _column_widths(table, widths):
    """Fixed column widths (twips) summing to the type area: given relative weights, or equal."""
    count = len(table.columns)
    weights = list(widths) if widths else [1] * count
    total = Emu(TYPE_AREA_WIDTH).twips
    twips = [int(total * w / sum(weights)) for w in weights]
    table.autofit = False  # w:tblLayout fixed, in its place in w:tblPr
    width = table._tbl.tblPr.find(qn("w:tblW"))
    width.set(qn("w:w"), str(sum(twips)))
    width.set(qn("w:type"), "dxa")
    for grid_col, value in zip(table._tbl.tblGrid.gridCol_lst, twips, strict=True):
        grid_col.set(qn("w:w"), str(value))
    for cell, value in zip(table.rows[0].cells, twips, strict=True):
        cell.width = Twips(value)
    return twips


def _table(document, columns, rows, widths=None):
    """A table of figures in 5号: fixed columns across the type area (`widths`: relative weights),
    its header row repeated on every page and no row split across pages."""
    table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, columns, strict=True):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        set_font(cell.paragraphs[0].add_run(str(text)), HEADING_FONT, TABLE_SIZE)
    _row_properties(table.rows[0]._tr, header=True)
    twips = _column_widths(table, widths)
    # Rows are parsed from XML, one string a row: python-docx's add_row().cells re-reads the whole
    # table for every row and its element API is slow per run, which turns a county bulletin of a
    # thousand tasks into minutes.
    run_properties = (
        f'<w:rPr><w:rFonts w:ascii="{LATIN_FONT}" w:hAnsi="{LATIN_FONT}" w:eastAsia="{BODY_FONT}"/>'
        f'<w:sz w:val="{round(TABLE_SIZE.pt * 2)}"/><w:szCs w:val="{round(TABLE_SIZE.pt * 2)}"/></w:rPr>'
    )
    for values in rows:
        cells = "".join(
            f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr><w:p><w:r>{run_properties}'
            f'<w:t xml:space="preserve">{escape(_cell_text(value))}</w:t></w:r></w:p></w:tc>'
            for width, value in zip(twips, values, strict=True)
        )
        table._tbl.append(parse_xml(f"<w:tr {nsdecls('w')}><w:trPr><w:cantSplit/></w:trPr>{cells}</w:tr>"))
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


ATTACHMENT_NOTE_INDENT = Pt(32 + 48)  # two characters of indent and the width of "附件："


def _attachment_note(document, titles):
    """附件：1. … / 2. … under the body, the later lines aligned under the first title (GB/T 9704 7.3.4)."""
    _paragraph(document)
    for index, title in enumerate(titles, start=1):
        line = f"{index}. {title}"
        if index == 1:
            _paragraph(document, _("Attachments: %(first)s") % {"first": line}, indent=True)
        else:
            paragraph = _paragraph(document, line)
            paragraph.paragraph_format.left_indent = ATTACHMENT_NOTE_INDENT


def attachment_label(index):
    return _("Attachment %(number)d") % {"number": index}


def _attachment(document, index, title, paragraphs, table):
    """An attachment on a new page: 附件N in 黑体 at the top left, the title centred, then the list."""
    label = _paragraph(document, attachment_label(index), HEADING_FONT)
    label.paragraph_format.page_break_before = True
    _paragraph(document)
    _paragraph(document, title, TITLE_FONT, TITLE_SIZE, WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document)
    for text in paragraphs:
        _paragraph(document, text, indent=True)
    if table:
        _table(document, *table)


def official_docx(*, title, issuing_body, document_number="", issued_on=None, salutation="", intro="",
                  sections=(), red_band=True, attachments=()):
    """A .docx laid out as an official document (GB/T 9704): optional red band with the issuing body
    and the document number, the title in 方正小标宋简体 2号 centred, the salutation and the opening
    paragraph, numbered sections 一、二、… (heading, paragraphs, optional table as (columns, rows) or
    (columns, rows, widths)) in 黑体 with the text in 仿宋_GB2312 3号, the list of attachments
    (附件：1. …), the issuing body and date, then each attachment (title, paragraphs, optional table)
    on a new page headed 附件1, 附件2, …; page numbers. The bulletins and the other notices the county
    issues (the assessment's awards) share this layout."""
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
    if attachments:
        _attachment_note(document, [a[0] for a in attachments])
    _paragraph(document)
    _paragraph(document, issuing_body, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(document, day(issued_on), align=WD_ALIGN_PARAGRAPH.RIGHT)
    for index, (heading, paragraphs, table) in enumerate(attachments, start=1):
        _attachment(document, index, heading, paragraphs, table)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def bulletin_docx(data, red_band=True):
    """The bulletin as a .docx in the official-document layout (`official_docx`): a summary of two
    or three pages, then the full lists as attachments."""
    bulletin = data.bulletin
    return official_docx(
        title=bulletin.title, issuing_body=bulletin.issuing_body, document_number=bulletin.document_number,
        issued_on=bulletin.issued_on, salutation=_("Township Party committees:") if data.is_county else "",
        intro=intro_sentence(data), sections=sections(data), red_band=red_band, attachments=attachments(data))


# --- the Excel workbook ------------------------------------------------------------------------
# A sheet per list, as the attachments: a title row, the header frozen under it, 序号, real numbers,
# percentages and dates (`core.exporting.excel_value`), widths that fit Chinese (`display_width`).

HEADER_ROW = 3


def _sheet(workbook, name, title, columns, rows, first=False):
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = name[:31]
    sheet.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(1, len(columns)))
    widths = [display_width(str(c)) for c in columns]
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=index, value=str(column))
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row_index, values in enumerate(rows, start=HEADER_ROW + 1):
        for index, value in enumerate(values, start=1):
            typed, number_format = excel_value(value)
            cell = sheet.cell(row=row_index, column=index, value=typed)
            if number_format:
                cell.number_format = number_format
            elif display_width(str(typed)) > 50:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            widths[index - 1] = max(widths[index - 1], 10 if number_format else display_width(str(typed)))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(6, min(50, width + 2))
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape" if len(columns) > 7 else "portrait"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    return sheet


def overall_rows(data):
    """The overall figures as (item, value) rows, values as numbers."""
    bulletin = data.bulletin
    return [
        (_("Title"), bulletin.title), (_("Issuing body"), bulletin.issuing_body),
        (_("Document number"), bulletin.document_number), (_("Issued on"), bulletin.issued_on),
        (_("Period start"), data.period.start), (_("Period end"), data.period.end), (_("Counted as of"), data.today),
        (_("Tasks and supervised items"), data.total), (_("Due"), data.rate.due),
        (_("Done on time"), data.rate.on_time), (_("On-time rate"), data.rate.display()),
        (_("Target"), f"{metrics.TARGET_RATE}%"), (_("Done late"), data.done_late),
        (_("Open past deadline (this period)"), data.late), (_("Open past deadline (earlier periods)"), data.carried),
        (_("Behind"), data.behind), (_("Average progress"), percent(data.progress)),
        (_("Problems found"), data.opened), (_("Problems closed"), data.closed),
        (_("How the figures are counted"), definitions()),
    ]


def bulletin_xlsx(data):
    """The bulletin's figures as a workbook: overall (with the definitions), townships, then a sheet
    per attachment: team members, tasks, items open past their deadline, problems."""
    title = data.bulletin.title
    workbook = Workbook()

    def sheet(name, columns, rows, first=False):
        _sheet(workbook, name, f"{title} · {name}", columns, rows, first=first)

    sheet(_("Overall"), [_("Item"), _("Value")], overall_rows(data), first=True)
    if data.is_county:
        sheet(_("Townships"), *township_table(data)[:2])
    sheet(_("Team members"), *member_table(data)[:2])
    sheet(_("Tasks"), *task_table(data)[:2])
    sheet(_("Overdue items"), *overdue_table(data)[:2])
    sheet(_("Problems"), *problem_table(data)[:2])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
