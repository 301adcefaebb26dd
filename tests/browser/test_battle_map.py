"""The battle map in Chromium: an overdue item shows in the overdue colour, drilling down works, and
the bulletin downloads as a .docx that python-docx opens and that holds the computed on-time rate."""
import pytest
from docx import Document

from banzi.core.roles import Role
from banzi.tasks.models import Bulletin
from tests import factories as f
from tests.tasks.boards_data import D
from tests.tasks.scenario import NOW, build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
OVERDUE_RGB = "rgb(214, 57, 57)"  # #d63939


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
    # The county lists what is overdue, and a row per township with its implementation rate.
    overdue_row = page.locator("tr[data-state=overdue]", has_text="T3")
    badge = overdue_row.locator(".bm-state")
    assert badge.evaluate("el => getComputedStyle(el).backgroundColor") == OVERDUE_RGB
    assert page.locator("[data-bm=rate]").inner_text() == "57.1%"
    assert page.locator("[data-bm=groups-chart] svg").count() == 1  # ECharts drew the rates
    page.click(f"tr[data-group='{scenario.a.pk}'] a")
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
