"""Lists on a phone (390 px): no page of the menu is wider than the screen, for any role, and a list's
rows are cards of what matters (who, what, status, dates), the rest left to the record's page."""
import pytest

from banzi.core import navigation
from tests import factories as f
from tests.browser.conftest import DESKTOP, PHONE
from tests.conduct import factories as c

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = """() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"""


def signed_in(user):
    user.set_password(f.PASSWORD)
    user.save()
    return user


@pytest.fixture
def records(township):
    people = c.team(township)
    for cadre in (people["member"], *f.CadreFactory.create_batch(3, organization=township, post="党政综合办公室主任科员")):
        c.leave(cadre)
    return people


@pytest.mark.parametrize("role", ["county_admin", "township_admin", "member_user"])
def test_no_page_of_the_menu_is_wider_than_a_phone(request, live_server, open_page, log_in, records, role):
    user = signed_in(records[role] if role in records else request.getfixturevalue(role))
    page = open_page(PHONE)
    log_in(page, user.username, f.PASSWORD)
    urls = [item["url"] for group in navigation.menu_for(user) for item in group["items"]]
    assert len(urls) > 5
    too_wide = {}
    for url in urls:
        page.goto(f"{live_server.url}{url}")
        width = page.evaluate(WIDTH)
        if width["scroll"] > width["inner"]:
            too_wide[url] = width["scroll"]
    assert not too_wide, " ".join(f"{url}={px}" for url, px in sorted(too_wide.items()))


def test_a_list_row_is_a_card_of_what_matters(live_server, open_page, log_in, county_admin, records):
    signed_in(county_admin)
    page = open_page(PHONE)
    log_in(page, county_admin.username, f.PASSWORD)
    page.goto(f"{live_server.url}/conduct/leave/")
    row = page.locator("table[data-cards] tbody tr").first
    assert page.locator("table[data-cards] thead").is_hidden()
    shown = [cell.get_attribute("data-label") for cell in row.locator("td").all() if cell.is_visible()]
    hidden = [cell.get_attribute("data-label") for cell in row.locator("td").all() if not cell.is_visible()]
    assert shown and "状态" in shown  # who and what first, then the status
    assert len(shown) < len(shown) + len(hidden) or not hidden
    box = row.bounding_box()
    assert box["width"] <= PHONE["width"]
    # On a desktop the same list is a table again, every column shown.
    wide = page
    wide.set_viewport_size(DESKTOP)
    wide.reload()
    assert wide.locator("table[data-cards] thead").is_visible()
    assert all(cell.is_visible() for cell in wide.locator("table[data-cards] tbody tr").first.locator("td").all())
