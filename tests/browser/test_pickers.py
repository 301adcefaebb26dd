"""Searchable pickers (static/js/pickers.js over the vendored Tom Select), at 1366 and 390 px.

A county user files a supervised item: picks the 承办单位 among 20-odd units by its pinyin initials, then the
责任人 by "zs", offered only among that unit's people; a cadre whose name carries markup shows as written
and runs nothing; the item saves with the chosen person. Training enrolment chooses several cadres
without Ctrl-click: each choice is added, × removes one.
"""
import pytest

from banzi.core.roles import Role
from banzi.tasks.models import SupervisedItem
from banzi.training.models import Enrollment
from tests import factories as f
from tests.training import factories as tf

from .conftest import PHONE
from .test_chart_xss import WATCH_CSP

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = {"width": 1366, "height": 900}
IMG = "<img src=x onerror=window.__xss=1>"


def shown(page, select_id):
    """The texts of the options the picker's drop-down shows now."""
    return page.locator(f"#{select_id}-ts-dropdown .option").all_inner_texts()


def open_picker(page, select_id):
    """Click the picker's box (its text input hides behind a choice), unless it is open already: a click on
    an open picker closes it."""
    if not page.evaluate("(id) => document.getElementById(id).tomselect.isFocused", select_id):
        page.click(f"#{select_id}-ts-control >> xpath=..")
    page.wait_for_selector(f".ts-wrapper.input-active #{select_id}-ts-control")  # ready for typing


def search(page, select_id, text):
    """Type into the open picker and wait for its list to answer (it searches 300 ms after the last key)."""
    page.keyboard.type(text)
    page.wait_for_function("([id, text]) => document.getElementById(id).tomselect.lastQuery === text",
                           arg=[select_id, text])


def pick(page, select_id, text):
    """Type into the picker and take the first match with the keyboard."""
    open_picker(page, select_id)
    search(page, select_id, text)
    page.keyboard.press("Enter")


def search_server(page, select_id, text):
    """Type into the open long picker and wait for the server's answer to these words."""
    page.keyboard.type(text)
    page.wait_for_function("([id, text]) => { const select = document.getElementById(id);"
                           " return select.dataset.answered === text && select.tomselect.loading === 0; }",
                           arg=[select_id, text])


def pick_from_server(page, select_id, text):
    open_picker(page, select_id)
    search_server(page, select_id, text)
    page.keyboard.press("Enter")


def leave(page):
    """Move away from the picker, as a tap elsewhere does: it closes and forgets what was typed."""
    page.evaluate("document.activeElement && document.activeElement.blur()")


def fits(page, viewport):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], width


@pytest.fixture
def people(township, other_township):
    """25 villages (so the unit select is a picker), 25 cadres in the township, 张三 there, 赵四 (also "zs")
    in the other township, and a cadre whose name carries markup."""
    for i in range(25):
        f.VillageFactory(parent=township, name=f"第{i}村")
        f.CadreFactory(organization=township, name=f"干部{i}")
    f.UserFactory(username="ducha", role=Role.COUNTY_ADMIN)
    return {
        "zhang": f.CadreFactory(organization=township, name="张三", post="组织委员"),
        "zhao": f.CadreFactory(organization=other_township, name="赵四", post="组织委员"),
        "markup": f.CadreFactory(organization=township, name=IMG, post="科员"),
    }


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1366", "390"])
def test_a_person_picked_by_pinyin_among_the_units_people(live_server, open_page, log_in, township,
                                                           other_township, people, viewport):
    page = open_page(viewport)
    log_in(page, "ducha", f.PASSWORD)
    page.goto(f"{live_server.url}/tasks/supervised-items/add/")
    page.wait_for_selector("#id_organization-ts-control")
    assert page.locator("#id_assignee").get_attribute("class").count("tomselected")
    page.fill("#id_title", "督办人居环境整治")

    # The unit by its initials (新城镇: xcz), with the keyboard.
    pick(page, "id_organization", "xcz")
    assert page.input_value("#id_organization") == str(township.pk)

    # "zs" finds 张三 in the township; 赵四 (zs too) works elsewhere and is not offered.
    open_picker(page, "id_assignee")
    search(page, "id_assignee", "zs")
    offered = shown(page, "id_assignee")
    assert any(text.startswith("张三 · 新城镇") for text in offered), offered
    assert not any(text.startswith("赵四") for text in offered), offered
    # The full pinyin finds him too.
    page.keyboard.press("Control+A")
    search(page, "id_assignee", "zhangsan")
    assert [t for t in shown(page, "id_assignee") if t.startswith("张三")]
    leave(page)

    # Another unit: its people only, and the choice made for the first is dropped.
    pick(page, "id_assignee", "zs")
    assert page.input_value("#id_assignee") == str(people["zhang"].pk)
    pick(page, "id_organization", "zkz")  # 赵康镇
    assert page.input_value("#id_organization") == str(other_township.pk)
    assert page.input_value("#id_assignee") == ""
    open_picker(page, "id_assignee")
    offered = shown(page, "id_assignee")
    assert offered and all("赵康镇" in text for text in offered if text != "请选择…"), offered
    leave(page)

    pick(page, "id_organization", "xcz")
    pick(page, "id_assignee", "zs")
    fits(page, viewport)
    page.click("button[accesskey=s]")
    page.wait_for_url(lambda url: "/add/" not in url)
    item = SupervisedItem.objects.get()
    assert item.organization == township and item.assignee == people["zhang"]


