"""The battle map page and its data endpoint (scope, drill-down, fixed query count), and the
bulletin page and its .docx and .xlsx downloads, against the hand-worked scenario."""
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import load_workbook

from banzi.core.models import AuditEvent
from banzi.core.roles import Role
from banzi.tasks.models import Bulletin
from tests import factories as f

from .boards_data import D, county_bulletin, many_tasks, task
from .scenario import NOW, build

pytestmark = pytest.mark.django_db
MAP = reverse("tasks:battle_map")
DATA = reverse("tasks:battle_map_data")


@pytest.fixture(autouse=True)
def fixed_time(travel):
    travel.move_to(NOW)


@pytest.fixture
def sc(township, other_township):
    return build(township, other_township)


# --- battle map --------------------------------------------------------------------------------

def test_anonymous_is_sent_to_log_in(client):
    assert client.get(MAP).status_code == 302
    assert client.get(DATA).status_code == 302


def test_county_page_and_data(sc, county_client):
    page = county_client.get(MAP)
    assert page.status_code == 200
    assert page.context["data_url"] == f"{DATA}?year=2026"
    assert b"vendor/echarts/echarts.min.js" in page.content
    data = county_client.get(DATA).json()
    assert data["scope"]["level"] == "county"
    assert data["rate"]["percent"] == 57.1
    rows = {g["name"]: g for g in data["groups"]}
    assert rows["新城镇"]["url"] == f"{MAP}?township={sc.a.pk}&year=2026"


def test_drill_down_to_a_township_and_a_person(sc, county_client):
    data = county_client.get(DATA, {"township": sc.a.pk}).json()
    assert data["scope"]["level"] == "township"
    people = {g["name"]: g for g in data["groups"]}
    assert people["张一"]["url"] == f"{MAP}?cadre={sc.a1.pk}&year=2026"
    assert [c["label"] for c in data["breadcrumbs"]] == ["襄汾县", "新城镇"]
    person = county_client.get(DATA, {"cadre": sc.a1.pk}).json()
    assert {i["title"] for i in person["items"]} == {"T1", "T2", "T3", "S2"}
    assert [c["label"] for c in person["breadcrumbs"]] == ["襄汾县", "新城镇", "张一"]
    page = county_client.get(MAP, {"cadre": sc.a1.pk})
    assert page.status_code == 200 and page.context["scope_name"] == "张一"


def test_township_admin_sees_their_township_and_nothing_else(sc, township_client):
    data = township_client.get(DATA).json()
    assert data["scope"]["level"] == "township" and data["scope"]["name"] == "新城镇"
    assert {i["title"] for i in data["items"]} == {"T1", "T2", "T3", "T4", "T5", "T6", "S2"}
    assert township_client.get(DATA, {"township": sc.b.pk}).status_code == 404
    assert township_client.get(MAP, {"township": sc.b.pk}).status_code == 404
    assert township_client.get(DATA, {"cadre": sc.b1.pk}).status_code == 404
    assert township_client.get(DATA, {"cadre": sc.a2.pk}).status_code == 200
    assert township_client.get(DATA, {"township": "x"}).status_code == 404


def test_cadre_sees_only_their_own_work(sc, client_for):
    user = f.UserFactory(username="wang", role=Role.CADRE, cadre=sc.a2)
    client = client_for(user)
    data = client.get(DATA).json()
    assert data["scope"]["level"] == "person"
    assert {i["title"] for i in data["items"]} == {"T4", "T5", "T6"}
    assert client.get(DATA, {"township": sc.a.pk}).status_code == 404
    assert client.get(DATA, {"cadre": sc.a1.pk}).status_code == 404


def test_overdue_item_carries_the_overdue_colour(sc, county_client):
    data = county_client.get(DATA, {"township": sc.a.pk}).json()
    t3 = next(i for i in data["items"] if i["title"] == "T3")
    assert t3["state"] == "overdue" and t3["colour"] == data["states"]["overdue"]["colour"] == "#d63939"


def _battle_map_css():
    from django.contrib.staticfiles import finders

    return open(finders.find("tasks/battle_map.css"), encoding="utf-8").read()


def test_print_stylesheet_is_a3_landscape(county_client, sc):
    css = _battle_map_css()
    assert "@page { size: A3 landscape" in css
    print_rules = css[css.index("@media print"):]
    assert ".bm-county .bm-tiles { grid-template-columns: repeat(" in print_rules  # a fixed grid on paper
    assert b"tasks/battle_map.css" in county_client.get(MAP).content


def test_each_state_has_one_colour_defined_once(county_client, sc):
    """The stylesheet's state colours are the figures' (metrics.STATES), and the page and script
    use the variables, not colour literals of their own."""
    import re

    from banzi.tasks import metrics

    css = _battle_map_css()
    for state, (_label, colour) in metrics.STATES.items():
        name = "--bm-" + state.replace("_", "-")
        assert re.findall(rf"{name}: (#[0-9a-f]{{6}});", css) == [colour], state
    page = county_client.get(MAP).content.decode()
    assert "background:#" not in page.replace(" ", "")
    from django.contrib.staticfiles import finders

    script = open(finders.find("tasks/battle_map.js"),
                  encoding="utf-8").read()
    assert not re.search(r"#[0-9a-fA-F]{6}", script)


