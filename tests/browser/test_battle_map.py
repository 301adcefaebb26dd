"""The battle map in Chromium: the county is a wall of township tiles that fits one screen and whose
counts are the data endpoint's, an overdue item shows in the overdue colour, drilling down works,
and the bulletin downloads as a .docx that python-docx opens and that holds the computed on-time rate."""
import pytest
from docx import Document

from banzi.core.roles import Role
from banzi.tasks.models import Bulletin
from tests import factories as f
from tests.tasks.boards_data import D
from tests.tasks.scenario import NOW, build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
OVERDUE_RGB = "rgb(214, 57, 57)"  # #d63939
WALL = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
XSS = '<img src=x onerror="window.__xss = 1">'


@pytest.fixture
def scenario(county, township, other_township, travel):
    travel.move_to(NOW)
    f.UserFactory(username="ducha", role=Role.COUNTY_ADMIN)
    return build(township, other_township)


def test_battle_map_shows_overdue_and_drills_down(live_server, open_page, log_in, scenario):
    page = open_page()
    log_in(page, "ducha", f.PASSWORD)
    page.goto(f"{live_server.url}/tasks/battle-map/?year=2026")
    page.wait_for_selector("#battle-map[data-loaded=true]")
    # The county folds its overdue entries below the wall, and has a tile per township with its rate.
    page.click("[data-bm=overdue] > summary")
    overdue_row = page.locator("tr[data-state=overdue]", has_text="T3")
    badge = overdue_row.locator(".bm-state")
    assert badge.evaluate("el => getComputedStyle(el).backgroundColor") == OVERDUE_RGB
    assert page.locator("[data-bm=rate]").inner_text() == "57.1%"
    assert page.locator("[data-bm=timeline]").count() == 0  # no Gantt at the county
    page.click(f".bm-tile[data-group='{scenario.a.pk}'] a")
    page.wait_for_url(f"**/tasks/battle-map/?township={scenario.a.pk}&year=2026")
    page.wait_for_selector("#battle-map[data-loaded=true]")
    assert page.locator("[data-bm=rate]").inner_text() == "50%"
    rows = page.locator("[data-bm=items-table] tbody tr")
    assert rows.count() == 7
    at_risk = page.locator("tr[data-state=at_risk]", has_text="T6").locator(".bm-state")
    assert at_risk.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(245, 159, 0)"
    assert page.locator("[data-bm=timeline] svg").count() == 1
    assert page.locator("tr[data-state=overdue]", has_text="T3").count() == 1


def test_bulletin_docx_download_holds_the_on_time_rate(live_server, open_page, log_in, scenario, county,
                                                       tmp_path):
    bulletin = Bulletin.objects.create(
        title="关于2026年工作落实情况的通报", organization=county, period_start=D(2026, 1, 1),
        period_end=D(2026, 12, 31), issuing_body="中共襄汾县委组织部", document_number="襄组通〔2026〕5号",
    )
    page = open_page()
    log_in(page, "ducha", f.PASSWORD)
    page.goto(f"{live_server.url}/tasks/bulletins/{bulletin.pk}/")
    assert page.locator("[data-figure=on-time-rate]").inner_text() == "57.1%"
    with page.expect_download() as download_info:
        page.click(f"form[action='/tasks/bulletins/{bulletin.pk}/docx/'] button")
    path = tmp_path / "bulletin.docx"
    download_info.value.save_as(path)
    assert download_info.value.suggested_filename.endswith(".docx")
    document = Document(str(path))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "57.1%" in text
    assert bulletin.title in text


def _data(page):
    """The JSON the page drew, fetched again from its own data endpoint."""
    return page.evaluate("""async () => {
        const url = document.getElementById("battle-map").dataset.url;
        return (await fetch(url, {credentials: "same-origin"})).json();
    }""")


@pytest.fixture
def thirteen(scenario, county):
    """The scenario's two townships and eleven more (one with a name that is HTML): a county's 13."""
    for n in range(10):
        f.TownshipFactory(parent=county, name=f"第{n}镇")
    f.TownshipFactory(parent=county, name=XSS)
    return scenario


def _open_wall(page, live_server, log_in):
    log_in(page, "ducha", f.PASSWORD)
    page.goto(f"{live_server.url}/tasks/battle-map/?year=2026")
    page.wait_for_selector("#battle-map[data-loaded=true]")


