"""Work implementation (狠抓工作落实): work lists and tasks with back-scheduled milestones and progress
reports, 13710 supervised items, cross-inspections, the problem list, the look-back review and
bulletins. Computed states (on track / at risk / overdue, stage deadlines) live in `clock13710.py` and
`metrics.py`; rules that span records live in `services.py`."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from banzi.core import clock
from banzi.core.errors import Code
from banzi.core.models import BaseModel
from banzi.core.roles import Role
from banzi.core.scoping import Scope
from banzi.core.uploads import FileContentValidator
from banzi.core.validators import check_date_order
from banzi.org.models import Cadre, Organization


class WorkList(BaseModel):
    """A team member's yearly work list (工作清单), tied to their responsibilities (分工)."""

    cadre = models.ForeignKey(Cadre, verbose_name=_("team member"), on_delete=models.PROTECT, related_name="work_lists")
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="work_lists"
    )
    year = models.PositiveIntegerField(_("year"))
    responsibilities = models.TextField(_("responsibilities"), blank=True)

    scope = Scope(township="organization__township", cadre="cadre")

    class Meta:
        verbose_name = _("work list")
        verbose_name_plural = _("work lists")
        ordering = ["-year", "organization__name", "cadre__name_pinyin"]
        constraints = [models.UniqueConstraint(fields=["cadre", "year"], name="worklist_one_per_cadre_year")]

    choice_label_fields = ("year", "cadre__name")  # what a drop-down of these shows (core.filters)

    def __str__(self):
        return _("%(cadre)s's work list for %(year)s") % {"cadre": self.cadre, "year": self.year}


class Task(BaseModel):
    """A task (任务) with a target (亮目标), measures and a deadline; progress comes from its reports."""

    class Source(models.TextChoices):
        YEAR_START = "year_start", _("Year-start work list")
        ASSIGNED = "assigned", _("Assigned from above")
        MEETING = "meeting", _("Meeting decision")
        RECTIFICATION = "rectification", _("Problem rectification")

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    work_list = models.ForeignKey(
        WorkList, verbose_name=_("work list"), null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    title = models.CharField(_("title"), max_length=200)
    organization = models.ForeignKey(
        Organization, verbose_name=_("owner organization"), on_delete=models.PROTECT, related_name="tasks"
    )
    responsible = models.ForeignKey(
        Cadre, verbose_name=_("responsible cadre"), on_delete=models.PROTECT, related_name="tasks"
    )
    measures = models.TextField(_("measures"), blank=True)
    target = models.TextField(_("target"), blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.YEAR_START)
    start_on = models.DateField(_("start date"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    # The latest progress report's figures, kept here so lists and the battle map need no extra query.
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    latest_effect = models.TextField(_("latest effect"), blank=True, editable=False)
    last_reported_on = models.DateField(_("last reported on"), null=True, blank=True, editable=False)

    scope = Scope(township="organization__township", cadre="responsible")

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["organization", "deadline"]), models.Index(fields=["status", "deadline"])]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.start_on and self.deadline and self.deadline < self.start_on:
            raise ValidationError({"deadline": ValidationError(_("The deadline cannot be before the start date."), code=Code.DATE_ORDER)})
        if self.status == self.Status.DONE and not self.completed_on:
            raise ValidationError({"completed_on": ValidationError(_("Enter the date the task was completed."), code=Code.REQUIRED)})

    @property
    def is_closed(self):
        return self.status in (self.Status.DONE, self.Status.CANCELLED)


class Milestone(BaseModel):
    """A milestone scheduled back from the task's deadline (目标倒逼)."""

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=200)
    days_before_deadline = models.PositiveIntegerField(_("days before the deadline"), null=True, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("share of the work (%)"), null=True, blank=True,
        help_text=_("Cumulative share of the task done by this milestone; its date is placed proportionally."),
    )
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    scope = Scope(township="task__organization__township", cadre="task__responsible")

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["task", "due_on"]

    def __str__(self):
        return f"{self.task} · {self.title}"

    def clean(self):
        super().clean()
        if self.task_id and self.due_on and self.due_on > self.task.deadline:
            raise ValidationError({"due_on": ValidationError(_("A milestone cannot fall after its task's deadline."), code=Code.MILESTONE_AFTER_DEADLINE)})
        if self.weight is not None and not 0 < self.weight <= 100:
            raise ValidationError({"weight": ValidationError(_("Enter a share between 1 and 100."), code=Code.OUT_OF_RANGE)})


def progress_attachment_path(instance, filename):
    return f"tasks/progress/{clock.now():%Y/%m}/{filename}"


