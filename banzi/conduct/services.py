"""Strict-management writes with rules: violations and their decisions, declarations and their
decisions, the leave lifecycle with its approver and annual-leave ledger, outing reports.

Every function here is atomic, re-checks the user's right to act (`core.services.ensure_can_write`
and the record's scope), and raises one clear `ValidationError` per broken rule, so that nothing is
saved when a rule is broken. The lifecycle steps check the tables of `workflow.py` (from which
states a step may be taken, and by whom). Notifications go out once the action commits. Pages and
the API call these functions, one per user action; they hold no rules of their own.
"""
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banzi.accounts.models import User
from banzi.core import clock, rules, services
from banzi.core.errors import Code
from banzi.core.notifications import Message, notify_many_on_commit, notify_on_commit, settle_on_commit
from banzi.core.roles import Role
from banzi.core.workdays import Calendar
from banzi.core.workflow import is_visible, lock
from banzi.org.models import Cadre, TeamMembership

from .models import (
    ConcurrentPostDeclaration,
    LeaveKind,
    LeaveLedgerEntry,
    LeaveRequest,
    OutingReport,
    Violation,
)
from .workflow import DECLARATIONS, LEAVE, OUTINGS, VIOLATIONS


def _check_cadre(user, cadre, field="cadre"):
    if cadre is None or not is_visible(user, cadre):
        raise ValidationError({field: ValidationError(_("Choose a cadre of an organization you manage."), code=Code.OUTSIDE_SCOPE)})


# --- violations --------------------------------------------------------------------------------


@transaction.atomic
def record_violation_candidate(*, cadre, rule=None, occurred_on, facts, source, user):
    """Record a possible breach of discipline (e.g. a spot check found the cadre on duty absent) for
    the department to confirm or dismiss. The user must be allowed to record violations of the cadre."""
    if not isinstance(cadre, Cadre):
        raise ValidationError({"cadre": ValidationError(_("Choose a cadre of an organization you manage."), code=Code.OUTSIDE_SCOPE)})
    violation = Violation(cadre=cadre, rule=rule, occurred_on=occurred_on, facts=(facts or "").strip(),
                          source=(source or "").strip(), status=Violation.Status.CANDIDATE)
    return save_violation(user, violation)


@transaction.atomic
def save_violation(user, violation):
    """Create or change a violation's facts. The decision is taken only through `decide_violation`."""
    services.ensure_can_write(user, violation)
    _check_cadre(user, violation.cadre)
    if not violation.facts.strip():
        raise ValidationError({"facts": ValidationError(_("Describe the facts of the violation."), code=Code.REQUIRED)})
    if violation.rule_id and not violation.rule.is_active and (
            not violation.pk or Violation.objects.filter(pk=violation.pk).exclude(rule=violation.rule).exists()):
        raise ValidationError({"rule": ValidationError(_("This discipline rule is no longer in force."), code=Code.INACTIVE)})
    return services.save_object(user, violation)


@transaction.atomic
def decide_violation(user, violation, *, status, decision="", decision_body="", decided_on=None):
    """The department confirms a violation with its decision and deciding body, or dismisses it."""
    violation = lock(violation)
    VIOLATIONS.check(user, violation, "decide")
    if status not in (Violation.Status.CONFIRMED, Violation.Status.DISMISSED):
        raise ValidationError({"status": ValidationError(_("Confirm or dismiss the violation."), code=Code.INVALID_CHOICE)})
    decided_on = decided_on or clock.today()
    if decided_on > clock.today():
        raise ValidationError({"decided_on": ValidationError(_("The decision date cannot be in the future."), code=Code.FUTURE_DATE)})
    if decided_on < violation.occurred_on:
        raise ValidationError({"decided_on": ValidationError(_("The decision cannot come before the violation occurred."), code=Code.DATE_ORDER)})
    if status == Violation.Status.CONFIRMED:
        if not (decision or "").strip():
            raise ValidationError({"decision": ValidationError(_("Enter the decision taken on a confirmed violation."), code=Code.REQUIRED)})
        if not (decision_body or "").strip():
            raise ValidationError({"decision_body": ValidationError(_("Enter the body that took the decision."), code=Code.REQUIRED)})
    VIOLATIONS.advance(violation, "decide", to=status)
    violation.decision = (decision or "").strip()
    violation.decision_body = (decision_body or "").strip()
    violation.decided_on = decided_on
    violation.decided_by = user
    return services.save_object(user, violation, reason=_("Decision recorded"))