def test_county_wall_has_a_tile_per_township_with_the_endpoints_counts(live_server, open_page, log_in, thirteen):
    page = open_page(WALL)
    _open_wall(page, live_server, log_in)
    data = _data(page)
    townships = [g for g in data["groups"] if g["level"] == "township"]
    assert len(townships) == 13
    tiles = page.locator(".bm-tile")
    assert tiles.count() == len(data["groups"])
    for group in data["groups"]:
        tile = page.locator(f".bm-tile[data-group='{group['id']}']")
        assert tile.locator(".bm-tile-name").inner_text() == group["name"]
        for state in ("on_track", "at_risk", "overdue", "done"):
            count = tile.locator(f"[data-count={state}] strong").inner_text()
            assert count == str(group["counts"].get(state, 0)), (group["name"], state)
        rate = group["rate"]["percent"]
        assert tile.locator("[data-rate]").inner_text() == ("—" if rate is None else f"{rate:g}%")
    # One screen: no long Gantt or list at the county, and the wall needs (almost) no scrolling.
    heights = page.evaluate("() => [document.scrollingElement.scrollHeight, window.innerHeight]")
    assert heights[0] <= 1.2 * heights[1], heights
    # The same colour means the same state in the legend and on the tiles.
    for state in ("on_track", "at_risk", "overdue", "done"):
        legend = page.locator(f"[data-legend={state}] .bm-swatch").evaluate("e => getComputedStyle(e).backgroundColor")
        light = page.locator(f".bm-tile [data-count={state}] .bm-light").first.evaluate(
            "e => getComputedStyle(e).backgroundColor")
        assert legend == light
    assert page.locator("[data-legend=overdue] .bm-swatch").evaluate(
        "e => getComputedStyle(e).backgroundColor") == OVERDUE_RGB
    # Rates and progress are grey bars and figures, never a state's colour.
    states = {page.locator(f"[data-legend={state}] .bm-swatch").evaluate("e => getComputedStyle(e).backgroundColor")
              for state in ("on_track", "at_risk", "overdue", "done")}
    bars = page.locator("[data-bm=rate-bar], .bm-tile .progress-bar").evaluate_all(
        "els => els.map(e => getComputedStyle(e).backgroundColor)")
    assert len(set(bars)) == 1 and not set(bars) & states, bars
    # A township's name is text, never markup.
    assert page.locator(".bm-tile-name", has_text=XSS).count() == 1
    assert page.locator(".bm-tile img").count() == 0
    assert page.evaluate("() => window.__xss") is None
    # A tile opens its township.
    page.click(f".bm-tile[data-group='{thirteen.b.pk}'] a")
    page.wait_for_url(f"**/tasks/battle-map/?township={thirteen.b.pk}&year=2026")
    page.wait_for_selector("#battle-map[data-loaded=true]")
    assert _data(page)["scope"]["level"] == "township"
    assert page.locator("[data-bm=items-table] tbody tr").count() == len(_data(page)["items"])


def test_county_overdue_list_is_capped_and_links_to_the_lists(live_server, open_page, log_in, thirteen):
    page = open_page(WALL)
    _open_wall(page, live_server, log_in)
    data = _data(page)
    rows = page.locator("[data-bm=items-table] tbody tr")
    assert rows.count() == min(10, len(data["items"]))
    assert not page.locator("[data-bm=items-table]").is_visible()  # folded until asked for
    page.click("[data-bm=overdue] > summary")
    assert page.locator("[data-bm=items-table]").is_visible()
    links = page.locator("[data-bm=overdue-link]")
    assert links.count() == 2
    assert all("state=overdue" in links.nth(i).get_attribute("href") for i in range(links.count()))


def test_county_wall_stacks_on_a_phone(live_server, open_page, log_in, thirteen):
    page = open_page(PHONE)
    _open_wall(page, live_server, log_in)
    lefts = page.locator(".bm-tile").evaluate_all("els => els.map(e => e.getBoundingClientRect().left)")
    assert len(set(round(x) for x in lefts)) == 1  # one column
    too_wide = page.evaluate("""() => [...document.querySelectorAll('#battle-map *')]
        .filter(e => e.getClientRects().length && e.getBoundingClientRect().right > window.innerWidth + 1
                && !e.closest('.table-responsive')).map(e => e.className)""")
    assert too_wide == []
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= PHONE["width"]


