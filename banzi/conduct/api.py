"""The strict-management API under /api/v1/conduct/: discipline rules, commitment letters,
concurrent-post declarations, violations (seen only by the county department, the township
committee concerned and the auditor — never by cadres), leave requests with their lifecycle
actions, the annual-leave ledger and outing reports, plus read-only lists of who is away today and
who has not signed or declared.

Reads go through `visible_to`; every write and every lifecycle step goes through the same service
as the pages."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from banzi.core import clock, masking
from banzi.core.api import BaseSerializer, ScopedFileField, ScopedModelViewSet, name_of
from banzi.org.models import Cadre

from . import filters, metrics, services
from .models import (
    CommitmentLetter,
    ConcurrentPostDeclaration,
    DisciplineRule,
    LeaveLedgerEntry,
    LeaveRequest,
    OutingReport,
    Violation,
)

TIMESTAMPS = ["created_at", "updated_at"]




# --- discipline ---------------------------------------------------------------------------------

class DisciplineRuleSerializer(BaseSerializer):
    class Meta:
        model = DisciplineRule
        fields = ["id", "code", "title", "description", "source", "sort_order", "is_active", *TIMESTAMPS]


class DisciplineRuleViewSet(ScopedModelViewSet):
    """The discipline rules (纪律规定), seeded from the article; kept by the county department."""

    queryset = DisciplineRule.objects.all()
    serializer_class = DisciplineRuleSerializer
    filterset_class = filters.DisciplineRuleFilterSet


class CommitmentLetterSerializer(BaseSerializer):
    cadre_name = name_of("cadre.name")
    scan = ScopedFileField("conduct:commitmentletter_scan", required=False, allow_null=True)

    class Meta:
        model = CommitmentLetter
        fields = ["id", "cadre", "cadre_name", "year", "signed_on", "scan", "notes", *TIMESTAMPS]


class CommitmentLetterViewSet(ScopedModelViewSet):
    """Yearly commitment letters (承诺书), one per cadre a year, with the scanned letter (PDF or image)."""

    queryset = CommitmentLetter.objects.select_related("cadre")
    serializer_class = CommitmentLetterSerializer
    filterset_class = filters.CommitmentLetterFilterSet
    save_service = staticmethod(services.save_commitment)


class DeclarationSerializer(BaseSerializer):
    cadre_name = name_of("cadre.name")

    class Meta:
        model = ConcurrentPostDeclaration
        fields = ["id", "cadre", "cadre_name", "year", "declared_on", "has_post", "post_organization", "post_role",
                  "is_paid", "pay", "decision", "resign_by", "decision_note", "decided_on", *TIMESTAMPS]
        read_only_fields = ["decision", "resign_by", "decision_note", "decided_on"]


class DeclarationDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[ConcurrentPostDeclaration.Decision.APPROVED,
                                                ConcurrentPostDeclaration.Decision.REFUSED,
                                                ConcurrentPostDeclaration.Decision.MUST_RESIGN])
    resign_by = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ConcurrentPostDeclarationViewSet(ScopedModelViewSet):
    """Concurrent-post declarations (兼职申报): none, or a post with organization, role and pay; the
    county department approves, refuses or orders resignation by a date (`/decide/`)."""

    queryset = ConcurrentPostDeclaration.objects.select_related("cadre")
    serializer_class = DeclarationSerializer
    filterset_class = filters.ConcurrentPostDeclarationFilterSet
    save_service = staticmethod(services.save_declaration)

    @extend_schema(operation_id="conduct_declarations_decide", request=DeclarationDecisionSerializer,
                   responses=DeclarationSerializer)
    @action(detail=True, methods=["post"], step="decide")
    def decide(self, request, pk=None):
        """The county department's decision on a declared post."""
        return self.run_step(request, services.decide_declaration, DeclarationDecisionSerializer)


class ViolationSerializer(BaseSerializer):
    cadre_name = name_of("cadre.name")
    rule_title = name_of("rule.title")

    class Meta:
        model = Violation
        fields = ["id", "cadre", "cadre_name", "rule", "rule_title", "occurred_on", "facts", "source", "status",
                  "decision", "decision_body", "decided_on", *TIMESTAMPS]
        read_only_fields = ["status", "decision", "decision_body", "decided_on"]


class ViolationDecisionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[Violation.Status.CONFIRMED, Violation.Status.DISMISSED])
    decision = serializers.CharField(required=False, allow_blank=True, default="")
    decision_body = serializers.CharField(required=False, allow_blank=True, default="")
    decided_on = serializers.DateField(required=False, allow_null=True, default=None)


