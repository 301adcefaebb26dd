"""The assessment API under /api/v1/assessment/: assessments with their workflow (collect, propose
grades, confirm a unit under quota, confirm, publish, reopen with a reason) and each unit's grade
sheet (quota count, disqualifiers with their source records, the democratic evaluation's tally),
assessees, quota approvals, and evaluation groups (issue ballot codes, enter paper ballots)."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from banzi.core import services as core_services
from banzi.core.api import BaseSerializer, ScopedFileField, ScopedModelViewSet, name_of
from banzi.core.errors import Code
from banzi.core.importing.views import ImportUploadForm
from banzi.core.roles import Role
from banzi.core.separation import WithinDuties
from banzi.org.models import Organization

from . import ballot_import, charts, consequences, filters, metrics, results, scores, services
from .models import (
    Assessee,
    Assessment,
    AssessmentGroup,
    Award,
    Consequence,
    EvaluationGroup,
    Grade,
    QuotaApproval,
)

TIMESTAMPS = ["created_at", "updated_at"]


class AssessmentSerializer(BaseSerializer):
    organization_name = name_of("organization.name")

    class Meta:
        model = Assessment
        fields = ["id", "kind", "title", "year", "quarter", "starts_on", "ends_on", "organization",
                  "organization_name", "status", "reopen_reason", *TIMESTAMPS]
        read_only_fields = ["status", "reopen_reason"]


class GradesField(serializers.DictField):
    """{assessee id: grade}."""

    def __init__(self, **kwargs):
        super().__init__(child=serializers.ChoiceField(choices=Grade.choices), **kwargs)


class ProposeInputSerializer(serializers.Serializer):
    grades = GradesField(help_text=_("{assessee id: grade}"))


class ConfirmUnitInputSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.filter(kind=Organization.Kind.TOWNSHIP))
    grades = GradesField(required=False, help_text=_("{assessee id: grade}; the proposed grade where left out"))


class ReopenInputSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)
    unit = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.filter(kind=Organization.Kind.TOWNSHIP),
                                              required=False, allow_null=True)


class FillFromTeamsInputSerializer(serializers.Serializer):
    general_cadres = serializers.BooleanField(default=False, help_text=_(
        "also the townships' other active cadres, as general cadres"))
    units = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.filter(kind=Organization.Kind.TOWNSHIP), many=True, required=False,
        help_text=_("the townships to fill; by default every township assessed"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["units"].child_relation.queryset = services.unit_choices(request.user)


class FillFromTeamsResultSerializer(serializers.Serializer):
    added = serializers.DictField(child=serializers.IntegerField(), help_text=_("{category: count added}"))
    left_out = serializers.IntegerField(help_text=_("members left out: moved to another township or not active"))


_finding = inline_serializer("AssessmentFinding", {
    "rule": serializers.CharField(), "label": serializers.CharField(), "detail": serializers.CharField(),
    "url": serializers.CharField()})
_row = inline_serializer("AssessmentSheetRow", {
    "assessee": serializers.IntegerField(), "name": serializers.CharField(), "category": serializers.CharField(),
    "proposed_grade": serializers.CharField(), "confirmed_grade": serializers.CharField(),
    "disqualifiers": serializers.ListField(child=_finding),
    "votes": serializers.DictField(child=serializers.IntegerField()),
    "weighted": serializers.DictField(child=serializers.FloatField()),
    "cap": serializers.CharField(allow_null=True),
    "scale": serializers.ListField(child=serializers.CharField(), help_text=_("the grades this assessee may get, best first"))})
SheetSerializer = inline_serializer("AssessmentUnitSheet", {
    "unit": serializers.IntegerField(), "unit_name": serializers.CharField(),
    "quota": inline_serializer("AssessmentQuota", {
        "grade": serializers.CharField(), "percent": serializers.IntegerField(),
        "assessed": serializers.IntegerField(), "limit": serializers.IntegerField(),
        "given": serializers.IntegerField(), "document_number": serializers.CharField()}),
    "weights": serializers.IntegerField(), "rows": serializers.ListField(child=_row)})


class GradeSeriesSerializer(serializers.Serializer):
    name = serializers.CharField()
    grade = serializers.CharField(help_text="Empty for those not graded yet.")
    values = serializers.ListField(child=serializers.IntegerField(), help_text="One count per unit, as labels.")


class GradeDistributionSerializer(serializers.Serializer):
    labels = serializers.ListField(child=serializers.CharField(), help_text="The units' names.")
    series = GradeSeriesSerializer(many=True)


class AssessmentViewSet(ScopedModelViewSet):
    """Assessments (年度考核、平时考核): kind, period, who runs it and its status. Grades are proposed
    and confirmed unit by unit through the actions; `sheet` shows each unit's quota count,
    disqualifiers and tally."""

    queryset = Assessment.objects.select_related("organization")
    serializer_class = AssessmentSerializer
    filterset_class = filters.AssessmentFilterSet
    ordering_fields = ["year", "starts_on", "created_at"]
    save_service = staticmethod(services.save_assessment)
    delete_service = staticmethod(services.delete_assessment)

    @action(detail=True, methods=["post"], step="collect")
    def collect(self, request, pk=None):
        """Start collecting grades and ballots (planning → collecting)."""
        return self.run_step(request, services.start_collecting)

    @extend_schema(request=ProposeInputSerializer)
    @action(detail=True, methods=["post"])
    def propose(self, request, pk=None):
        """Propose grades: the county for anyone, a township for its own cadres' day-to-day grades."""
        return self.run_step(request, services.propose_grades, ProposeInputSerializer)

    @extend_schema(request=ConfirmUnitInputSerializer)
    @action(detail=True, methods=["post"], url_path="confirm-unit")
    def confirm_unit(self, request, pk=None):
        """The county confirms a unit's grades under its quota (rounded down), refusing a disqualified
        excellent and a grade above the democratic evaluation's cap."""
        return self.run_step(request, services.confirm_unit, ConfirmUnitInputSerializer)

    @action(detail=True, methods=["post"], step="confirm")
    def confirm(self, request, pk=None):
        """Close the assessment once every grade is confirmed (collecting → confirmed)."""
        return self.run_step(request, services.confirm_assessment)

    @action(detail=True, methods=["post"], step="publish")
    def publish(self, request, pk=None):
        return self.run_step(request, services.publish)

    @extend_schema(request=FillFromTeamsInputSerializer, responses=FillFromTeamsResultSerializer)
    @action(detail=True, methods=["post"], url_path="fill-from-teams", step="fill_from_teams")
    def fill_from_teams(self, request, pk=None):
        """Add the teams and their members: every current team of the assessed townships, its head and
        its members serving in the period (and, when asked, the other active cadres); idempotent."""
        return self.run_step(request, services.fill_from_teams, FillFromTeamsInputSerializer,
                             result_serializer=FillFromTeamsResultSerializer)

    @extend_schema(responses=inline_serializer("ConsequenceCounts", {
        "created": serializers.IntegerField(), "dismissed": serializers.IntegerField()}))
    @action(detail=True, methods=["post"], url_path="apply-consequences", step="apply_consequences")
    def apply_consequences(self, request, pk=None):
        """Put a published annual assessment's results to use (idempotent): the consequences not yet on
        record are created; open ones a changed grade no longer calls for are dismissed."""
        obj = self.get_object()
        return Response(core_services.run(consequences.apply, request.user, obj))

    @extend_schema(request=ReopenInputSerializer)
    @action(detail=True, methods=["post"], step="reopen")
    def reopen(self, request, pk=None):
        """Reopen confirmed results (of one unit, or all) with a reason, kept in the history."""
        return self.run_step(request, services.reopen, ReopenInputSerializer)

    @extend_schema(operation_id="assessment_assessments_sheet", responses=serializers.ListSerializer(child=SheetSerializer))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def sheet(self, request, pk=None):
        """Each unit's grade sheet (read-only): the quota and how many have the top grade, and per
        assessee the grades, the disqualifiers of excellent with a link to each source record, the
        votes per grade, the weighted shares and the cap of the one-third rule."""
        return Response(metrics.sheets(self.get_object(), request.user))

    @extend_schema(operation_id="assessment_assessments_grade_distribution", responses=GradeDistributionSerializer)
    @action(detail=True, methods=["get"], url_path="grade-distribution", pagination_class=None, filter_backends=[])
    def grade_distribution(self, request, pk=None):
        """The chart of grades per unit: the individuals assessed (teams apart) counted by their confirmed
        grade, else the proposed one, else not graded yet; only the units the user sees."""
        return Response(charts.grade_distribution(self.get_object(), request.user))


