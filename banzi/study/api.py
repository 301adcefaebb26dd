"""The study API under /api/v1/study/: group study sessions and attendance, personal study records
(a record's material and note only ever go to its own cadre), the duty catalog, lead-by-example
records and evidence, and read-only figures: the group study of every source, a team's yearly duty
matrix, a leader's duties and the per-person monthly totals."""
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from banzi.core import clock
from banzi.core.api import BaseSerializer, ScopedFileField, ScopedModelViewSet, name_of
from banzi.core.errors import Code
from banzi.core.separation import WithinDuties
from banzi.org.models import Cadre, Organization, Team

from . import filters, metrics, services
from .models import LeadDuty, LeadDutyEvidence, LeadDutyRecord, StudyAttendance, StudyRecord, StudySession
from .views import is_staff

TIMESTAMPS = ["created_at", "updated_at"]


class StudySessionSerializer(BaseSerializer):
    organization_name = name_of("organization.name")
    lecturer_display = serializers.CharField(read_only=True)

    class Meta:
        model = StudySession
        fields = ["id", "organization", "organization_name", "kind", "held_on", "minutes", "topic", "materials",
                  "lecturer", "lecturer_name", "lecturer_display", "notes", *TIMESTAMPS]


class StudyAttendanceSerializer(BaseSerializer):
    cadre_name = name_of("cadre.name")

    class Meta:
        model = StudyAttendance
        fields = ["id", "session", "cadre", "cadre_name", "role", "status", "absence_reason", *TIMESTAMPS]


class StudyRecordSerializer(BaseSerializer):
    cadre_name = name_of("cadre.name")

    class Meta:
        model = StudyRecord
        fields = ["id", "cadre", "cadre_name", "studied_on", "minutes", "material", "note", *TIMESTAMPS]
        extra_kwargs = {"material": {"help_text": _("Shown only to the cadre whose record it is.")},
                        "note": {"help_text": _("Shown only to the cadre whose record it is.")}}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if instance.cadre_id != getattr(getattr(request, "user", None), "cadre_id", None):
            data["material"] = data["note"] = None
        return data


class LeadDutySerializer(BaseSerializer):
    class Meta:
        model = LeadDuty
        fields = ["id", "key", "name", "description", "sort_order", "is_active", *TIMESTAMPS]
        read_only_fields = ["key"]


class LeadDutyRecordSerializer(BaseSerializer):
    cadre_name = name_of("cadre.name")
    duty_key = name_of("duty.key")

    class Meta:
        model = LeadDutyRecord
        fields = ["id", "cadre", "cadre_name", "duty", "duty_key", "done_on", "description", *TIMESTAMPS]


class LeadDutyEvidenceSerializer(BaseSerializer):
    file = ScopedFileField("study:leaddutyevidence_file")

    class Meta:
        model = LeadDutyEvidence
        fields = ["id", "record", "file", "caption", *TIMESTAMPS]


class StudySessionViewSet(ScopedModelViewSet):
    queryset = StudySession.objects.select_related("organization", "lecturer").order_by("-held_on", "-id")
    serializer_class = StudySessionSerializer
    filterset_class = filters.StudySessionFilterSet
    save_service = staticmethod(services.save_session)


class StudyAttendanceViewSet(ScopedModelViewSet):
    queryset = StudyAttendance.objects.select_related("cadre").order_by("session", "id")
    serializer_class = StudyAttendanceSerializer
    filterset_class = filters.StudyAttendanceFilterSet
    save_service = staticmethod(services.save_attendance)


class StudyRecordViewSet(ScopedModelViewSet):
    queryset = StudyRecord.objects.select_related("cadre").order_by("-studied_on", "-id")
    serializer_class = StudyRecordSerializer
    filterset_class = filters.StudyRecordFilterSet
    save_service = staticmethod(services.save_study_record)

    def perform_update(self, serializer):
        # A committee correcting a record never sees, and so may not overwrite, its material and note.
        if serializer.instance.cadre_id != getattr(self.request.user, "cadre_id", None):
            serializer.validated_data.pop("material", None)
            serializer.validated_data.pop("note", None)
        super().perform_update(serializer)