class ViolationViewSet(ScopedModelViewSet):
    """Violation records (违纪记录). Seen only by the county organization department, the township
    Party committee of the cadre's township and the audit administrator; a cadre gets an empty list
    and 404, even for their own record. A candidate (e.g. from a spot check) is confirmed or
    dismissed by the department (`/decide/`)."""

    queryset = Violation.objects.select_related("cadre", "rule")
    serializer_class = ViolationSerializer
    filterset_class = filters.ViolationFilterSet
    save_service = staticmethod(services.save_violation)

    @extend_schema(operation_id="conduct_violations_decide", request=ViolationDecisionSerializer,
                   responses=ViolationSerializer)
    @action(detail=True, methods=["post"], step="decide")
    def decide(self, request, pk=None):
        """Confirm with the decision and the deciding body, or dismiss."""
        return self.run_step(request, services.decide_violation, ViolationDecisionSerializer)


# --- leave --------------------------------------------------------------------------------------

class LeaveRequestSerializer(BaseSerializer):
    # Blank until the request is submitted and the rule names its approver.
    approver_kind = serializers.ChoiceField(choices=LeaveRequest.ApproverKind.choices, read_only=True,
                                            allow_blank=True)
    cadre_name = name_of("cadre.name")
    approver_name = serializers.SerializerMethodField()

    class Meta:
        model = LeaveRequest
        fields = ["id", "cadre", "cadre_name", "kind", "starts_on", "ends_on", "days", "reason", "status", "amends",
                  "approver_kind", "approver", "approver_name", "submitted_at", "decided_at", "decision_note",
                  "cancelled_at", "cancel_reason", "returned_on", *TIMESTAMPS]
        read_only_fields = ["days", "status", "approver_kind", "approver", "submitted_at", "decided_at",
                            "decision_note", "cancelled_at", "cancel_reason", "returned_on"]

    def get_approver_name(self, leave) -> str:
        return leave.approver.display_name if leave.approver_id else ""


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RejectSerializer(serializers.Serializer):
    note = serializers.CharField(help_text=_("The reason for rejecting."))


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ReturnSerializer(serializers.Serializer):
    returned_on = serializers.DateField(help_text=_("The first day back at work."))


class LeaveRequestViewSet(ScopedModelViewSet):
    """Leave requests: created as drafts (only a draft is edited or deleted), then `/submit/` to the
    approver the county's rule names, `/approve/` or `/reject/` by that approver, `/cancel/`, and
    `/return/` (销假) with the first day back. Approved annual leave is written to the ledger, and a
    cancellation or early return writes a reversing row."""

    queryset = LeaveRequest.objects.select_related("cadre", "approver__cadre")
    serializer_class = LeaveRequestSerializer
    filterset_class = filters.LeaveRequestFilterSet
    save_service = staticmethod(services.save_leave)

    @extend_schema(operation_id="conduct_leave_submit", request=None, responses=LeaveRequestSerializer)
    @action(detail=True, methods=["post"], step="submit")
    def submit(self, request, pk=None):
        return self.run_step(request, services.submit_leave)

    @extend_schema(operation_id="conduct_leave_approve", request=NoteSerializer, responses=LeaveRequestSerializer)
    @action(detail=True, methods=["post"], step="approve")
    def approve(self, request, pk=None):
        return self.run_step(request, services.approve_leave, NoteSerializer)

    @extend_schema(operation_id="conduct_leave_reject", request=RejectSerializer, responses=LeaveRequestSerializer)
    @action(detail=True, methods=["post"], step="reject")
    def reject(self, request, pk=None):
        return self.run_step(request, services.reject_leave, RejectSerializer)

    @extend_schema(operation_id="conduct_leave_cancel", request=CancelSerializer, responses=LeaveRequestSerializer)
    @action(detail=True, methods=["post"], step="cancel")
    def cancel(self, request, pk=None):
        return self.run_step(request, services.cancel_leave, CancelSerializer)

    @extend_schema(operation_id="conduct_leave_return", request=ReturnSerializer, responses=LeaveRequestSerializer)
    @action(detail=True, methods=["post"], url_path="return", step="return")
    def return_(self, request, pk=None):
        return self.run_step(request, services.return_from_leave, ReturnSerializer)