class AssesseeSerializer(BaseSerializer):
    name = serializers.CharField(source="__str__", read_only=True)
    proposed_grade = serializers.ChoiceField(choices=Grade.choices, read_only=True, allow_blank=True)
    confirmed_grade = serializers.ChoiceField(choices=Grade.choices, read_only=True, allow_blank=True)
    unit_name = name_of("unit.name")
    report_file = ScopedFileField("assessment:assessee_report", required=False, allow_null=True)

    class Meta:
        model = Assessee
        fields = ["id", "assessment", "category", "team", "cadre", "name", "unit", "unit_name", "proposed_grade",
                  "proposed_by", "confirmed_grade", "confirmed_by", "confirmed_on", "report", "report_file",
                  *TIMESTAMPS]
        read_only_fields = ["proposed_grade", "proposed_by", "confirmed_grade", "confirmed_by", "confirmed_on"]


class ScoreLineSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.ChoiceField(choices=["percent", "count"])
    value = serializers.FloatField(allow_null=True, help_text="None: nothing to measure in the period.")
    shown = serializers.CharField()
    detail = serializers.CharField()
    url = serializers.CharField(help_text="The filtered list of the records behind the value.")
    score = serializers.FloatField(allow_null=True)
    threshold = serializers.IntegerField()
    below_threshold = serializers.BooleanField()


class ScoreGroupSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    weight = serializers.IntegerField()
    subtotal = serializers.FloatField(allow_null=True)
    indicators = ScoreLineSerializer(many=True)


class ScoreSheetSerializer(serializers.Serializer):
    assessee = serializers.IntegerField()
    name = serializers.CharField()
    total = serializers.FloatField(allow_null=True)
    groups = ScoreGroupSerializer(many=True)


class TrendSeriesSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="\"total\", or the key of an indicator group.")
    name = serializers.CharField()
    values = serializers.ListField(child=serializers.FloatField(allow_null=True))


class TrendRowSerializer(serializers.Serializer):
    assessee = serializers.IntegerField()
    assessment = serializers.CharField()
    year = serializers.IntegerField()
    quarter = serializers.IntegerField(allow_null=True)
    url = serializers.CharField()
    current = serializers.BooleanField()
    grade = serializers.CharField(help_text="The confirmed grade; empty until confirmed.")
    total = serializers.FloatField(allow_null=True)
    subtotals = serializers.ListField(child=serializers.FloatField(allow_null=True), help_text="As `groups`.")


class TrendSerializer(serializers.Serializer):
    labels = serializers.ListField(child=serializers.CharField())
    series = TrendSeriesSerializer(many=True)
    rows = TrendRowSerializer(many=True)
    groups = serializers.ListField(child=serializers.CharField())


class ReportInputSerializer(serializers.Serializer):
    report = serializers.CharField(required=False, allow_blank=True, default="", label=_("report on duties and integrity"))
    report_file = serializers.FileField(required=False, label=_("report attachment"))
    remove_file = serializers.BooleanField(required=False, default=False, label=_("remove the attachment"))


