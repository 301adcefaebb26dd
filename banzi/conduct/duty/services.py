"""Overnight duty and attendance writes with rules: rosters and their publication, shifts, swaps
asked by the cadre on duty and decided by the township, check-ins, spot checks (an absence becomes a
violation candidate for the department), and attendance records.

Every function is atomic, re-checks the user's right to act (`core.services.ensure_can_write` and
the record's scope) and raises one clear `ValidationError` per broken rule, so nothing is saved
when a rule is broken. The steps check the lifecycle tables of `workflow.py`; notifications go out
once the action commits. Pages, the API and the imports call these functions.
"""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banzi.accounts.models import User
from banzi.core import clock, services
from banzi.core.errors import Code
from banzi.core.notifications import notify_on_commit, settle_on_commit
from banzi.core.roles import Role
from banzi.core.workflow import lock

from .models import DutyCheckIn, DutySwap
from .workflow import ROSTERS, SHIFTS, SWAPS


def _stored(instance):
    return type(instance)._default_manager.filter(pk=instance.pk).first() if instance.pk else None


def _user_of(cadre):
    user = getattr(cadre, "user", None) if cadre is not None else None
    return user if user is not None and user.is_active else None


def _url(obj):
    return obj.get_url("detail") or ""


# --- rosters and shifts -------------------------------------------------------------------------


@transaction.atomic
def save_roster(user, roster, *, reason=""):
    """Create a roster (as a draft) or change its notes; a roster with shifts keeps its township and month."""
    before = _stored(roster)
    if before is not None and before.shifts.exists() and (
            (before.township_id, before.year, before.month) != (roster.township_id, roster.year, roster.month)):
        raise ValidationError(_("This roster already has shifts; its township and month can no longer change."), code=Code.FROZEN)
    return services.save_object(user, roster, reason=reason)


@transaction.atomic
def publish_roster(user, roster):
    """Publish a drafted roster: its cadres see their nights and are reminded the day before."""
    services.ensure_can_write(user, roster)
    roster = lock(roster)
    ROSTERS.check(user, roster, "publish")
    ROSTERS.advance(roster, "publish")
    roster.published_at = clock.now()
    roster.published_by = user
    return services.save_object(user, roster, reason=_("Published"))


@transaction.atomic
def save_shift(user, shift, *, reason=""):
    """Create or change a night of a roster: the leader is a team member and the staff a cadre of the
    township (checked by the model), one shift a night."""
    return services.save_object(user, shift, reason=reason)


# --- swaps --------------------------------------------------------------------------------------


def _township_admins(township_id):
    return [u for u in User.objects.filter(role=Role.TOWNSHIP_ADMIN, is_active=True).select_related("organization")
            if u.organization is not None and u.organization.township_id == township_id]


@transaction.atomic
def save_swap(user, swap, *, reason=""):
    """Ask for a swap (or change one that awaits approval): the cadre on duty names a replacement
    for a coming night of a published roster. The township Party committee is notified."""
    before = _stored(swap)
    if before is not None:
        SWAPS.check(user, before, "edit")
    shift = swap.shift
    if not shift.roster.is_published:
        raise ValidationError({"shift": ValidationError(_("Swaps are asked for on a published roster."), code=Code.ROSTER_NOT_PUBLISHED)})
    if shift.date < clock.today():
        raise ValidationError({"shift": ValidationError(_("This night has passed; a swap can only be asked for a coming night."), code=Code.PAST_DATE)})
    others = DutySwap.objects.filter(shift=shift, requested_by_id=swap.requested_by_id,
                                     status=DutySwap.Status.REQUESTED).exclude(pk=swap.pk)
    if others.exists():
        raise ValidationError({"shift": ValidationError(_("A swap for this night already awaits approval."), code=Code.UNIQUE)})
    created = swap.pk is None
    swap = services.save_object(user, swap, reason=reason)
    if created:
        title = _("Duty swap to approve: %(swap)s") % {"swap": swap}
        for admin in _township_admins(shift.roster.township_id):
            notify_on_commit(admin, f"conduct.dutyswap:{swap.pk}:requested", title, _url(swap), swap.reason)
    return swap


@transaction.atomic
def approve_swap(user, swap, *, note=""):
    """Approve a swap: the replacement takes the requester's place on the shift."""
    swap = lock(swap)
    SWAPS.check(user, swap, "approve")
    shift = lock(swap.shift)
    if shift.date < clock.today():
        raise ValidationError(_("This night has passed; the swap can no longer be approved."), code=Code.PAST_DATE)
    swap.full_clean()  # the replacement is still a cadre of the township, free that night
    if swap.requested_by_id == shift.leader_id:
        shift.leader = swap.replacement
    else:
        shift.staff = swap.replacement
    services.save_object(user, shift, reason=_("Swap approved: %(swap)s") % {"swap": swap})
    SWAPS.advance(swap, "approve")
    swap.decided_by, swap.decided_at, swap.decision_note = user, clock.now(), (note or "").strip()
    swap = services.save_object(user, swap, reason=_("Approved"))
    _notify_decision(swap, _("Duty swap approved: %(swap)s"), digest=True)
    replacement = _user_of(swap.replacement)
    if replacement is not None:
        notify_on_commit(replacement, f"conduct.dutyswap:{swap.pk}:replacement",
               _("You are on overnight duty on %(date)s in place of %(name)s") % {
                   "date": shift.date.isoformat(), "name": swap.requested_by}, _url(shift))
    return swap