class LeadDutyViewSet(ScopedModelViewSet):
    queryset = LeadDuty.objects.all()
    serializer_class = LeadDutySerializer
    filterset_class = filters.LeadDutyFilterSet


class LeadDutyRecordViewSet(ScopedModelViewSet):
    queryset = LeadDutyRecord.objects.select_related("cadre", "duty").order_by("-done_on", "-id")
    serializer_class = LeadDutyRecordSerializer
    filterset_class = filters.LeadDutyRecordFilterSet
    save_service = staticmethod(services.save_duty_record)


class LeadDutyEvidenceViewSet(ScopedModelViewSet):
    queryset = LeadDutyEvidence.objects.select_related("record").order_by("record", "id")
    serializer_class = LeadDutyEvidenceSerializer
    filterset_class = filters.LeadDutyEvidenceFilterSet
    save_service = staticmethod(services.save_evidence)


# --- read-only figures ----------------------------------------------------------------------------

def _year(request):
    value = request.query_params.get("year", "")
    if not value:
        return clock.today().year
    if not value.isdigit() or not 2000 <= int(value) <= 2100:
        raise ValidationError({"year": _("Enter a year between 2000 and 2100.")}, code=Code.YEAR_OUT_OF_RANGE)
    return int(value)


def _month(request):
    value = request.query_params.get("month", "")
    if not value:
        return clock.today().month
    if not value.isdigit() or not 1 <= int(value) <= 12:
        raise ValidationError({"month": _("Enter a month from 1 to 12.")}, code=Code.OUT_OF_RANGE)
    return int(value)


class CreditSerializer(serializers.Serializer):
    date = serializers.DateField()
    label = serializers.CharField()
    url = serializers.CharField()
    source = serializers.CharField()
    source_id = serializers.IntegerField(allow_null=True)


class CellSerializer(serializers.Serializer):
    duty = serializers.CharField(help_text=_("The duty's key."))
    count = serializers.IntegerField(help_text=_("Records plus automatic credits."))
    records = serializers.ListField(child=serializers.IntegerField(), help_text=_("Ids of the leader's records."))
    credits = CreditSerializer(many=True)


class MatrixRowSerializer(serializers.Serializer):
    cadre = serializers.IntegerField()
    cadre_name = serializers.CharField()
    position = serializers.CharField()
    duties_shown = serializers.IntegerField()
    cells = CellSerializer(many=True)


class MatrixSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    team = serializers.IntegerField(allow_null=True)
    duties = LeadDutySerializer(many=True)
    rows = MatrixRowSerializer(many=True)


def _matrix_data(matrix, team=None):
    rows = []
    for label, cadre, cells in matrix.rows:
        rows.append({
            "cadre": cadre.pk, "cadre_name": cadre.name, "position": label,
            "duties_shown": sum(1 for cell in cells if cell.count),
            "cells": [{"duty": duty.key, "count": cell.count, "records": [r.pk for r in cell.records],
                       "credits": [{"date": c.date, "label": c.label, "url": c.url, "source": c.source,
                                    "source_id": c.source_id} for c in cell.credits]}
                      for duty, cell in zip(matrix.duties, cells, strict=True)],
        })
    return {"year": matrix.year, "team": team.pk if team else None, "duties": matrix.duties, "rows": rows}


class StaffOnly(permissions.BasePermission):
    def has_permission(self, request, view):
        return is_staff(request.user)


@extend_schema(tags=["study"], responses=MatrixSerializer, parameters=[
    OpenApiParameter("year", int, description=_("Defaults to this year.")),
])
class TeamMatrixView(APIView):
    """A leadership team's yearly lead-by-example matrix (its current members × the active duties)."""

    permission_classes = [permissions.IsAuthenticated, WithinDuties, StaffOnly]

    def get(self, request, pk):
        team = get_object_or_404(Team.objects.visible_to(request.user), pk=pk)
        matrix = metrics.team_matrix(team, _year(request))
        return Response(MatrixSerializer(_matrix_data(matrix, team), context={"request": request}).data)