class AssesseeViewSet(ScopedModelViewSet):
    """Who is assessed: a township's team or a cadre in one unit, with the 述职述廉 report and the
    grades (proposed and confirmed through the assessment's actions)."""

    queryset = Assessee.objects.select_related("assessment", "unit", "cadre", "team__township")
    serializer_class = AssesseeSerializer
    filterset_class = filters.AssesseeFilterSet
    ordering_fields = ["created_at"]
    save_service = staticmethod(services.save_assessee)
    delete_service = staticmethod(services.delete_assessee)

    @extend_schema(operation_id="assessment_assessees_report", request=ReportInputSerializer,
                   responses=AssesseeSerializer)
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, MultiPartParser, FormParser],
            # Not CanWriteModel: the cadre assessed writes their own report, which their role may not
            # otherwise change; `services.save_report` decides who writes (403 for anyone else).
            permission_classes=[permissions.IsAuthenticated, WithinDuties])
    def report(self, request, pk=None):
        """Write the 述职述廉 report (text, a PDF / Office attachment checked by content and size, or
        both) while the assessment is collecting: the cadre assessed (their own), their township's
        administrator or the county. `remove_file` drops the attachment; kept in the history."""
        assessee = self.get_object()
        data = ReportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        change = False if data.validated_data["remove_file"] else data.validated_data.get("report_file")
        saved = core_services.run(services.save_report, request.user, assessee, data.validated_data["report"], change)
        return Response(self.get_serializer(saved).data)

    @extend_schema(operation_id="assessment_assessees_score_sheet", responses=ScoreSheetSerializer)
    @action(detail=True, methods=["get"], url_path="score-sheet", pagination_class=None, filter_backends=[])
    def score_sheet(self, request, pk=None):
        """The assessee's score sheet: every indicator read from the records of the assessment's
        period, its score and the link to its records, the groups' subtotals and the weighted total."""
        assessee = self.get_object()
        return Response(scores.score_sheets(assessee.assessment, [assessee])[assessee.pk].as_dict())

    @extend_schema(operation_id="assessment_assessees_trend", responses=TrendSerializer)
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def trend(self, request, pk=None):
        """The indicator trends of the assessee's cadre (or township team) across their last assessments of
        the same kind that the user sees, oldest first: each the weighted total and group subtotals of that
        assessment's score sheet (the figures of the page's chart and of its Excel export)."""
        return Response(charts.indicator_trend(self.get_object(), request.user))


class QuotaApprovalSerializer(BaseSerializer):
    unit_name = name_of("unit.name")

    class Meta:
        model = QuotaApproval
        fields = ["id", "assessment", "unit", "unit_name", "document_number", "approved_on", *TIMESTAMPS]


class QuotaApprovalViewSet(ScopedModelViewSet):
    """The county's approvals of a higher excellent quota (25 % by default) for a unit, with the document."""

    queryset = QuotaApproval.objects.select_related("assessment", "unit")
    serializer_class = QuotaApprovalSerializer
    filterset_class = filters.QuotaApprovalFilterSet
    ordering_fields = ["approved_on", "created_at"]
    save_service = staticmethod(services.save_quota_approval)


class AssessmentGroupSerializer(BaseSerializer):
    leader_name = name_of("leader.name")

    class Meta:
        model = AssessmentGroup
        fields = ["id", "assessment", "name", "leader", "leader_name", "members", "units", "note", *TIMESTAMPS]

    def get_fields(self):
        fields = super().get_fields()
        fields["units"].child_relation.queryset = fields["units"].child_relation.queryset.filter(
            kind=Organization.Kind.TOWNSHIP)
        return fields


class AssessmentGroupViewSet(ScopedModelViewSet):
    """Assessment groups (考核组): the leader, members and townships assessed of each group an assessment
    sends; nobody on a county group works in a township it assesses (回避), each township one group."""

    queryset = AssessmentGroup.objects.select_related("assessment", "leader").prefetch_related("members", "units")
    serializer_class = AssessmentGroupSerializer
    filterset_class = filters.AssessmentGroupFilterSet
    ordering_fields = ["name", "created_at"]
    save_service = staticmethod(services.save_assessment_group)
    delete_service = staticmethod(services.delete_assessment_group)


class EvaluationGroupSerializer(BaseSerializer):
    unit_name = name_of("unit.name")

    class Meta:
        model = EvaluationGroup
        fields = ["id", "assessment", "unit", "unit_name", "kind", "weight", *TIMESTAMPS]


class IssueCodesInputSerializer(serializers.Serializer):
    count = serializers.IntegerField(min_value=1, max_value=services.MAX_CODES)


CodesSerializer = inline_serializer("BallotCodes", {"codes": serializers.ListField(child=serializers.CharField())})


class PaperBallotInputSerializer(serializers.Serializer):
    votes = GradesField(help_text=_("{assessee id: grade}"))


class BallotImportInputSerializer(serializers.Serializer):
    file = serializers.FileField(label=_("Excel file (.xlsx)"))
    dry_run = serializers.BooleanField(required=False, default=False,
                                       label=_("only check the file; enter nothing"))


class CellErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField()
    message = serializers.CharField()


class BallotImportResultSerializer(serializers.Serializer):
    ballots = serializers.IntegerField()
    votes = serializers.DictField(child=serializers.IntegerField())
    errors = CellErrorSerializer(many=True)
    entered = serializers.IntegerField()


