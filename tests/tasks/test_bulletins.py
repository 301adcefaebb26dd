"""Bulletins (通报) that read like one (issue 16): a summary body of a few pages with the full lists as
attachments, each on a new page; table headers that repeat on every page; townships ranked with ties
shown as ties and people not ranked; overdue and due figures that cannot contradict each other."""
import datetime
import io

import pytest
from django.db.models import F, Q
from django.urls import reverse
from django.utils.html import escape
from docx import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from openpyxl import load_workbook

from banzi.tasks import bulletin_documents, metrics
from banzi.tasks.bulletin_documents import MOST_OVERDUE_SHOWN, TYPE_AREA_WIDTH
from banzi.tasks.models import Bulletin, Task
from tests import factories as f

from .boards_data import D, county_bulletin, task
from .scenario import NOW, TODAY, build

pytestmark = pytest.mark.django_db
DONE, OPEN = Task.Status.DONE, Task.Status.IN_PROGRESS
OCTOBER = (D(2026, 10, 1), D(2026, 10, 31))


@pytest.fixture(autouse=True)
def fixed_time(travel):
    travel.move_to(NOW)


@pytest.fixture
def sc(township, other_township):
    return build(township, other_township)


def october_bulletin(organization):
    return Bulletin.objects.create(title="关于2026年10月工作落实情况的通报", organization=organization,
                                   period_start=OCTOBER[0], period_end=OCTOBER[1], issuing_body="中共襄汾县委组织部",
                                   document_number="襄组通〔2026〕9号", issued_on=D(2026, 11, 5))


def october_records(township):
    """A month's tasks of every kind, seen on 29 November: done on time, done late, open past a deadline
    in October, open past a deadline of September (earlier), open past a deadline of November (later:
    red on the battle map, but not October's), not yet due, and cancelled."""
    a = f.CadreFactory(organization=township, name="甲")
    b = f.CadreFactory(organization=township, name="乙")
    for k in range(2):
        task(responsible=a, deadline=D(2026, 10, 10), status=DONE, completed_on=D(2026, 10, 5), title=f"按期{k}")
    task(responsible=a, deadline=D(2026, 10, 12), status=DONE, completed_on=D(2026, 10, 20), title="逾期完成")
    for k in range(3):
        task(responsible=b, deadline=D(2026, 10, 15 + k), status=OPEN, title=f"本期逾期{k}")
    task(responsible=b, deadline=D(2026, 9, 1), status=OPEN, title="往期逾期")
    task(responsible=a, deadline=D(2026, 11, 10), status=OPEN, title="下期逾期")
    task(responsible=a, deadline=D(2026, 12, 20), status=OPEN, title="未到期")
    task(responsible=b, deadline=D(2026, 10, 20), status=Task.Status.CANCELLED, title="已取消")


def data_of(bulletin, user):
    return bulletin_documents.bulletin_data(bulletin, user, now=NOW)


# --- figures that add up ---------------------------------------------------------------------------

def test_overdue_and_due_are_one_population_and_add_up(township, county, county_admin):
    october_records(township)
    data = data_of(october_bulletin(county), county_admin)
    start, end = OCTOBER
    tasks = Task.objects.exclude(status=Task.Status.CANCELLED)
    in_period = tasks.filter(deadline__range=(start, end))
    due = in_period.filter(Q(status=DONE) | Q(deadline__lt=TODAY))
    assert data.rate.due == due.count()
    assert data.rate.on_time == due.filter(status=DONE, completed_on__lte=F("deadline")).count()
    assert data.done_late == due.filter(status=DONE, completed_on__gt=F("deadline")).count()
    assert data.late == due.exclude(status=DONE).count()
    assert data.carried == tasks.exclude(status=DONE).filter(deadline__lt=start).count()
    assert data.rate.due == data.rate.on_time + data.done_late + data.late
    assert len(data.overdue) == data.late + data.carried
    # The battle map's red light counts November's late task too; the bulletin does not put it beside
    # October's "due" (that was how 逾期 181 stood beside 应完成 100).
    entries = metrics.collect(county_admin, metrics.Period(start, end), county=county.pk, now=NOW)
    assert "下期逾期" in {e.title for e in metrics.overdue(entries)}
    assert "下期逾期" not in {e.title for e in data.overdue} and "未到期" not in {e.title for e in data.overdue}
    for row in data.townships + data.members:
        assert row["rate"].due == row["rate"].on_time + row["done_late"] + row["late"]
        assert row["late"] <= row["rate"].due