# --- commitment letters and concurrent-post declarations --------------------------------------


@transaction.atomic
def save_commitment(user, letter):
    """Record a cadre's signed commitment letter for a year (one a year)."""
    services.ensure_can_write(user, letter)
    _check_cadre(user, letter.cadre)
    return services.save_object(user, letter)


@transaction.atomic
def save_declaration(user, declaration):
    """File or correct a concurrent-post declaration: “none”, or one post with its organization, role
    and pay. A declaration the department has decided on is not changed: a new one is filed."""
    services.ensure_can_write(user, declaration)
    _check_cadre(user, declaration.cadre)
    if declaration.pk:
        DECLARATIONS.check(user, ConcurrentPostDeclaration.objects.get(pk=declaration.pk), "edit")
    others = ConcurrentPostDeclaration.objects.filter(cadre=declaration.cadre_id, year=declaration.year).exclude(
        pk=declaration.pk)
    if not declaration.has_post and others.exists():
        raise ValidationError({"has_post": ValidationError(_(
            "This cadre has already declared a concurrent post for this year; a declaration of none would contradict it."), code=Code.DECLARATION_CONFLICT)})
    if declaration.has_post and others.filter(has_post=False).exists():
        raise ValidationError({"has_post": ValidationError(_(
            "This cadre declared no concurrent post for this year; correct that declaration instead of adding one."), code=Code.DECLARATION_CONFLICT)})
    declaration.decision = (ConcurrentPostDeclaration.Decision.PENDING if declaration.has_post
                            else ConcurrentPostDeclaration.Decision.NOT_NEEDED)
    return services.save_object(user, declaration)


@transaction.atomic
def decide_declaration(user, declaration, *, decision, resign_by=None, note=""):
    """The department approves or refuses a declared concurrent post, or orders the cadre to resign
    from it by a date."""
    declaration = lock(declaration)
    DECLARATIONS.check(user, declaration, "decide")
    Decision = ConcurrentPostDeclaration.Decision
    if decision not in (Decision.APPROVED, Decision.REFUSED, Decision.MUST_RESIGN):
        raise ValidationError({"decision": ValidationError(_("Approve, refuse, or order the cadre to resign by a date."), code=Code.INVALID_CHOICE)})
    today = clock.today()
    if decision == Decision.MUST_RESIGN:
        if resign_by is None:
            raise ValidationError({"resign_by": ValidationError(_("Enter the date by which the cadre must resign from the post."), code=Code.REQUIRED)})
        if resign_by < today:
            raise ValidationError({"resign_by": ValidationError(_("The date to resign by cannot be in the past."), code=Code.PAST_DATE)})
    else:
        resign_by = None
    if decision == Decision.REFUSED and not (note or "").strip():
        raise ValidationError({"note": ValidationError(_("Give the reason for refusing the concurrent post."), code=Code.REQUIRED)})
    DECLARATIONS.advance(declaration, "decide", to=decision)
    declaration.resign_by = resign_by
    declaration.decision_note = (note or "").strip()
    declaration.decided_on = today
    declaration.decided_by = user
    saved = services.save_object(user, declaration, reason=_("Decision recorded"))
    _notify_cadre(declaration.cadre, f"conduct.declaration:{declaration.pk}:decided",
                  _("Decision on your concurrent-post declaration: %(decision)s") % {
                      "decision": declaration.get_decision_display()}, declaration)
    return saved


# --- notifications -----------------------------------------------------------------------------


def _notify_cadre(cadre, key, title, record, body="", digest=False):
    account = User.objects.filter(cadre=cadre, is_active=True).first()
    if account is not None:
        notify_on_commit(account, key, title, url=record.get_absolute_url(), body=body, digest=digest)


def _settle_approvers(leave):
    """The request is decided or withdrawn: its call to approve is read for everyone it went to."""
    settle_on_commit(f"conduct.leave:{leave.pk}:submitted")


def _notify_approvers(leave):
    title = _("Leave request to approve: %(leave)s") % {"leave": leave}
    key = f"conduct.leave:{leave.pk}:submitted:{leave.submitted_at:%Y%m%d%H%M%S}"
    if leave.approver_id:
        notify_on_commit(leave.approver, key, title, url=leave.get_absolute_url())
        return
    notify_many_on_commit(Message(user_id=pk, key=key, title=title, url=leave.get_absolute_url())
                for pk in User.objects.filter(role=Role.COUNTY_ADMIN, is_active=True).values_list("pk", flat=True))


