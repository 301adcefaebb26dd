"""The lifecycle of an assessment, declared once: planning → collecting → confirmed → published,
and back to collecting only by reopening it with a reason. The county confirms, publishes and
reopens; whoever runs the assessment starts the collection. The services check this table."""
from django.utils.translation import gettext_lazy

from banzi.core.workflow import COUNTY, MANAGER, Lifecycle, Step, register

from .models import Assessment, Award, Consequence, EvaluationGroup

Status = Assessment.Status

ASSESSMENTS = register(Lifecycle(
    Assessment,
    Step("collect", gettext_lazy("Start collecting"), (Status.PLANNING,), Status.COLLECTING, actors=MANAGER),
    Step("confirm", gettext_lazy("Confirm the results"), (Status.COLLECTING,), Status.CONFIRMED, actors=COUNTY,
         style="btn-success"),
    Step("publish", gettext_lazy("Publish the results"), (Status.CONFIRMED,), Status.PUBLISHED, actors=COUNTY),
    Step("reopen", gettext_lazy("Reopen"), (Status.CONFIRMED, Status.PUBLISHED), Status.COLLECTING, actors=COUNTY,
         refusal=gettext_lazy("Only confirmed or published results are reopened.")),
    Step("apply_consequences", gettext_lazy("Apply the consequences"), (Status.PUBLISHED,), actors=COUNTY,
         guard=lambda obj: None if obj.kind == Assessment.Kind.ANNUAL else gettext_lazy(
             "Consequences follow from the results of an annual assessment."),
         refusal=gettext_lazy("Consequences are applied once the results are published.")),
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

# A consequence of a result (结果运用): open until the county marks it done or dismisses it.
CONSEQUENCE_CLOSED = gettext_lazy("This consequence is done or dismissed; it is not changed.")
CONSEQUENCES = register(Lifecycle(
    Consequence,
    Step("done", gettext_lazy("Mark as done"), (Consequence.Status.OPEN,), Consequence.Status.DONE, actors=COUNTY,
         style="btn-success", refusal=CONSEQUENCE_CLOSED),
    Step("dismiss", gettext_lazy("Dismiss"), (Consequence.Status.OPEN,), Consequence.Status.DISMISSED, actors=COUNTY,
         style="btn-outline-danger", refusal=CONSEQUENCE_CLOSED),
    Step("edit", gettext_lazy("Edit"), (Consequence.Status.OPEN,), refusal=CONSEQUENCE_CLOSED),
    Step("delete", gettext_lazy("Delete"), (Consequence.Status.OPEN,), refusal=CONSEQUENCE_CLOSED,
         guard=lambda obj: gettext_lazy("This consequence made records in other modules; dismiss it instead.")
         if obj.talk_entry_id or obj.problem_id or obj.training_need_id else None),
))
