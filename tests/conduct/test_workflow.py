"""The lifecycles of strict management as their tables declare them (conduct/workflow.py): a step the
state does not allow is refused with its reason and changes nothing; a user the table does not name
is refused; a leave request's page offers exactly the steps its viewer may take now; and saving and
submitting a request in one go is one action: refused, it leaves nothing behind, not even a draft,
and tells nobody."""
import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from banzi.conduct import services
from banzi.conduct.models import ConcurrentPostDeclaration, LeaveRequest, Violation
from banzi.conduct.workflow import LEAVE
from banzi.core import clock
from banzi.core import services as core_services
from banzi.core.errors import Code
from banzi.core.models import Notification
from banzi.core.workdays import Calendar
from tests import factories as f
from tests.api import api_for
from tests.conduct import factories as c
from tests.errors import ALL, form_codes, refused

pytestmark = pytest.mark.django_db

Kind, Status = LeaveRequest.Kind, LeaveRequest.Status


def working_monday():
    """A coming Monday that is a working day (annual leave counts working days)."""
    day = c.future_monday()
    while not Calendar.load(day.year, day.year).is_working_day(day):
        day += datetime.timedelta(days=7)
    return day


def request_of(cadre, kind=Kind.PERSONAL, days=2):
    starts_on = working_monday()
    return LeaveRequest(cadre=cadre, kind=kind, starts_on=starts_on, ends_on=starts_on + datetime.timedelta(days=days - 1),
                        reason="事由")


@pytest.fixture
def people(township):
    """A team elected a year ago, in office whatever the date."""
    return c.team(township, elected_on=clock.today() - datetime.timedelta(days=365))


@pytest.fixture
def general(township, people):
    """A general cadre with an account; the organization committee member approves their leave."""
    cadre = c.general_cadre(township)
    return c.account(cadre)


# --- a step the state does not allow -------------------------------------------------------------

def test_a_step_the_state_does_not_allow_is_refused_and_changes_nothing(people, general):
    approver = people["organization_member_user"]
    leave = services.submit_leave(general, request_of(general.cadre))
    services.reject_leave(approver, leave, note="请改期")
    history = leave.history.count()
    steps = [
        lambda: services.approve_leave(approver, leave),
        lambda: services.submit_leave(general, leave),
        lambda: services.cancel_leave(general, leave, reason="不去了"),
        lambda: services.return_from_leave(general, leave, returned_on=leave.ends_on),
    ]
    for act in steps:
        with refused(ALL, Code.WRONG_STATE):
            act()
    leave.refresh_from_db()
    assert leave.status == Status.REJECTED and leave.history.count() == history and leave.cancelled_at is None


def test_a_decided_declaration_or_violation_is_not_decided_again(township, county_admin):
    cadre = f.CadreFactory(organization=township)
    declaration = c.declaration(cadre, has_post=True, post_organization="某协会", post_role="理事")
    services.decide_declaration(county_admin, declaration, decision=ConcurrentPostDeclaration.Decision.APPROVED)
    with refused(ALL, Code.WRONG_STATE):
        services.decide_declaration(county_admin, declaration, decision=ConcurrentPostDeclaration.Decision.REFUSED,
                                    note="改变主意")
    assert ConcurrentPostDeclaration.objects.get(pk=declaration.pk).decision == "approved"
    violation = c.violation(cadre)
    services.decide_violation(county_admin, violation, status=Violation.Status.DISMISSED)
    with refused(ALL, Code.WRONG_STATE):
        services.decide_violation(county_admin, violation, status=Violation.Status.CONFIRMED, decision="诫勉谈话",
                                  decision_body="县委组织部")
    assert Violation.objects.get(pk=violation.pk).status == Violation.Status.DISMISSED


# --- a user the table does not name --------------------------------------------------------------

def test_a_user_the_table_does_not_name_is_refused(township, people, general, township_admin):
    approver = people["organization_member_user"]
    leave = services.submit_leave(general, request_of(general.cadre))
    with pytest.raises(PermissionDenied, match="You are not the approver of this request"):
        services.approve_leave(township_admin, leave)  # the township's user, but not the approver
    with pytest.raises(PermissionDenied):
        services.approve_leave(general, leave)  # nobody approves their own leave
    services.approve_leave(approver, leave)
    with pytest.raises(PermissionDenied):
        services.cancel_leave(approver, leave, reason="替他取消")  # the approver does not act for the cadre
    assert LeaveRequest.objects.get(pk=leave.pk).status == Status.APPROVED
    declaration = c.declaration(general.cadre, has_post=True, post_organization="某协会", post_role="理事")
    with pytest.raises(PermissionDenied, match="Only the county organization department decides"):
        services.decide_declaration(township_admin, declaration, decision=ConcurrentPostDeclaration.Decision.APPROVED)


def test_the_approver_decides_through_the_api_and_others_get_403(people, general, township_admin):
    leave = services.submit_leave(general, request_of(general.cadre))
    response = api_for(township_admin).post(f"/api/v1/conduct/leave/{leave.pk}/approve/", {})
    assert response.status_code == 403 and "not the approver" in str(response.json())
    response = api_for(people["organization_member_user"]).post(
        f"/api/v1/conduct/leave/{leave.pk}/approve/", {"note": "同意"})
    assert response.status_code == 200 and response.json()["status"] == Status.APPROVED


