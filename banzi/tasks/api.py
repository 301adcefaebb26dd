"""The work-implementation API under /api/v1/tasks/: work lists, tasks, milestones, progress
reports, supervised items (with their computed 13710 stages and state), their reports and
reopenings, cross-inspections, the problem list, look-back reviews and bulletin headings.

Reads go through `visible_to`; every write, and every workflow step (POST actions such as
`/supervised-items/{id}/close-out/`), goes through the same service as the pages, and who may take
a step, from which state, is the lifecycle table's (`workflow.py`) to say."""
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action

from banzi.core.api import BaseSerializer, ScopedFileField, ScopedModelViewSet, name_of
from banzi.org.models import Cadre, Organization

from . import clock13710, filters, metrics, services
from .filters import task_state
from .models import (
    Bulletin,
    Inspection,
    Milestone,
    Problem,
    ProgressReport,
    SupervisedItem,
    SupervisedReopening,
    SupervisedReport,
    Task,
    TaskReview,
    WorkList,
)

TIMESTAMPS = ["created_at", "updated_at"]




# --- work lists, tasks, milestones, progress reports ---------------------------------------------

class WorkListSerializer(BaseSerializer):
    cadre_name = name_of("cadre.name")
    organization_name = name_of("organization.name")
    task_count = serializers.IntegerField(read_only=True, default=0)  # annotated; a new list has none

    class Meta:
        model = WorkList
        fields = ["id", "cadre", "cadre_name", "organization", "organization_name", "year", "responsibilities",
                  "task_count", *TIMESTAMPS]


class TaskSerializer(BaseSerializer):
    organization_name = name_of("organization.name")
    responsible_name = name_of("responsible.name")
    state = serializers.SerializerMethodField(
        help_text=_("on_track, at_risk, overdue, done or cancelled (the battle map's colours)"))

    class Meta:
        model = Task
        fields = ["id", "work_list", "title", "organization", "organization_name", "responsible", "responsible_name",
                  "measures", "target", "source", "start_on", "deadline", "status", "completed_on", "progress",
                  "latest_effect", "last_reported_on", "state", *TIMESTAMPS]
        read_only_fields = ["progress", "latest_effect", "last_reported_on"]

    @extend_schema_field(serializers.ChoiceField(choices=filters.TASK_STATE_CHOICES))
    def get_state(self, task):
        # The context is shared by every row of a list: the rule is read once.
        if "at_risk_lag" not in self.context:
            self.context["at_risk_lag"] = metrics.progress_rule()["at_risk_lag"]
        return task_state(task, at_risk_lag=self.context["at_risk_lag"])


class MilestoneSerializer(BaseSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "task", "title", "days_before_deadline", "weight", "due_on", "done_on", *TIMESTAMPS]
        extra_kwargs = {"due_on": {"required": False, "help_text": _(
            "Computed from days_before_deadline or weight when left out.")}}


class ProgressReportSerializer(BaseSerializer):
    attachment = ScopedFileField("tasks:progressreport_file", required=False, allow_null=True)

    class Meta:
        model = ProgressReport
        fields = ["id", "task", "reported_on", "percent", "narrative", "effect", "attachment", *TIMESTAMPS]


class ProgressInputSerializer(serializers.Serializer):
    reported_on = serializers.DateField(required=False, help_text=_("Defaults to today."))
    percent = serializers.IntegerField(help_text=_("0 to 100"))
    narrative = serializers.CharField()
    effect = serializers.CharField(required=False, allow_blank=True, default="")
    attachment = serializers.FileField(required=False, allow_null=True, default=None)
    mark_done = serializers.BooleanField(required=False, default=False,
                                         help_text=_("With a report of 100%: mark the task done."))


class ScheduleInputSerializer(serializers.Serializer):
    class PlanRow(serializers.Serializer):
        title = serializers.CharField(max_length=200)
        value = serializers.IntegerField(help_text=_("Days before the deadline, or the cumulative share (%)."))

    by = serializers.ChoiceField(choices=[services.BY_DAYS, services.BY_WEIGHT], default=services.BY_DAYS)
    milestones = PlanRow(many=True, source="plan")

    def validate_milestones(self, rows):
        return [(row["title"], row["value"]) for row in rows]


class ReviewInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=TaskReview.Outcome.choices)
    gap = serializers.CharField(required=False, allow_blank=True, default="")
    responsible = serializers.PrimaryKeyRelatedField(queryset=Cadre.objects.all(), required=False, allow_null=True,
                                                     default=None)
    deadline = serializers.DateField(required=False, allow_null=True, default=None)
    measures = serializers.CharField(required=False, allow_blank=True, default="")
    reviewed_on = serializers.DateField(required=False, allow_null=True, default=None)

    def get_fields(self):
        fields = super().get_fields()
        user = getattr(self.context.get("request"), "user", None)
        fields["responsible"].queryset = Cadre.objects.visible_to(user)
        return fields


class TaskReviewSerializer(BaseSerializer):
    task_title = name_of("task.title")
    problem = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True, default=None)
    responsible = serializers.PrimaryKeyRelatedField(
        queryset=Cadre.objects.all(), write_only=True, required=False, allow_null=True,
        help_text=_("For a gap: who rectifies it (the task's responsible cadre by default)."))
    rectification_deadline = serializers.DateField(source="deadline", write_only=True, required=False,
                                                   allow_null=True,
                                                   help_text=_("For a gap: the rectification deadline."))
    measures = serializers.CharField(write_only=True, required=False, allow_blank=True)

    class Meta:
        model = TaskReview
        fields = ["id", "task", "task_title", "reviewed_on", "outcome", "gap", "problem", "responsible",
                  "rectification_deadline", "measures", *TIMESTAMPS]
        extra_kwargs = {"reviewed_on": {"required": False}}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        try:
            data["problem"] = instance.problem.pk
        except Problem.DoesNotExist:
            data["problem"] = None
        return data


class WorkListViewSet(ScopedModelViewSet):
    """Team members' yearly work lists (工作清单). A list belongs to a member of the township's
    leadership team in its year; one list per member and year."""

    queryset = WorkList.objects.select_related("cadre", "organization").annotate(task_count=Count("tasks")).order_by(
        "-year", "organization__name", "cadre__name_pinyin")
    serializer_class = WorkListSerializer
    filterset_class = filters.WorkListFilterSet
    ordering_fields = ["year", "created_at"]
    save_service = staticmethod(services.save_work_list)


class TaskViewSet(ScopedModelViewSet):
    """Tasks with target (亮目标), measures, responsible cadre and deadline. `progress`,
    `latest_effect` and `last_reported_on` follow the latest progress report; `state` is the
    battle map's colour. Filter by `state` (on_track, at_risk, overdue, done)."""

    queryset = Task.objects.select_related("organization", "responsible").prefetch_related("milestones")
    serializer_class = TaskSerializer
    filterset_class = filters.TaskFilterSet
    ordering_fields = ["deadline", "start_on", "progress", "created_at"]
    save_service = staticmethod(services.save_task)

    @extend_schema(operation_id="tasks_tasks_report", request=ProgressInputSerializer,
                   responses={201: ProgressReportSerializer})
    @action(detail=True, methods=["post"], url_path="report", step="report")
    def report(self, request, pk=None):
        """Report progress (亮进度、亮效果); refused on a done or cancelled task. The responsible
        cadre reports on their own task."""
        return self.run_step(request, services.submit_progress_report, ProgressInputSerializer,
                             result_serializer=ProgressReportSerializer, status=status.HTTP_201_CREATED)

    @extend_schema(operation_id="tasks_tasks_schedule_milestones", request=ScheduleInputSerializer,
                   responses={201: MilestoneSerializer(many=True)})
    @action(detail=True, methods=["post"], url_path="schedule-milestones", step="schedule",
            pagination_class=None)
    def schedule_milestones(self, request, pk=None):
        """Schedule milestones back from the deadline (目标倒逼): by days before the deadline, or by
        cumulative share of the work placed proportionally between start and deadline."""
        return self.run_step(request, services.schedule_milestones, ScheduleInputSerializer,
                             result_serializer=MilestoneSerializer, status=status.HTTP_201_CREATED)

    @extend_schema(operation_id="tasks_tasks_review", request=ReviewInputSerializer,
                   responses={201: TaskReviewSerializer})
    @action(detail=True, methods=["post"], url_path="review", step="review")
    def review(self, request, pk=None):
        """The year-end look-back review (回头看): a gap goes on the problem list with a responsible
        cadre (the task's by default) and a deadline."""
        return self.run_step(request, services.review_task, ReviewInputSerializer,
                             result_serializer=TaskReviewSerializer, status=status.HTTP_201_CREATED)