class EvaluationGroupViewSet(ScopedModelViewSet):
    """A unit's evaluation groups with their weights (adding up to 100). `issue-codes` returns the
    plain one-time codes once, for the printable sheet; `paper-ballot` enters a ballot from paper."""

    queryset = EvaluationGroup.objects.select_related("assessment", "unit")
    serializer_class = EvaluationGroupSerializer
    filterset_class = filters.EvaluationGroupFilterSet
    ordering_fields = ["created_at"]
    save_service = staticmethod(services.save_group)

    @extend_schema(request=IssueCodesInputSerializer, responses={201: CodesSerializer})
    @action(detail=True, methods=["post"], url_path="issue-codes", step="issue_codes")
    def issue_codes(self, request, pk=None):
        group = self.get_object()
        data = IssueCodesInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        codes = core_services.run(services.issue_codes, request.user, group, data.validated_data["count"])
        return Response({"codes": codes}, status=201, headers={"Cache-Control": "no-store"})

    @extend_schema(request=BallotImportInputSerializer, responses={200: BallotImportResultSerializer,
                                                                   201: BallotImportResultSerializer})
    @action(detail=True, methods=["post"], url_path="import-ballots", parser_classes=[MultiPartParser, FormParser],
            step="paper_ballot")  # the same step as one paper ballot: the lifecycle says who
    def import_ballots(self, request, pk=None):
        """Paper ballots from the group's spreadsheet (the template of the page), checked cell by cell.
        With `dry_run` nothing is entered and the answer lists the wrong cells (row and column); a
        wrong cell refuses the import (400, nothing entered); otherwise every ballot is entered (201)."""
        group = self.get_object()
        data = BallotImportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = ImportUploadForm(files={"file": data.validated_data["file"]})
        if not upload.is_valid():  # not a workbook, too large: the form's errors with their codes
            refused = {"file": upload.errors.as_data()["file"]}
            raise DjangoValidationError(refused)
        result = core_services.run(ballot_import.read_ballots, group, upload.content)
        body = {"ballots": len(result.ballots), "votes": result.counts, "entered": 0,
                "errors": [{"row": e.row, "column": e.column, "message": str(e.message)} for e in result.errors]}
        if data.validated_data["dry_run"]:
            return Response(body)
        if not result.ok:  # nothing entered; each wrong cell named by its row and column
            raise serializers.ValidationError({"file": [
                _("Row %(row)d, “%(column)s”: %(message)s") % {"row": e.row, "column": e.column, "message": e.message}
                for e in result.errors]}, code=Code.INVALID)
        body["entered"] = core_services.run(ballot_import.import_ballots, request.user, group, result.sheet)
        return Response(body, status=201)

    @extend_schema(request=PaperBallotInputSerializer, responses={201: None})
    @action(detail=True, methods=["post"], url_path="paper-ballot", step="paper_ballot")
    def paper_ballot(self, request, pk=None):
        group = self.get_object()
        data = PaperBallotInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        core_services.run(services.enter_paper_ballot, request.user, group, data.validated_data["votes"])
        return Response(status=201)


class AwardSerializer(BaseSerializer):
    name = serializers.CharField(source="assessee.__str__", read_only=True)
    unit_name = name_of("assessee.unit.name")

    class Meta:
        model = Award
        fields = ["id", "assessment", "kind", "assessee", "name", "unit_name", "reason", "status", "decided_by",
                  "decided_on", *TIMESTAMPS]
        read_only_fields = ["assessment", "status", "decided_by", "decided_on"]


_evidence_result = inline_serializer("PriorityResult", {
    "assessee": serializers.IntegerField(), "assessment": serializers.CharField(), "year": serializers.IntegerField(),
    "grade": serializers.CharField(), "grade_label": serializers.CharField(), "url": serializers.CharField()})
_evidence_award = inline_serializer("PriorityAward", {
    "award": serializers.IntegerField(), "kind": serializers.CharField(), "kind_label": serializers.CharField(),
    "assessment": serializers.CharField(), "year": serializers.IntegerField(), "url": serializers.CharField()})
