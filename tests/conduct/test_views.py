"""The conduct pages: the leave steps as each person sees them (who gets which button, what a
refused step says), the department's decision pages, the ledger rows nobody edits, and query counts
of the pages that are not generic lists."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from banzi.conduct import services
from banzi.conduct.models import ConcurrentPostDeclaration, LeaveLedgerEntry, LeaveRequest, OutingReport
from banzi.core import clock
from banzi.core.errors import Code
from tests import factories as f
from tests.conduct import factories as c
from tests.errors import ALL, form_codes
from tests.second_factor import sign_in

pytestmark = pytest.mark.django_db

D = datetime.date
MON, FRI = D(2026, 3, 9), D(2026, 3, 13)


@pytest.fixture
def people(township):
    return c.team(township)


def login(client, user):
    return sign_in(client, user)


def new(cadre, kind=LeaveRequest.Kind.PERSONAL, starts_on=MON, ends_on=FRI):
    return LeaveRequest(cadre=cadre, kind=kind, starts_on=starts_on, ends_on=ends_on, reason="事由")


def step(name, leave):
    return reverse(f"conduct:leaverequest_{name}", args=[leave.pk])


def test_a_cadre_saves_a_draft_and_submits_it_from_the_page(client, people):
    login(client, people["member_user"])
    response = client.post(reverse("conduct:leaverequest_add"), {
        "cadre": people["member"].pk, "kind": "sick", "starts_on": "2026-03-09", "ends_on": "2026-03-10",
        "reason": "感冒"})
    leave = LeaveRequest.objects.get()
    assert response.status_code == 302 and leave.status == LeaveRequest.Status.DRAFT and leave.days == 2
    page = client.get(leave.get_absolute_url()).content.decode()
    assert step("submit", leave) in page and leave.get_url("edit") in page and step("approve", leave) not in page
    client.post(step("submit", leave))
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.SUBMITTED
    page = client.get(leave.get_absolute_url()).content.decode()
    assert leave.get_url("edit") not in page and leave.get_url("delete") not in page
    assert step("cancel", leave) in page and step("approve", leave) not in page


def test_save_and_submit_in_one_go_and_bad_dates_stay_on_the_form(client, people):
    login(client, people["member_user"])
    response = client.post(reverse("conduct:leaverequest_add"), {
        "cadre": people["member"].pk, "kind": "personal", "starts_on": "2026-03-10", "ends_on": "2026-03-09",
        "_submit": "1"})
    assert response.status_code == 200 and form_codes(response.context["form"]) == {"ends_on": [Code.DATE_ORDER]}
    assert not LeaveRequest.objects.exists()
    client.post(reverse("conduct:leaverequest_add"), {
        "cadre": people["member"].pk, "kind": "personal", "starts_on": "2026-03-09", "ends_on": "2026-03-10",
        "_submit": "1"})
    assert LeaveRequest.objects.get().status == LeaveRequest.Status.SUBMITTED


def test_only_the_approver_gets_the_buttons_and_others_are_told_why(client, people, township_admin):
    leave = services.submit_leave(people["member_user"], new(people["member"]))
    login(client, township_admin)  # the township's user, but not its secretary
    page = client.get(leave.get_absolute_url()).content.decode()
    assert step("approve", leave) not in page
    response = client.post(step("approve", leave), {"decision-note": ""}, follow=True)
    assert "You are not the approver of this request" in response.content.decode()
    assert LeaveRequest.objects.get(pk=leave.pk).status == LeaveRequest.Status.SUBMITTED
    login(client, people["secretary_user"])
    assert step("approve", leave) in client.get(leave.get_absolute_url()).content.decode()
    client.post(step("approve", leave), {"decision-note": "同意"})
    assert LeaveRequest.objects.get(pk=leave.pk).status == LeaveRequest.Status.APPROVED


def test_the_organization_committee_member_approves_from_their_list(client, township, people):
    cadre = c.general_cadre(township)
    leave = services.submit_leave(c.account(cadre), new(cadre, LeaveRequest.Kind.SICK))
    login(client, people["organization_member_user"])
    page = client.get(leave.get_absolute_url()).content.decode()
    assert step("approve", leave) in page and step("cancel", leave) not in page  # approves, does not act for them
    listed = client.get(reverse("conduct:leaverequest_list"), {"to_approve": "true"})
    assert [row.record.pk for row in listed.context["table"].rows] == [leave.pk]
    response = client.post(step("reject", leave), {"decision-note": ""}, follow=True)
    assert "This field is required" in response.content.decode()
    client.post(step("reject", leave), {"decision-note": "请补充病历"})
    assert LeaveRequest.objects.get(pk=leave.pk).status == LeaveRequest.Status.REJECTED
    # Decided: no longer waiting for them, though they still see the request they decided.
    assert len(client.get(reverse("conduct:leaverequest_list"), {"to_approve": "true"}).context["table"].rows) == 0
    assert client.get(leave.get_absolute_url()).status_code == 200


def test_return_and_amend_are_offered_on_approved_leave(client, people):
    leave = services.submit_leave(people["member_user"], new(people["member"], LeaveRequest.Kind.ANNUAL))
    services.approve_leave(people["secretary_user"], leave)
    login(client, people["member_user"])
    page = client.get(leave.get_absolute_url()).content.decode()
    assert step("return", leave) in page and f"amends={leave.pk}" in page
    client.post(step("return", leave), {"return-returned_on": "2026-03-16"})
    assert LeaveRequest.objects.get(pk=leave.pk).returned_on == D(2026, 3, 16)
    page = client.get(leave.get_absolute_url()).content.decode()
    assert step("return", leave) not in page and step("cancel", leave) not in page


def test_ledger_rows_written_by_leave_are_not_edited(client, people, county_admin):
    leave = services.submit_leave(people["member_user"], new(people["member"], LeaveRequest.Kind.ANNUAL))
    services.approve_leave(people["secretary_user"], leave)
    row = LeaveLedgerEntry.objects.get(leave=leave)
    login(client, county_admin)
    page = client.get(row.get_absolute_url()).content.decode()
    assert row.get_url("edit") not in page and row.get_url("delete") not in page
    response = client.post(row.get_url("edit"), {"cadre": row.cadre_id, "year": 2026, "kind": "adjustment",
                                                 "days": "-1", "entry_on": "2026-03-09", "note": "x"})
    assert response.status_code == 200 and form_codes(response.context["form"]) == {ALL: [Code.FROZEN]}
    response = client.post(row.get_url("delete"), follow=True)
    assert "cannot be deleted" in response.content.decode()
    assert LeaveLedgerEntry.objects.get(pk=row.pk).days == -5


def test_the_department_decides_a_declaration_on_its_page(client, township, township_admin, county_admin):
    declaration = services.save_declaration(township_admin, ConcurrentPostDeclaration(
        cadre=f.CadreFactory(organization=township), year=2026, declared_on=D(2026, 1, 5), has_post=True,
        post_organization="某协会", post_role="理事"))
    decide = reverse("conduct:concurrentpostdeclaration_decide", args=[declaration.pk])
    assert decide not in login(client, township_admin).get(declaration.get_absolute_url()).content.decode()
    login(client, county_admin)
    assert decide in client.get(declaration.get_absolute_url()).content.decode()
    client.post(decide, {"decide-decision": "refused", "decide-note": "与履职冲突"})
    declaration.refresh_from_db()
    assert declaration.decision == "refused"
    page = client.get(declaration.get_absolute_url()).content.decode()
    assert declaration.get_url("edit") not in page and 'data-status="refused"' in page


def test_reporting_back_from_an_outing(client, township):
    cadre = f.CadreFactory(organization=township)
    user = c.account(cadre)
    report = c.outing(cadre, departs_at=timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(hours=5))
    login(client, user)
    url = reverse("conduct:outingreport_return", args=[report.pk])
    assert url in client.get(report.get_absolute_url()).content.decode()
    client.post(url, {"return-returned_at": ""})
    assert OutingReport.objects.get(pk=report.pk).returned_at is not None
    assert url not in client.get(report.get_absolute_url()).content.decode()


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url_name", ["conduct:away_today", "conduct:missing_list"])
def test_list_pages_queries_do_not_grow(url_name, township, township_client):
    today = clock.today()
    url = reverse(url_name)

    def grow(n):
        for _ in range(n):
            cadre = f.CadreFactory(organization=township)
            c.outing(cadre, departs_at=timezone.now() - datetime.timedelta(hours=2))
            c.leave(cadre, starts_on=today, days=1, status=LeaveRequest.Status.APPROVED)
            c.commitment(cadre)

    grow(3)
    _count(township_client, url)
    few = _count(township_client, url)
    grow(20)
    assert _count(township_client, url) == few


def test_the_county_sets_who_approves_on_the_rules_page(client, township, people, county_admin):
    login(client, county_admin)
    url = reverse("core:rule_edit", args=[services.APPROVER_RULE])
    page = client.get(url)
    assert page.status_code == 200 and "organization_member_position" in page.content.decode()
    response = client.post(url, {"team_member": "county", "secretary": "county", "general_cadre": "secretary",
                                 "organization_member_position": "组织委员"})
    assert response.status_code == 302
    leave = services.submit_leave(people["member_user"], new(people["member"]))
    assert leave.approver_kind == LeaveRequest.ApproverKind.COUNTY and leave.approver is None


def test_the_approver_sees_the_waiting_request_on_the_dashboard(client, people):
    from banzi.conduct import metrics

    leave = services.submit_leave(people["member_user"], new(people["member"]))
    actions = metrics.leave_waiting(people["secretary_user"])
    assert actions[0]["count"] == 1 and actions[0]["items"][0]["url"] == leave.get_absolute_url()
    assert metrics.leave_waiting(people["member_user"]) == []
    login(client, people["secretary_user"])
    assert leave.get_absolute_url() in client.get(reverse("dashboard:home")).content.decode()
