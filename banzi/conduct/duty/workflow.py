"""The lifecycles of overnight duty, declared once: a roster is drafted then published, a swap the
cadre on duty asks for is approved or refused by the township, and the cadres on duty check in for
their night (see core.workflow)."""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banzi.core.workflow import Actor, Lifecycle, Step, is_editable, register

from .models import DutyRoster, DutyShift, DutySwap

Roster = DutyRoster.Status


def _has_shifts(roster):
    if not roster.shifts.exists():
        return _("Add the roster's shifts before publishing it.")
    return None


ROSTERS = register(Lifecycle(
    DutyRoster,
    Step("publish", gettext_lazy("Publish"), (Roster.DRAFT,), Roster.PUBLISHED, guard=_has_shifts,
         refusal=gettext_lazy("This roster is already published."), style="btn-success"),
    Step("delete", gettext_lazy("Delete"), (Roster.DRAFT,),
         refusal=gettext_lazy("A published roster cannot be deleted; correct its shifts instead.")),
))

Swap = DutySwap.Status

# The township Party committee (or the county department) that may change the night decides.
DECIDER = Actor("who may change the shift", lambda user, swap: is_editable(user, swap.shift))
DECIDED = gettext_lazy("This swap has already been decided.")
DECIDER_ONLY = gettext_lazy("Only the township Party committee or the county department decides on swaps.")

SWAPS = register(Lifecycle(
    DutySwap,
    Step("approve", gettext_lazy("Approve the swap"), (Swap.REQUESTED,), Swap.APPROVED, actors=DECIDER,
         refusal=DECIDED, denial=DECIDER_ONLY, style="btn-success"),
    Step("reject", gettext_lazy("Refuse the swap"), (Swap.REQUESTED,), Swap.REJECTED, actors=DECIDER,
         refusal=DECIDED, denial=DECIDER_ONLY, style="btn-outline-danger"),
    Step("edit", gettext_lazy("Edit"), (Swap.REQUESTED,),
         refusal=gettext_lazy("This swap has been decided and can no longer be changed.")),
    Step("delete", gettext_lazy("Delete"), (Swap.REQUESTED,),
         refusal=gettext_lazy("This swap has been decided and can no longer be deleted.")),
))


def _on_duty(user, shift):
    return shift.is_on_duty(getattr(user, "cadre_id", None))


def _may_check_in(shift):
    if not shift.roster.is_published:
        return {"shift": _("The roster of this night is not published yet.")}
    return None


SHIFTS = register(Lifecycle(
    DutyShift,
    Step("check_in", gettext_lazy("Check in"), actors=Actor("the cadres on duty", _on_duty),
         guard=_may_check_in, denial=gettext_lazy("Only the cadres on duty that night check in for it."),
         style="btn-success"),
    field=None,
))