class LeaveLedgerEntrySerializer(BaseSerializer):
    cadre_name = name_of("cadre.name")

    class Meta:
        model = LeaveLedgerEntry
        fields = ["id", "cadre", "cadre_name", "year", "kind", "days", "leave", "entry_on", "note", *TIMESTAMPS]
        read_only_fields = ["leave"]


class LeaveLedgerEntryViewSet(ScopedModelViewSet):
    """The annual-leave ledger: entitlement, leave taken, reversals and adjustments as rows; the
    balance of a cadre's year is their sum. Only entitlements and adjustments are written by hand."""

    queryset = LeaveLedgerEntry.objects.select_related("cadre")
    serializer_class = LeaveLedgerEntrySerializer
    filterset_class = filters.LeaveLedgerEntryFilterSet
    save_service = staticmethod(services.save_ledger_entry)
    delete_service = staticmethod(services.delete_ledger_entry)


# --- outing reports and the lists ---------------------------------------------------------------

class OutingReportSerializer(BaseSerializer):
    cadre_name = name_of("cadre.name")

    class Meta:
        model = OutingReport
        fields = ["id", "cadre", "cadre_name", "destination", "reason", "departs_at", "planned_return_at", "contact",
                  "returned_at", "filed_at", "is_late", *TIMESTAMPS]
        read_only_fields = ["returned_at", "filed_at", "is_late"]

    def to_representation(self, instance):
        """`contact` is a phone number: masked (139****5678) unless the user keeps the cadre's file (core.masking)."""
        data = super().to_representation(instance)
        request = self.context.get("request")
        data["contact"] = masking.shown_phone(getattr(request, "user", None), instance.cadre, data.get("contact"))
        return data


class OutingReturnSerializer(serializers.Serializer):
    returned_at = serializers.DateTimeField(required=False, allow_null=True, default=None,
                                            help_text=_("Defaults to now."))


@masking.no_store
class OutingReportViewSet(ScopedModelViewSet):
    """Outing reports (外出报备), due before leaving the jurisdiction; one filed after the planned
    departure is accepted with `is_late`. `/return/` records the actual return."""

    queryset = OutingReport.objects.select_related("cadre__organization")
    serializer_class = OutingReportSerializer
    filterset_class = filters.OutingReportFilterSet
    save_service = staticmethod(services.save_outing_report)

    @extend_schema(operation_id="conduct_outings_return", request=OutingReturnSerializer,
                   responses=OutingReportSerializer)
    @action(detail=True, methods=["post"], url_path="return", step="return")
    def return_(self, request, pk=None):
        return self.run_step(request, services.record_outing_return, OutingReturnSerializer)


class AwayTodaySerializer(serializers.Serializer):
    date = serializers.DateField()
    outings = OutingReportSerializer(many=True)
    leave = LeaveRequestSerializer(many=True)


@masking.no_store
class AwayTodayView(APIView):
    """Who is away on a day (default today) within the user's scope: outing reports and approved leave."""

    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="conduct_away_today", responses=AwayTodaySerializer,
                   parameters=[OpenApiParameter("date", str, description="YYYY-MM-DD; today by default")])
    def get(self, request):
        day = serializers.DateField().to_internal_value(request.query_params["date"]) \
            if request.query_params.get("date") else clock.today()
        context = {"request": request}
        return Response({
            "date": day,
            "outings": OutingReportSerializer(metrics.away_on(request.user, day), many=True, context=context).data,
            "leave": LeaveRequestSerializer(metrics.on_leave_on(request.user, day), many=True, context=context).data,
        })


class MissingCadreSerializer(serializers.ModelSerializer):
    organization_name = name_of("organization.name")

    class Meta:
        model = Cadre
        fields = ["id", "name", "organization", "organization_name", "post"]


class MissingView(APIView):
    """Active cadres without this year's commitment letter (`missing=commitment`), declaration
    (`missing=declaration`) or either (default), within the user's scope."""

    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="conduct_not_signed", responses=MissingCadreSerializer(many=True),
                   parameters=[OpenApiParameter("year", int), OpenApiParameter("missing", str,
                                                                             enum=["commitment", "declaration", "either"])])
    def get(self, request):
        filterset = filters.MissingFilterSet(request.query_params, request=request,
                                             queryset=filters.township_cadres(request.user).select_related("organization"))
        if not filterset.is_valid():
            return Response(filterset.errors, status=400)
        return Response(MissingCadreSerializer(filterset.qs, many=True).data)