# --- leave: the approver ---------------------------------------------------------------------

APPROVER_RULE = "conduct.leave_approvers"
ANNUAL_RULE = "conduct.annual_leave"

_APPROVER_CHOICES = [(k.value, k.label) for k in LeaveRequest.ApproverKind]
rules.register(
    APPROVER_RULE,
    {"team_member": LeaveRequest.ApproverKind.SECRETARY.value, "secretary": LeaveRequest.ApproverKind.COUNTY.value,
     "general_cadre": LeaveRequest.ApproverKind.ORGANIZATION_MEMBER.value,
     "organization_member_position": "组织委员"},
    gettext_lazy("Who approves leave"),
    fields={
        "team_member": gettext_lazy("a team member's leave is approved by"),
        "secretary": gettext_lazy("the township Party secretary's leave is approved by"),
        "general_cadre": gettext_lazy("a general cadre's leave is approved by"),
        "organization_member_position": gettext_lazy("position of the organization committee member"),
    },
    choices={"team_member": _APPROVER_CHOICES, "secretary": _APPROVER_CHOICES, "general_cadre": _APPROVER_CHOICES},
)
rules.register(
    ANNUAL_RULE,
    # 职工带薪年休假条例 art. 3: 1–10 years of work 5 days, 10–20 years 10 days, 20 years or more 15.
    {"days_1_to_10_years": 5, "days_10_to_20_years": 10, "days_20_years_or_more": 15},
    gettext_lazy("Annual leave entitlement"),
    fields={
        "days_1_to_10_years": gettext_lazy("days a year after 1 to 10 years of work"),
        "days_10_to_20_years": gettext_lazy("days a year after 10 to 20 years of work"),
        "days_20_years_or_more": gettext_lazy("days a year after 20 years of work or more"),
    },
)


def _current_memberships(township_id, on):
    return (TeamMembership.objects.current(on).filter(team__township_id=township_id)
            .filter(team__elected_on__lte=on, team__term_ends_on__gt=on)
            .select_related("position", "cadre"))


def _is_head(membership):
    return membership.is_head or membership.position.is_head


def _account_of(cadre):
    return User.objects.filter(cadre=cadre, is_active=True).first() if cadre is not None else None


def leave_role(cadre, on=None):
    """Whether the cadre is the township's Party secretary, a team member or a general cadre on a day."""
    on = on or clock.today()
    township_id = cadre.organization.township_id
    if not township_id:
        return "general_cadre", None
    own = [m for m in _current_memberships(township_id, on) if m.cadre_id == cadre.pk]
    if any(_is_head(m) for m in own):
        return "secretary", township_id
    return ("team_member" if own else "general_cadre"), township_id


def leave_approver(cadre, on=None):
    """(approver kind, approver user or None) for the cadre's leave, by the county's rule.

    A team member's leave goes to the township's Party secretary, the secretary's to the county
    department, a general cadre's to the organization committee member (by default). The approver
    is the user account of the cadre holding that position now; when nobody holds it, or they have
    no account, or they would approve their own leave, the request goes up: to the secretary, and
    from there to the county department, which always has someone to decide."""
    on = on or clock.today()
    rule = rules.get(APPROVER_RULE)
    role, township_id = leave_role(cadre, on)
    kind = rule.get(role) or LeaveRequest.ApproverKind.COUNTY
    Kind = LeaveRequest.ApproverKind
    if township_id is None:
        return Kind.COUNTY, None
    memberships = list(_current_memberships(township_id, on))
    if kind == Kind.ORGANIZATION_MEMBER:
        holder = next((m.cadre for m in memberships if m.position.name == rule["organization_member_position"]
                       and m.cadre_id != cadre.pk), None)
        account = _account_of(holder)
        if account is not None:
            return Kind.ORGANIZATION_MEMBER, account
        kind = Kind.SECRETARY
    if kind == Kind.SECRETARY:
        holder = next((m.cadre for m in memberships if _is_head(m) and m.cadre_id != cadre.pk), None)
        account = _account_of(holder)
        if account is not None:
            return Kind.SECRETARY, account
    return Kind.COUNTY, None


# --- leave: days and the annual-leave ledger ---------------------------------------------------


