"""The workbench (工作台) on the home page: each role's daily actions one tap away, offered only where
the user may take them, and the 待办 / 已办 tabs (banzi/dashboard/workbench.py)."""
import dataclasses
import datetime
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from banzi.conduct.models import LeaveRequest
from banzi.core import clock
from banzi.core.models import AuditEvent
from banzi.dashboard import workbench
from tests import factories as f
from tests.conduct.factories import future_monday, leave

pytestmark = pytest.mark.django_db


def tiles(page):
    """The workbench's (label, url) pairs, in order."""
    section = page.split('class="card mb-3 workbench"', 1)[1].split("</section>", 1)[0]
    return [(html.unescape(label.strip()), html.unescape(url)) for url, label in
            re.findall(r'<a class="workbench-tile[^"]*" href="([^"]+)">.*?<span class="d-block small mt-1">([^<]+)</span>',
                       section, re.S)]


@pytest.mark.zh
def test_a_cadre_records_study_asks_for_leave_and_reports_an_outing_from_the_home_page(cadre_client, cadre_user):
    found = dict(tiles(cadre_client.get("/").content.decode()))
    assert list(found)[:5] == ["记学习", "请假", "外出报备", "值班签到", "我的任务"]
    assert found["记学习"] == reverse("study:studyrecord_add")
    assert found["请假"] == reverse("conduct:leaverequest_add")
    assert found["外出报备"] == reverse("conduct:outingreport_add")
    assert f"cadre={cadre_user.cadre_id}" in found["值班签到"] and f"date={clock.today()}" in found["值班签到"]
    assert f"responsible={cadre_user.cadre_id}" in found["我的任务"]
    for url in found.values():  # every tile opens a page the cadre may use
        assert cadre_client.get(url).status_code == 200, url


@pytest.mark.zh
def test_a_township_committee_sees_what_waits_for_its_approval(township_client, township_admin, township):
    cadre = f.CadreFactory(organization=township)
    for _ in range(2):
        leave(cadre, status=LeaveRequest.Status.SUBMITTED, approver=township_admin)
    leave(cadre, status=LeaveRequest.Status.DRAFT, approver=township_admin)  # not submitted: not waiting
    page = township_client.get("/").content.decode()
    found = dict(tiles(page))
    assert list(found)[:3] == ["待审批", "今日在岗", "本周会议"]
    approve = page.split(f'href="{found["待审批"].replace("&", "&amp;")}"', 1)[1].split("</a>", 1)[0]
    assert re.search(r'badge[^>]*>2<', approve)
    listed = township_client.get(found["待审批"])
    assert listed.status_code == 200 and len(listed.context["table"].rows) == 2
    # This week's meetings: from Monday to Sunday of the week of the (pinned) day.
    monday = clock.today() - datetime.timedelta(days=clock.today().weekday())
    assert f"held_after={monday}" in found["本周会议"]
    assert f"held_before={monday + datetime.timedelta(days=6)}" in found["本周会议"]
    for url in found.values():
        assert township_client.get(url).status_code == 200, url


def test_this_weeks_meetings_lists_only_this_weeks(township_client, township):
    from tests.governance.cases import meeting

    monday = clock.today() - datetime.timedelta(days=clock.today().weekday())
    inside = meeting(township, held_on=monday)
    outside = meeting(township, held_on=monday - datetime.timedelta(days=1))
    found = dict(tiles(township_client.get("/").content.decode()))
    response = township_client.get(found["This week's meetings"])
    listed = {row.record.pk for row in response.context["table"].rows}
    assert inside.pk in listed and outside.pk not in listed


@pytest.mark.zh
def test_the_county_supervises_and_issues_bulletins(county_client):
    found = dict(tiles(county_client.get("/").content.decode()))
    assert {"待审批", "督办事项", "通报", "挂图作战"} <= set(found)
    for url in found.values():
        assert county_client.get(url).status_code == 200, url


def test_the_administrators_have_no_workbench(system_admin):
    assert workbench.shortcuts_for(system_admin) == []


def test_a_shortcut_is_offered_only_to_a_role_that_may_write_its_record(cadre_user, monkeypatch):
    from banzi.conduct.models import OutingReport

    monkeypatch.setattr(OutingReport, "scope", dataclasses.replace(OutingReport.scope, write_roles=frozenset()))
    labels = [str(s.label) for s in workbench.shortcuts_for(cadre_user)]
    assert "Report an outing" not in labels and "Ask for leave" in labels


def test_done_lists_the_users_own_writes_with_links_newest_first(cadre_client, cadre_user, township):
    other = f.CadreFactory(organization=township, name="王五")
    AuditEvent.objects.create(kind=AuditEvent.Kind.DATA, action=AuditEvent.Action.UPDATE, user=None,
                              object_repr="别人的记录")
    response = cadre_client.post(reverse("conduct:leaverequest_add"), {
        "cadre": cadre_user.cadre_id, "kind": LeaveRequest.Kind.PERSONAL, "starts_on": future_monday().isoformat(),
        "ends_on": (future_monday() + datetime.timedelta(days=1)).isoformat(), "reason": "家中有事", "amends": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    created = LeaveRequest.objects.get(cadre=cadre_user.cadre)
    done = workbench.done_by(cadre_user)
    assert done[0]["url"] == created.get_absolute_url() and done[0]["event"].action == AuditEvent.Action.CREATE
    assert all(d["event"].user_id == cadre_user.pk for d in done)
    page = cadre_client.get("/").content.decode()
    pane = page.split('id="done-by-me"', 1)[1]
    assert created.get_absolute_url() in pane and "别人的记录" not in pane and other.name not in pane


def test_done_is_empty_and_says_so(county_client):
    pane = county_client.get("/").content.decode().split('id="done-by-me"', 1)[1]
    assert "You have not recorded anything yet." in pane


def test_the_home_pages_queries_do_not_grow_with_what_the_user_did(county_client, county_admin, township):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert county_client.get("/").status_code == 200
        return len(captured)

    f.CadreFactory(organization=township)
    before = queries()
    for _ in range(15):
        AuditEvent.objects.create(kind=AuditEvent.Kind.DATA, action=AuditEvent.Action.CREATE, user=county_admin,
                                  object_repr="记录")
    assert queries() <= before + 1  # the content types of the events, at most once