@pytest.mark.parametrize("bypass_csp", [True, False], ids=["escaping-alone", "under-the-policy"])
def test_a_name_with_markup_shows_as_written(browser, live_server, log_in, township, people, bypass_csp):
    context = browser.new_context(viewport=WIDE, locale="zh-CN", timezone_id="Asia/Shanghai", bypass_csp=bypass_csp)
    context.set_default_timeout(20_000)
    context.add_init_script(WATCH_CSP)
    try:
        page = context.new_page()
        log_in(page, "ducha", f.PASSWORD)
        page.goto(f"{live_server.url}/tasks/supervised-items/add/")
        pick(page, "id_organization", "xcz")
        open_picker(page, "id_assignee")  # every option of the unit drawn
        page.wait_for_selector("#id_assignee-ts-dropdown .option")
        assert any(text.startswith(IMG) for text in shown(page, "id_assignee"))
        search(page, "id_assignee", "img")
        page.keyboard.press("Enter")  # the chosen item is drawn too
        assert page.input_value("#id_assignee") == str(people["markup"].pk)
        assert IMG in page.inner_text("#id_assignee-ts-control >> xpath=..")
        assert page.locator("img[src=x]").count() == 0
        assert page.evaluate("window.__xss") is None
        if not bypass_csp:  # the pickers need no inline script or style element
            assert page.evaluate("window.__csp") == []
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1366", "390"])
def test_enrolment_chooses_several_without_ctrl(live_server, open_page, log_in, township, people, viewport):
    program = tf.program(township, name="乡镇干部轮训班")
    wang = f.CadreFactory(organization=township, name="王五")
    page = open_page(viewport)
    log_in(page, "ducha", f.PASSWORD)
    page.goto(f"{live_server.url}{program.get_absolute_url()}")
    page.wait_for_selector("#id_cadres-ts-control")
    pick(page, "id_cadres", "zs")
    pick(page, "id_cadres", "ww")
    pick(page, "id_cadres", "gb1")  # 干部1
    chosen = page.locator("#id_cadres-ts-control >> xpath=.. >> .item")
    assert chosen.count() == 3
    # × takes one out again.
    page.locator(f"#id_cadres-ts-control >> xpath=.. >> .item[data-value='{people['zhang'].pk}'] .remove").click()
    assert chosen.count() == 2
    leave(page)
    fits(page, viewport)
    page.click("#enroll button[type=submit]")
    page.wait_for_url(f"**{program.get_absolute_url()}#enroll")
    enrolled = set(Enrollment.objects.filter(program=program).values_list("cadre__name", flat=True))
    assert enrolled == {wang.name, "干部1"}


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1366", "390"])
def test_long_pickers_load_their_options_from_the_server(settings, live_server, open_page, log_in, township,
                                                         other_township, people, viewport):
    """Beyond BANZI_PICKER_REMOTE_OVER options (here 10: 27 units, 28 people) the page holds only what is
    chosen; typing asks the server, which searches pinyin and narrows the people by the chosen unit."""
    settings.BANZI_PICKER_REMOTE_OVER = 10
    page = open_page(viewport)
    log_in(page, "ducha", f.PASSWORD)
    asked = []
    page.on("request", lambda request: asked.append(request.url) if "/core/pickers/" in request.url else None)
    page.goto(f"{live_server.url}/tasks/supervised-items/add/")
    page.wait_for_selector("#id_assignee-ts-control")
    for select_id in ("id_organization", "id_assignee"):
        assert page.get_attribute(f"#{select_id}", "data-source")
        assert page.locator(f"#{select_id} option").count() == 1  # "Choose…" only
    page.fill("#id_title", "督办人居环境整治")

    # The unit by its pinyin initials, found by the server.
    pick_from_server(page, "id_organization", "xcz")
    assert page.input_value("#id_organization") == str(township.pk)

    # "zs": 张三 of the chosen township; 赵四 (zs too) works elsewhere and is not offered.
    open_picker(page, "id_assignee")
    search_server(page, "id_assignee", "zs")
    offered = shown(page, "id_assignee")
    assert any(text.startswith("张三 · 新城镇") for text in offered), offered
    assert not any(text.startswith("赵四") for text in offered), offered
    assert any(f"unit={township.pk}" in url and "q=zs" in url for url in asked), asked
    page.keyboard.press("Enter")
    assert page.input_value("#id_assignee") == str(people["zhang"].pk)

    # Another unit drops the person chosen for the first.
    pick_from_server(page, "id_organization", "zkz")  # 赵康镇
    assert page.input_value("#id_organization") == str(other_township.pk)
    assert page.input_value("#id_assignee") == ""
    pick_from_server(page, "id_organization", "xcz")
    pick_from_server(page, "id_assignee", "zhangsan")
    assert page.input_value("#id_assignee") == str(people["zhang"].pk)
    fits(page, viewport)
    page.click("button[accesskey=s]")
    page.wait_for_url(lambda url: "/add/" not in url)
    item = SupervisedItem.objects.get()
    assert item.organization == township and item.assignee == people["zhang"]


