"""The training API under /api/v1/training/: topics, lecturers, programs, sessions, enrollments,
attendances and needs (read through `visible_to`, written through the same services as the pages),
and the figures as read-only endpoints: statistics of a year, each cadre's hours against the
minimum (the shortfall list with `short=true`), and the needs no upcoming program covers."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from banzi.core import clock
from banzi.core.api import BaseSerializer, ScopedModelViewSet, name_of
from banzi.core.separation import WithinDuties
from banzi.org.models import Organization

from . import filters, metrics, services
from .models import (
    Attendance,
    Enrollment,
    Lecturer,
    TrainingNeed,
    TrainingProgram,
    TrainingSession,
    TrainingTopic,
)

TIMESTAMPS = ["created_at", "updated_at"]


class TrainingViewSet(ScopedModelViewSet):
    """Related choices a user may use but not change (a county program for a township) are refused
    by the service with 403."""


class TrainingTopicSerializer(BaseSerializer):
    class Meta:
        model = TrainingTopic
        fields = ["id", "name", "description", "sort_order", "is_active", *TIMESTAMPS]


class TrainingTopicViewSet(TrainingViewSet):
    queryset = TrainingTopic.objects.all()
    serializer_class = TrainingTopicSerializer
    filterset_class = filters.TrainingTopicFilterSet


class LecturerSerializer(BaseSerializer):
    organization_name = name_of("organization.name")

    class Meta:
        model = Lecturer
        fields = ["id", "name", "affiliation_kind", "affiliation", "title", "organization", "organization_name",
                  *TIMESTAMPS]


class LecturerViewSet(TrainingViewSet):
    queryset = Lecturer.objects.select_related("organization")
    serializer_class = LecturerSerializer
    filterset_class = filters.LecturerFilterSet


class TrainingProgramSerializer(BaseSerializer):
    organizer_name = name_of("organizer.name")

    class Meta:
        model = TrainingProgram
        fields = ["id", "name", "kind", "organizer", "organizer_name", "start_on", "end_on", "location",
                  "target_group", "topics", "description", *TIMESTAMPS]


class TrainingProgramViewSet(TrainingViewSet):
    queryset = TrainingProgram.objects.select_related("organizer").prefetch_related("topics")
    serializer_class = TrainingProgramSerializer
    filterset_class = filters.TrainingProgramFilterSet
    save_service = staticmethod(services.save_program)


class TrainingSessionSerializer(BaseSerializer):
    program_name = name_of("program.name")
    topic_name = name_of("topic.name")
    lecturer_name = name_of("lecturer.name")

    class Meta:
        model = TrainingSession
        fields = ["id", "program", "program_name", "title", "topic", "topic_name", "lecturer", "lecturer_name",
                  "held_on", "starts_at", "ends_at", "credit_hours", "location", *TIMESTAMPS]


class TrainingSessionViewSet(TrainingViewSet):
    queryset = TrainingSession.objects.select_related("program", "topic", "lecturer")
    serializer_class = TrainingSessionSerializer
    filterset_class = filters.TrainingSessionFilterSet
    save_service = staticmethod(services.save_session)


class EnrollmentSerializer(BaseSerializer):
    program_name = name_of("program.name")
    cadre_name = name_of("cadre.name")

    class Meta:
        model = Enrollment
        fields = ["id", "program", "program_name", "cadre", "cadre_name", "note", *TIMESTAMPS]


class EnrollmentViewSet(TrainingViewSet):
    queryset = Enrollment.objects.select_related("program", "cadre")
    serializer_class = EnrollmentSerializer
    filterset_class = filters.EnrollmentFilterSet
    save_service = staticmethod(services.save_enrollment)


class AttendanceSerializer(BaseSerializer):
    session_title = name_of("session.title")
    cadre_name = name_of("cadre.name")

    class Meta:
        model = Attendance
        fields = ["id", "session", "session_title", "cadre", "cadre_name", "status", "note", *TIMESTAMPS]


class AttendanceViewSet(TrainingViewSet):
    queryset = Attendance.objects.select_related("session", "cadre")
    serializer_class = AttendanceSerializer
    filterset_class = filters.AttendanceFilterSet
    save_service = staticmethod(services.save_attendance)


class TrainingNeedSerializer(BaseSerializer):
    organization_name = name_of("organization.name")
    cadre_name = name_of("cadre.name")
    topic_name = name_of("topic.name")

    class Meta:
        model = TrainingNeed
        fields = ["id", "organization", "organization_name", "cadre", "cadre_name", "topic", "topic_name", "source",
                  "note", "raised_on", "status", "met_by", *TIMESTAMPS]


class TrainingNeedViewSet(TrainingViewSet):
    queryset = TrainingNeed.objects.select_related("organization", "cadre", "topic")
    serializer_class = TrainingNeedSerializer
    filterset_class = filters.TrainingNeedFilterSet
    save_service = staticmethod(services.save_need)


# --- figures (read-only) -----------------------------------------------------------------------

YEAR = OpenApiParameter("year", int, description=_("The year; defaults to this year."))
TOWNSHIP = OpenApiParameter("township", int, description=_("A township's id: its cadres only."))


def _year(request):
    value = request.query_params.get("year", "")
    return int(value) if value.isdigit() else clock.today().year


def _township(request):
    value = request.query_params.get("township", "")
    if not value.isdigit():
        return None
    return Organization.objects.visible_to(request.user).filter(kind=Organization.Kind.TOWNSHIP, pk=value).first()


class GroupSerializer(serializers.Serializer):
    key = serializers.CharField(allow_null=True)
    label = serializers.CharField()
    person_times = serializers.IntegerField()
    people = serializers.IntegerField()


class SummarySerializer(serializers.Serializer):
    person_times = serializers.IntegerField()
    people = serializers.IntegerField()
    programs = serializers.IntegerField()
    sessions = serializers.IntegerField()
    credit_hours = serializers.DecimalField(max_digits=12, decimal_places=1)


class MinimumSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    credit_hours = serializers.DecimalField(max_digits=6, decimal_places=1)


class StatisticsSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    summary = SummarySerializer()
    minimum = MinimumSerializer()
    cadres = serializers.IntegerField()
    cadres_meeting = serializers.IntegerField()
    cadres_short = serializers.IntegerField()
    by_program = GroupSerializer(many=True)
    by_kind = GroupSerializer(many=True)
    by_topic = GroupSerializer(many=True)
    by_organization = GroupSerializer(many=True)
    by_township = GroupSerializer(many=True)
    by_month = GroupSerializer(many=True)


class StatisticsView(APIView):
    """The year's training figures in the user's scope, computed from attendance records."""

    permission_classes = [IsAuthenticated, WithinDuties]

    @extend_schema(operation_id="training_statistics", parameters=[YEAR, TOWNSHIP], responses=StatisticsSerializer)
    def get(self, request):
        stats = metrics.statistics(request.user, _year(request), township=_township(request))
        return Response(StatisticsSerializer(stats).data)


class CadreHoursSerializer(serializers.Serializer):
    cadre = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    organization_name = serializers.CharField(source="organization.name")
    training_days = serializers.IntegerField()
    credit_hours = serializers.DecimalField(max_digits=8, decimal_places=1)
    meets = serializers.SerializerMethodField()
    days_needed = serializers.SerializerMethodField()
    credit_hours_needed = serializers.SerializerMethodField()

    def _rule(self):
        if "rule" not in self.context:
            self.context["rule"] = metrics.minimum()
        return self.context["rule"]

    def get_meets(self, cadre) -> bool:
        return metrics.meets(cadre.training_days, cadre.credit_hours, self._rule())

    def get_days_needed(self, cadre) -> int:
        return metrics.needs(cadre.training_days, cadre.credit_hours, self._rule())["days"]

    def get_credit_hours_needed(self, cadre) -> float:
        return float(metrics.needs(cadre.training_days, cadre.credit_hours, self._rule())["credit_hours"])


class CadreHoursView(ListAPIView):
    """Each active cadre's training days and credit hours in the year against the minimum;
    `short=true` lists only those below it (the shortfall list)."""

    permission_classes = [IsAuthenticated, WithinDuties]
    serializer_class = CadreHoursSerializer

    def get_queryset(self):
        qs = metrics.cadre_hours(self.request.user, _year(self.request), township=_township(self.request))
        if self.request.query_params.get("short") in ("true", "1"):
            qs = metrics.shortfall(qs)
        return qs.select_related("organization").order_by("organization__name", "name_pinyin", "id")

    @extend_schema(operation_id="training_hours", parameters=[
        YEAR, TOWNSHIP, OpenApiParameter("short", bool, description=_("Only cadres below the minimum."))])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class UncoveredNeedsView(APIView):
    """The open training needs that no upcoming program covers."""

    permission_classes = [IsAuthenticated, WithinDuties]

    @extend_schema(operation_id="training_needs_uncovered", responses=TrainingNeedSerializer(many=True))
    def get(self, request):
        needs = metrics.uncovered_needs(request.user)
        return Response(TrainingNeedSerializer(needs, many=True, context={"request": request}).data)