def test_the_overdue_list_is_longest_overdue_first(township, county, county_admin):
    october_records(township)
    data = data_of(october_bulletin(county), county_admin)
    deadlines = [e.deadline for e in data.overdue]
    assert deadlines == sorted(deadlines) and data.overdue[0].title == "往期逾期"
    columns, rows, _widths = bulletin_documents.overdue_table(data)
    days = columns.index("Days overdue")
    assert [r[days] for r in rows] == [(TODAY - e.deadline).days for e in data.overdue]


# --- ranks -----------------------------------------------------------------------------------------

def tied_county(county, township, other_township):
    """Two townships at 50% and a third at 0%."""
    third = f.TownshipFactory(name="汾城镇", parent=county)
    for place in (township, other_township):
        task(organization=place, deadline=D(2026, 10, 10), status=DONE, completed_on=D(2026, 10, 1))
        task(organization=place, deadline=D(2026, 10, 11), status=OPEN)
    task(organization=third, deadline=D(2026, 10, 12), status=OPEN)
    return third


def test_equal_rates_share_a_rank_and_the_next_rank_skips(county, township, other_township, county_admin):
    third = tied_county(county, township, other_township)
    data = data_of(october_bulletin(county), county_admin)
    ranks = {r["name"]: (r["rank"], r["tied"]) for r in data.townships}
    assert ranks == {township.name: (1, True), other_township.name: (1, True), third.name: (3, False)}
    assert all("rank" not in r for r in data.members)


@pytest.mark.zh
def test_ties_are_written_as_ties(county, township, other_township, county_admin):
    third = tied_county(county, township, other_township)
    data = data_of(october_bulletin(county), county_admin)
    document = Document(io.BytesIO(bulletin_documents.bulletin_docx(data)))
    ranks = {row.cells[1].text: row.cells[0].text for row in document.tables[0].rows[1:]}
    assert ranks == {township.name: "并列第1", other_township.name: "并列第1", third.name: "第3"}
    header = [c.text for c in document.tables[0].rows[0].cells]
    assert header[0] == "排名" and "应完成" in header
    # People are not ranked anywhere: the members' attachment has no rank column.
    members = next(t for t in document.tables if t.rows[0].cells[1].text == "姓名")
    assert "排名" not in [c.text for c in members.rows[0].cells]


# --- the Word document -----------------------------------------------------------------------------

def blocks(document):
    """The body's paragraphs and tables in document order."""
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            yield Paragraph(child, document)
        elif child.tag == qn("w:tbl"):
            yield Table(child, document)


def many_overdue(township, n):
    person = f.CadreFactory(organization=township)
    for k in range(n):
        task(responsible=person, deadline=D(2026, 3, 1) + datetime.timedelta(days=k), status=OPEN,
             title=f"逾期任务{k}")


def test_the_body_is_a_summary_and_the_lists_are_attachments(sc, county, county_admin, township):
    many_overdue(township, MOST_OVERDUE_SHOWN + 15)
    data = data_of(county_bulletin(county), county_admin)
    document = Document(io.BytesIO(bulletin_documents.bulletin_docx(data)))
    order = list(blocks(document))
    texts = [b.text if isinstance(b, Paragraph) else None for b in order]
    first = texts.index("Attachment 1")
    assert texts.index("一、Overall") < first
    titles = [a[0] for a in bulletin_documents.attachments(data)]
    # 附件：1. … listed under the body, before the issuing body's signature.
    note = texts.index(f"Attachments: 1. {titles[0]}")
    assert note < texts.index(data.bulletin.issuing_body, note) < first
    assert texts[note + 1:note + len(titles)] == [f"{i}. {t}" for i, t in enumerate(titles[1:], start=2)]
    # Each attachment on a new page: 附件N in 黑体 at the top left, its title centred under it.
    for number, title in enumerate(titles, start=1):
        index = texts.index(f"Attachment {number}")
        label = order[index]
        assert label.paragraph_format.page_break_before and label.alignment is None
        assert label.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
        heading = next(b for b in order[index + 1:] if isinstance(b, Paragraph) and b.text)
        assert heading.text == title and heading.alignment == 1
    # The body is short whatever the number of tasks: a row per township and the longest-overdue few.
    body_rows = sum(len(b.rows) for b in order[:first] if isinstance(b, Table))
    assert body_rows <= (1 + len(data.townships)) + (1 + MOST_OVERDUE_SHOWN)
    assert len(data.tasks) > MOST_OVERDUE_SHOWN + 15
    # ... and the attachments hold every row.
    attached = [b for b in order[first:] if isinstance(b, Table)]
    assert [len(t.rows) - 1 for t in attached] == [len(data.members), len(data.tasks), len(data.overdue),
                                                     len(data.problems)]