class MilestoneViewSet(ScopedModelViewSet):
    """Milestones of tasks; a milestone never falls after its task's deadline."""

    queryset = Milestone.objects.select_related("task")
    serializer_class = MilestoneSerializer
    filterset_class = filters.MilestoneFilterSet
    ordering_fields = ["due_on"]
    save_service = staticmethod(services.save_milestone)


class ProgressReportViewSet(ScopedModelViewSet):
    """Progress reports of tasks (percent 0–100); the task shows its latest report's figures."""

    queryset = ProgressReport.objects.select_related("task")
    serializer_class = ProgressReportSerializer
    filterset_class = filters.ProgressReportFilterSet
    ordering_fields = ["reported_on"]
    save_service = staticmethod(services.save_progress_report)
    delete_service = staticmethod(services.delete_progress_report)


# --- supervised items ----------------------------------------------------------------------------

class StageSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    due_at = serializers.DateTimeField(allow_null=True)
    done_at = serializers.DateTimeField(allow_null=True)
    state = serializers.ChoiceField(choices=list(clock13710.STAGE_STATES))


class SupervisedItemListSerializer(serializers.ListSerializer):
    """Puts the whole page on one 13710 clock: the rule and the calendar are read once."""

    def to_representation(self, data):
        items = list(data.all() if hasattr(data, "all") else data)
        self.context["clock"] = clock13710.Clock.for_items(items)
        return super().to_representation(items)


class SupervisedItemSerializer(BaseSerializer):
    organization_name = name_of("organization.name")
    assignee_name = name_of("assignee.name")
    stages = serializers.SerializerMethodField(help_text=_("The 13710 stages: due time, actual time and state."))
    state = serializers.SerializerMethodField(help_text=_("done, on_track, at_risk or overdue"))
    deadline = serializers.SerializerMethodField(help_text=_("When the item is due to be done."))
    warnings = serializers.SerializerMethodField()

    class Meta:
        model = SupervisedItem
        list_serializer_class = SupervisedItemListSerializer
        fields = ["id", "title", "description", "item_class", "assigned_by", "assigner_name", "organization",
                  "organization_name", "assignee", "assignee_name", "task", "assigned_at", "deployed_at",
                  "first_report_at", "done_at", "closed_at", "closed_by", "close_evidence", "timetable_due_on",
                  "timetable", "status", "state", "deadline", "stages", "warnings", *TIMESTAMPS]
        read_only_fields = ["assigned_by", "deployed_at", "first_report_at", "done_at", "closed_at", "closed_by",
                            "close_evidence", "timetable_due_on", "timetable", "status"]
        extra_kwargs = {"assigned_at": {"required": False, "help_text": _("Defaults to now.")}}

    def _computed(self, item):
        cached = getattr(item, "_api_clock", None)
        if cached is None:
            item_clock = self.context.get("clock") or clock13710.Clock.for_items([item])
            stages = item_clock.stages(item)
            cached = item._api_clock = {
                "stages": stages, "state": item_clock.item_state(item, stages),
                "deadline": item_clock.deadline(item, stages), "warnings": item_clock.warnings(item, stages),
            }
        return cached

    @extend_schema_field(StageSerializer(many=True))
    def get_stages(self, item):
        return StageSerializer(self._computed(item)["stages"], many=True).data

    @extend_schema_field(serializers.ChoiceField(choices=list(clock13710.ITEM_STATES)))
    def get_state(self, item):
        return self._computed(item)["state"]

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_deadline(self, item):
        return serializers.DateTimeField().to_representation(self._computed(item)["deadline"])

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_warnings(self, item):
        return self._computed(item)["warnings"]