def test_county_and_township_pages_are_walls_and_a_township_keeps_its_timeline(sc, county_client):
    county = county_client.get(MAP)
    assert county.context["level"] == "county"
    assert b'data-bm="tiles"' in county.content and b'data-bm="timeline"' not in county.content
    links = [url for _label, url in county.context["overdue_urls"]]
    assert all("state=overdue" in url for url in links)
    assert all(county_client.get(url).status_code == 200 for url in links)
    township = county_client.get(MAP, {"township": sc.a.pk})
    assert township.context["level"] == "township"
    # A township: its members' tiles, the timeline of its open work, all of its work folded below.
    assert b'data-bm="timeline"' in township.content and b'data-bm="tiles"' in township.content
    assert b'data-bm="all-items"' in township.content and b'data-bm="overdue"' not in township.content
    person = county_client.get(MAP, {"cadre": sc.a1.pk})
    assert person.context["level"] == "person" and b'data-bm="timeline"' in person.content
    assert b'data-bm="tiles"' not in person.content and b'data-bm="all-items"' not in person.content


def _queries(client, params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(DATA, params)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.json()


def test_data_endpoint_query_count_does_not_grow_with_rows(township, county_client):
    people = [f.CadreFactory(organization=township) for _ in range(3)]
    many_tasks(township, 5, people)
    for scope in ({}, {"township": township.pk}, {"cadre": people[0].pk}):
        few, data = _queries(county_client, scope)
        assert data["total"] or scope == {}
    few_county, _ = _queries(county_client, {})
    few_township, _ = _queries(county_client, {"township": township.pk})
    many_tasks(township, 45, people + [f.CadreFactory(organization=township) for _ in range(4)])
    many_county, data = _queries(county_client, {})
    many_township, township_data = _queries(county_client, {"township": township.pk})
    assert data["total"] == 50 and len(township_data["items"]) == 50
    assert many_county == few_county
    assert many_township == few_township


# --- bulletins ---------------------------------------------------------------------------------

def test_bulletin_page_shows_the_computed_figures(sc, county, county_client):
    bulletin = county_bulletin(county)
    response = county_client.get(reverse("tasks:bulletin_detail", args=[bulletin.pk]))
    assert response.status_code == 200
    data = response.context["data"]
    assert data.rate.display() == "57.1%"
    assert [(r["name"], r["rank"], r["tied"]) for r in data.townships] == [("赵康镇", 1, False), ("新城镇", 2, False)]
    # People are listed by township, unranked (no point rankings, DESIGN.md principle 2).
    assert [r["name"] for r in data.members] == ["张一", "王二", "赵三"]
    assert all("rank" not in r for r in data.members)
    assert {e.title for e in data.overdue} == {"S1", "T3"}
    assert "57.1%" in response.content.decode()
    assert reverse("tasks:bulletin_docx", args=[bulletin.pk]) in response.content.decode()


def test_county_bulletin_counts_only_its_county(sc, county, county_client):
    elsewhere = f.TownshipFactory(name="另一县的镇", parent=f.CountyFactory(name="曲沃县", division_code="141021"))
    task(organization=elsewhere, deadline=D(2026, 5, 1), title="外县任务")
    department = f.DepartmentFactory(parent=county, name="县农业农村局")
    task(organization=department, deadline=D(2026, 5, 1), status="done", completed_on=D(2026, 4, 1),
         title="部门任务")
    data = county_client.get(reverse("tasks:bulletin_detail", args=[county_bulletin(county).pk])).context["data"]
    assert (data.rate.due, data.rate.on_time) == (8, 5)  # the department's task counts; the other county's not
    assert "外县任务" not in {e.title for e in data.tasks} and "部门任务" in {e.title for e in data.tasks}
    assert [r["name"] for r in data.townships] == ["赵康镇", "新城镇"]


def test_township_bulletin_counts_only_the_township(sc, township, township_client):
    bulletin = Bulletin.objects.create(title="新城镇通报", organization=township, period_start=D(2026, 1, 1),
                                       period_end=D(2026, 12, 31), issuing_body="中共新城镇委员会")
    response = township_client.get(reverse("tasks:bulletin_detail", args=[bulletin.pk]))
    assert response.status_code == 200
    assert response.context["data"].rate.display() == "50%"
    assert response.context["data"].townships == []


def test_bulletin_docx_is_an_official_document_with_the_on_time_rate(sc, county, county_client):
    bulletin = county_bulletin(county)
    response = county_client.post(reverse("tasks:bulletin_docx", args=[bulletin.pk]))
    assert response.status_code == 200
    assert "wordprocessingml" in response["Content-Type"]
    assert ".docx" in response["Content-Disposition"]
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "57.1%" in text
    assert "66.7%" in cells and "50%" in cells  # the townships' on-time rates
    title = next(p for p in document.paragraphs if p.text == bulletin.title)
    run = title.runs[0]
    assert run.font.size == Pt(22) and title.alignment == 1  # centred
    assert run._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    headings = [p.text for p in document.paragraphs if p.text[:2] in ("一、", "二、", "三、", "四、", "五、", "六、")]
    assert len(headings) == 4  # overall, townships, overdue items, problems; the full lists are attachments
    heading_run = next(p for p in document.paragraphs if p.text.startswith("一、")).runs[0]
    assert heading_run._element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体" and heading_run.font.size == Pt(16)
    body = next(p for p in document.paragraphs if "57.1%" in p.text).runs[0]
    assert body._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    section = document.sections[0]
    mm = [round(v.mm) for v in (section.page_width, section.page_height, section.top_margin,
                                section.bottom_margin, section.left_margin, section.right_margin)]
    assert mm == [210, 297, 37, 35, 28, 26]  # A4; margins top 37, bottom 35, left 28, right 26
    assert "PAGE" in section.footer._element.xml and "PAGE" in section.even_page_footer._element.xml
    assert bulletin.document_number in text and "中共襄汾县委组织部" in text
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, object_id=str(bulletin.pk)).exists()