class ProgressReport(BaseModel):
    """A progress report (亮进度、亮效果): date, percent, narrative, effect, optional attachment."""

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="reports")
    reported_on = models.DateField(_("reported on"))
    percent = models.PositiveSmallIntegerField(_("progress (%)"))
    narrative = models.TextField(_("progress"))
    effect = models.TextField(_("effect"), blank=True)
    attachment = models.FileField(_("attachment"), upload_to=progress_attachment_path, blank=True,
                                  validators=[FileContentValidator()])

    # The responsible cadre reports on their own tasks (DESIGN: a cadre keeps "own tasks' progress").
    scope = Scope(township="task__organization__township", cadre="task__responsible",
                  write_roles=frozenset({Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN, Role.CADRE}))

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-reported_on", "-id"]

    def __str__(self):
        return f"{self.task} {self.reported_on:%Y-%m-%d} {self.percent}%"

    def clean(self):
        super().clean()
        if self.percent is not None and self.percent > 100:
            raise ValidationError({"percent": ValidationError(_("Progress is a percentage between 0 and 100."), code=Code.OUT_OF_RANGE)})


class SupervisedItem(BaseModel):
    """A supervised item (督办事项) running on the 13710 clock until it is closed out (销号)."""

    class ItemClass(models.TextChoices):
        ORDINARY = "ordinary", _("Ordinary")
        COMPLEX = "complex", _("Complex")
        MAJOR = "major", _("Major")

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned")
        DEPLOYED = "deployed", _("Deployed")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done, awaiting close-out")
        CLOSED = "closed", _("Closed out")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("requirements"), blank=True)
    item_class = models.CharField(_("class"), max_length=10, choices=ItemClass.choices, default=ItemClass.ORDINARY)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigner"), on_delete=models.PROTECT, related_name="+"
    )
    assigner_name = models.CharField(_("assigning leader or body"), max_length=100, blank=True)
    organization = models.ForeignKey(
        Organization, verbose_name=_("assignee organization"), on_delete=models.PROTECT, related_name="supervised_items"
    )
    assignee = models.ForeignKey(
        Cadre, verbose_name=_("responsible cadre"), on_delete=models.PROTECT, related_name="supervised_items"
    )
    task = models.ForeignKey(
        Task, verbose_name=_("related task"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="supervised_items",
    )
    assigned_at = models.DateTimeField(_("assigned at"))
    deployed_at = models.DateTimeField(_("deployed at"), null=True, blank=True)
    first_report_at = models.DateTimeField(_("first reported at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed out at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("closed out by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    close_evidence = models.TextField(_("close-out evidence"), blank=True)
    timetable_due_on = models.DateField(
        _("timetable completion date"), null=True, blank=True,
        help_text=_("For a complex or major item that cannot be done within a month: the filed timetable's date."),
    )
    timetable = models.TextField(_("timetable"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ASSIGNED)

    scope = Scope(township="organization__township", cadre="assignee")

    class Meta:
        verbose_name = _("supervised item")
        verbose_name_plural = _("supervised items")
        ordering = ["-assigned_at", "-id"]
        indexes = [models.Index(fields=["status", "assigned_at"])]

    def __str__(self):
        return self.title

    @property
    def is_closed(self):
        return self.status == self.Status.CLOSED


class SupervisedReport(BaseModel):
    """A report on a supervised item: the first report, progress, a monthly report or completion."""

    class Kind(models.TextChoices):
        DEPLOYMENT = "deployment", _("Deployment")
        PROGRESS = "progress", _("Progress report")
        MONTHLY = "monthly", _("Monthly report")
        COMPLETION = "completion", _("Completion report")

    item = models.ForeignKey(SupervisedItem, verbose_name=_("supervised item"), on_delete=models.CASCADE,
                             related_name="reports")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PROGRESS)
    reported_at = models.DateTimeField(_("reported at"), default=clock.now)
    content = models.TextField(_("content"))
    percent = models.PositiveSmallIntegerField(_("progress (%)"), null=True, blank=True)

    # The assignee reports on their own items (see workflow.ASSIGNEE).
    scope = Scope(township="item__organization__township", cadre="item__assignee",
                  write_roles=frozenset({Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN, Role.CADRE}))

    class Meta:
        verbose_name = _("supervised item report")
        verbose_name_plural = _("supervised item reports")
        ordering = ["-reported_at", "-id"]

    def __str__(self):
        return f"{self.item} {self.get_kind_display()} {clock.local_date(self.reported_at):%Y-%m-%d}"


class SupervisedReopening(BaseModel):
    """A closed supervised item reopened, with the reason (a closed item is never edited in place)."""

    item = models.ForeignKey(SupervisedItem, verbose_name=_("supervised item"), on_delete=models.CASCADE,
                             related_name="reopenings")
    reason = models.TextField(_("reason"))
    previous_closed_at = models.DateTimeField(_("previously closed at"))

    scope = Scope(township="item__organization__township", cadre="item__assignee")

    class Meta:
        verbose_name = _("reopening")
        verbose_name_plural = _("reopenings")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.item} {clock.local_date(self.created_at):%Y-%m-%d}" if self.created_at else str(self.item)


class Inspection(BaseModel):
    """A cross-inspection (交叉检查): a team from one organization inspects another, never its own."""

    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveIntegerField(_("year"))
    inspecting_organization = models.ForeignKey(
        Organization, verbose_name=_("inspecting organization"), on_delete=models.PROTECT, related_name="+"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("inspected organization"), on_delete=models.PROTECT, related_name="inspections"
    )
    leader = models.ForeignKey(Cadre, verbose_name=_("team leader"), on_delete=models.PROTECT, related_name="+")
    members = models.ManyToManyField(Cadre, verbose_name=_("team members"), blank=True, related_name="inspections")
    start_on = models.DateField(_("start date"))
    end_on = models.DateField(_("end date"))

    # The inspected township sees the inspection; the inspecting side sees it through the county.
    scope = Scope(township="organization__township")

    class Meta:
        verbose_name = _("cross-inspection")
        verbose_name_plural = _("cross-inspections")
        ordering = ["-start_on", "-id"]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.start_on and self.end_on and self.end_on < self.start_on:
            raise ValidationError({"end_on": ValidationError(_("The end date cannot be before the start date."), code=Code.DATE_ORDER)})
        if self.inspecting_organization_id and self.organization_id:
            same = self.inspecting_organization_id == self.organization_id or (
                self.inspecting_organization.township_id
                and self.inspecting_organization.township_id == self.organization.township_id
            )
            if same:
                raise ValidationError({"organization": ValidationError(_("An organization cannot inspect itself or its own township."), code=Code.INSPECT_OWN_TOWNSHIP)})


class Problem(BaseModel):
    """A problem on the problem list (问题清单): from any source, with a responsible cadre, measures and
    a deadline; closed only when its rectification evidence is verified."""

    class Source(models.TextChoices):
        INSPECTION = "inspection", _("Cross-inspection")
        REVIEW = "review", _("Look-back review")
        LIFE_MEETING = "life_meeting", _("Democratic life meeting")
        ASSESSMENT = "assessment", _("Assessment")
        SUPERVISION = "supervision", _("Supervision")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RECTIFYING = "rectifying", _("Being rectified")
        SUBMITTED = "submitted", _("Submitted for verification")
        CLOSED = "closed", _("Verified and closed")
        RETURNED = "returned", _("Returned for more work")

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="problems"
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.OTHER)
    source_reference = models.CharField(_("source reference"), max_length=200, blank=True)
    inspection = models.ForeignKey(
        Inspection, verbose_name=_("cross-inspection"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="problems",
    )
    review = models.OneToOneField(
        "TaskReview", verbose_name=_("look-back review"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="problem",
    )
    description = models.TextField(_("problem"))
    responsible = models.ForeignKey(
        Cadre, verbose_name=_("responsible cadre"), on_delete=models.PROTECT, related_name="problems"
    )
    measures = models.TextField(_("rectification measures"), blank=True)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    evidence = models.TextField(_("rectification evidence"), blank=True)
    evidence_file = models.FileField(_("evidence file"), upload_to="tasks/problems/%Y/%m/", blank=True,
                                     validators=[FileContentValidator()])
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("verified by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    return_reason = models.TextField(_("reason for return"), blank=True)

    scope = Scope(township="organization__township", cadre="responsible")

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problem list")
        ordering = ["status", "deadline", "id"]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self):
        return self.description[:60]


class TaskReview(BaseModel):
    """The year-end look-back review (回头看) of one task: outcome and gap; a gap becomes a problem."""

    class Outcome(models.TextChoices):
        ACHIEVED = "achieved", _("Achieved")
        PARTLY = "partly", _("Partly achieved")
        NOT_ACHIEVED = "not_achieved", _("Not achieved")

    task = models.OneToOneField(Task, verbose_name=_("task"), on_delete=models.PROTECT, related_name="review")
    reviewed_on = models.DateField(_("reviewed on"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    gap = models.TextField(_("gap"), blank=True)

    scope = Scope(township="task__organization__township", cadre="task__responsible")

    class Meta:
        verbose_name = _("look-back review")
        verbose_name_plural = _("look-back reviews")
        ordering = ["-reviewed_on", "-id"]

    def __str__(self):
        return f"{self.task} · {self.get_outcome_display()}"

    def clean(self):
        super().clean()
        if self.outcome and self.outcome != self.Outcome.ACHIEVED and not self.gap.strip():
            raise ValidationError({"gap": ValidationError(_("Describe the gap for a task that was not fully achieved."), code=Code.REQUIRED)})


class Bulletin(BaseModel):
    """A bulletin (通报) for a scope and period. Only its heading is stored: every figure in it is
    computed from the records when it is shown or exported."""

    title = models.CharField(_("title"), max_length=200)
    organization = models.ForeignKey(
        Organization, verbose_name=_("scope"), on_delete=models.PROTECT, related_name="bulletins",
        help_text=_("The county or a township."),
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    issuing_body = models.CharField(_("issuing body"), max_length=100)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    issued_on = models.DateField(_("issued on"), default=clock.today)

    scope = Scope(township="organization__township")

    class Meta:
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        ordering = ["-issued_on", "-id"]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        check_date_order(self.period_start, self.period_end, end_field="period_end")