@extend_schema(tags=["study"], responses=MatrixSerializer, parameters=[
    OpenApiParameter("year", int, description=_("Defaults to this year.")),
])
class LeaderDutiesView(APIView):
    """One leader's duties in a year, with every proof (a cadre may read only their own)."""

    permission_classes = [permissions.IsAuthenticated, WithinDuties]

    def get(self, request, pk):
        cadre = get_object_or_404(Cadre.objects.visible_to(request.user), pk=pk)
        matrix = metrics.duty_matrix([cadre], _year(request))
        return Response(MatrixSerializer(_matrix_data(matrix), context={"request": request}).data)


class MonthlyTotalSerializer(serializers.Serializer):
    cadre = serializers.IntegerField(source="pk")
    cadre_name = serializers.CharField(source="name")
    organization = serializers.IntegerField(source="organization_id")
    days = serializers.IntegerField(source="study_days")
    minutes = serializers.IntegerField(source="study_minutes")


@extend_schema(tags=["study"], responses=MonthlyTotalSerializer(many=True), parameters=[
    OpenApiParameter("year", int, description=_("Defaults to this year.")),
    OpenApiParameter("month", int, description=_("1 to 12; defaults to this month.")),
    OpenApiParameter("township", int, description=_("Only this township's cadres.")),
])
class MonthlyTotalsView(APIView):
    """Per person, a month's daily study (days with a record, minutes): no notes, no ranking."""

    permission_classes = [permissions.IsAuthenticated, WithinDuties, StaffOnly]

    def get(self, request):
        township = None
        value = request.query_params.get("township", "")
        if value:
            township = Organization.objects.visible_to(request.user).filter(
                kind=Organization.Kind.TOWNSHIP, pk=value if value.isdigit() else 0).first()
            if township is None:
                raise ValidationError({"township": _("Choose a township you may see.")}, code=Code.OUTSIDE_SCOPE)
        rows = metrics.monthly_totals(request.user, _year(request), _month(request), township)
        return Response(MonthlyTotalSerializer(rows, many=True).data)


class GroupStudySerializer(serializers.Serializer):
    organization = serializers.IntegerField(source="organization_id")
    date = serializers.DateField()
    kind = serializers.CharField()
    topic = serializers.CharField()
    minutes = serializers.IntegerField()
    attendees = serializers.SerializerMethodField()
    lecturer = serializers.IntegerField(source="lecturer_id", allow_null=True)
    url = serializers.CharField()
    source = serializers.CharField()
    source_id = serializers.IntegerField(allow_null=True)

    def get_attendees(self, study) -> list[int]:
        return sorted(study.attendee_ids)


@extend_schema(tags=["study"], responses=GroupStudySerializer(many=True), parameters=[
    OpenApiParameter("year", int, description=_("Defaults to this year.")),
    OpenApiParameter("month", int, description=_("1 to 12; defaults to this month.")),
    OpenApiParameter("organization", int, description=_("Only this organization's group study.")),
])
class GroupStudiesView(APIView):
    """The study calendar: a month's group study from every source (study sessions, meetings …)."""

    permission_classes = [permissions.IsAuthenticated, WithinDuties]

    def get(self, request):
        user = request.user
        ids = None
        value = request.query_params.get("organization", "")
        if value:
            ids = {int(value) if value.isdigit() else 0}
        if getattr(user, "role", None) == "cadre":
            if not user.cadre_id:
                raise PermissionDenied
            ids = {Cadre.objects.get(pk=user.cadre_id).organization_id}
        days = metrics.organization_calendar(user, _year(request), _month(request), ids)
        studies = [s for day in sorted(days) for s in days[day]]
        return Response(GroupStudySerializer(studies, many=True).data)
