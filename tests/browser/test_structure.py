"""The team structure page in a browser: the charts are drawn with no console error on a desktop (1366 px)
and a phone (390 px), the phone needs no horizontal scroll, and a township's name carrying script shows
as text in a chart's tooltip (the shared escaped tooltip)."""
import datetime

import pytest

from banzi.core.roles import Role
from banzi.org.models import Cadre
from tests import factories as f

from .conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP_1366 = {"width": 1366, "height": 900}
IMG = "<img src=x onerror=window.__xss=1>"


def _county_with_teams(county):
    for n, name in enumerate(["新城镇", "赵康镇", "南关镇" + IMG]):
        township = f.TownshipFactory(name=name, parent=county, sort_order=n)
        team = f.TeamFactory(township=township, elected_on=datetime.date(2026, 10, 10))
        for k in range(3 + n):
            cadre = f.CadreFactory(organization=township, gender=Cadre.Gender.FEMALE if k == 0 else Cadre.Gender.MALE,
                                   birth_date=datetime.date(1975 + 5 * k, 3, 1), education_fulltime="university")
            f.TeamMembershipFactory(team=team, cadre=cadre, position=f.PositionFactory(name=f"职务{k}"))


def _open(open_page, log_in, live_server, viewport):
    page = open_page(viewport)
    errors = []
    log_in(page, "zuzhibu", f.PASSWORD)

    def console(message):
        # The browser's own request for /favicon.ico (the app serves none) is not the page's error.
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            errors.append(f"{message.text} {message.location}")

    page.on("console", console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/org/structure/")
    page.wait_for_selector("#structure-age svg")
    page.wait_for_selector("#structure-education svg")
    page.wait_for_selector("#structure-newcomers svg")
    return page, errors


@pytest.mark.parametrize("viewport", [DESKTOP_1366, PHONE], ids=["1366", "390"])
def test_the_page_draws_its_charts_without_errors(live_server, open_page, log_in, county, viewport):
    _county_with_teams(county)
    f.UserFactory(username="zuzhibu", role=Role.COUNTY_ADMIN)
    page, errors = _open(open_page, log_in, live_server, viewport)
    assert page.inner_text("[data-figure=members]") == "12"
    assert page.locator("#structure-table tbody tr").count() == 3
    assert errors == []
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], width


def test_a_townships_name_in_a_tooltip_is_text(live_server, open_page, log_in, county):
    _county_with_teams(county)
    f.UserFactory(username="zuzhibu", role=Role.COUNTY_ADMIN)
    page, errors = _open(open_page, log_in, live_server, DESKTOP_1366)
    tip = page.evaluate("""async () => {
      const el = document.querySelector("#structure-age");
      const chart = window.echarts.getInstanceByDom(el);
      chart.dispatchAction({ type: "showTip", seriesIndex: 0, dataIndex: 2 });
      await new Promise((resolve) => setTimeout(resolve, 100));
      const tip = Array.from(el.children).slice(1).find((d) => d.tagName === "DIV" && d.innerHTML);
      return tip ? tip.textContent : "";
    }""")
    assert IMG in tip
    assert page.evaluate("window.__xss") is None
    assert errors == []
