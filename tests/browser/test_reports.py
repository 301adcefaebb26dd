"""The county drafts the demo year's report in Chromium: each figure is a link to the records it
counts; a paragraph edited in the browser changes its wording and keeps its figures; a paragraph
naming an unknown figure is refused with the Chinese message and nothing is saved; the .docx
downloads with the edited paragraph. A township committee gets its own township's report only."""
import datetime
import importlib

import pytest
from django.apps import apps
from docx import Document

from banzi.core.metrics import figures
from banzi.core.roles import Role
from banzi.reports.models import ReportTemplate
from banzi.training.demo import demo_year
from tests import factories as f
from tests.reports import records

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEEDS = ("banzi.governance.migrations.0002_seed_org_life_rules", "banzi.reports.migrations.0002_seed_default_templates")


def _default_rows():
    """The rows the data migrations seed (a transactional test before this one flushed them)."""
    for name in SEEDS:
        importlib.import_module(name).seed(apps, None)
    importlib.import_module("banzi.reports.migrations.0003_study_and_org_life_figures").forward(apps, None)


@pytest.fixture
def drafted(township, other_township):
    """Records of the demo year in both townships (the other with more), the default paragraphs and
    a user of each committee."""
    _default_rows()
    year = demo_year()
    for day in (datetime.date(year, 3, 10), datetime.date(year, 9, 8)):
        for build in (records.training, records.study, records.org_life, records.talks_held):
            build(township, day, 1)
            build(other_township, day, 2)
    f.UserFactory(username="zuzhibu", role=Role.COUNTY_ADMIN)
    f.UserFactory(username="xinchengzhen", role=Role.TOWNSHIP_ADMIN, organization=township)
    return year


def _value(key, township_ids, year):
    value = figures.read([key], township_ids, datetime.date(year, 1, 1), datetime.date(year, 12, 31))[key]
    return figures.get(key), value


def test_county_drafts_edits_and_downloads_the_demo_years_report(live_server, open_page, log_in, drafted):
    year, url = drafted, live_server.url
    page = open_page()
    log_in(page, "zuzhibu", f.PASSWORD)
    page.goto(f"{url}/reports/")
    page.select_option("#id_scope", "county")
    page.select_option("#id_period", str(year))
    page.click("form[action='/reports/view/'] button[type=submit]")
    page.wait_for_selector("#report")

    # A figure is the number the records give, and a link to the list of those records.
    sessions, count = _value("study.sessions", None, year)
    link = page.locator("#report a[data-figure='study.sessions']")
    assert link.inner_text() == str(count) and count
    link.click()
    page.wait_for_url(f"{url}/study/sessions/**")
    assert f"held_after={year}-01-01" in page.url and f"held_before={year}-12-31" in page.url
    assert "集体学习" in page.inner_text("main")
    page.go_back()
    _rate, rate = _value("governance.org_life_rate", None, year)
    assert page.inner_text("#report a[data-figure='governance.org_life_rate']") == f"{rate}%"

    # The study paragraph edited in the browser: new wording, the same figures.
    template = ReportTemplate.objects.get(part="training", sort_order=5)
    page.goto(f"{url}/reports/templates/{template.pk}/edit/")
    page.fill("#id_text", "本年度共组织集体学习{study.sessions}次，参学干部{study.person_times}人次。")
    page.click("button[accesskey=s]")
    page.wait_for_url(f"{url}/reports/templates/{template.pk}/")
    page.goto(f"{url}/reports/view/?scope=county&period={year}")
    _people, person_times = _value("study.person_times", None, year)
    paragraph = page.locator(f"#report [data-template='{template.pk}']")
    assert f"本年度共组织集体学习{count}次，参学干部{person_times}人次。" in paragraph.inner_text()
    assert paragraph.locator("a[data-figure='study.sessions']").get_attribute("href") == sessions.url(
        None, datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    # A paragraph naming an unknown figure is refused, in Chinese, and nothing is saved.
    page.goto(f"{url}/reports/templates/{template.pk}/edit/")
    page.fill("#id_text", "学习时长{study.minutes}分钟。")
    page.click("button[accesskey=s]")
    error = page.locator("[data-field-error=text]")
    error.wait_for()
    assert "没有这个数据项" in error.inner_text() and "{study.minutes}" in error.inner_text()
    template.refresh_from_db()
    assert template.text == "本年度共组织集体学习{study.sessions}次，参学干部{study.person_times}人次。"

    # The .docx downloads with the edited paragraph and its figures.
    page.goto(f"{url}/reports/view/?scope=county&period={year}")
    with page.expect_download() as download:
        page.click("#download")
    assert download.value.suggested_filename.endswith(".docx")
    text = "\n".join(p.text for p in Document(download.value.path()).paragraphs)
    assert f"本年度共组织集体学习{count}次，参学干部{person_times}人次。" in text


def test_a_township_committee_sees_its_own_townships_report_only(live_server, open_page, log_in, drafted,
                                                                 township, other_township):
    year, url = drafted, live_server.url
    page = open_page()
    log_in(page, "xinchengzhen", f.PASSWORD)
    page.goto(f"{url}/reports/view/?period={year}")
    page.wait_for_selector("#report")
    assert township.name in page.inner_text("h1.page-title")
    _sessions, own = _value("study.sessions", [township.pk], year)
    _sessions, county = _value("study.sessions", None, year)
    assert page.inner_text("#report a[data-figure='study.sessions']") == str(own) != str(county)
    for other in (str(other_township.pk), "county"):
        response = page.goto(f"{url}/reports/view/?scope={other}&period={year}")
        assert response.status == 404
        assert page.locator("#report").count() == 0