def leave_days(kind, starts_on, ends_on):
    """Working days for annual leave (holidays and weekends do not count), calendar days otherwise."""
    if kind != LeaveKind.ANNUAL:
        return (ends_on - starts_on).days + 1
    calendar = Calendar.load(starts_on.year, ends_on.year)
    day, count = starts_on, 0
    while day <= ends_on:
        count += calendar.is_working_day(day)
        day += datetime.timedelta(days=1)
    return count


def years_of_service(cadre, on):
    started = cadre.work_started_on
    if started is None or started > on:
        return 0
    return on.year - started.year - ((on.month, on.day) < (started.month, started.day))


def entitlement_days(cadre, year):
    """The annual leave a cadre is entitled to in a year by the years of work completed on 1 January
    (less than one year: none)."""
    rule = rules.get(ANNUAL_RULE)
    years = years_of_service(cadre, datetime.date(year, 1, 1))
    if years >= 20:
        return rule["days_20_years_or_more"]
    if years >= 10:
        return rule["days_10_to_20_years"]
    if years >= 1:
        return rule["days_1_to_10_years"]
    return 0


def _write_ledger(user, entry, reason=""):
    """Append a row to the ledger. The service that calls this has checked the user's right to act
    (the approver of a request need not be allowed to edit the ledger by hand)."""
    entry.full_clean()
    entry._history_user = user
    if reason:
        entry._change_reason = reason
    entry.save()
    return entry


def ensure_entitlement(user, cadre, year):
    """The cadre's entitlement row for the year, written from the rule when missing."""
    entry = LeaveLedgerEntry.objects.filter(cadre=cadre, year=year, kind=LeaveLedgerEntry.Kind.ENTITLEMENT).first()
    if entry is None:
        days = entitlement_days(cadre, year)
        if days == 0:
            return None
        entry = _write_ledger(user, LeaveLedgerEntry(
            cadre=cadre, year=year, kind=LeaveLedgerEntry.Kind.ENTITLEMENT, days=days, entry_on=datetime.date(year, 1, 1),
            note=_("By %(years)d years of work") % {"years": years_of_service(cadre, datetime.date(year, 1, 1))}))
    return entry


def annual_balance(cadre, year):
    """The sum of the cadre's ledger rows for the year (the entitlement not yet written counts too)."""
    rows = LeaveLedgerEntry.objects.filter(cadre=cadre, year=year)
    total = rows.aggregate(total=Sum("days"))["total"] or 0
    if not rows.filter(kind=LeaveLedgerEntry.Kind.ENTITLEMENT).exists():
        total += entitlement_days(cadre, year)
    return total


def _pending_annual_days(leave):
    """Days of the cadre's other submitted annual leave in the same year, which will need the balance."""
    others = LeaveRequest.objects.filter(cadre=leave.cadre_id, kind=LeaveKind.ANNUAL, status=LeaveRequest.Status.SUBMITTED,
                                         starts_on__year=leave.starts_on.year).exclude(pk=leave.pk)
    return others.aggregate(total=Sum("days"))["total"] or 0


def _check_balance(leave, *, pending):
    if leave.kind != LeaveKind.ANNUAL:
        return
    year = leave.starts_on.year
    available = annual_balance(leave.cadre, year) - (_pending_annual_days(leave) if pending else 0)
    original = leave.amends
    if original is not None and original.status == LeaveRequest.Status.APPROVED and original.kind == LeaveKind.ANNUAL \
            and original.starts_on.year == year:
        available += original.days  # given back when this amendment replaces it
    if leave.days > available:
        raise ValidationError({"ends_on": ValidationError(_(
            "This annual leave takes %(days)d working days but only %(left)d are left for %(year)d.") % {
            "days": leave.days, "left": max(available, 0), "year": year}, code=Code.INSUFFICIENT_BALANCE)})


# --- leave: the lifecycle ----------------------------------------------------------------------


