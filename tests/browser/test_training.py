"""A township committee marks a session's sign-in sheet on a phone (390 px wide), and the
statistics page then shows the person-times from those marks, with its charts drawn."""
import datetime

import pytest

from banzi.core.roles import Role
from banzi.training.models import Attendance
from tests import factories as f
from tests.training import factories as tf

from .conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_sheet_on_a_phone_feeds_the_statistics(live_server, open_page, log_in, township):
    f.UserFactory(username="zuzhi", role=Role.TOWNSHIP_ADMIN, organization=township)
    program = tf.program(township, name="机关干部培训")
    session = tf.session(program, datetime.date(2025, 3, 10), "3", title="群众工作方法")
    a, b = tf.cadre(township, name="甲"), tf.cadre(township, name="乙")
    tf.enroll(program, a)
    tf.enroll(program, b)

    page = open_page(PHONE)
    log_in(page, "zuzhi", f.PASSWORD)
    page.goto(f"{live_server.url}{session.get_absolute_url()}")
    page.check(f"input[name='status-{a.pk}'][value='present']")
    page.check(f"input[name='status-{b.pk}'][value='excused']")
    page.click("#sheet button[type=submit]")
    page.wait_for_url(f"**{session.get_absolute_url()}#sheet")
    assert dict(Attendance.objects.values_list("cadre__name", "status")) == {"甲": "present", "乙": "excused"}
    assert page.is_checked(f"input[name='status-{a.pk}'][value='present']")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width

    page.goto(f"{live_server.url}/training/statistics/?year=2025")
    assert page.inner_text("[data-figure=person_times]") == "1"
    page.wait_for_selector("#training-kind svg")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