# --- the buttons on the page are exactly the allowed steps ----------------------------------------

def offered(client, leave):
    """The steps the request's page offers: in its context, and as forms or links on the page."""
    response = client.get(leave.get_absolute_url())
    assert response.status_code == 200
    decision = response.context.get("decision") or {}  # approve and reject: the decision bar's two buttons
    names = set(response.context["steps"]) | {name for name in ("approve", "reject") if decision.get(name)}
    body = response.content.decode()
    for name, step in LEAVE.steps.items():
        if name in ("edit", "delete"):
            continue
        shown = f"amends={leave.pk}" in body if step.link else re.search(
            f'(?:form)?action="{re.escape(leave.get_url(name))}"', body) is not None
        assert shown == (name in names), name
    return names


def test_the_leave_page_offers_exactly_the_steps_of_its_viewer(township, people, general, township_admin, client_for,
                                                               travel):
    approver = client_for(people["organization_member_user"])
    cadre, township_client = client_for(general), client_for(township_admin)
    county = client_for(c.county_user())
    leave = services.save_leave(general, request_of(general.cadre))
    for viewer in (cadre, township_client, county):  # the cadre, and the committees managing them
        assert offered(viewer, leave) == {"submit", "cancel"}
    assert approver.get(leave.get_absolute_url()).status_code == 404  # nobody approves a draft

    services.submit_leave(general, leave)
    for viewer in (cadre, township_client, county):
        assert offered(viewer, leave) == {"cancel"}
    assert offered(approver, leave) == {"approve", "reject"}

    services.approve_leave(people["organization_member_user"], leave)
    for viewer in (cadre, township_client):
        assert offered(viewer, leave) == {"return", "amend", "cancel"}
    assert offered(approver, leave) == set()

    travel.move_to(datetime.datetime.combine(leave.ends_on, datetime.time(9), tzinfo=clock.local_now().tzinfo))
    services.return_from_leave(general, leave, returned_on=leave.ends_on)
    for user in (general, township_admin, people["organization_member_user"]):  # signed in again, days later
        viewer = client_for(user)
        assert offered(viewer, leave) == set()


def test_edit_and_delete_are_offered_on_a_draft_only(general, client_for):
    client = client_for(general)
    leave = services.save_leave(general, request_of(general.cadre))
    page = client.get(leave.get_absolute_url())
    assert page.context["edit_url"] and page.context["delete_url"]
    services.submit_leave(general, leave)
    page = client.get(leave.get_absolute_url())
    assert page.context["edit_url"] is None and page.context["delete_url"] is None
    assert client.post(leave.get_url("delete"), follow=True).status_code == 200
    assert LeaveRequest.objects.filter(pk=leave.pk).exists()


# --- save and submit: one action -------------------------------------------------------------------

def annual_form(cadre, **extra):
    day = working_monday()
    return {"cadre": cadre.pk, "kind": Kind.ANNUAL, "starts_on": day.isoformat(), "ends_on": day.isoformat(),
            "reason": "探亲", "amends": "", **extra}


def test_save_and_submit_refused_leaves_no_draft_however_often_it_is_posted(township, people, general, client_for,
                                                                          django_capture_on_commit_callbacks):
    c.ledger_row(general.cadre, days=-30, year=working_monday().year)  # no annual leave left that year
    client = client_for(general)
    with django_capture_on_commit_callbacks(execute=True):
        for _attempt in range(2):
            response = client.post(reverse("conduct:leaverequest_add"), annual_form(general.cadre, _submit="1"))
            assert response.status_code == 200
            body = response.content.decode()
            assert "Nothing was saved" in body and form_codes(response.context["form"]) == {
                "ends_on": [Code.INSUFFICIENT_BALANCE]}
            assert not LeaveRequest.objects.exists()
    assert not Notification.objects.exists()  # the approver was told of nothing
    # Saved without submitting, the draft is kept ...
    client.post(reverse("conduct:leaverequest_add"), annual_form(general.cadre))
    leave = LeaveRequest.objects.get()
    assert leave.status == Status.DRAFT
    # ... and a refused "save and submit" of the changed draft leaves it as it was.
    response = client.post(leave.get_url("edit"), annual_form(general.cadre, reason="改了事由", _submit="1"))
    assert response.status_code == 200 and form_codes(response.context["form"]) == {
        "ends_on": [Code.INSUFFICIENT_BALANCE]}
    leave.refresh_from_db()
    assert (leave.status, leave.reason, LeaveRequest.objects.count()) == (Status.DRAFT, "探亲", 1)
    assert leave.history.count() == 1


def test_save_and_submit_is_one_service(people, general, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        leave = core_services.run(services.save_and_submit_leave, general, request_of(general.cadre))
    assert leave.status == Status.SUBMITTED and LeaveRequest.objects.count() == 1
    assert Notification.objects.filter(user=people["organization_member_user"]).count() == 1
    c.ledger_row(general.cadre, days=-30, year=working_monday().year)
    annual = request_of(general.cadre, Kind.ANNUAL, days=1)
    annual.starts_on = annual.ends_on = working_monday() + datetime.timedelta(days=14)
    with pytest.raises(ValidationError), django_capture_on_commit_callbacks(execute=True):
        core_services.run(services.save_and_submit_leave, general, annual)
    assert LeaveRequest.objects.count() == 1
    assert Notification.objects.filter(user=people["organization_member_user"]).count() == 1
