"""The lifecycle of a cadre's record, declared once: active until archived (on leaving; open team
memberships end), and restored when archived by mistake. The services check this table, the
cadre's page offers the step it allows and the API's actions read it too (see core.workflow)."""
from django.utils.translation import gettext_lazy

from banzi.core.workflow import Lifecycle, Step, register

from .models import Cadre

CADRES = register(Lifecycle(
    Cadre,
    Step("archive", gettext_lazy("Archive"), (Cadre.Status.ACTIVE,), Cadre.Status.ARCHIVED,
         refusal=gettext_lazy("This cadre is already archived."), style="btn-outline-warning"),
    Step("restore", gettext_lazy("Restore"), (Cadre.Status.ARCHIVED,), Cadre.Status.ACTIVE,
         refusal=gettext_lazy("This cadre is not archived."), style="btn"),
))
