"""A button that starts something shows that it is working and cannot be pressed twice: a search, an
export (a download, which leaves the page as it is: the busy state ends when the file arrives)."""
import pytest

from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every change of the busy state, as it happens: which element, and whether it became busy or free.
WATCH_BUSY = """
window.__busy = [];
new MutationObserver((changes) => {
  for (const change of changes) {
    const el = change.target;
    if (change.attributeName === "class") {
      const now = el.classList.contains("btn-loading");
      const before = (change.oldValue || "").split(/\\s+/).includes("btn-loading");
      if (now !== before) { window.__busy.push([now ? "busy" : "free", el.textContent.trim()]); }
    }
  }
}).observe(document, { attributes: true, attributeOldValue: true, subtree: true, attributeFilter: ["class"] });
"""


@pytest.fixture
def cadres(township, county_admin):
    for n in range(3):
        f.CadreFactory(organization=township, name=f"干部{n}")
    return county_admin


def _cadre_list(page, live_server, log_in, user):
    page.add_init_script(WATCH_BUSY)
    log_in(page, user.username, f.PASSWORD)
    page.goto(f"{live_server.url}/org/cadres/")
    page.wait_for_selector("table")


def test_an_export_is_busy_until_its_file_arrives(live_server, open_page, log_in, cadres):
    page = open_page()
    _cadre_list(page, live_server, log_in, cadres)
    link = page.locator("a.btn", has_text="导出到 Excel")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".xlsx")
    # The page stays; the file's answer ends the spinner (its cookie changed), and the button works again.
    page.wait_for_function("() => !document.querySelector('.btn-loading') && !document.documentElement.hasAttribute('data-busy')")
    assert page.evaluate("window.__busy") == [["busy", "导出到 Excel"], ["free", "导出到 Excel"]]
    assert link.get_attribute("aria-busy") is None
    with page.expect_download():
        link.click()


def test_a_form_pressed_twice_is_sent_once(live_server, open_page, log_in, cadres):
    page = open_page()
    _cadre_list(page, live_server, log_in, cadres)
    sent = []
    page.on("request", lambda request: sent.append(request.url) if "/org/cadres/?" in request.url else None)
    # The answer goes to a frame, so this page stays to be pressed again (and to be looked at).
    page.evaluate("""() => {
        const sink = document.createElement("iframe");
        sink.name = "sink";
        document.body.appendChild(sink);
        document.querySelector("form.filter-form").target = "sink";
    }""")
    page.fill("form.filter-form input[name=q]", "干部")
    button = page.locator("form.filter-form button[type=submit]:not(.d-md-none)")
    button.click(no_wait_after=True)
    page.wait_for_timeout(400)
    assert "btn-loading" in button.get_attribute("class") and button.get_attribute("aria-busy") == "true"
    assert page.evaluate("document.documentElement.hasAttribute('data-busy')")  # the bar along the top
    button.dispatch_event("click")  # pressed again, impatiently
    page.wait_for_timeout(500)
    assert len(sent) == 1, sent
    assert "q=%E5%B9%B2%E9%83%A8" in sent[0]
