"""Leave: who approves what, every lifecycle transition, the annual-leave ledger after approval,
cancellation and early return, amendments, and every bad input of the issue (refused with a clear
message and nothing saved)."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Sum

from banzi.conduct import services
from banzi.conduct.models import LeaveLedgerEntry, LeaveRequest
from banzi.core import clock
from banzi.core import services as core_services
from banzi.core.errors import Code
from banzi.core.models import Notification, Rule
from banzi.core.roles import Role
from tests import dates
from tests import factories as f
from tests.conduct import factories as c
from tests.errors import ALL, form_codes, refused

pytestmark = pytest.mark.django_db

D = datetime.date
Kind, Status, Approver = LeaveRequest.Kind, LeaveRequest.Status, LeaveRequest.ApproverKind
# A week of March 2026 with no public holiday: Monday 9 to Friday 13 are 5 working days.
MON, FRI = D(2026, 3, 9), D(2026, 3, 13)


@pytest.fixture
def people(township):
    return c.team(township)


def new(cadre, kind=Kind.PERSONAL, starts_on=MON, ends_on=FRI, **kwargs):
    return LeaveRequest(cadre=cadre, kind=kind, starts_on=starts_on, ends_on=ends_on, reason="事由", **kwargs)


def balance(cadre, year=2026):
    return LeaveLedgerEntry.objects.filter(cadre=cadre, year=year).aggregate(total=Sum("days"))["total"] or 0


# --- who approves -------------------------------------------------------------------------------

def test_a_team_members_leave_goes_to_the_township_secretary(people):
    assert services.leave_approver(people["member"]) == (Approver.SECRETARY, people["secretary_user"])


def test_the_organization_committee_members_own_leave_goes_to_the_secretary(people):
    assert services.leave_approver(people["organization_member"]) == (Approver.SECRETARY, people["secretary_user"])


def test_the_secretarys_leave_goes_to_the_county_department(people):
    assert services.leave_approver(people["secretary"]) == (Approver.COUNTY, None)


def test_a_general_cadres_leave_goes_to_the_organization_committee_member(township, people):
    cadre = c.general_cadre(township)
    assert services.leave_approver(cadre) == (Approver.ORGANIZATION_MEMBER, people["organization_member_user"])


def test_without_an_account_the_request_goes_up_to_the_secretary_then_the_county(township, people):
    cadre = c.general_cadre(township)
    people["organization_member_user"].is_active = False
    people["organization_member_user"].save()
    assert services.leave_approver(cadre) == (Approver.SECRETARY, people["secretary_user"])
    people["secretary_user"].is_active = False
    people["secretary_user"].save()
    assert services.leave_approver(cadre) == (Approver.COUNTY, None)


def test_a_cadre_outside_any_township_goes_to_the_county(county):
    cadre = f.CadreFactory(organization=f.DepartmentFactory(parent=county))
    assert services.leave_approver(cadre) == (Approver.COUNTY, None)


def test_a_former_team_member_is_a_general_cadre(township, people):
    membership = people["member"].memberships.get()
    membership.ended_on = dates.days_ago(30)
    membership.save()
    assert services.leave_approver(people["member"])[0] == Approver.ORGANIZATION_MEMBER


def test_the_approver_rule_is_configurable(township, people):
    Rule.objects.create(key=services.APPROVER_RULE, value={"team_member": "county", "general_cadre": "secretary"})
    assert services.leave_approver(people["member"]) == (Approver.COUNTY, None)
    assert services.leave_approver(c.general_cadre(township)) == (Approver.SECRETARY, people["secretary_user"])


def test_submitting_records_and_notifies_the_approver(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # notifications go out once the action commits
        leave = services.submit_leave(people["member_user"], new(people["member"]))
    assert leave.status == Status.SUBMITTED and leave.submitted_at is not None
    assert leave.approver == people["secretary_user"] and leave.approver_kind == Approver.SECRETARY
    note = Notification.objects.get(user=people["secretary_user"])
    assert note.url == leave.get_absolute_url()


def test_a_request_to_the_county_notifies_every_county_administrator(people, django_capture_on_commit_callbacks):
    first, second = c.county_user(), c.county_user()
    with django_capture_on_commit_callbacks(execute=True):
        leave = services.submit_leave(people["secretary_user"], new(people["secretary"]))
    assert leave.approver is None and leave.approver_kind == Approver.COUNTY
    assert set(Notification.objects.values_list("user", flat=True)) == {first.pk, second.pk}


@pytest.mark.parametrize("outcome", ["approved", "rejected", "withdrawn"])
def test_once_decided_or_withdrawn_nobody_is_still_asked_to_approve(people, django_capture_on_commit_callbacks,
                                                                     outcome):
    first, second = c.county_user(), c.county_user()
    with django_capture_on_commit_callbacks(execute=True):
        leave = services.submit_leave(people["secretary_user"], new(people["secretary"]))
        other = services.submit_leave(people["member_user"], new(people["member"]))
    asked = Notification.objects.filter(key__contains=":submitted")
    assert asked.filter(read_at__isnull=True).count() == 3  # two county administrators, and the secretary
    with django_capture_on_commit_callbacks(execute=True):
        if outcome == "approved":
            services.approve_leave(first, leave)
        elif outcome == "rejected":
            services.reject_leave(first, leave, note="请改期")
        else:
            services.cancel_leave(people["secretary_user"], leave, reason="计划有变")
    # Both administrators' calls to act are read; the other request still waits for its approver.
    assert set(asked.filter(read_at__isnull=True).values_list("user", flat=True)) == {people["secretary_user"].pk}
    assert other.approver == people["secretary_user"]
    assert {first.pk, second.pk} == set(asked.filter(read_at__isnull=False).values_list("user", flat=True))


# --- approval by the right person ---------------------------------------------------------------

def test_approval_by_someone_who_is_not_the_approver_is_refused(township, people, township_admin):
    leave = services.submit_leave(people["member_user"], new(people["member"]))
    for someone in (people["organization_member_user"], township_admin, c.county_user()):
        with pytest.raises(PermissionDenied) as exc:
            services.approve_leave(someone, leave)
        assert "not the approver" in str(exc.value)
    leave.refresh_from_db()
    assert leave.status == Status.SUBMITTED and leave.decided_by is None


def test_the_approver_approves_and_the_cadre_is_told(people, django_capture_on_commit_callbacks):
    leave = services.submit_leave(people["member_user"], new(people["member"]))
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_leave(people["secretary_user"], leave, note="同意")
    leave.refresh_from_db()
    assert leave.status == Status.APPROVED and leave.decided_by == people["secretary_user"]
    assert Notification.objects.filter(user=people["member_user"], key__contains=":approved").exists()
    assert leave.history.first().history_user == people["secretary_user"]


def test_the_county_approves_the_secretarys_leave_but_a_township_user_may_not(people, township_admin):
    leave = services.submit_leave(people["secretary_user"], new(people["secretary"]))
    with pytest.raises(PermissionDenied):
        services.approve_leave(township_admin, leave)
    services.approve_leave(c.county_user(), leave)
    assert LeaveRequest.objects.get(pk=leave.pk).status == Status.APPROVED


def test_nobody_approves_their_own_leave(county, people):
    own = c.county_user(cadre=f.CadreFactory(organization=f.DepartmentFactory(parent=county)))
    leave = services.submit_leave(own, new(own.cadre))
    with pytest.raises(PermissionDenied):
        services.approve_leave(own, leave)


def test_rejection_needs_a_reason_and_tells_the_cadre(people, django_capture_on_commit_callbacks):
    leave = services.submit_leave(people["member_user"], new(people["member"]))
    with refused("note", Code.REQUIRED):
        services.reject_leave(people["secretary_user"], leave, note=" ")
    assert LeaveRequest.objects.get(pk=leave.pk).status == Status.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        services.reject_leave(people["secretary_user"], leave, note="工作任务重，请改期")
    leave.refresh_from_db()
    assert leave.status == Status.REJECTED and leave.decision_note == "工作任务重，请改期"
    assert Notification.objects.filter(user=people["member_user"], key__contains=":rejected").exists()


def test_only_a_submitted_request_is_approved(people):
    leave = services.save_leave(people["member_user"], new(people["member"]))
    with refused(ALL, Code.WRONG_STATE):
        services.approve_leave(people["secretary_user"], leave)


# --- bad input ----------------------------------------------------------------------------------

def test_leave_ending_before_it_starts_is_refused(people):
    with refused("ends_on", Code.DATE_ORDER):
        services.submit_leave(people["member_user"], new(people["member"], starts_on=FRI, ends_on=MON))
    assert not LeaveRequest.objects.exists()


def test_overlapping_leave_is_refused(people):
    services.submit_leave(people["member_user"], new(people["member"]))
    with refused("starts_on", Code.LEAVE_OVERLAPS):
        services.submit_leave(people["member_user"], new(people["member"], starts_on=FRI, ends_on=FRI + datetime.timedelta(days=3)))
    assert LeaveRequest.objects.count() == 1


def test_rejected_or_cancelled_leave_does_not_block_the_days(people):
    first = services.submit_leave(people["member_user"], new(people["member"]))
    services.reject_leave(people["secretary_user"], first, note="改期")
    second = services.submit_leave(people["member_user"], new(people["member"]))
    services.cancel_leave(people["member_user"], second)
    third = services.submit_leave(people["member_user"], new(people["member"]))
    assert third.status == Status.SUBMITTED


def test_another_cadres_leave_on_the_same_days_is_fine(township, people):
    services.submit_leave(people["member_user"], new(people["member"]))
    other = services.submit_leave(people["organization_member_user"], new(people["organization_member"]))
    assert other.status == Status.SUBMITTED


def test_more_annual_leave_than_the_balance_is_refused(township, people, township_admin):
    cadre = c.general_cadre(township)  # 13 years of work on 1 January 2026: 10 days
    # 9 to 20 March: 10 working days fit exactly; the 23rd is one too many.
    services.submit_leave(township_admin, new(cadre, Kind.ANNUAL, MON, D(2026, 3, 20)))
    with refused("ends_on", Code.INSUFFICIENT_BALANCE):
        services.submit_leave(township_admin, new(cadre, Kind.ANNUAL, D(2026, 3, 23), D(2026, 3, 23)))
    assert LeaveRequest.objects.count() == 1


def test_the_balance_is_checked_again_at_approval(township, people, township_admin):
    cadre = c.general_cadre(township)
    leave = services.submit_leave(township_admin, new(cadre, Kind.ANNUAL, MON, FRI))
    c.ledger_row(cadre, days=-8, year=2026)  # e.g. a correction entered meanwhile: 10 + 0 - 8 = 2 left
    with refused("ends_on", Code.INSUFFICIENT_BALANCE):
        services.approve_leave(people["organization_member_user"], leave)
    leave.refresh_from_db()
    assert leave.status == Status.SUBMITTED
    assert not LeaveLedgerEntry.objects.filter(leave=leave).exists()


def test_editing_an_approved_request_is_refused(people):
    leave = services.submit_leave(people["member_user"], new(people["member"]))
    services.approve_leave(people["secretary_user"], leave)
    leave = LeaveRequest.objects.get(pk=leave.pk)
    leave.ends_on = D(2026, 3, 20)
    with refused(ALL, Code.WRONG_STATE):
        services.save_leave(people["member_user"], leave)
    assert LeaveRequest.objects.get(pk=leave.pk).ends_on == FRI


def test_editing_an_approved_request_through_the_page_is_refused(client, people):
    leave = services.submit_leave(people["member_user"], new(people["member"]))
    services.approve_leave(people["secretary_user"], leave)
    client.force_login(people["member_user"])
    detail = client.get(leave.get_absolute_url()).content.decode()
    assert leave.get_url("edit") not in detail
    response = client.post(leave.get_url("edit"), {"cadre": people["member"].pk, "kind": "personal",
                                                   "starts_on": "2026-03-09", "ends_on": "2026-03-20", "reason": "x"})
    assert response.status_code == 200 and form_codes(response.context["form"]) == {ALL: [Code.WRONG_STATE]}
    assert LeaveRequest.objects.get(pk=leave.pk).ends_on == FRI


def test_a_submitted_request_is_not_edited_or_deleted(people):
    leave = services.submit_leave(people["member_user"], new(people["member"]))
    leave.reason = "改了"
    with refused(ALL, Code.WRONG_STATE):
        services.save_leave(people["member_user"], leave)
    with refused(ALL, Code.WRONG_STATE):
        core_services.delete_object(people["member_user"], LeaveRequest.objects.get(pk=leave.pk))
    assert LeaveRequest.objects.get(pk=leave.pk).reason == "事由"


def test_a_cadre_cannot_file_leave_for_someone_else(people):
    with pytest.raises(PermissionDenied):
        services.submit_leave(people["member_user"], new(people["organization_member"]))
    assert not LeaveRequest.objects.exists()


def test_annual_leave_over_new_year_is_split(people):
    with refused("ends_on", Code.SPANS_YEARS):
        services.submit_leave(people["member_user"], new(people["member"], Kind.ANNUAL, D(2026, 12, 30), D(2027, 1, 4)))


def test_annual_leave_counts_working_days_only(people):
    # Thursday 1 October 2026 is National Day; Saturday 10 October is an adjusted working day.
    days = services.leave_days(Kind.ANNUAL, D(2026, 10, 8), D(2026, 10, 12))
    assert days == 4  # Thu 8, Fri 9, Sat 10 (adjusted working day), Mon 12
    assert services.leave_days(Kind.SICK, D(2026, 10, 8), D(2026, 10, 12)) == 5


# --- the ledger ---------------------------------------------------------------------------------

def test_approval_writes_the_entitlement_and_the_leave_taken(people):
    cadre = people["member"]  # 25 years of work on 1 January 2026: 15 days
    leave = services.submit_leave(people["member_user"], new(cadre, Kind.ANNUAL))
    assert not LeaveLedgerEntry.objects.exists()  # submitting reserves nothing in the ledger
    services.approve_leave(people["secretary_user"], leave)
    rows = list(LeaveLedgerEntry.objects.filter(cadre=cadre).order_by("id").values_list("kind", "days", "leave"))
    assert rows == [("entitlement", 15, None), ("taken", -5, leave.pk)]
    assert balance(cadre) == 10 == services.annual_balance(cadre, 2026)


def test_cancelling_approved_leave_reverses_it_with_a_new_row(people):
    cadre = people["member"]
    leave = services.submit_leave(people["member_user"], new(cadre, Kind.ANNUAL))
    services.approve_leave(people["secretary_user"], leave)
    with refused("reason", Code.REQUIRED):
        services.cancel_leave(people["member_user"], leave)
    services.cancel_leave(people["member_user"], leave, reason="任务调整，取消休假")
    rows = list(LeaveLedgerEntry.objects.filter(cadre=cadre).order_by("id").values_list("kind", "days"))
    assert rows == [("entitlement", 15), ("taken", -5), ("reversal", 5)]
    assert balance(cadre) == 15
    # No row was changed in place: each has only its creation in its history.
    assert all(row.history.count() == 1 for row in LeaveLedgerEntry.objects.all())
    assert LeaveRequest.objects.get(pk=leave.pk).status == Status.CANCELLED


def test_returning_early_gives_the_unused_days_back(people):
    cadre = people["member"]
    leave = services.submit_leave(people["member_user"], new(cadre, Kind.ANNUAL))
    services.approve_leave(people["secretary_user"], leave)
    services.return_from_leave(people["member_user"], leave, returned_on=D(2026, 3, 12))  # back Thursday
    leave.refresh_from_db()
    assert leave.returned_on == D(2026, 3, 12)
    assert list(LeaveLedgerEntry.objects.filter(cadre=cadre).order_by("id").values_list("kind", "days")) == [
        ("entitlement", 15), ("taken", -5), ("reversal", 2)]
    assert balance(cadre) == 12


def test_return_rules(people):
    leave = services.submit_leave(people["member_user"], new(people["member"]))
    with refused(ALL, Code.WRONG_STATE):
        services.return_from_leave(people["member_user"], leave, returned_on=D(2026, 3, 16))
    services.approve_leave(people["secretary_user"], leave)
    with refused("returned_on", Code.DATE_ORDER):
        services.return_from_leave(people["member_user"], leave, returned_on=MON)
    services.return_from_leave(people["member_user"], leave, returned_on=D(2026, 3, 16))
    with refused(ALL, Code.STEP_NOT_READY):
        services.return_from_leave(people["member_user"], leave, returned_on=D(2026, 3, 17))
    with refused(ALL, Code.STEP_NOT_READY):
        services.cancel_leave(people["member_user"], leave, reason="x")


def test_a_return_in_the_future_is_refused(people):
    today = clock.today()
    leave = services.submit_leave(people["member_user"], new(people["member"], starts_on=today, ends_on=today))
    services.approve_leave(people["secretary_user"], leave)
    with refused("returned_on", Code.FUTURE_DATE):
        services.return_from_leave(people["member_user"], leave, returned_on=today + datetime.timedelta(days=3))


def test_entitlement_by_years_of_work(township):
    def cadre(started):
        return c.general_cadre(township, work_started_on=started)

    assert services.entitlement_days(cadre(D(2025, 6, 1)), 2026) == 0       # under a year
    assert services.entitlement_days(cadre(D(2025, 1, 1)), 2026) == 5       # exactly 1 year
    assert services.entitlement_days(cadre(D(2016, 1, 2)), 2026) == 5       # 9 years and a bit
    assert services.entitlement_days(cadre(D(2016, 1, 1)), 2026) == 10      # exactly 10 years
    assert services.entitlement_days(cadre(D(2006, 1, 1)), 2026) == 15      # exactly 20 years
    assert services.entitlement_days(cadre(None), 2026) == 0
    Rule.objects.create(key=services.ANNUAL_RULE, value={"days_1_to_10_years": 7})
    assert services.entitlement_days(cadre(D(2020, 1, 1)), 2026) == 7


# --- amendments ---------------------------------------------------------------------------------

def test_an_approved_request_is_amended_by_a_new_one_that_replaces_it(people):
    cadre, user = people["member"], people["member_user"]
    original = services.submit_leave(user, new(cadre, Kind.ANNUAL))
    services.approve_leave(people["secretary_user"], original)
    # Three days instead of five, on days the original covers (no overlap with the one it amends).
    amendment = services.submit_leave(user, new(cadre, Kind.ANNUAL, MON, D(2026, 3, 11), amends=original))
    assert LeaveRequest.objects.get(pk=original.pk).status == Status.APPROVED  # until the amendment is approved
    services.approve_leave(people["secretary_user"], amendment)
    original.refresh_from_db()
    assert original.status == Status.CANCELLED and "Replaced by the amending request" in original.cancel_reason
    assert list(LeaveLedgerEntry.objects.filter(cadre=cadre).order_by("id").values_list("kind", "days")) == [
        ("entitlement", 15), ("taken", -5), ("reversal", 5), ("taken", -3)]
    assert balance(cadre) == 12


def test_only_approved_leave_of_the_same_cadre_is_amended(people):
    draft = services.save_leave(people["member_user"], new(people["member"]))
    with refused("amends", Code.WRONG_STATE):
        services.submit_leave(people["member_user"], new(people["member"], starts_on=D(2026, 4, 6),
                                                         ends_on=D(2026, 4, 7), amends=draft))
    other = services.submit_leave(people["organization_member_user"], new(people["organization_member"]))
    services.approve_leave(people["secretary_user"], other)
    with refused("amends", Code.OTHER_CADRE):
        services.submit_leave(people["member_user"], new(people["member"], starts_on=D(2026, 4, 6),
                                                         ends_on=D(2026, 4, 7), amends=other))


# --- lifecycle ----------------------------------------------------------------------------------

def test_every_transition_of_the_lifecycle(people):
    user, approver = people["member_user"], people["secretary_user"]
    leave = services.save_leave(user, new(people["member"]))
    assert leave.status == Status.DRAFT
    leave.reason = "家中老人就医"
    services.save_leave(user, leave)  # a draft is edited freely
    services.submit_leave(user, leave)
    with refused(ALL, Code.WRONG_STATE):
        services.submit_leave(user, leave)
    services.approve_leave(approver, leave)
    services.cancel_leave(user, leave, reason="不休了")
    with refused(ALL, Code.WRONG_STATE):
        services.cancel_leave(user, leave, reason="again")
    leave.refresh_from_db()
    kinds = [h.history_change_reason for h in leave.history.order_by("history_id")]
    assert kinds == [None, None, "Submitted", "Approved", "Cancelled"]


def test_a_withdrawn_request_tells_the_approver(people, django_capture_on_commit_callbacks):
    leave = services.submit_leave(people["member_user"], new(people["member"]))
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_leave(people["member_user"], leave)
    assert Notification.objects.filter(user=people["secretary_user"], key__contains=":cancelled").exists()


def test_the_township_files_and_submits_for_a_general_cadre(township, people, township_admin):
    cadre = c.general_cadre(township)
    leave = services.submit_leave(township_admin, new(cadre, Kind.SICK))
    assert leave.approver == people["organization_member_user"]
    services.approve_leave(people["organization_member_user"], leave)
    assert LeaveRequest.objects.get(pk=leave.pk).status == Status.APPROVED


def test_the_approver_sees_the_request_though_it_is_not_their_own(township, people):
    cadre = c.general_cadre(township)
    leave = services.submit_leave(c.account(cadre), new(cadre, Kind.SICK))
    approver = people["organization_member_user"]
    assert approver.role == Role.CADRE
    assert LeaveRequest.objects.visible_to(approver).filter(pk=leave.pk).exists()
    assert not LeaveRequest.objects.visible_to(people["member_user"]).filter(pk=leave.pk).exists()
