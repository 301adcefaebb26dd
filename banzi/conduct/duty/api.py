"""Overnight duty and attendance API under /api/v1/conduct/: rosters (with a publish action),
shifts (with the cadre's check-in), swaps (approve / refuse), check-ins, spot checks (an absence
becomes a violation candidate), attendance records, tonight's duty and the monthly attendance summary.

Reads go through `visible_to`; every write and step goes through the same service as the pages."""
import datetime

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from banzi.core import clock
from banzi.core.api import BaseSerializer, ScopedModelViewSet, name_of
from banzi.org.filters import townships

from . import attendance, filters, metrics, services
from .models import AttendanceRecord, DutyCheckIn, DutyRoster, DutyShift, DutySwap, SpotCheck, current_night

TIMESTAMPS = ["created_at", "updated_at"]




class DutyRosterSerializer(BaseSerializer):
    township_name = name_of("township.name")

    class Meta:
        model = DutyRoster
        fields = ["id", "township", "township_name", "year", "month", "status", "published_at", "notes", *TIMESTAMPS]
        read_only_fields = ["status", "published_at"]


class DutyShiftSerializer(BaseSerializer):
    township = serializers.IntegerField(source="roster.township_id", read_only=True)
    leader_name = name_of("leader.name")
    staff_name = name_of("staff.name")

    class Meta:
        model = DutyShift
        fields = ["id", "roster", "township", "date", "leader", "leader_name", "staff", "staff_name", "notes",
                  *TIMESTAMPS]


class DutySwapSerializer(BaseSerializer):
    requested_by_name = name_of("requested_by.name")
    replacement_name = name_of("replacement.name")

    class Meta:
        model = DutySwap
        fields = ["id", "shift", "requested_by", "requested_by_name", "replacement", "replacement_name", "reason",
                  "status", "decided_at", "decision_note", *TIMESTAMPS]
        read_only_fields = ["status", "decided_at", "decision_note"]


class DutyCheckInSerializer(BaseSerializer):
    cadre_name = name_of("cadre.name")

    class Meta:
        model = DutyCheckIn
        fields = ["id", "shift", "cadre", "cadre_name", "checked_in_at", "location", "note", *TIMESTAMPS]


class SpotCheckSerializer(BaseSerializer):
    cadre_name = name_of("cadre.name")

    class Meta:
        model = SpotCheck
        fields = ["id", "township", "duty_date", "shift", "cadre", "cadre_name", "checked_at", "method", "result",
                  "notes", *TIMESTAMPS]
        read_only_fields = ["shift"]


class AttendanceRecordSerializer(BaseSerializer):
    cadre_name = name_of("cadre.name")

    class Meta:
        model = AttendanceRecord
        fields = ["id", "cadre", "cadre_name", "organization", "date", "status", "note", *TIMESTAMPS]
        read_only_fields = ["organization"]


class CheckInInputSerializer(serializers.Serializer):
    location = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class DecisionInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class DutyRosterViewSet(ScopedModelViewSet):
    """Monthly overnight duty rosters of the townships; drafted, then published."""

    queryset = DutyRoster.objects.select_related("township")
    serializer_class = DutyRosterSerializer
    filterset_class = filters.DutyRosterFilterSet
    save_service = staticmethod(services.save_roster)

    @extend_schema(operation_id="conduct_duty_rosters_publish", request=None, responses={200: DutyRosterSerializer})
    @action(detail=True, methods=["post"], step="publish")
    def publish(self, request, pk=None):
        """Publish a drafted roster that has its nights."""
        return self.run_step(request, services.publish_roster)


class DutyShiftViewSet(ScopedModelViewSet):
    """The nights of the rosters: leader on duty (a team member) and staff on duty (a township cadre)."""

    queryset = DutyShift.objects.select_related("roster", "leader", "staff")
    serializer_class = DutyShiftSerializer
    filterset_class = filters.DutyShiftFilterSet
    save_service = staticmethod(services.save_shift)

    @extend_schema(operation_id="conduct_duty_shifts_check_in", request=CheckInInputSerializer,
                   responses={201: DutyCheckInSerializer})
    # A cadre may not change shifts, but checks in for their own night (the lifecycle names them).
    @action(detail=True, methods=["post"], url_path="check-in", step="check_in")
    def check_in(self, request, pk=None):
        """The cadre on duty checks in for the night (now)."""
        return self.run_step(request, services.check_in, CheckInInputSerializer,
                             result_serializer=DutyCheckInSerializer, status=status.HTTP_201_CREATED)


