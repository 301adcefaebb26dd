"""The lifecycle of a reserve entry, declared once: nominated → vetted → in the pool → exited, or
nominated → rejected at vetting. Vetting, rejecting, entering and exiting are the county's steps;
the yearly review is the township's or the county's. The services check this table."""
from django.utils.translation import gettext_lazy

from banzi.core.workflow import COUNTY, MANAGER, Lifecycle, Step, register

from .models import ReserveEntry

Status = ReserveEntry.Status

ENTRIES = register(Lifecycle(
    ReserveEntry,
    Step("vet", gettext_lazy("Vet"), (Status.NOMINATED,), Status.VETTED, actors=COUNTY, style="btn-success",
         refusal=gettext_lazy("Only a nominated cadre is vetted.")),
    Step("reject", gettext_lazy("Reject at vetting"), (Status.NOMINATED,), Status.REJECTED, actors=COUNTY,
         style="btn-outline-danger", refusal=gettext_lazy("Only a nominated cadre is rejected at vetting.")),
    Step("enter", gettext_lazy("Enter into the pool"), (Status.VETTED,), Status.IN_POOL, actors=COUNTY,
         style="btn-success", refusal=gettext_lazy("A cadre enters the pool once vetted.")),
    Step("review", gettext_lazy("Record the yearly review"), (Status.IN_POOL,), actors=MANAGER,
         refusal=gettext_lazy("Only a cadre in the pool is reviewed.")),
    Step("exit", gettext_lazy("Leave the pool"), (Status.IN_POOL,), Status.EXITED, actors=COUNTY,
         style="btn-outline-danger", refusal=gettext_lazy("Only a cadre in the pool leaves it.")),
    Step("edit", gettext_lazy("Edit"), (Status.NOMINATED,),
         refusal=gettext_lazy("A nomination is changed only before it is vetted.")),
    Step("delete", gettext_lazy("Delete"), (Status.NOMINATED,),
         refusal=gettext_lazy("Only a nomination not yet vetted can be deleted.")),
))
