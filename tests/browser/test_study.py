"""A cadre records a personal study entry on a phone (390 px wide) and sees it on the month's
calendar; a record of tomorrow is refused on the field and nothing is saved."""
import datetime

import pytest

from banzi.core import clock
from banzi.core.roles import Role
from banzi.study.models import StudyRecord
from tests import factories as f

from .conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def studying_cadre(township):
    cadre = f.CadreFactory(organization=township, name="赵学")
    return f.UserFactory(username="zhaoxue", role=Role.CADRE, cadre=cadre)


def test_cadre_records_study_on_a_phone_and_sees_it_on_the_calendar(live_server, open_page, log_in, studying_cadre):
    today = clock.today()
    page = open_page(PHONE)
    log_in(page, "zhaoxue", f.PASSWORD)
    page.goto(f"{live_server.url}/study/my/")

    # A day in the future is refused on its field, and nothing is saved.
    page.fill("#id_studied_on", (today + datetime.timedelta(days=1)).isoformat())
    page.fill("#id_material", "《中国共产党章程》")
    page.click("form.study-quick button[type=submit]")
    error = page.locator("[data-field-error=studied_on]")
    error.wait_for()  # the page comes back with the refusal; a busy machine takes its time
    assert error.is_visible()
    assert not StudyRecord.objects.exists()

    # Today, 30 minutes by the quick button: saved, and on the calendar.
    page.fill("#id_studied_on", today.isoformat())
    page.click("button.btn-minutes[data-minutes='30']")
    assert page.input_value("#id_minutes") == "30"
    page.fill("#id_material", "《中国共产党章程》")
    page.fill("#id_note", "学习总纲")
    page.click("form.study-quick button[type=submit]")
    page.wait_for_url(f"**/study/my/?month={today:%Y-%m}")

    day = page.locator(f".study-month [data-date='{today.isoformat()}']")
    assert "sm-done" in day.get_attribute("class")
    assert "30′" in day.inner_text()
    assert day.is_visible()
    record = StudyRecord.objects.get()
    assert (record.cadre, record.minutes, record.note) == (studying_cadre.cadre, 30, "学习总纲")

    # The page fits the phone: nothing wider than the screen.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