def _validate_leave(leave):
    """The request's own rules, in order: dates, one year for annual leave, the amended request,
    no overlap with the cadre's other requests."""
    if not leave.starts_on or not leave.ends_on:
        raise ValidationError(_("Enter the first and the last day of the leave."), code=Code.REQUIRED)
    if leave.ends_on < leave.starts_on:
        raise ValidationError({"ends_on": ValidationError(_("The leave cannot end before it starts."), code=Code.DATE_ORDER)})
    if leave.kind == LeaveKind.ANNUAL and leave.starts_on.year != leave.ends_on.year:
        raise ValidationError({"ends_on": ValidationError(_("Annual leave is counted per year: split leave that spans New Year into two requests."), code=Code.SPANS_YEARS)})
    if (leave.ends_on - leave.starts_on).days > 365:
        raise ValidationError({"ends_on": ValidationError(_("A leave request covers at most one year."), code=Code.TOO_LONG)})
    _validate_amended(leave)
    leave.days = leave_days(leave.kind, leave.starts_on, leave.ends_on)
    if leave.days == 0:
        raise ValidationError({"starts_on": ValidationError(_("These days are all holidays or weekends: annual leave needs working days."), code=Code.NO_WORKING_DAYS)})
    _validate_overlap(leave)


def _validate_amended(leave):
    original = leave.amends
    if original is None:
        return
    if original.pk == leave.pk:
        raise ValidationError({"amends": ValidationError(_("A request cannot amend itself."), code=Code.SELF_REFERENCE)})
    if original.cadre_id != leave.cadre_id:
        raise ValidationError({"amends": ValidationError(_("An amendment must be for the same cadre as the request it amends."), code=Code.OTHER_CADRE)})
    refusal = LEAVE.refused(original, "amend", field="amends")  # approved, and the cadre not yet back
    if refusal is not None:
        raise refusal
    if original.amendments.exclude(pk=leave.pk).exclude(
            status__in=(LeaveRequest.Status.REJECTED, LeaveRequest.Status.CANCELLED)).exists():
        raise ValidationError({"amends": ValidationError(_("Another request already amends that one; continue with it."), code=Code.UNIQUE)})


def _validate_overlap(leave):
    clash = (LeaveRequest.objects.active().overlapping(leave.starts_on, leave.ends_on)
             .filter(cadre=leave.cadre_id).exclude(pk=leave.pk))
    if leave.amends_id:
        clash = clash.exclude(pk=leave.amends_id)
    first = clash.order_by("starts_on").first()
    if first is not None:
        raise ValidationError({"starts_on": ValidationError(_(
            "These days overlap another leave request of this cadre (%(other)s, %(status)s).") % {
            "other": first, "status": first.get_status_display()}, code=Code.LEAVE_OVERLAPS)})


def _check_acts_for_cadre(user, leave):
    """The cadre themselves, or the department or township managing them."""
    services.ensure_can_write(user, leave)
    _check_cadre(user, leave.cadre)


@transaction.atomic
def save_leave(user, leave):
    """Create or change a draft leave request. Only a draft can be changed."""
    _check_acts_for_cadre(user, leave)
    if leave.pk:
        LEAVE.check(user, LeaveRequest.objects.get(pk=leave.pk), "edit")
    leave.status = LeaveRequest.Status.DRAFT
    _validate_leave(leave)
    return services.save_object(user, leave)


@transaction.atomic
def save_and_submit_leave(user, leave):
    """Save a new or changed draft and submit it, as one action: when the submission is refused
    (e.g. not enough annual leave left), nothing is saved, not even the draft."""
    return submit_leave(user, save_leave(user, leave))


@transaction.atomic
def submit_leave(user, leave):
    """Submit a request (saving it first if it is new) to the approver the rule names, who is notified."""
    if leave.pk is None:
        leave = save_leave(user, leave)
    leave = lock(leave)
    LEAVE.check(user, leave, "submit")
    _validate_leave(leave)
    _check_balance(leave, pending=True)
    leave.approver_kind, leave.approver = leave_approver(leave.cadre, leave.starts_on if leave.starts_on > clock.today()
                                                         else clock.today())
    LEAVE.advance(leave, "submit")
    leave.submitted_at = clock.now().replace(microsecond=0)
    services.save_object(user, leave, reason=_("Submitted"))
    _notify_approvers(leave)
    return leave


def _save_step(user, leave, reason):
    """Save a lifecycle step. The step's service has checked that the user may take it (an approver
    may sit outside the cadre's organization, e.g. the county department for a secretary)."""
    leave.full_clean()
    leave._history_user = user
    leave._change_reason = reason
    leave.save()
    return leave


