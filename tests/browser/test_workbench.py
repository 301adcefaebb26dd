"""The cadre's three daily journeys on a phone (390 px), from the home page's workbench: a study record,
a leave request and an outing report, each in at most 3 screens and 8 taps, nothing wider than the
screen (issue: a phone workbench, not shrunken desktop tables)."""
import datetime

import pytest

from banzi.conduct.models import LeaveRequest, OutingReport
from banzi.core import clock
from banzi.study.models import StudyRecord
from tests import factories as f
from tests.browser.conftest import PHONE
from tests.conduct import factories as c

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_SCREENS, MAX_TAPS = 3, 8


class Journey:
    """Counts what a person does: each tap or field filled in, and each screen (page) they see."""

    def __init__(self, page):
        self.page, self.taps, self.screens = page, 0, 1
        page.on("framenavigated", lambda frame: self._screen(frame))

    def _screen(self, frame):
        if frame == self.page.main_frame:
            self.screens += 1

    def tap(self, selector):
        self.taps += 1
        self.page.click(selector)

    def fill(self, selector, value):
        self.taps += 1
        self.page.fill(selector, value)

    def choose(self, selector, value):
        self.taps += 1
        self.page.select_option(selector, value)

    def fits(self):
        return self.page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def member(township):
    people = c.team(township)
    user = people["member_user"]
    user.set_password(f.PASSWORD)
    user.save()
    return people


def start(open_page, log_in, live_server, user):
    page = open_page(PHONE)
    log_in(page, user.username, f.PASSWORD)
    page.goto(f"{live_server.url}/")
    page.wait_for_selector(".workbench")
    journey = Journey(page)
    assert journey.fits()
    return journey


def test_a_leave_request_from_the_workbench(live_server, open_page, log_in, member):
    journey = start(open_page, log_in, live_server, member["member_user"])
    first = c.future_monday()
    journey.tap(".workbench a:has-text('请假')")
    journey.page.wait_for_selector("#id_reason")
    assert journey.fits()
    journey.choose("#id_kind", "personal")
    journey.fill("#id_starts_on", first.isoformat())
    journey.fill("#id_ends_on", (first + datetime.timedelta(days=1)).isoformat())
    journey.fill("#id_reason", "家中老人住院陪护")
    journey.tap("button[name=_submit]")
    journey.page.wait_for_selector("[data-status=submitted]")
    assert journey.fits()
    assert LeaveRequest.objects.get(cadre=member["member"]).status == LeaveRequest.Status.SUBMITTED
    assert journey.screens <= MAX_SCREENS and journey.taps <= MAX_TAPS, (journey.screens, journey.taps)


def test_a_study_record_from_the_workbench(live_server, open_page, log_in, member):
    journey = start(open_page, log_in, live_server, member["member_user"])
    journey.tap(".workbench a:has-text('记学习')")
    journey.page.wait_for_selector("#id_minutes")
    assert journey.fits()
    assert journey.page.locator("#id_studied_on").input_value()  # today, filled in already
    journey.fill("#id_minutes", "40")
    journey.fill("#id_material", "《习近平谈治国理政》第四卷")
    journey.tap("main button[type=submit]")
    journey.page.wait_for_load_state()
    assert journey.fits()
    assert StudyRecord.objects.filter(cadre=member["member"], minutes=40).exists()
    assert journey.screens <= MAX_SCREENS and journey.taps <= MAX_TAPS, (journey.screens, journey.taps)


def test_an_outing_report_from_the_workbench(live_server, open_page, log_in, member):
    journey = start(open_page, log_in, live_server, member["member_user"])
    journey.tap(".workbench a:has-text('外出报备')")
    journey.page.wait_for_selector("#id_destination")
    assert journey.fits()
    journey.fill("#id_destination", "临汾市")
    journey.fill("#id_reason", "到市里参加培训报到")
    tomorrow = clock.today() + datetime.timedelta(days=1)
    journey.fill("#id_departs_at", f"{tomorrow}T08:00")
    journey.fill("#id_planned_return_at", f"{tomorrow}T18:00")
    journey.fill("#id_contact", "13800000000")
    journey.tap("main button[type=submit]")
    journey.page.wait_for_load_state()
    assert journey.fits()
    assert OutingReport.objects.filter(cadre=member["member"], destination="临汾市").exists()
    assert journey.screens <= MAX_SCREENS and journey.taps <= MAX_TAPS, (journey.screens, journey.taps)
