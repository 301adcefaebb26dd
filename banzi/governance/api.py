"""The governance API under /api/v1/governance/: meetings (with members due and attendance), agenda
items and their decisions, the organizational-life rules, and the read-only compliance figures
(`compliance/`, `overview/`, `dual-life/`).

Reads go through `visible_to`; every write and every step (POST `meetings/{id}/attendance/`,
`agenda-items/{id}/decision/` …) goes through the same service as the pages, with the same rules.
Linked talks show who talked with whom, when and which kind only, never what was said."""
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from banzi.core import services as core_services
from banzi.core.api import BaseSerializer, ScopedFileField, ScopedModelViewSet, name_of
from banzi.core.errors import Code
from banzi.core.separation import WithinDuties
from banzi.org.models import Cadre, Organization
from banzi.tasks.api import ProblemSerializer

from . import filters, metrics, services
from .models import AgendaItem, Attendance, Meeting, Opinion, OrgLifeRule

TIMESTAMPS = ["created_at", "updated_at"]


def _cadres():
    return serializers.PrimaryKeyRelatedField(queryset=Cadre.objects.all())


class MeetingAttendanceSerializer(serializers.ModelSerializer):
    cadre_name = name_of("cadre.name")

    class Meta:
        model = Attendance
        fields = ["cadre", "cadre_name", "role", "present", "absence_reason", "self_criticism", "criticism_received"]


class LinkedTalkSerializer(serializers.Serializer):
    """A talk held before a democratic life meeting: who, with whom, when, which kind; never its content."""

    id = serializers.IntegerField()
    held_on = serializers.DateField()
    kind = serializers.CharField()
    talker_name = serializers.CharField(source="talker.name")
    talkee_name = serializers.CharField(source="talkee.name")


class MeetingSerializer(BaseSerializer):
    organization_name = name_of("organization.name")
    chair_name = name_of("chair.name")
    attachment = ScopedFileField("governance:meeting_file", read_only=True)
    members_due = serializers.PrimaryKeyRelatedField(
        queryset=Cadre.objects.all(), many=True, write_only=True, required=False,
        help_text="Members due (cadre ids); left out for a committee meeting: the township's team members on the day.")
    attendance = MeetingAttendanceSerializer(source="attendances", many=True, read_only=True)
    talks = LinkedTalkSerializer(many=True, read_only=True)
    rectifications = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "organization", "organization_name", "kind", "held_on", "topic", "chair", "chair_name",
                  "recorder", "lecturer", "duration_minutes", "members_due", "other_members_due",
                  "other_members_present", "minutes", "attachment", "opinions_solicited", "opinions_solicited_from",
                  "attendance", "talks", "rectifications", *TIMESTAMPS]
        read_only_fields = ["other_members_present"]


class MeetingAttendanceInputSerializer(serializers.Serializer):
    present = serializers.ListField(child=serializers.IntegerField(), help_text="Cadre ids of the members present.")
    absent = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False,
                                   help_text="Cadre id → reason for absence.")
    leaders = serializers.ListField(child=serializers.IntegerField(), required=False,
                                    help_text="Cadre ids of leaders from the level above who attended.")
    other_present = serializers.IntegerField(min_value=0, required=False, allow_null=True)


class LifeMeetingCriticismInputSerializer(serializers.Serializer):
    cadre = serializers.IntegerField()
    self_criticism = serializers.CharField()
    criticism_received = serializers.CharField(required=False, allow_blank=True, default="")


class LifeMeetingRectificationInputSerializer(serializers.Serializer):
    description = serializers.CharField()
    responsible = serializers.IntegerField()
    deadline = serializers.DateField()
    measures = serializers.CharField(required=False, allow_blank=True, default="")


def _cadre_map(user, ids):
    """The cadres of these ids the user may see; an unknown or hidden id is refused (400)."""
    found = Cadre.objects.visible_to(user).in_bulk(ids)
    missing = [i for i in ids if i not in found]
    if missing:
        raise serializers.ValidationError({"cadres": f"Unknown cadre ids: {missing}"}, code=Code.OUTSIDE_SCOPE)
    return found


