"""Users' text in every chart is shown as text, never run: township, cadre, topic, task, supervised-item,
milestone and assessment names carrying `<img src=x onerror=...>` and `<script>` are planted, each chart's
tooltip is shown for every data point, and nothing runs while the text appears literally.

Each page is checked twice: once with the browser told to ignore the Content-Security-Policy (so the
escaping alone is proven), and once under the policy, which must then report no violation at all (the
pages need no inline script or style element to work). The API docs are checked to work under theirs.
"""
import pytest

from banzi.core.roles import Role
from tests import factories as f
from tests.assessment import factories as af
from tests.tasks.boards_data import D, at, item, milestone, task
from tests.tasks.scenario import NOW
from tests.training import factories as tf

from .conftest import DESKTOP

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IMG = "<img src=x onerror=window.__xss=1>"
SCRIPT = "<script>window.__xss=2</script>"
BOTH = IMG + SCRIPT

# Collects every Content-Security-Policy violation, from before the page's own scripts run.
WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI + " " + e.sourceFile + ":" + e.lineNumber);
});
"""

# Shows the tooltip of every data point of every series of the chart drawn in `selector`, as a person
# hovering each one would, and returns what each tooltip said (HTML and text).
SHOW_EVERY_TOOLTIP = """
async (selector) => {
  const el = document.querySelector(selector);
  const chart = window.echarts.getInstanceByDom(el);
  const seen = [];
  const series = chart.getOption().series;
  for (let s = 0; s < series.length; s++) {
    const count = (series[s].data || []).length;
    for (let i = 0; i < count; i++) {
      chart.dispatchAction({ type: "showTip", seriesIndex: s, dataIndex: i });
      await new Promise((resolve) => setTimeout(resolve, 30));
      const tip = Array.from(el.children).slice(1).find((d) => d.tagName === "DIV" && d.innerHTML);
      if (tip) { seen.push({ html: tip.innerHTML, text: tip.textContent }); }
    }
  }
  return seen;
}
"""


@pytest.fixture
def planted(county, travel):
    """Every user text a chart shows, each carrying script."""
    travel.move_to(NOW)
    bad_township = f.TownshipFactory(name="坏镇" + BOTH, parent=county)
    other = f.TownshipFactory(name="赵康镇", parent=county)
    img_cadre = f.CadreFactory(organization=bad_township, name="张" + IMG)
    script_cadre = f.CadreFactory(organization=bad_township, name="李" + SCRIPT)
    f.TeamMembershipFactory(team=f.TeamFactory(township=bad_township), cadre=img_cadre,
                            position=f.PositionFactory(name="书记" + IMG[:40]))
    # Battle map: a task with a milestone, an overdue task (shown at county level) and a supervised item.
    on_track = task(responsible=img_cadre, title="任务" + BOTH, start_on=D(2026, 1, 1), deadline=D(2026, 12, 31),
                    progress=40)
    milestone(on_track, D(2026, 11, 15), title="节点" + BOTH)
    task(responsible=script_cadre, title="逾期任务" + BOTH, start_on=D(2026, 1, 1), deadline=D(2026, 10, 31),
         progress=20)
    item(assignee=script_cadre, title="督办" + BOTH, assigned_at=at(2026, 11, 16, 9))
    task(responsible=f.CadreFactory(organization=other, name="赵三"), title="T7", deadline=D(2026, 3, 31))
    # Training statistics: by topic, by organizer and by the cadres' township.
    topic = tf.topic("专题" + IMG)
    program = tf.program(bad_township, name="培训班" + BOTH, start_on=D(2026, 3, 10), end_on=D(2026, 3, 14))
    session = tf.session(program, D(2026, 3, 10), topic=topic, title="课程" + BOTH)
    tf.attend(session, img_cadre)
    tf.attend(session, script_cadre)
    # The assessment page: the grade distribution per unit, with a grade proposed in the bad township.
    assessment = af.assessment(county, title="考核" + BOTH)
    bad_township.assessee = af.assessee(assessment, bad_township, img_cadre, proposed_grade="competent")
    # The assessee's page: the indicator trends across an earlier annual assessment and this one.
    earlier = af.assessment(county, title="上年度" + BOTH, year=2025, starts_on=D(2025, 1, 1), ends_on=D(2025, 12, 31))
    af.assessee(earlier, bad_township, img_cadre, confirmed_grade="competent")
    af.assessee(assessment, other, proposed_grade="excellent")
    bad_township.assessment = assessment
    f.UserFactory(username="ducha", role=Role.COUNTY_ADMIN)
    return bad_township


def charts_of(live_server, township):
    """Each page with charts: its URL, what to wait for, and each chart with the texts its tooltips show."""
    return [
        ("/", "#chart-members-per-township svg", {"#chart-members-per-township": ["坏镇" + BOTH]}),
        ("/training/statistics/?year=2026", "#training-topic svg", {
            "#training-topic": ["专题" + IMG],
            "#training-organization": ["坏镇" + BOTH],
            "#training-township": ["坏镇" + BOTH],
        }),
        # The county is a wall of tiles, no chart (its names as text: tests/browser/test_battle_map.py).
        ("/tasks/battle-map/?year=2026", "#battle-map[data-loaded=true] .bm-tile", {}),
        (f"/assessment/assessments/{township.assessment.pk}/", "#grade-distribution svg", {
            "#grade-distribution": ["坏镇" + BOTH],
        }),
        (f"/assessment/assessees/{township.assessee.pk}/", "#trend-chart svg", {
            "#trend-chart": ["上年度" + BOTH, "考核" + BOTH],
        }),
        # A township's members are tiles (names as text: tests/browser/test_battle_map.py), its work a timeline.
        (f"/tasks/battle-map/?township={township.pk}&year=2026", "#battle-map[data-loaded=true] .bm-tile", {
            "[data-bm=timeline]": ["任务" + BOTH, "节点" + BOTH, "督办" + BOTH, "逾期任务" + BOTH,
                                   "张" + IMG, "李" + SCRIPT],
        }),
    ]


def visit(page, live_server, url, ready, charts):
    page.goto(f"{live_server.url}{url}")
    page.wait_for_selector(ready)
    for selector, expected in charts.items():
        page.wait_for_selector(f"{selector} svg")
        tips = page.evaluate(SHOW_EVERY_TOOLTIP, selector)
        assert tips, f"{url} {selector}: no tooltip was shown"
        said = "\n".join(t["text"] for t in tips)
        for text in expected:
            assert text in said, f"{url} {selector}: {text!r} is not shown literally in {said!r}"
        # Nothing the tooltips or the labels drew is an element made from a name.
        assert page.evaluate("(s) => document.querySelector(s).querySelectorAll('img, script, image').length",
                             selector) == 0
    # The page as a whole: no element was made from users' text, and nothing ran.
    assert page.locator("img[src=x]").count() == 0
    assert page.evaluate(
        "Array.from(document.scripts).filter(s => s.type !== 'application/json' && s.text.includes('__xss')).length"
    ) == 0
    assert page.evaluate("window.__xss") is None


@pytest.mark.parametrize("bypass_csp", [True, False], ids=["escaping-alone", "under-the-policy"])
def test_users_text_in_charts_never_runs(browser, live_server, log_in, planted, bypass_csp):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  bypass_csp=bypass_csp)
    context.set_default_timeout(20_000)
    context.add_init_script(WATCH_CSP)
    try:
        page = context.new_page()
        log_in(page, "ducha", f.PASSWORD)
        for url, ready, charts in charts_of(live_server, planted):
            visit(page, live_server, url, ready, charts)
            if not bypass_csp:
                assert page.evaluate("window.__csp") == [], url
        # The battle map's tables show the same names as text too (a township's table is folded).
        page.click("[data-bm=all-items] > summary")
        body = page.inner_text("#battle-map")
        assert "节点" + BOTH in body and "任务" + BOTH in body
    finally:
        context.close()


@pytest.mark.parametrize("url, ready", [
    ("/api/docs/", ".swagger-ui .info .title"),
    ("/api/redoc/", "#redoc-container h1, redoc h1, .api-info h1"),
])
def test_the_api_docs_work_under_their_policy(browser, live_server, log_in, url, ready):
    f.UserFactory(username="ducha", role=Role.COUNTY_ADMIN)
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(30_000)
    context.add_init_script(WATCH_CSP)
    try:
        page = context.new_page()
        log_in(page, "ducha", f.PASSWORD)
        page.goto(f"{live_server.url}{url}")
        page.wait_for_selector(ready)
        assert "Banzi API" in page.inner_text(ready)
        # Redoc's "API docs by Redocly" logo comes from its CDN: the policy keeps the intranet page from
        # fetching it, as it should; nothing else may be refused.
        refused = [v for v in page.evaluate("window.__csp") if not v.startswith("img-src https://cdn.redoc.ly/")]
        assert refused == []
    finally:
        context.close()


def test_the_battle_maps_controls_work_without_inline_handlers(browser, live_server, log_in, county, travel):
    """The year select and the print button, once inline onchange/onclick, work from banzi.js under the policy."""
    travel.move_to(NOW)
    f.UserFactory(username="ducha", role=Role.COUNTY_ADMIN)
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(20_000)
    context.add_init_script(WATCH_CSP + "window.print = function () { window.__printed = true; };")
    try:
        page = context.new_page()
        log_in(page, "ducha", f.PASSWORD)
        page.goto(f"{live_server.url}/tasks/battle-map/?year=2026")
        page.wait_for_selector("#battle-map[data-loaded=true]")
        page.click("button[data-print]")
        assert page.evaluate("window.__printed") is True
        page.select_option("#bm-year", "2025")
        page.wait_for_url("**/tasks/battle-map/?year=2025")
        page.wait_for_selector("#battle-map[data-loaded=true]")
        assert page.evaluate("window.__csp") == []
    finally:
        context.close()

