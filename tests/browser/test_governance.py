"""A township secretary records a Party committee meeting with a major matter in Chromium: the
township's team members are the members due, the attendance is recorded, the decision is refused
while a present member's opinion is missing, and passes once every opinion is stated, the chair last."""
import pytest

from banzi.core.roles import Role
from banzi.governance.models import AgendaItem, Meeting
from tests import factories as f
from tests.governance.cases import recent, team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_committee_meeting_major_matter_refused_then_passed(live_server, open_page, log_in, township):
    f.UserFactory(username="xinchengzhen", role=Role.TOWNSHIP_ADMIN, organization=township)
    head, *others = team(township, 4)
    url = live_server.url

    page = open_page()
    log_in(page, "xinchengzhen", f.PASSWORD)
    page.goto(f"{url}/governance/meetings/add/")
    page.select_option("#id_organization", str(township.pk))
    page.select_option("#id_kind", "committee")
    page.fill("#id_held_on", recent().isoformat())
    page.fill("#id_topic", "党委会：研究乡村振兴项目")
    page.select_option("#id_chair", str(head.pk))
    page.click("button[accesskey=s]")
    page.wait_for_selector("[data-attendance]")
    meeting = Meeting.objects.get()

    page.click(f"a[href='/governance/meetings/{meeting.pk}/attendance/']")
    for cadre in (head, *others):
        page.select_option(f"#id_status_{cadre.pk}", "present")
    page.click("button[accesskey=s]")
    page.wait_for_url(f"{url}/governance/meetings/{meeting.pk}/")

    page.click(f"a[href='/governance/agenda-items/add/?meeting={meeting.pk}']")
    page.fill("#id_title", "乡村振兴示范片区建设项目")
    page.select_option("#id_category", "major_project")
    page.click("button[accesskey=s]")
    page.click("a[href^='/governance/agenda-items/'][href$='/decision/']")

    # Every member but one states an opinion: refused, nothing saved.
    for cadre in (others[0], others[1], head):
        page.select_option(f"#id_stance_{cadre.pk}", "agree")
    page.select_option("#id_outcome", "passed")
    page.click("button[accesskey=s]")
    refusal = page.locator("[data-refused]")
    refusal.wait_for()
    assert others[2].name in refusal.inner_text()
    item = AgendaItem.objects.get()
    assert item.outcome == AgendaItem.Outcome.PENDING and not item.opinions.exists()

    # The missing opinion is added (the entered ones were kept): passed.
    assert page.locator(f"#id_stance_{head.pk}").input_value() == "agree"
    page.select_option(f"#id_stance_{others[2].pk}", "agree")
    page.fill(f"#id_note_{others[2].pk}", "同意，注意资金监管")
    page.click("button[accesskey=s]")
    page.wait_for_url(f"{url}/governance/agenda-items/{item.pk}/")
    assert page.locator("[data-outcome=passed]").count() == 1
    item.refresh_from_db()
    assert item.outcome == AgendaItem.Outcome.PASSED and item.votes_for == 4
    assert item.opinions.order_by("order").last().cadre_id == head.pk