@transaction.atomic
def approve_leave(user, leave, *, note=""):
    """The approver approves a submitted request: annual leave is taken from the ledger, and a
    request that amends an approved one replaces it (the original is cancelled and its days given
    back). The cadre is notified."""
    leave = lock(leave)
    LEAVE.check(user, leave, "approve")
    _validate_leave(leave)
    _check_balance(leave, pending=False)
    original = leave.amends
    if original is not None:
        _cancel(user, lock(original), _("Replaced by the amending request %(leave)s") % {"leave": leave})
    LEAVE.advance(leave, "approve")
    leave.decided_at = clock.now().replace(microsecond=0)
    leave.decided_by = user
    leave.decision_note = (note or "").strip()
    _save_step(user, leave, _("Approved"))
    if leave.kind == LeaveKind.ANNUAL:
        ensure_entitlement(user, leave.cadre, leave.starts_on.year)
        _write_ledger(user, LeaveLedgerEntry(
            cadre=leave.cadre, year=leave.starts_on.year, kind=LeaveLedgerEntry.Kind.TAKEN, days=-leave.days,
            leave=leave, entry_on=clock.today(), note=str(leave)[:200]))
    _notify_cadre(leave.cadre, f"conduct.leave:{leave.pk}:approved", _("Your leave request was approved: %(leave)s")
                  % {"leave": leave}, leave, body=leave.decision_note, digest=True)
    _settle_approvers(leave)
    return leave


@transaction.atomic
def reject_leave(user, leave, *, note):
    """The approver rejects a submitted request with the reason; the cadre is notified."""
    leave = lock(leave)
    LEAVE.check(user, leave, "reject")
    if not (note or "").strip():
        raise ValidationError({"note": ValidationError(_("Give the reason for rejecting the request."), code=Code.REQUIRED)})
    LEAVE.advance(leave, "reject")
    leave.decided_at = clock.now().replace(microsecond=0)
    leave.decided_by = user
    leave.decision_note = note.strip()
    _save_step(user, leave, _("Rejected"))
    _notify_cadre(leave.cadre, f"conduct.leave:{leave.pk}:rejected", _("Your leave request was rejected: %(leave)s")
                  % {"leave": leave}, leave, body=leave.decision_note)
    _settle_approvers(leave)
    return leave


def _cancel(user, leave, reason):
    was_approved = leave.status == LeaveRequest.Status.APPROVED
    LEAVE.advance(leave, "cancel")
    leave.cancelled_at = clock.now().replace(microsecond=0)
    leave.cancel_reason = reason
    _save_step(user, leave, _("Cancelled"))
    _settle_approvers(leave)
    if was_approved and leave.kind == LeaveKind.ANNUAL:
        _write_ledger(user, LeaveLedgerEntry(
            cadre=leave.cadre, year=leave.starts_on.year, kind=LeaveLedgerEntry.Kind.REVERSAL, days=leave.days,
            leave=leave, entry_on=clock.today(), note=str(reason)[:200]))
    return leave


@transaction.atomic
def cancel_leave(user, leave, *, reason=""):
    """Cancel a draft, submitted or approved request (by the cadre, or the department or township
    managing them). Annual leave already approved goes back to the ledger as a reversing row."""
    leave = lock(leave)
    LEAVE.check(user, leave, "cancel")
    Status = LeaveRequest.Status
    if leave.status == Status.APPROVED and not (reason or "").strip():
        raise ValidationError({"reason": ValidationError(_("Give the reason for cancelling approved leave."), code=Code.REQUIRED)})
    was_submitted = leave.status == Status.SUBMITTED
    _cancel(user, leave, (reason or "").strip())
    if was_submitted and leave.approver_id:
        notify_on_commit(leave.approver, f"conduct.leave:{leave.pk}:cancelled", _("Leave request withdrawn: %(leave)s")
               % {"leave": leave}, url=leave.get_absolute_url(), digest=True)
    return leave