class ContentInputSerializer(serializers.Serializer):
    content = serializers.CharField()
    at = serializers.DateTimeField(required=False, allow_null=True, default=None, help_text=_("Defaults to now."))


class ItemReportInputSerializer(ContentInputSerializer):
    percent = serializers.IntegerField(required=False, allow_null=True, default=None)
    kind = serializers.ChoiceField(choices=[SupervisedReport.Kind.PROGRESS, SupervisedReport.Kind.MONTHLY],
                                   required=False, allow_null=True, default=None,
                                   help_text=_("Monthly for an item on a filed timetable by default."))


class TimetableInputSerializer(serializers.Serializer):
    due_on = serializers.DateField()
    plan = serializers.CharField()


class EvidenceInputSerializer(serializers.Serializer):
    evidence = serializers.CharField()


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField()


class SupervisedItemViewSet(ScopedModelViewSet):
    """Supervised items (督办事项) on the 13710 clock: deployed within 1 day, a first report within
    3 days, ordinary items done within 7 days, complex and major items within a month or by a filed
    timetable with monthly reports, and tracked until closed out (销号). `stages`, `state`,
    `deadline` and `warnings` are computed. A closed item cannot be edited, only reopened."""

    queryset = (SupervisedItem.objects.select_related("organization", "assignee")
                .prefetch_related("reports"))
    serializer_class = SupervisedItemSerializer
    filterset_class = filters.SupervisedItemFilterSet
    ordering_fields = ["assigned_at", "status"]
    save_service = staticmethod(services.save_item)

    @extend_schema(operation_id="tasks_supervised_items_deploy", request=ContentInputSerializer,
                   responses=SupervisedItemSerializer)
    @action(detail=True, methods=["post"], step="deploy")
    def deploy(self, request, pk=None):
        """Record the deployment (the “1” of 13710): the committee, or the assignee cadre."""
        return self.run_step(request, services.record_deployment, ContentInputSerializer)

    @extend_schema(operation_id="tasks_supervised_items_report", request=ItemReportInputSerializer,
                   responses=SupervisedItemSerializer)
    @action(detail=True, methods=["post"], step="report")
    def report(self, request, pk=None):
        """Add a progress or monthly report; the first one sets the first-report time. Refused on a
        closed item."""
        return self.run_step(request, services.add_report, ItemReportInputSerializer)

    @extend_schema(operation_id="tasks_supervised_items_file_timetable", request=TimetableInputSerializer,
                   responses=SupervisedItemSerializer)
    @action(detail=True, methods=["post"], url_path="file-timetable", step="timetable")
    def file_timetable(self, request, pk=None):
        """File a timetable for a complex or major item: a completion date and a plan."""
        return self.run_step(request, services.file_timetable, TimetableInputSerializer)

    @extend_schema(operation_id="tasks_supervised_items_done", request=ContentInputSerializer,
                   responses=SupervisedItemSerializer)
    @action(detail=True, methods=["post"], step="done")
    def done(self, request, pk=None):
        """Report the item done (the committee, or the assignee cadre); it then awaits close-out."""
        return self.run_step(request, services.mark_done, ContentInputSerializer)

    @extend_schema(operation_id="tasks_supervised_items_close_out", request=EvidenceInputSerializer,
                   responses=SupervisedItemSerializer)
    @action(detail=True, methods=["post"], url_path="close-out", step="close_out")
    def close_out(self, request, pk=None):
        """Close out (销号) a done item with evidence: only the assigner or the county organization
        department."""
        return self.run_step(request, services.close_out, EvidenceInputSerializer)

    @extend_schema(operation_id="tasks_supervised_items_reopen", request=ReasonInputSerializer,
                   responses=SupervisedItemSerializer)
    @action(detail=True, methods=["post"], step="reopen")
    def reopen(self, request, pk=None):
        """Reopen a closed-out item with the reason."""
        return self.run_step(request, services.reopen_item, ReasonInputSerializer)