class MeetingViewSet(ScopedModelViewSet):
    """Meetings: Party committee meetings, 三会一课, theme Party days, organizational life meetings,
    democratic appraisals, democratic life meetings and central-group studies."""

    queryset = (Meeting.objects.select_related("organization", "chair")
                .prefetch_related("attendances__cadre", "rectifications"))
    serializer_class = MeetingSerializer
    filterset_class = filters.MeetingFilterSet
    ordering_fields = ["held_on", "created_at"]
    save_service = staticmethod(services.save_meeting)
    delete_service = staticmethod(services.delete_meeting)

    def get_queryset(self):
        from banzi.talks.models import Talk

        # Only the talks the user may see, and of them only who, with whom, when and which kind.
        talks = Talk.objects.visible_to(self.request.user).select_related("talker", "talkee")
        return super().get_queryset().prefetch_related(Prefetch("talks", queryset=talks))

    def _respond(self, meeting, code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=meeting.pk)).data, status=code)

    @extend_schema(operation_id="governance_meetings_attendance", request=MeetingAttendanceInputSerializer,
                   responses={200: MeetingSerializer})
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        """Record the attendance: every member due present or absent with a reason."""
        meeting = self.get_object()
        params = MeetingAttendanceInputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        absent_ids = {int(k): v for k, v in (data.get("absent") or {}).items()}
        cadres = _cadre_map(request.user, [*data["present"], *absent_ids, *data.get("leaders", [])])
        core_services.run(
            services.record_attendance, request.user, meeting, present=[cadres[i] for i in data["present"]],
            absent={cadres[i]: reason for i, reason in absent_ids.items()},
            leaders=[cadres[i] for i in data.get("leaders", [])], other_present=data.get("other_present"))
        return self._respond(meeting)

    @extend_schema(operation_id="governance_meetings_criticism", request=LifeMeetingCriticismInputSerializer,
                   responses={200: MeetingSerializer})
    @action(detail=True, methods=["post"], step="criticism")
    def criticism(self, request, pk=None):
        """Democratic life meeting: a member's self-criticism points and the criticism received."""
        meeting = self.get_object()
        params = LifeMeetingCriticismInputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        cadre = _cadre_map(request.user, [data["cadre"]])[data["cadre"]]
        core_services.run(services.record_criticism, request.user, meeting, cadre,
                          self_criticism=data["self_criticism"], criticism_received=data["criticism_received"])
        return self._respond(meeting)

    @extend_schema(operation_id="governance_meetings_rectifications", request=LifeMeetingRectificationInputSerializer,
                   responses={201: ProblemSerializer})
    @action(detail=True, methods=["post"], step="rectification")
    def rectifications(self, request, pk=None):
        """Democratic life meeting: a rectification measure, put on the problem list."""
        meeting = self.get_object()
        params = LifeMeetingRectificationInputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        responsible = _cadre_map(request.user, [data["responsible"]])[data["responsible"]]
        problem = core_services.run(services.add_rectification, request.user, meeting,
                                    description=data["description"], responsible=responsible,
                                    deadline=data["deadline"], measures=data["measures"])
        return Response(ProblemSerializer(problem, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)


class OpinionSerializer(serializers.ModelSerializer):
    cadre_name = name_of("cadre.name")

    class Meta:
        model = Opinion
        fields = ["order", "cadre", "cadre_name", "stance", "note"]


class AgendaItemSerializer(BaseSerializer):
    meeting_name = name_of("meeting.topic")
    opinions = OpinionSerializer(many=True, read_only=True)

    class Meta:
        model = AgendaItem
        fields = ["id", "meeting", "meeting_name", "sort_order", "title", "category", "proposer", "description",
                  "reconsiders", "opinions", "votes_for", "votes_against", "votes_abstain", "outcome", "decided_on",
                  "decision", *TIMESTAMPS]
        read_only_fields = ["votes_for", "votes_against", "votes_abstain", "outcome", "decided_on", "decision"]


class OpinionInputSerializer(serializers.Serializer):
    cadre = serializers.IntegerField()
    stance = serializers.ChoiceField(choices=Opinion.Stance.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ItemDecisionInputSerializer(serializers.Serializer):
    opinions = OpinionInputSerializer(many=True, help_text="In speaking order; the chair last.")
    outcome = serializers.ChoiceField(choices=AgendaItem.Outcome.choices, help_text="passed, rejected or deferred")
    votes_for = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)
    votes_against = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)
    votes_abstain = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)
    decision = serializers.CharField(required=False, allow_blank=True, default="")


class AgendaItemViewSet(ScopedModelViewSet):
    """Agenda items (议题) and their decisions. A decided item is not changed; a new item that
    `reconsiders` it takes its place."""

    queryset = AgendaItem.objects.select_related("meeting").prefetch_related("opinions__cadre")
    serializer_class = AgendaItemSerializer
    filterset_class = filters.AgendaItemFilterSet
    ordering_fields = ["sort_order", "created_at"]
    save_service = staticmethod(services.save_agenda_item)

    @extend_schema(operation_id="governance_agenda_items_decision", request=ItemDecisionInputSerializer,
                   responses={200: AgendaItemSerializer})
    @action(detail=True, methods=["post"], step="decision")
    def decision(self, request, pk=None):
        """Record the decision: each present member's opinion in speaking order, the votes (counted
        from the opinions when left out) and the outcome; refused when a rule is broken."""
        item = self.get_object()
        params = ItemDecisionInputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        cadres = _cadre_map(request.user, [o["cadre"] for o in data["opinions"]])
        core_services.run(
            services.record_decision, request.user, item, opinions=[(cadres[o["cadre"]], o["stance"], o["note"]) for o in data["opinions"]],
            outcome=data["outcome"], votes_for=data["votes_for"], votes_against=data["votes_against"],
            votes_abstain=data["votes_abstain"], decision=data["decision"])
        return Response(self.get_serializer(self.get_queryset().get(pk=item.pk)).data)


