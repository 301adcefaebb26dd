"""The lifecycles of governance, declared once: an agenda item is decided once (then reconsidered
only by a new item), and a democratic life meeting takes its criticism, rectification and talks
steps. The services check these tables and the pages offer the steps they allow (core.workflow)."""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banzi.core.workflow import Lifecycle, Step, register

from .models import AgendaItem, Meeting

Outcome = AgendaItem.Outcome
DECIDED = (Outcome.PASSED, Outcome.REJECTED, Outcome.DEFERRED)

AGENDA_ITEMS = register(Lifecycle(
    AgendaItem,
    Step("decision", gettext_lazy("Record the decision"), (Outcome.PENDING,), DECIDED, link=True, style="btn-success",
         refusal=lambda item: _("“%(title)s” is already decided; it can be reconsidered only by a new item that "
                                "refers to it.") % {"title": item.title}),
    Step("reconsider", gettext_lazy("Reconsider with a new item"), DECIDED, link=True,
         refusal=gettext_lazy("Only a decided item can be reconsidered.")),
    Step("edit", gettext_lazy("Edit"), (Outcome.PENDING,),
         refusal=gettext_lazy("A decided item is not changed; add a new item that reconsiders it.")),
    Step("delete", gettext_lazy("Delete"), (Outcome.PENDING,),
         refusal=lambda item: _("“%(title)s” is decided and part of the record; it cannot be deleted.") % {
             "title": item.title}),
    field="outcome",
))


def _life_meeting(meeting):
    if not meeting.is_life_meeting:
        return _("This is recorded for a democratic life meeting only.")
    return None


MEETINGS = register(Lifecycle(
    Meeting,
    Step("talks", gettext_lazy("Link talks"), guard=_life_meeting),
    Step("criticism", gettext_lazy("Record a member's self-criticism"), guard=_life_meeting),
    Step("rectification", gettext_lazy("Add a rectification measure"), guard=_life_meeting),
    field=None,
))