class SupervisedReportSerializer(BaseSerializer):
    class Meta:
        model = SupervisedReport
        fields = ["id", "item", "kind", "reported_at", "content", "percent", *TIMESTAMPS]


class SupervisedReportViewSet(ScopedModelViewSet):
    """Reports on supervised items. Creating one runs the matching step (deployment, progress or
    monthly report, completion); reports of a closed item are kept as they are."""

    queryset = SupervisedReport.objects.select_related("item")
    serializer_class = SupervisedReportSerializer
    filterset_class = filters.SupervisedReportFilterSet
    ordering_fields = ["reported_at"]
    save_service = staticmethod(services.save_supervised_report)
    delete_service = staticmethod(services.delete_supervised_report)


class SupervisedReopeningSerializer(BaseSerializer):
    class Meta:
        model = SupervisedReopening
        fields = ["id", "item", "reason", "previous_closed_at", *TIMESTAMPS]
        read_only_fields = ["previous_closed_at"]


class SupervisedReopeningViewSet(ScopedModelViewSet):
    """Reopenings of closed-out items, with the reason. Creating one reopens the item."""

    queryset = SupervisedReopening.objects.select_related("item")
    serializer_class = SupervisedReopeningSerializer
    filterset_class = filters.SupervisedReopeningFilterSet
    ordering_fields = ["created_at"]
    save_service = staticmethod(services.save_reopening)


# --- cross-inspections, problems, reviews, bulletins -----------------------------------------

class InspectionSerializer(BaseSerializer):
    """The inspected organization is one the user manages; the inspecting organization and the team
    may come from anywhere in the county (a cross-inspection is done by others)."""

    organization_name = name_of("organization.name")
    inspecting_organization_name = name_of("inspecting_organization.name")
    leader_name = name_of("leader.name")

    class Meta:
        model = Inspection
        fields = ["id", "title", "year", "inspecting_organization", "inspecting_organization_name", "organization",
                  "organization_name", "leader", "leader_name", "members", "start_on", "end_on", *TIMESTAMPS]

    def get_fields(self):
        fields = super().get_fields()
        fields["inspecting_organization"].queryset = Organization.objects.filter(
            kind__in=[Organization.Kind.COUNTY, Organization.Kind.TOWNSHIP, Organization.Kind.DEPARTMENT])
        fields["leader"].queryset = Cadre.objects.filter(status=Cadre.Status.ACTIVE)
        fields["members"].child_relation.queryset = Cadre.objects.filter(status=Cadre.Status.ACTIVE)
        return fields


class FindingInputSerializer(serializers.Serializer):
    item = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    description = serializers.CharField()
    responsible = serializers.PrimaryKeyRelatedField(queryset=Cadre.objects.all())
    deadline = serializers.DateField()
    measures = serializers.CharField(required=False, allow_blank=True, default="")

    def get_fields(self):
        fields = super().get_fields()
        user = getattr(self.context.get("request"), "user", None)
        fields["responsible"].queryset = Cadre.objects.visible_to(user)
        return fields


class ProblemSerializer(BaseSerializer):
    evidence_file = ScopedFileField("tasks:problem_file", read_only=True)
    organization_name = name_of("organization.name")
    responsible_name = name_of("responsible.name")

    class Meta:
        model = Problem
        fields = ["id", "organization", "organization_name", "source", "source_reference", "inspection", "review",
                  "description", "responsible", "responsible_name", "measures", "deadline", "status", "evidence",
                  "evidence_file", "submitted_at", "verified_at", "verified_by", "return_reason", *TIMESTAMPS]
        read_only_fields = ["review", "status", "evidence", "evidence_file", "submitted_at", "verified_at",
                            "verified_by", "return_reason"]