def test_county_wall_prints_on_one_a3_landscape_page(live_server, open_page, log_in, thirteen):
    import re

    page = open_page(WALL)
    _open_wall(page, live_server, log_in)
    page.emulate_media(media="print")
    assert page.locator("header.navbar").is_hidden() and page.locator("[data-print]").is_hidden()
    assert page.locator(".bm-tile").first.is_visible()
    pdf = page.pdf(prefer_css_page_size=True)
    pages = re.findall(rb"/Type\s*/Page[^s]", pdf)
    boxes = {tuple(round(float(n)) for n in box.split())
             for box in re.findall(rb"/MediaBox\s*\[\s*([\d.\s]+)\]", pdf)}
    assert len(pages) == 1
    assert boxes == {(0, 0, 1191, 842)}  # A3 (420 x 297 mm) landscape, in points


@pytest.fixture
def crowded(scenario):
    """The scenario's township with a full team of 12 and 40 more tasks: more work than a screen holds."""
    from tests.tasks.boards_data import many_tasks

    team = [f.CadreFactory(organization=scenario.a, name=f"委员{n}", post="党委委员") for n in range(10)]
    many_tasks(scenario.a, 40, [scenario.a1, scenario.a2] + team)
    return scenario


def test_township_is_a_wall_of_members_with_its_most_urgent_work(live_server, open_page, log_in, crowded):
    page = open_page(WALL)
    log_in(page, "ducha", f.PASSWORD)
    page.goto(f"{live_server.url}/tasks/battle-map/?township={crowded.a.pk}&year=2026")
    page.wait_for_selector("#battle-map[data-loaded=true]")
    data = _data(page)
    # A tile per team member with the endpoint's counts and the member's post; a tile opens the person.
    members = [g for g in data["groups"] if g["id"] is not None]
    assert page.locator(".bm-tile").count() == len(data["groups"]) and len(members) == 12
    for group in members:
        tile = page.locator(f".bm-tile[data-group='{group['id']}']")
        assert tile.locator(".bm-tile-name").inner_text() == group["name"]
        for state in ("on_track", "at_risk", "overdue", "done"):
            assert tile.locator(f"[data-count={state}] strong").inner_text() == str(group["counts"].get(state, 0))
    # The timeline draws only the most urgent open work, overdue first; the table below holds every entry, folded.
    open_work = [i for i in data["items"] if i["state"] in ("overdue", "at_risk", "on_track")]
    assert len(open_work) > 15
    title = page.locator("[data-bm=timeline-title]").inner_text()
    assert f"共{len(open_work)}项" in title and "15项" in title
    assert page.locator("[data-bm=timeline]").evaluate("e => e.getBoundingClientRect().height") <= 30 * 15 + 70
    assert "T3" in page.locator("[data-bm=timeline] svg").text_content()  # the township's overdue task
    assert page.locator("[data-bm=items-table] tbody tr").count() == len(data["items"])
    assert not page.locator("[data-bm=items-table]").is_visible()
    assert f"（{len(data['items'])}项）" in page.locator("[data-bm=all-items] > summary").inner_text()
    # About two screens, not twenty.
    heights = page.evaluate("() => [document.scrollingElement.scrollHeight, window.innerHeight]")
    assert heights[0] <= 2.2 * heights[1], heights
    page.click("[data-bm=all-items] > summary")
    assert page.locator("[data-bm=items-table]").is_visible()
    page.click(f".bm-tile[data-group='{crowded.a1.pk}'] a")
    page.wait_for_url(f"**/tasks/battle-map/?cadre={crowded.a1.pk}&year=2026")
    page.wait_for_selector("#battle-map[data-loaded=true]")
    assert page.locator(".bm-tile").count() == 0
    assert page.locator("[data-bm=items-table] tbody tr").count() == len(_data(page)["items"])


def test_township_prints_on_one_a3_landscape_page(live_server, open_page, log_in, crowded):
    import re

    page = open_page(WALL)
    log_in(page, "ducha", f.PASSWORD)
    page.goto(f"{live_server.url}/tasks/battle-map/?township={crowded.a.pk}&year=2026")
    page.wait_for_selector("#battle-map[data-loaded=true]")
    page.emulate_media(media="print")
    assert page.locator(".bm-tile").first.is_visible() and page.locator("[data-bm=all-items]").is_hidden()
    pdf = page.pdf(prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