def test_a_long_picker_whose_choices_are_gone_says_to_reload(settings, live_server, open_page, log_in, township,
                                                             people):
    """After an upgrade the kept query may no longer read: the picker says so in Chinese, and offers nothing."""
    from banzi.core.models import PickerSource

    settings.BANZI_PICKER_REMOTE_OVER = 10
    page = open_page(WIDE)
    log_in(page, "ducha", f.PASSWORD)
    page.goto(f"{live_server.url}/tasks/supervised-items/add/")
    page.wait_for_selector("#id_assignee-ts-control")
    PickerSource.objects.update(query=b"not a query")
    open_picker(page, "id_assignee")
    search_server(page, "id_assignee", "zs")
    assert shown(page, "id_assignee") == ["页面已过期，请刷新后重新选择。"]
    page.keyboard.press("Enter")
    assert page.input_value("#id_assignee") == ""


def test_a_long_multiple_choice_loads_from_the_server(settings, live_server, open_page, log_in, township, people):
    """Training enrolment over the limit: each cadre found on the server by pinyin is added, × removes one."""
    settings.BANZI_PICKER_REMOTE_OVER = 10
    program = tf.program(township, name="乡镇干部轮训班")
    wang = f.CadreFactory(organization=township, name="王五")
    page = open_page(PHONE)
    log_in(page, "ducha", f.PASSWORD)
    page.goto(f"{live_server.url}{program.get_absolute_url()}")
    page.wait_for_selector("#id_cadres-ts-control")
    assert page.get_attribute("#id_cadres", "data-source")
    for words in ("zs", "ww", "gb1"):
        pick_from_server(page, "id_cadres", words)
    chosen = page.locator("#id_cadres-ts-control >> xpath=.. >> .item")
    assert chosen.count() == 3
    page.locator(f"#id_cadres-ts-control >> xpath=.. >> .item[data-value='{people['zhang'].pk}'] .remove").click()
    assert chosen.count() == 2
    leave(page)
    fits(page, PHONE)
    page.click("#enroll button[type=submit]")
    page.wait_for_url(f"**{program.get_absolute_url()}#enroll")
    enrolled = set(Enrollment.objects.filter(program=program).values_list("cadre__name", flat=True))
    assert enrolled == {wang.name, "干部1"}