class DutySwapViewSet(ScopedModelViewSet):
    """Swaps asked for by the cadre on duty and decided by the township Party committee."""

    queryset = DutySwap.objects.select_related("requested_by", "replacement")
    serializer_class = DutySwapSerializer
    filterset_class = filters.DutySwapFilterSet
    save_service = staticmethod(services.save_swap)

    @extend_schema(operation_id="conduct_duty_swaps_approve", request=DecisionInputSerializer,
                   responses={200: DutySwapSerializer})
    @action(detail=True, methods=["post"], step="approve")
    def approve(self, request, pk=None):
        """Approve: the replacement takes the requester's place on the night."""
        return self.run_step(request, services.approve_swap, DecisionInputSerializer)

    @extend_schema(operation_id="conduct_duty_swaps_reject", request=DecisionInputSerializer,
                   responses={200: DutySwapSerializer})
    @action(detail=True, methods=["post"], step="reject")
    def reject(self, request, pk=None):
        """Refuse, with the reason in `note`."""
        return self.run_step(request, services.reject_swap, DecisionInputSerializer)


class DutyCheckInViewSet(ScopedModelViewSet):
    queryset = DutyCheckIn.objects.select_related("cadre")
    serializer_class = DutyCheckInSerializer
    filterset_class = filters.DutyCheckInFilterSet
    save_service = staticmethod(services.save_check_in)


class SpotCheckViewSet(ScopedModelViewSet):
    """Spot checks of the nights on duty; an absence becomes a violation candidate for the department."""

    queryset = SpotCheck.objects.select_related("cadre")
    serializer_class = SpotCheckSerializer
    filterset_class = filters.SpotCheckFilterSet
    save_service = staticmethod(services.save_spot_check)
    delete_service = staticmethod(services.delete_spot_check)


class AttendanceRecordViewSet(ScopedModelViewSet):
    queryset = AttendanceRecord.objects.select_related("cadre")
    serializer_class = AttendanceRecordSerializer
    filterset_class = filters.AttendanceRecordFilterSet
    save_service = staticmethod(services.save_attendance)


class TonightSerializer(serializers.Serializer):
    date = serializers.DateField()
    shifts = serializers.IntegerField(help_text="published nights on this date")
    on_duty = serializers.IntegerField(help_text="cadres on duty (leader and staff of each night)")
    checked_in = serializers.IntegerField()
    spot_checks = serializers.IntegerField()
    absent = serializers.IntegerField()


class TonightView(APIView):
    """Tonight's (or `date`'s) overnight duty figures in the user's scope."""

    @extend_schema(operation_id="conduct_duty_tonight", responses={200: TonightSerializer},
                   parameters=[OpenApiParameter("date", OpenApiTypes.DATE, required=False)])
    def get(self, request):
        try:
            day = datetime.date.fromisoformat(request.query_params.get("date", ""))
        except ValueError:
            day = current_night()
        return Response(TonightSerializer(metrics.tonight(request.user, day)).data)


class SummaryRowSerializer(serializers.Serializer):
    cadre = serializers.IntegerField(source="cadre.pk")
    name = serializers.CharField(source="label")
    organization = serializers.CharField()
    counts = serializers.DictField(child=serializers.IntegerField(),
                                   help_text="days by status: present, leave, business_trip, outing, absent, "
                                             "not_recorded")


class AttendanceSummaryView(APIView):
    """The month's attendance per cadre, with leave and outing days derived from approved requests."""

    @extend_schema(operation_id="conduct_attendance_summary", responses={200: SummaryRowSerializer(many=True)},
                   parameters=[OpenApiParameter("year", OpenApiTypes.INT, required=False),
                               OpenApiParameter("month", OpenApiTypes.INT, required=False),
                               OpenApiParameter("township", OpenApiTypes.INT, required=False)])
    def get(self, request):
        today = clock.today()
        try:
            year = int(request.query_params.get("year") or today.year)
            month = int(request.query_params.get("month") or today.month)
            datetime.date(year, month, 1)
        except ValueError:
            return Response({"detail": "year and month must form a valid month"}, status=status.HTTP_400_BAD_REQUEST)
        township = townships(request).filter(pk=request.query_params.get("township") or 0).first()
        rows, _totals = attendance.monthly_summary(request.user, year, month, township=township)
        for row in rows:
            row.counts = {column: row.counts.get(column, 0) for column in attendance.COLUMNS}
        return Response(SummaryRowSerializer(rows, many=True).data)