class OrgLifeRuleSerializer(BaseSerializer):
    class Meta:
        model = OrgLifeRule
        fields = ["id", "organization_kind", "meeting_kind", "frequency", "min_attendance", "is_active", *TIMESTAMPS]


class OrgLifeRuleViewSet(ScopedModelViewSet):
    """The organizational-life rule table: organization kind × meeting kind → frequency and minimum
    attendance; read by everyone, kept by the county."""

    queryset = OrgLifeRule.objects.all()
    serializer_class = OrgLifeRuleSerializer
    filterset_class = filters.OrgLifeRuleFilterSet


# --- read-only figures ----------------------------------------------------------------------------

class ComplianceCellSerializer(serializers.Serializer):
    period = serializers.CharField(source="period.label")
    start = serializers.DateField(source="period.start")
    end = serializers.DateField(source="period.end")
    status = serializers.ChoiceField(choices=list(metrics.STATUS_LABELS))
    meetings = serializers.SerializerMethodField()

    def get_meetings(self, cell) -> list[int]:
        return [m.pk for m in cell.meetings]


class RuleRowSerializer(serializers.Serializer):
    meeting_kind = serializers.CharField(source="rule.meeting_kind")
    frequency = serializers.CharField(source="rule.frequency")
    min_attendance = serializers.CharField(source="rule.min_attendance")
    cells = ComplianceCellSerializer(many=True)


class ComplianceSerializer(serializers.Serializer):
    organization = serializers.IntegerField(source="organization.pk")
    organization_name = serializers.CharField(source="organization.name")
    held = serializers.SerializerMethodField()
    missing = serializers.SerializerMethodField()
    rate = serializers.IntegerField(allow_null=True, help_text="Held as a share of the due periods (%).")
    rows = RuleRowSerializer(many=True)

    def get_held(self, entry) -> int:
        return entry.count(metrics.HELD)

    def get_missing(self, entry) -> int:
        return entry.count(metrics.MISSING) + entry.count(metrics.SHORT)


class OverviewSerializer(serializers.Serializer):
    township = serializers.IntegerField(source="township.pk")
    township_name = serializers.CharField(source="township.name")
    organizations = serializers.IntegerField()
    held = serializers.IntegerField()
    missing = serializers.IntegerField()
    short = serializers.IntegerField()
    rate = serializers.IntegerField(allow_null=True)


class DualLifeSerializer(serializers.Serializer):
    cadre = serializers.IntegerField(source="membership.cadre_id")
    cadre_name = serializers.CharField(source="membership.cadre.name")
    township_name = serializers.CharField(source="membership.team.township.name")
    attended = serializers.IntegerField(source="count")
    minimum = serializers.IntegerField()
    short_by = serializers.IntegerField()


YEAR = OpenApiParameter("year", int, description="Calendar year (this year by default).")


def _year(request):
    return metrics.year_param(request.query_params.get("year"))


class FiguresViewSet(viewsets.ViewSet):
    permission_classes = [permissions.IsAuthenticated, WithinDuties]


class ComplianceViewSet(FiguresViewSet):
    """The compliance calendar for a year: per organization under a rule, each rule's periods held,
    short of the minimum attendance, missing or not yet due. Filter by `township` or `organization`."""

    @extend_schema(operation_id="governance_compliance", responses={200: ComplianceSerializer(many=True)}, parameters=[
        YEAR, OpenApiParameter("township", int), OpenApiParameter("organization", int)])
    def list(self, request):
        township = None
        if str(request.query_params.get("township", "")).isdigit():
            township = Organization.objects.visible_to(request.user).filter(pk=request.query_params["township"]).first()
        organizations = metrics.organizations_with_rules(request.user, township)
        if str(request.query_params.get("organization", "")).isdigit():
            organizations = organizations.filter(pk=request.query_params["organization"])
        entries = metrics.compliance(organizations, _year(request))
        return Response(ComplianceSerializer(entries, many=True).data)


class OverviewViewSet(FiguresViewSet):
    """The county overview for a year: per township, the organizations under rules and their held,
    missing and short periods."""

    @extend_schema(operation_id="governance_overview", responses={200: OverviewSerializer(many=True)},
                   parameters=[YEAR])
    def list(self, request):
        return Response(OverviewSerializer(metrics.county_overview(request.user, _year(request)), many=True).data)


class DualLifeViewSet(FiguresViewSet):
    """Team members' attendance at lower-level organizational life meetings in a year, against the minimum."""

    @extend_schema(operation_id="governance_dual_life", responses={200: DualLifeSerializer(many=True)},
                   parameters=[YEAR])
    def list(self, request):
        return Response(DualLifeSerializer(metrics.dual_org_life(request.user, _year(request)), many=True).data)