@transaction.atomic
def reject_swap(user, swap, *, note):
    """Refuse a swap, saying why; the shift stays as it is."""
    swap = lock(swap)
    SWAPS.check(user, swap, "reject")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": ValidationError(_("Say why the swap is refused."), code=Code.REQUIRED)})
    SWAPS.advance(swap, "reject")
    swap.decided_by, swap.decided_at, swap.decision_note = user, clock.now(), note
    swap = services.save_object(user, swap, reason=_("Rejected"))
    _notify_decision(swap, _("Duty swap refused: %(swap)s"))
    return swap


def _notify_decision(swap, title, digest=False):
    settle_on_commit(f"conduct.dutyswap:{swap.pk}:requested")  # decided: no committee member is still asked
    requester = _user_of(swap.requested_by)
    if requester is not None:
        notify_on_commit(requester, f"conduct.dutyswap:{swap.pk}:{swap.status}", title % {"swap": swap}, _url(swap),
               swap.decision_note, digest=digest)


# --- check-ins ----------------------------------------------------------------------------------


@transaction.atomic
def save_check_in(user, check_in, *, reason=""):
    """Record a check-in (the township entering one, or the cadre's own): for a published roster's
    night, by a cadre on duty that night, within the night."""
    refusal = SHIFTS.refused(check_in.shift, "check_in")  # the roster of the night is published
    if refusal is not None:
        raise refusal
    return services.save_object(user, check_in, reason=reason)


@transaction.atomic
def check_in(user, shift, *, location="", note="", at=None):
    """The cadre on duty checks in for tonight, from their phone."""
    SHIFTS.check(user, shift, "check_in")
    if DutyCheckIn.objects.filter(shift=shift, cadre_id=user.cadre_id).exists():
        raise ValidationError(_("You have already checked in for this night."), code=Code.UNIQUE)
    record = DutyCheckIn(shift=shift, cadre_id=user.cadre_id, checked_in_at=at or clock.now(),
                         location=(location or "").strip(), note=(note or "").strip())
    return save_check_in(user, record)


# --- spot checks --------------------------------------------------------------------------------


@transaction.atomic
def save_spot_check(user, spot_check, *, reason=""):
    """Record a spot check of a night on the roster. An absence is handed to the department as a
    violation candidate (once); a check that produced one keeps its result."""
    before = _stored(spot_check)
    if before is not None and before.violation_id and (
            spot_check.result != before.result or spot_check.cadre_id != before.cadre_id
            or spot_check.duty_date != before.duty_date):
        raise ValidationError({"result": ValidationError(_("This absence is already a violation candidate; the department decides "
                                           "on it there, and the spot check's result, cadre and date stay as "
                                           "recorded."), code=Code.FROZEN)})
    if before is None:
        spot_check.checked_by = user
    spot_check.full_clean()  # finds the night's shift before the scope check
    spot_check = services.save_object(user, spot_check, reason=reason)
    if spot_check.is_absence and spot_check.violation_id is None:
        spot_check.violation = _violation_candidate(user, spot_check)
        spot_check = services.save_object(user, spot_check, reason=_("Violation candidate recorded"))
    return spot_check


def _violation_candidate(user, spot_check):
    from banzi.conduct.services import record_violation_candidate

    facts = _("Spot check by %(method)s at %(time)s: %(name)s, on overnight duty in %(township)s on %(date)s, was "
              "absent.") % {
        "method": spot_check.get_method_display(), "time": timezone.localtime(spot_check.checked_at).strftime(
            "%Y-%m-%d %H:%M"), "name": spot_check.cadre, "township": spot_check.township,
        "date": spot_check.duty_date.isoformat()}
    if spot_check.notes.strip():
        facts = f"{facts}\n{spot_check.notes.strip()}"
    return record_violation_candidate(cadre=spot_check.cadre, rule=None, occurred_on=spot_check.duty_date,
                                      facts=facts, source=str(_("Overnight duty spot check")), user=user)


@transaction.atomic
def delete_spot_check(user, spot_check):
    if spot_check.violation_id:
        raise ValidationError(_("This spot check produced a violation candidate and is kept as its evidence."), code=Code.PROTECTED)
    services.delete_object(user, spot_check)


# --- attendance ---------------------------------------------------------------------------------


@transaction.atomic
def save_attendance(user, record, *, reason=""):
    """Record a cadre's attendance on a day that has passed (one record a day)."""
    if record.cadre_id:
        record.organization = record.cadre.organization  # places the record in scope before the check
    return services.save_object(user, record, reason=reason)