class InspectionViewSet(ScopedModelViewSet):
    """Cross-inspections (交叉检查): never of one's own organization or township; nobody on the team
    works in the inspected township. Findings go on the problem list (POST `findings`)."""

    queryset = (Inspection.objects.select_related("inspecting_organization", "organization", "leader")
                .prefetch_related("members"))
    serializer_class = InspectionSerializer
    filterset_class = filters.InspectionFilterSet
    ordering_fields = ["start_on", "year"]
    save_service = staticmethod(services.save_inspection)

    @extend_schema(operation_id="tasks_inspections_findings", request=FindingInputSerializer,
                   responses={201: ProblemSerializer})
    @action(detail=True, methods=["post"], step="finding")
    def findings(self, request, pk=None):
        """Record a finding: it goes on the inspected organization's problem list."""
        return self.run_step(request, services.record_finding, FindingInputSerializer,
                             result_serializer=ProblemSerializer, status=status.HTTP_201_CREATED)


class RectificationInputSerializer(serializers.Serializer):
    evidence = serializers.CharField(required=False, allow_blank=True, default="")
    evidence_file = serializers.FileField(required=False, allow_null=True, default=None)


class ProblemViewSet(ScopedModelViewSet):
    """The problem list (问题清单): problems from cross-inspections, look-back reviews, democratic
    life meetings, assessments and supervision, each with a responsible cadre, measures and a
    deadline. Status moves only through the steps: start-rectifying → submit (with evidence) →
    verify (closes) or return (with a reason)."""

    queryset = Problem.objects.select_related("organization", "responsible")
    serializer_class = ProblemSerializer
    filterset_class = filters.ProblemFilterSet
    ordering_fields = ["deadline", "status", "created_at"]
    save_service = staticmethod(services.save_problem)

    @extend_schema(operation_id="tasks_problems_start_rectifying", request=None, responses=ProblemSerializer)
    @action(detail=True, methods=["post"], url_path="start-rectifying", step="start")
    def start_rectifying(self, request, pk=None):
        """Start rectifying an open or returned problem."""
        return self.run_step(request, services.start_rectification)

    @extend_schema(operation_id="tasks_problems_submit", request=RectificationInputSerializer,
                   responses=ProblemSerializer)
    @action(detail=True, methods=["post"], step="submit")
    def submit(self, request, pk=None):
        """Submit the rectification with its evidence (a text, a file or both)."""
        return self.run_step(request, services.submit_rectification, RectificationInputSerializer)

    @extend_schema(operation_id="tasks_problems_verify", request=None, responses=ProblemSerializer)
    @action(detail=True, methods=["post"], step="verify")
    def verify(self, request, pk=None):
        """Verify the rectification and close the problem: the county organization department or the
        township's Party committee, never the responsible cadre themself."""
        return self.run_step(request, services.verify_problem)

    @extend_schema(operation_id="tasks_problems_return", request=ReasonInputSerializer,
                   responses=ProblemSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return", step="return")
    def return_rectification(self, request, pk=None):
        """Return a submitted rectification for more work, with the reason."""
        return self.run_step(request, services.return_problem, ReasonInputSerializer)


class TaskReviewViewSet(ScopedModelViewSet):
    """Look-back reviews (回头看) of tasks; a gap goes on the problem list."""

    queryset = TaskReview.objects.select_related("task", "problem")
    serializer_class = TaskReviewSerializer
    filterset_class = filters.TaskReviewFilterSet
    ordering_fields = ["reviewed_on"]
    save_service = staticmethod(services.save_review)


class BulletinSerializer(BaseSerializer):
    organization_name = name_of("organization.name")

    class Meta:
        model = Bulletin
        fields = ["id", "title", "organization", "organization_name", "period_start", "period_end", "issuing_body",
                  "document_number", "issued_on", *TIMESTAMPS]


class BulletinViewSet(ScopedModelViewSet):
    """Bulletin headings (通报): scope, period, issuing body and number. The figures are computed
    from the records whenever the bulletin is shown or downloaded."""

    queryset = Bulletin.objects.select_related("organization")
    serializer_class = BulletinSerializer
    filterset_class = filters.BulletinFilterSet
    ordering_fields = ["issued_on"]
    save_service = staticmethod(services.save_bulletin)
