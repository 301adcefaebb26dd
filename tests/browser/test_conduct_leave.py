"""Leave on a phone (390 px wide) in Chromium: a cadre on the township's team asks for leave, the
township's Party secretary approves it, and the cadre sees it approved."""
import datetime

import pytest

from banzi.conduct import services
from banzi.conduct.models import LeaveRequest
from tests import factories as f
from tests.browser.conftest import DESKTOP, PHONE
from tests.conduct import factories as c

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def set_password(user):
    user.set_password(f.PASSWORD)
    user.save()
    return user


def fits_the_screen(page):
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_a_cadre_asks_for_leave_and_the_secretary_approves_it(live_server, open_page, log_in, township):
    people = c.team(township)
    member, secretary = set_password(people["member_user"]), set_password(people["secretary_user"])
    first = c.future_monday()
    last = first + datetime.timedelta(days=1)

    # The cadre fills in the request on the phone and submits it.
    page = open_page(PHONE)
    log_in(page, member.username, f.PASSWORD)
    page.goto(f"{live_server.url}/conduct/leave/add/")
    assert page.locator("#id_cadre").input_value() == str(people["member"].pk)
    page.select_option("#id_kind", "personal")
    page.fill("#id_starts_on", first.isoformat())
    page.fill("#id_ends_on", last.isoformat())
    page.fill("#id_reason", "家中老人住院陪护")
    assert fits_the_screen(page)
    page.click("button[name=_submit]")
    page.wait_for_selector("[data-status=submitted]")
    leave = LeaveRequest.objects.get(cadre=people["member"])
    assert leave.status == LeaveRequest.Status.SUBMITTED and leave.approver == secretary
    detail = f"{live_server.url}/conduct/leave/{leave.pk}/"
    assert page.url == detail
    assert fits_the_screen(page)

    # The secretary finds it waiting for approval and approves it, also on a phone.
    approver_page = open_page(PHONE)
    log_in(approver_page, secretary.username, f.PASSWORD)
    approver_page.goto(f"{live_server.url}/conduct/leave/?to_approve=true")
    approver_page.click(f"a[href='/conduct/leave/{leave.pk}/']")
    approver_page.wait_for_url(detail)
    # The decision bar is on the screen at once, below the request; the approver is not offered to
    # withdraw it; a common opinion is one tap.
    bar = approver_page.locator("#decision")
    assert bar.is_visible() and bar.bounding_box()["y"] + bar.bounding_box()["height"] <= PHONE["height"] + 1
    assert approver_page.locator(f"form[action='/conduct/leave/{leave.pk}/cancel/']").count() == 0
    assert approver_page.locator("#timeline [data-state=current]").inner_text().startswith("等待")
    approver_page.click("#decision [data-preset='同意，请做好工作交接。']")
    assert approver_page.locator("#id_decision-note").input_value() == "同意，请做好工作交接。"
    approver_page.click("#decision button[value=approve]")
    approver_page.wait_for_selector("[data-status=approved]")
    assert approver_page.locator("#decision").count() == 0
    assert "已批准" in approver_page.locator("#timeline").inner_text()

    # The cadre sees it approved, on the request and in their list.
    page.reload()
    assert page.locator("[data-status=approved]").count() == 1
    assert "同意，请做好工作交接。" in page.content()
    page.goto(f"{live_server.url}/conduct/leave/")
    assert page.locator(f"tr:has(a[href='/conduct/leave/{leave.pk}/']) [data-status=approved]").count() == 1
    assert LeaveRequest.objects.get(pk=leave.pk).status == LeaveRequest.Status.APPROVED


def test_the_decision_bar_is_on_the_screen_at_desktop_width_too(live_server, open_page, log_in, township):
    people = c.team(township)
    member, secretary = set_password(people["member_user"]), set_password(people["secretary_user"])
    first = c.future_monday()
    leave = services.save_and_submit_leave(member, LeaveRequest(
        cadre=people["member"], kind=LeaveRequest.Kind.PERSONAL, starts_on=first, ends_on=first, reason="家中有事"))
    page = open_page(DESKTOP)
    log_in(page, secretary.username, f.PASSWORD)
    page.goto(f"{live_server.url}{leave.get_absolute_url()}")
    bar = page.locator("#decision")
    box = bar.bounding_box()
    assert bar.is_visible() and box["y"] + box["height"] <= DESKTOP["height"] + 1  # no scrolling to decide
    page.click("#decision [data-preset^='退回：请补充']")
    assert page.locator("#id_decision-note").input_value().startswith("退回：请补充")
    page.click("#decision button[value=reject]")
    page.wait_for_selector("[data-status=rejected]")
    timeline = page.locator("#timeline").inner_text()
    assert "未批准" in timeline and "退回：请补充详细的请假事由。" in timeline
