"""One reserve cadre end to end in Chromium: the township committee nominates its cadre on the
nomination form; the county vets her (the checks shown, all passed), enters her into the pool with a
development plan, records the yearly review and takes her out of the pool as promoted; the cadre's
flag follows the pool at each step and the timeline tells the story in Chinese."""
import pytest
from playwright.sync_api import expect

from banzi.core.roles import Role
from banzi.org.models import Cadre
from banzi.reserves.models import ReserveEntry
from tests import factories as f
from tests.dates import days_ago, this_year
from tests.reserves.factories import young_cadre

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reserve_cadre_from_nomination_to_promotion(live_server, open_page, log_in, county, township):
    f.UserFactory(username="xinchengzu", role=Role.TOWNSHIP_ADMIN, organization=township)
    f.UserFactory(username="zuzhibu", role=Role.COUNTY_ADMIN)
    cadre = young_cadre(township, name="刘后备")

    # The township committee nominates its cadre.
    page = open_page()
    log_in(page, "xinchengzu", f.PASSWORD)
    page.goto(f"{live_server.url}/reserves/")
    page.goto(f"{live_server.url}/reserves/entries/add/")
    page.select_option("#id_cadre", str(cadre.pk))
    page.fill("#id_nominated_on", days_ago(60).isoformat())
    page.select_option("#id_source", ReserveEntry.Source.COMMITTEE)
    page.fill("#id_recommendation", "经镇党委会议研究，推荐刘后备同志为后备干部人选")
    page.click("button[accesskey=s]")
    expect(page.locator("#entry-status")).to_have_text("已推荐")
    entry = ReserveEntry.objects.get()
    assert entry.unit == township and entry.status == ReserveEntry.Status.NOMINATED
    expect(page.locator("#steps")).to_have_count(0)  # the vetting is the county's

    # The county vets her: the checks are shown, each passed.
    county_page = open_page()
    log_in(county_page, "zuzhibu", f.PASSWORD)
    county_page.goto(f"{live_server.url}/reserves/entries/{entry.pk}/")
    expect(county_page.locator("#checks tbody tr")).to_have_count(4)
    expect(county_page.locator("#checks .bg-red-lt")).to_have_count(0)

    def step(name, fill):
        county_page.click(f"#steps form[action$='/{name}/'] >> xpath=.. >> summary")
        fill()
        county_page.click(f"#steps form[action$='/{name}/'] button[type=submit]")
        expect(county_page.locator(".alert-success")).to_be_visible()

    step("vet", lambda: county_page.fill("#id_vet-vetted_on", days_ago(40).isoformat()))
    expect(county_page.locator("#entry-status")).to_have_text("已审查")
    step("enter", lambda: (county_page.fill("#id_enter-entered_on", days_ago(30).isoformat()),
                           county_page.fill("#id_enter-development_plan", "安排入企服务一年，参加县委党校中青班")))
    expect(county_page.locator("#entry-status")).to_have_text("在库")
    assert Cadre.objects.get(pk=cadre.pk).is_reserve

    def review():
        county_page.fill("#id_review-year", str(this_year()))
        county_page.select_option("#id_review-conclusion", "keep")
        county_page.fill("#id_review-note", "年度考察表现良好")

    step("review", review)
    expect(county_page.locator("#timeline")).to_contain_text("年度考察表现良好")

    def leave():
        county_page.fill("#id_exit-exited_on", days_ago(1).isoformat())
        county_page.select_option("#id_exit-reason", ReserveEntry.ExitReason.PROMOTED)
        county_page.fill("#id_exit-note", "提拔任副镇长")

    step("exit", leave)
    expect(county_page.locator("#entry-status")).to_have_text("已出库")
    expect(county_page.locator("#timeline")).to_contain_text("提拔使用")
    entry.refresh_from_db()
    assert (entry.status, entry.exit_reason) == (ReserveEntry.Status.EXITED, ReserveEntry.ExitReason.PROMOTED)
    assert entry.reviews.get().year == this_year()
    assert not Cadre.objects.get(pk=cadre.pk).is_reserve

    # The pool list: filtered to those who left, she is there.
    county_page.goto(f"{live_server.url}/reserves/?status=exited")
    expect(county_page.locator("table")).to_contain_text("刘后备")
