"""The enterprise-service summary in Chromium: a county user opens it from the menu and sees the
numbers of cadres, enterprises and problems computed from the postings and their work logs; a
township user sees only their township's; on a phone the tables stay usable."""
import pytest

from banzi.core.roles import Role
from banzi.practice.models import WorkLog
from tests import factories as f
from tests.browser.conftest import PHONE
from tests.practice import cases as c

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def service(county, township, other_township):
    f.UserFactory(username="zuzhibu", role=Role.COUNTY_ADMIN)
    f.UserFactory(username="xinchengzhen", role=Role.TOWNSHIP_ADMIN, organization=township)
    member = c.team_member(township, f.CadreFactory(organization=township, name="张委员"))
    reserve = f.CadreFactory(organization=township, name="李后备", is_reserve=True)
    first, second = c.enterprise(township, name="恒泰食品有限公司"), c.enterprise(township, name="鑫源建材有限公司")
    far = c.enterprise(other_township, name="晋丰物流有限公司")
    postings = [c.posting(township, member, place=first), c.posting(township, member, place=second),
                c.posting(township, reserve, place=first),
                c.posting(other_township, f.CadreFactory(organization=other_township, name="王干事"), place=far)]
    for posting, found, solved in zip(postings, (3, 2, 1, 4), (2, 2, 0, 1), strict=True):
        WorkLog.objects.create(posting=posting, logged_on=posting.started_on, problems_found=found,
                               problems_solved=solved, visits=1, content="走访企业")
    # 3 cadres in 3 enterprises; problems 3+2+1+4 = 10 reported, 2+2+0+1 = 5 solved.
    return {"cadres": "3", "enterprises": "3", "found": "10", "solved": "5"}


def figure(page, name):
    return page.locator(f"[data-figure={name}]").inner_text().strip()


def test_county_sees_the_computed_enterprise_service_counts(live_server, open_page, log_in, service):
    page = open_page()
    log_in(page, "zuzhibu", f.PASSWORD)
    link = page.locator("a.dropdown-item[href='/practice/enterprise-service/']")
    page.locator(".nav-item.dropdown", has=link).locator(".dropdown-toggle").click()
    link.click()
    page.wait_for_url(f"{live_server.url}/practice/enterprise-service/")
    assert {name: figure(page, name) for name in service} == service
    assert page.locator("tr", has_text="恒泰食品有限公司").locator("td").nth(1).inner_text().startswith("2")
    assert page.locator("tr", has_text="张委员").locator("td").nth(1).inner_text().startswith("2")


def test_township_sees_its_own_counts_on_a_phone(live_server, open_page, log_in, service):
    page = open_page(PHONE)
    log_in(page, "xinchengzhen", f.PASSWORD)
    page.goto(f"{live_server.url}/practice/enterprise-service/")
    assert (figure(page, "cadres"), figure(page, "enterprises"), figure(page, "found"), figure(page, "solved")) == (
        "2", "2", "6", "4")
    assert page.locator("text=晋丰物流有限公司").count() == 0
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1
