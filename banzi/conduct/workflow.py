"""The lifecycles of strict management, declared once: leave requests (draft → submitted → approved
or rejected → cancelled, with the return from leave), outing reports, concurrent-post declarations
and violations, and (in `duty/workflow.py`) duty rosters, swaps and check-ins. The services check
these tables, the detail pages offer the steps they allow, and the API's actions read them too
(see core.workflow)."""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banzi.core.scoping import can_write_model, instance_in_scope
from banzi.core.workflow import COUNTY, MANAGER, Actor, Lifecycle, Step, register

from .duty import workflow as duty_workflow  # noqa: F401  (the duty tables register with these)
from .models import DECISION_OPEN, ConcurrentPostDeclaration, LeaveRequest, OutingReport, Violation

# --- leave ---------------------------------------------------------------------------------------

Leave = LeaveRequest.Status


def acts_for_cadre(user, leave):
    """Whether the user is the cadre themselves, or the department or township managing them (an
    approver sees the request but does not act for the cadre)."""
    return can_write_model(user, LeaveRequest) and instance_in_scope(user, leave)


def is_approver(user, leave):
    """Whether the user is the approver the request was submitted to (never the cadre themselves):
    the county department as a whole, or the one account the rule named."""
    if user.cadre_id and user.cadre_id == leave.cadre_id:
        return False
    if leave.approver_kind == LeaveRequest.ApproverKind.COUNTY:
        return user.is_county_admin
    return leave.approver_id is not None and leave.approver_id == user.pk


FOR_CADRE = Actor("the cadre themself, or the committee managing them", acts_for_cadre)
APPROVER = Actor("the approver", is_approver)


def deciding(user, leave):
    """The approver of a request that waits for their decision: they approve or reject it, they do
    not withdraw it for the cadre."""
    return leave.status == Leave.SUBMITTED and is_approver(user, leave)


WITHDRAWS = FOR_CADRE & ~Actor("the approver deciding it", deciding)


def _waits_for(leave):
    if leave.status != Leave.SUBMITTED:  # nobody decides on it now
        return DECISION_REFUSAL % {"status": leave.get_status_display()}
    who = leave.approver.display_name if leave.approver_id else leave.get_approver_kind_display()
    return _("You are not the approver of this request; it waits for %(who)s.") % {"who": who}


def _not_returned(message):
    def guard(leave):
        return message if leave.returned_on is not None else None
    return guard


DECISION_REFUSAL = gettext_lazy("Only a submitted request can be approved or rejected; this one is %(status)s.")

LEAVE = register(Lifecycle(
    LeaveRequest,
    Step("submit", gettext_lazy("Submit for approval"), (Leave.DRAFT,), Leave.SUBMITTED, actors=FOR_CADRE,
         refusal=gettext_lazy("Only a draft can be submitted; this request is %(status)s."), style="btn-primary"),
    Step("approve", gettext_lazy("Approve"), (Leave.SUBMITTED,), Leave.APPROVED, actors=APPROVER,
         refusal=DECISION_REFUSAL, denial=_waits_for, style="btn-success"),
    Step("reject", gettext_lazy("Reject"), (Leave.SUBMITTED,), Leave.REJECTED, actors=APPROVER,
         refusal=DECISION_REFUSAL, denial=_waits_for, style="btn-outline-danger"),
    Step("return", gettext_lazy("Report back from leave"), (Leave.APPROVED,), actors=FOR_CADRE,
         refusal=gettext_lazy("Only approved leave can be returned from."),
         guard=_not_returned(gettext_lazy("The return from this leave is already recorded."))),
    Step("amend", gettext_lazy("Amend with a new request"), (Leave.APPROVED,), actors=FOR_CADRE, link=True,
         refusal=gettext_lazy("Only an approved request can be amended."),
         guard=_not_returned(gettext_lazy(
             "The cadre has already returned from that leave; it can no longer be amended."))),
    Step("cancel", gettext_lazy("Cancel the request"), (Leave.DRAFT, Leave.SUBMITTED, Leave.APPROVED), Leave.CANCELLED,
         actors=WITHDRAWS, refusal=gettext_lazy("This request is %(status)s and cannot be cancelled."),
         guard=_not_returned(gettext_lazy(
             "The cadre has returned from this leave; it was taken and cannot be cancelled.")),
         style="btn-outline-warning"),
    Step("edit", gettext_lazy("Edit"), (Leave.DRAFT,), actors=FOR_CADRE, refusal={
        Leave.SUBMITTED: gettext_lazy(
            "A submitted request cannot be edited; the approver decides on it as it was submitted. Cancel it and "
            "file a new one."),
        Leave.APPROVED: gettext_lazy(
            "An approved request cannot be edited; cancel it, or file a new request that amends it."),
        Leave.REJECTED: gettext_lazy("A rejected request cannot be edited; file a new one."),
        Leave.CANCELLED: gettext_lazy("A cancelled request cannot be edited; file a new one.")}),
    Step("delete", gettext_lazy("Delete"), (Leave.DRAFT,), actors=FOR_CADRE,
         refusal=gettext_lazy("Only a draft can be deleted; cancel the request instead.")),
    noun="leave",
))


# --- outing reports --------------------------------------------------------------------------------

def _outing_state(report):
    """An outing report is "out" until the cadre reports back, then "back"."""
    return "back" if report.returned_at is not None else "out"


OUTINGS = register(Lifecycle(
    OutingReport,
    Step("return", gettext_lazy("Report back"), ("out",), "back",
         refusal=gettext_lazy("The return from this outing is already recorded.")),
    Step("edit", gettext_lazy("Edit"), ("out",),
         refusal=gettext_lazy("The cadre has returned; this outing report is closed and cannot be changed.")),
    field=_outing_state,
))


# --- concurrent-post declarations and violations -------------------------------------------------

Decision = ConcurrentPostDeclaration.Decision
DECIDED_DECLARATION = gettext_lazy("The department has decided on this declaration; file a new declaration instead.")


def _declares_a_post(declaration):
    if not declaration.has_post:
        return _("A declaration of no concurrent post needs no decision.")
    return None


DECLARATIONS = register(Lifecycle(
    ConcurrentPostDeclaration,
    Step("decide", gettext_lazy("Record the decision"), (Decision.PENDING,),
         (Decision.APPROVED, Decision.REFUSED, Decision.MUST_RESIGN), actors=MANAGER & COUNTY,
         guard=_declares_a_post, refusal={Decision.NOT_NEEDED: gettext_lazy(
             "A declaration of no concurrent post needs no decision."),
             None: gettext_lazy("The department has already decided on this declaration.")},
         denial=gettext_lazy("Only the county organization department decides on concurrent posts.")),
    Step("edit", gettext_lazy("Edit"), DECISION_OPEN, refusal=DECIDED_DECLARATION),
    Step("delete", gettext_lazy("Delete"), DECISION_OPEN, refusal=DECIDED_DECLARATION),
    field="decision",
))

VIOLATIONS = register(Lifecycle(
    Violation,
    Step("decide", gettext_lazy("Record the decision"), (Violation.Status.CANDIDATE,),
         (Violation.Status.CONFIRMED, Violation.Status.DISMISSED), actors=MANAGER & COUNTY,
         refusal=gettext_lazy("The department has already decided on this violation."),
         denial=gettext_lazy("Only the county organization department decides on violations.")),
))