PrioritySerializer = inline_serializer("PromotionPriority", {
    "year": serializers.IntegerField(allow_null=True, help_text=_("the latest year of confirmed annual results")),
    "rows": serializers.ListField(child=inline_serializer("PriorityRow", {
        "cadre": serializers.IntegerField(), "name": serializers.CharField(), "organization": serializers.CharField(),
        "url": serializers.CharField(),
        "grounds": serializers.ListField(child=serializers.ChoiceField(choices=["excellent_years", "award"])),
        "grounds_label": serializers.CharField(), "evidence": serializers.CharField(),
        "results": serializers.ListField(child=_evidence_result),
        "awards": serializers.ListField(child=_evidence_award)}))})


class AwardViewSet(ScopedModelViewSet):
    """The four awards (好班子、好班长、好成员、好骨干): nominated with a reason from a confirmed annual
    result (the kind matching the assessee's category, the grade excellent, good for a team), decided by
    the county (`decide`). `priority` is the promotion-priority list (county only) with its evidence."""

    queryset = Award.objects.select_related("assessment", "assessee__cadre", "assessee__team__township",
                                            "assessee__unit")
    serializer_class = AwardSerializer
    filterset_class = filters.AwardFilterSet
    ordering_fields = ["decided_on", "created_at"]
    save_service = staticmethod(services.save_award)
    delete_service = staticmethod(services.delete_award)

    @action(detail=True, methods=["post"], step="decide")
    def decide(self, request, pk=None):
        """The county decides a nominated award (nominated → decided)."""
        return self.run_step(request, services.decide_award)

    @extend_schema(operation_id="assessment_awards_priority", responses=PrioritySerializer)
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def priority(self, request):
        """The promotion-priority list (提拔任用优先考虑): cadres excellent in the confirmed annual results of
        the three years up to the latest, or decided 好班长/好成员/好骨干 in the latest year, with the
        evidence (the results and the award, with links). The county's."""
        if getattr(request.user, "role", None) != Role.COUNTY_ADMIN:
            raise PermissionDenied(_("Only the county organization department reads the promotion-priority list."))
        return Response(results.priority_list(request.user))


class ConsequenceSerializer(BaseSerializer):
    name = serializers.CharField(source="assessee.__str__", read_only=True)
    unit = serializers.IntegerField(source="assessee.unit_id", read_only=True)
    unit_name = name_of("assessee.unit.name")
    cadre = serializers.IntegerField(source="assessee.cadre_id", read_only=True, allow_null=True)
    confirmed_grade = serializers.CharField(source="assessee.confirmed_grade", read_only=True)
    talk_plan = serializers.IntegerField(source="talk_entry.plan_id", read_only=True, allow_null=True, default=None)
    problem_deadline = serializers.DateField(source="problem.deadline", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Consequence
        fields = ["id", "assessment", "assessee", "name", "cadre", "unit", "unit_name", "confirmed_grade", "kind",
                  "topic", "status", "reason", "note", "talk_entry", "talk_plan", "problem", "problem_deadline",
                  "training_need", *TIMESTAMPS]
        read_only_fields = ["assessment", "topic", "status", "reason", "talk_entry", "problem", "training_need"]


class DismissInputSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


class ConsequenceViewSet(ScopedModelViewSet):
    """Results put to use (结果运用): per assessee, the admonishment talk and rectification problem of a
    basically competent result, the flags for adjustment or demotion, the commendation of three
    excellent years, a team's rectification and the training needs, each with the record it made in
    the talks, tasks or training module. The county marks one done or dismisses it with a reason."""

    queryset = Consequence.objects.select_related("assessment", "assessee__cadre", "assessee__team__township",
                                                  "assessee__unit", "talk_entry", "problem")
    serializer_class = ConsequenceSerializer
    filterset_class = filters.ConsequenceFilterSet
    ordering_fields = ["created_at"]
    save_service = staticmethod(consequences.save_consequence)
    delete_service = staticmethod(consequences.delete_consequence)

    @action(detail=True, methods=["post"], step="done")
    def done(self, request, pk=None):
        """The county records that the consequence is carried out (open → done)."""
        return self.run_step(request, consequences.mark_done)

    @extend_schema(request=DismissInputSerializer)
    @action(detail=True, methods=["post"], step="dismiss")
    def dismiss(self, request, pk=None):
        """The county dismisses an open consequence with a reason (open → dismissed)."""
        return self.run_step(request, consequences.dismiss, DismissInputSerializer)