def test_the_body_states_the_figures_and_their_definitions(sc, county, county_admin):
    data = data_of(county_bulletin(county), county_admin)
    text = "\n".join(p.text for p in Document(io.BytesIO(bulletin_documents.bulletin_docx(data))).paragraphs)
    assert bulletin_documents.summary_sentence(data) in text
    assert bulletin_documents.definitions() in text
    assert f"{data.rate.due} were due" in text and data.rate.display() in text
    for entry in data.most_overdue:
        assert entry.title in "\n".join(c.text for t in Document(io.BytesIO(
            bulletin_documents.bulletin_docx(data))).tables[:2] for r in t.rows for c in r.cells)


def test_table_headers_repeat_and_rows_do_not_split(sc, county, county_admin, township):
    many_overdue(township, 5)
    data = data_of(county_bulletin(county), county_admin)
    document = Document(io.BytesIO(bulletin_documents.bulletin_docx(data)))
    assert len(document.tables) == 6  # townships and the longest overdue; four attachments
    type_area = TYPE_AREA_WIDTH.twips
    for table in document.tables:
        header = table.rows[0]._tr.trPr
        assert header is not None and header.find(qn("w:tblHeader")) is not None
        assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)
        assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        widths = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.gridCol_lst]
        assert type_area - len(widths) <= sum(widths) <= type_area  # A4 portrait's type area


def test_a_notice_without_attachments_keeps_its_layout():
    body = bulletin_documents.official_docx(title="通知", issuing_body="中共襄汾县委组织部", issued_on=D(2026, 11, 1),
                                            sections=[("一", ["正文"], None)])
    paragraphs = Document(io.BytesIO(body)).paragraphs
    assert not any(p.paragraph_format.page_break_before for p in paragraphs)
    assert not any(p.text.startswith("Attachment") for p in paragraphs)
    assert paragraphs[-1].text == "2026-11-01"


def test_the_page_shows_the_same_columns_and_definitions(sc, county, county_client):
    response = county_client.get(reverse("tasks:bulletin_detail", args=[county_bulletin(county).pk]))
    page = response.content.decode()
    assert response.status_code == 200 and escape(bulletin_documents.definitions()) in page
    members = page[page.index('id="bulletin-members"'):]
    members = members[:members.index("</thead>")]
    assert "Open past deadline (earlier periods)" in members and "Rank" not in members
    assert f'data-figure="overdue">{len(response.context["data"].overdue)}<' in page


# --- the workbook ----------------------------------------------------------------------------------

def test_the_workbook_has_a_sheet_per_list_with_real_numbers_and_dates(township, county, county_admin):
    october_records(township)
    data = data_of(october_bulletin(county), county_admin)
    workbook = load_workbook(io.BytesIO(bulletin_documents.bulletin_xlsx(data)))
    assert workbook.sheetnames == ["Overall", "Townships", "Team members", "Tasks", "Overdue items", "Problems"]
    for sheet in workbook.worksheets:
        assert data.bulletin.title in sheet["A1"].value and sheet.freeze_panes == "A4"
        assert sheet.print_title_rows == "$3:$3"
    overall = {row[0]: row[1] for row in workbook["Overall"].iter_rows(min_row=4, values_only=True)}
    assert overall["Due"] == data.rate.due and overall["Open past deadline (this period)"] == data.late
    assert overall["Open past deadline (earlier periods)"] == data.carried
    assert overall["Period start"] == datetime.datetime(2026, 10, 1)
    overdue = list(workbook["Overdue items"].iter_rows(min_row=3, values_only=True))
    header, rows = overdue[0], overdue[1:]
    assert header[0] == "No." and [r[0] for r in rows] == list(range(1, len(data.overdue) + 1))
    deadline = header.index("Deadline")
    assert [r[deadline] for r in rows] == [datetime.datetime.combine(e.deadline, datetime.time()) for e in data.overdue]
    townships = list(workbook["Townships"].iter_rows(min_row=3, values_only=True))
    due, late = townships[0].index("Due"), townships[0].index("Open past deadline (this period)")
    mine = next(r for r in townships[1:] if r[1] == township.name)
    assert isinstance(mine[due], int) and mine[late] <= mine[due]