def test_bulletin_docx_without_the_red_band(sc, county, county_client):
    bulletin = county_bulletin(county)
    url = reverse("tasks:bulletin_docx", args=[bulletin.pk])
    with_band = Document(io.BytesIO(county_client.post(url).content))
    without = Document(io.BytesIO(county_client.post(f"{url}?red_band=0").content))
    red = [r for p in with_band.paragraphs for r in p.runs if r.font.color.rgb is not None]
    assert red and red[0].text == "中共襄汾县委组织部"
    assert not [r for p in without.paragraphs for r in p.runs if r.font.color.rgb is not None]
    assert "57.1%" in "\n".join(p.text for p in without.paragraphs)


def test_bulletin_docx_in_chinese_writes_dates_the_official_way(sc, county):
    from banzi.tasks import bulletin_documents

    with translation.override("zh-hans"):
        data = bulletin_documents.bulletin_data(county_bulletin(county), f.UserFactory(username="c2"), now=NOW)
        body = bulletin_documents.bulletin_docx(data)
    text = "\n".join(p.text for p in Document(io.BytesIO(body)).paragraphs)
    assert "2026年11月29日" in text and "一、" in text


def test_bulletin_xlsx_opens_with_the_figures(sc, county, county_client):
    bulletin = county_bulletin(county)
    response = county_client.post(reverse("tasks:bulletin_xlsx", args=[bulletin.pk]))
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.sheetnames) == 6
    overall = workbook.worksheets[0]
    rate = next(row[1] for row in overall.iter_rows(min_row=4) if row[0].value == "On-time rate")
    assert rate.value == pytest.approx(0.571) and rate.number_format == "0.0%"  # a number, shown as 57.1%
    townships = list(workbook.worksheets[1].iter_rows(min_row=4, values_only=True))
    assert townships[0][:2] == ("No. 1", "赵康镇") and townships[0][4] == pytest.approx(0.667)


def test_bulletins_outside_the_scope_are_404(sc, county, township_client, other_township):
    bulletin = county_bulletin(county)
    for name in ("tasks:bulletin_detail", "tasks:bulletin_docx", "tasks:bulletin_xlsx"):
        assert township_client.get(reverse(name, args=[bulletin.pk])).status_code == 404
    for name in ("tasks:bulletin_docx", "tasks:bulletin_xlsx"):
        assert township_client.post(reverse(name, args=[bulletin.pk])).status_code == 404
    theirs = Bulletin.objects.create(title="赵康镇通报", organization=other_township, period_start=D(2026, 1, 1),
                                     period_end=D(2026, 12, 31), issuing_body="中共赵康镇委员会")
    assert township_client.get(reverse("tasks:bulletin_docx", args=[theirs.pk])).status_code == 404
    assert township_client.post(reverse("tasks:bulletin_docx", args=[theirs.pk])).status_code == 404


def test_a_download_link_only_asks_and_the_bulletin_page_posts(sc, county, county_client):
    """Following a link (or a prefetch, or another site's link) starts no job and writes nothing."""
    from banzi.jobs.models import Job

    bulletin = county_bulletin(county)
    url = reverse("tasks:bulletin_docx", args=[bulletin.pk])
    events = AuditEvent.objects.count()
    page = county_client.get(f"{url}?red_band=0")
    assert page.status_code == 200 and f'action="{url}?red_band=0"' in page.content.decode()
    assert 'method="post"' in page.content.decode()
    assert not Job.objects.exists() and AuditEvent.objects.count() == events
    detail = county_client.get(reverse("tasks:bulletin_detail", args=[bulletin.pk])).content.decode()
    assert f'<form method="post" action="{url}"' in detail


def test_bulletin_list_and_add_pages_exist(county_client):
    assert county_client.get(reverse("tasks:bulletin_list")).status_code == 200
    assert county_client.get(reverse("tasks:bulletin_add")).status_code == 200