@transaction.atomic
def return_from_leave(user, leave, *, returned_on):
    """Report back from approved leave (销假) with the first day back at work. Returning early from
    annual leave gives the unused working days back to the ledger as a row."""
    leave = lock(leave)
    LEAVE.check(user, leave, "return")
    if returned_on is None:
        raise ValidationError({"returned_on": ValidationError(_("Enter the date the cadre was back at work."), code=Code.REQUIRED)})
    if returned_on <= leave.starts_on:
        raise ValidationError({"returned_on": ValidationError(_("The return must be after the first day of leave."), code=Code.DATE_ORDER)})
    if returned_on > clock.today():
        raise ValidationError({"returned_on": ValidationError(_("The return date cannot be in the future."), code=Code.FUTURE_DATE)})
    leave.returned_on = returned_on
    _save_step(user, leave, _("Returned from leave"))
    if leave.kind == LeaveKind.ANNUAL and returned_on <= leave.ends_on:
        unused = leave_days(leave.kind, returned_on, leave.ends_on)
        if unused:
            _write_ledger(user, LeaveLedgerEntry(
                cadre=leave.cadre, year=leave.starts_on.year, kind=LeaveLedgerEntry.Kind.REVERSAL, days=unused,
                leave=leave, entry_on=returned_on, note=_("Returned early on %(day)s") % {"day": returned_on}))
    return leave


@transaction.atomic
def save_ledger_entry(user, entry):
    """Add or correct a manual row of the annual-leave ledger (an entitlement or an adjustment).
    Rows written by leave approvals, cancellations and returns are never changed by hand."""
    if entry.pk and LeaveLedgerEntry.objects.filter(pk=entry.pk, leave__isnull=False).exists():
        raise ValidationError(_("This row was written by a leave request and cannot be changed; add an adjustment instead."), code=Code.FROZEN)
    if entry.kind not in LeaveLedgerEntry.MANUAL_KINDS:
        raise ValidationError({"kind": ValidationError(_("Only entitlements and adjustments are entered by hand."), code=Code.INVALID_CHOICE)})
    _check_cadre(user, entry.cadre)
    return services.save_object(user, entry)


@transaction.atomic
def delete_ledger_entry(user, entry):
    if entry.leave_id:
        raise ValidationError(_("This row was written by a leave request and cannot be deleted; add an adjustment instead."), code=Code.PROTECTED)
    services.delete_object(user, entry)


# --- outing reports ----------------------------------------------------------------------------


@transaction.atomic
def save_outing_report(user, report):
    """File or correct an outing report. It is due before the departure: one filed after the
    planned departure is accepted and marked late."""
    services.ensure_can_write(user, report)
    _check_cadre(user, report.cadre)
    if report.pk is None:
        report.filed_at = clock.now().replace(microsecond=0)
    else:
        OUTINGS.check(user, OutingReport.objects.get(pk=report.pk), "edit")
    # Times are kept to the minute, as the form shows them, so that saving a form changes nothing it did not touch.
    for name in ("departs_at", "planned_return_at"):
        if getattr(report, name):
            setattr(report, name, getattr(report, name).replace(second=0, microsecond=0))
    if report.departs_at and report.planned_return_at and report.planned_return_at <= report.departs_at:
        raise ValidationError({"planned_return_at": ValidationError(_("The planned return must be after the departure."), code=Code.DATE_ORDER)})
    _validate_outing_overlap(report)
    report.is_late = bool(report.departs_at and report.filed_at > report.departs_at)
    return services.save_object(user, report)


def _validate_outing_overlap(report):
    """One trip at a time: a report may not overlap another of the same cadre (until its actual
    return, or its planned return while the cadre has not reported back)."""
    if not (report.cadre_id and report.departs_at and report.planned_return_at):
        return
    clash = (OutingReport.objects.filter(cadre=report.cadre_id, departs_at__lt=report.planned_return_at)
             .filter(Q(returned_at__isnull=False, returned_at__gt=report.departs_at)
                     | Q(returned_at__isnull=True, planned_return_at__gt=report.departs_at))
             .exclude(pk=report.pk).order_by("departs_at").first())
    if clash is not None:
        raise ValidationError({"departs_at": ValidationError(_(
            "This trip overlaps another outing report of this cadre (%(other)s).") % {"other": clash}, code=Code.OUTING_OVERLAPS)})


@transaction.atomic
def record_outing_return(user, report, *, returned_at=None):
    """Record the actual return from an outing."""
    report = lock(report)
    OUTINGS.check(user, report, "return")
    returned_at = returned_at or clock.now().replace(microsecond=0)
    if returned_at < report.departs_at:
        raise ValidationError({"returned_at": ValidationError(_("The return cannot be before the departure."), code=Code.DATE_ORDER)})
    if returned_at > clock.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"returned_at": ValidationError(_("The return time cannot be in the future."), code=Code.FUTURE_DATE)})
    report.returned_at = returned_at
    return services.save_object(user, report, reason=_("Returned"))
