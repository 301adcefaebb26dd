"""The lifecycle of an assessment, declared once: planning → collecting → confirmed → published,
and back to collecting only by reopening it with a reason. The county confirms, publishes and
reopens; whoever runs the assessment starts the collection. The services check this table."""
from django.utils.translation import gettext_lazy

from banzi.core.workflow import COUNTY, MANAGER, Lifecycle, Step, register

from .models import Assessment, Award, EvaluationGroup

Status = Assessment.Status

ASSESSMENTS = register(Lifecycle(
    Assessment,
    Step("collect", gettext_lazy("Start collecting"), (Status.PLANNING,), Status.COLLECTING, actors=MANAGER),
    Step("confirm", gettext_lazy("Confirm the results"), (Status.COLLECTING,), Status.CONFIRMED, actors=COUNTY,
         style="btn-success"),
    Step("publish", gettext_lazy("Publish the results"), (Status.CONFIRMED,), Status.PUBLISHED, actors=COUNTY),
    Step("reopen", gettext_lazy("Reopen"), (Status.CONFIRMED, Status.PUBLISHED), Status.COLLECTING, actors=COUNTY,
         refusal=gettext_lazy("Only confirmed or published results are reopened.")),
    Step("fill_from_teams", gettext_lazy("Add the teams and their members"), (Status.PLANNING, Status.COLLECTING),
         actors=MANAGER, refusal=gettext_lazy("Who is assessed changes only before the results are confirmed.")),
    Step("edit", gettext_lazy("Edit"), (Status.PLANNING, Status.COLLECTING),
         refusal=gettext_lazy("Confirmed results are changed only after reopening the assessment with a reason.")),
    Step("delete", gettext_lazy("Delete"), (Status.PLANNING,),
         refusal=gettext_lazy("Only an assessment still being planned can be deleted.")),
))

# The evaluation group's steps: the county issues ballot codes and enters paper ballots.
GROUPS = register(Lifecycle(
    EvaluationGroup,
    Step("issue_codes", gettext_lazy("Issue ballot codes"), actors=COUNTY),
    Step("paper_ballot", gettext_lazy("Enter a paper ballot"), actors=COUNTY),
    field=None,
))

# An award: nominated (by the township or the county) from a confirmed result, decided by the county.
AWARDS = register(Lifecycle(
    Award,
    Step("decide", gettext_lazy("Decide the award"), (Award.Status.NOMINATED,), Award.Status.DECIDED, actors=COUNTY,
         style="btn-success", refusal=gettext_lazy("This award is already decided.")),
    Step("edit", gettext_lazy("Edit"), (Award.Status.NOMINATED,),
         refusal=gettext_lazy("A decided award is not changed.")),
    Step("delete", gettext_lazy("Delete"), (Award.Status.NOMINATED,),
         refusal=gettext_lazy("A decided award is not deleted.")),
))
