"""Approving leave as a person does it: the request's progress step by step, the approver's decision in
one bar (a common opinion one tap away, 同意 or 退回), no withdrawing for the approver while it waits
for them, and messages that say what happened."""
import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from banzi.conduct import services
from banzi.conduct.models import LeaveRequest
from banzi.conduct.views import DECISION_PRESETS
from banzi.core import clock
from tests.conduct import factories as c

from .test_workflow import request_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(township):
    return c.team(township, elected_on=clock.today() - datetime.timedelta(days=365))


@pytest.fixture
def submitted(people):
    """A team member's request, submitted: the township's Party secretary decides it."""
    member = people["member_user"]
    leave = services.save_leave(member, request_of(people["member"]))
    services.submit_leave(member, leave)
    assert leave.approver == people["secretary_user"]
    return leave


def states(response):
    return [(str(step["label"]), step["state"]) for step in response.context["timeline"]]


def test_the_secretary_decides_in_the_bar_and_does_not_withdraw_the_request(submitted, people, client_for):
    secretary = client_for(people["secretary_user"])
    page = secretary.get(submitted.get_absolute_url())
    decision = page.context["decision"]
    assert decision["approve"] and decision["reject"]
    assert decision["presets"] == [str(p) for p in DECISION_PRESETS]
    assert "cancel" not in page.context["steps"]  # the committee manages the cadre, but decides this one
    body = page.content.decode()
    assert 'id="decision"' in body and f'formaction="{submitted.get_url("reject")}"' in body
    assert f'action="{submitted.get_url("cancel")}"' not in body
    with pytest.raises(PermissionDenied):
        services.cancel_leave(people["secretary_user"], submitted, reason="替他撤销")
    assert LeaveRequest.objects.get(pk=submitted.pk).status == LeaveRequest.Status.SUBMITTED

    # Once decided, the committee may withdraw approved leave for the cadre again.
    services.approve_leave(people["secretary_user"], submitted)
    page = secretary.get(submitted.get_absolute_url())
    assert "decision" not in page.context and "cancel" in page.context["steps"]


def test_returning_a_request_needs_an_opinion_and_nothing_changes_without_one(submitted, people, client_for):
    secretary = client_for(people["secretary_user"])
    response = secretary.post(submitted.get_url("reject"), {"decision-note": ""}, follow=True)
    assert LeaveRequest.objects.get(pk=submitted.pk).status == LeaveRequest.Status.SUBMITTED
    assert any(m.level_tag == "error" for m in get_messages(response.wsgi_request)) or "error" in response.content.decode()
    secretary.post(submitted.get_url("reject"), {"decision-note": "退回：请补充详细的请假事由。"})
    leave = LeaveRequest.objects.get(pk=submitted.pk)
    assert leave.status == LeaveRequest.Status.REJECTED and leave.decision_note == "退回：请补充详细的请假事由。"
    page = secretary.get(leave.get_absolute_url())
    assert states(page)[-1] == ("Rejected", "refused")


def test_the_progress_shows_each_step_and_what_it_waits_for(submitted, people, client_for, travel):
    cadre = client_for(people["member_user"])
    assert states(cadre.get(submitted.get_absolute_url())) == [
        ("Filled in", "done"), ("Submitted for approval", "done"),
        (f"Waiting for {people['secretary_user'].display_name} to decide", "current")]
    cadre_page = cadre.get(submitted.get_absolute_url())
    assert "decision" not in cadre_page.context  # the cadre does not decide their own request

    services.approve_leave(people["secretary_user"], submitted, note="同意。")
    timeline = states(cadre.get(submitted.get_absolute_url()))
    assert timeline[2] == ("Approved", "done") and timeline[3] == ("Waiting for the report back from leave", "current")

    travel.move_to(datetime.datetime.combine(submitted.ends_on, datetime.time(9), tzinfo=clock.local_now().tzinfo))
    services.return_from_leave(people["member_user"], submitted, returned_on=submitted.ends_on)
    response = client_for(people["member_user"]).get(submitted.get_absolute_url())  # signed in again, days later
    assert states(response)[-1] == ("Back at work", "done")
    assert submitted.ends_on.isoformat() in response.content.decode().split('id="timeline"', 1)[1]


def test_a_draft_and_a_cancelled_request_say_so(people, client_for):
    member = people["member_user"]
    leave = services.save_leave(member, request_of(people["member"]))
    cadre = client_for(member)
    assert states(cadre.get(leave.get_absolute_url()))[-1] == ("Not yet submitted", "current")
    services.cancel_leave(member, leave, reason="计划有变")
    assert states(cadre.get(leave.get_absolute_url()))[-1] == ("Cancelled", "refused")


@pytest.mark.zh
def test_the_message_after_submitting_names_the_approver(people, client_for):
    member = people["member_user"]
    client = client_for(member)
    start = request_of(people["member"]).starts_on
    data = {"cadre": people["member"].pk, "kind": LeaveRequest.Kind.PERSONAL, "starts_on": start.isoformat(),
            "ends_on": start.isoformat(), "reason": "家中有事", "amends": ""}
    response = client.post(reverse("conduct:leaverequest_add"), {**data, "_submit": "1"}, follow=True)
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts == [f"申请已提交给{people['secretary_user'].display_name}审批。"]
    response = client.post(reverse("conduct:leaverequest_add"),
                           {**data, "starts_on": (start + datetime.timedelta(days=7)).isoformat(),
                            "ends_on": (start + datetime.timedelta(days=7)).isoformat()}, follow=True)
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["草稿已保存，准备好后请提交审批。"]
