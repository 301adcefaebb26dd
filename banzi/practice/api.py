"""The frontline-practice API under /api/v1/practice/: village rectifications, rectification working
groups, postings and their work logs, mentoring pairs and their meetings, study visits; and the
read-only figures (enterprise service, the rectification campaign, hard-place tempering,
mentoring). Reads go through `visible_to`; every write goes through the same service as the pages."""
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from banzi.core.api import BaseSerializer, ScopedModelViewSet, name_of
from banzi.core.separation import WithinDuties

from . import filters, metrics, services
from .models import (
    Mentorship,
    MentorshipMeeting,
    Posting,
    RectificationGroup,
    StudyVisit,
    VillageRectification,
    WorkLog,
)

TIMESTAMPS = ["created_at", "updated_at"]




class VillageRectificationSerializer(BaseSerializer):
    village_name = name_of("designation.organization.name")

    class Meta:
        model = VillageRectification
        fields = ["id", "designation", "village_name", "target", "measures", "due_on", "progress", "progress_note",
                  "reported_on", *TIMESTAMPS]


class VillageRectificationViewSet(ScopedModelViewSet):
    """The rectification target and progress of a designated village."""

    queryset = VillageRectification.objects.select_related("designation__organization")
    serializer_class = VillageRectificationSerializer
    filterset_class = filters.VillageRectificationFilterSet
    save_service = staticmethod(services.save_rectification)


class RectificationGroupSerializer(BaseSerializer):
    township_name = name_of("township.name")
    leader_name = name_of("leader.name")

    class Meta:
        model = RectificationGroup
        fields = ["id", "township", "township_name", "campaign", "year", "leader", "leader_name", "started_on",
                  "ended_on", "tasks", "summary", *TIMESTAMPS]


class RectificationGroupViewSet(ScopedModelViewSet):
    """Rectification working groups: one per township per campaign, led by a member of the township's team."""

    queryset = RectificationGroup.objects.select_related("township", "leader")
    serializer_class = RectificationGroupSerializer
    filterset_class = filters.RectificationGroupFilterSet
    save_service = staticmethod(services.save_group)


class PostingSerializer(BaseSerializer):
    cadre_name = name_of("cadre.name")
    organization_name = name_of("organization.name")
    log_count = serializers.IntegerField(read_only=True, default=0)  # annotated; a new posting has none

    class Meta:
        model = Posting
        fields = ["id", "cadre", "cadre_name", "kind", "organization", "organization_name", "group", "started_on",
                  "ended_on", "goals", "result", "result_note", "log_count", *TIMESTAMPS]


class PostingViewSet(ScopedModelViewSet):
    """Postings: first secretary (to a designated village), rectification working group member,
    enterprise service, other frontline tempering."""

    queryset = Posting.objects.select_related("cadre", "organization").annotate(log_count=Count("logs")).order_by(
        "-started_on", "-id")
    serializer_class = PostingSerializer
    filterset_class = filters.PostingFilterSet
    ordering_fields = ["started_on", "ended_on"]
    save_service = staticmethod(services.save_posting)


class WorkLogSerializer(BaseSerializer):
    class Meta:
        model = WorkLog
        fields = ["id", "posting", "logged_on", "visits", "problems_found", "problems_solved", "content", *TIMESTAMPS]


class WorkLogViewSet(ScopedModelViewSet):
    """Work logs of postings, each dated within its posting."""

    queryset = WorkLog.objects.select_related("posting")
    serializer_class = WorkLogSerializer
    filterset_class = filters.WorkLogFilterSet
    ordering_fields = ["logged_on"]
    save_service = staticmethod(services.save_work_log)


class MentorshipSerializer(BaseSerializer):
    mentor_name = name_of("mentor.name")
    mentee_name = name_of("mentee.name")

    class Meta:
        model = Mentorship
        fields = ["id", "mentor", "mentor_name", "mentee", "mentee_name", "started_on", "ended_on", "goals",
                  "mentor_evaluation", "mentee_evaluation", *TIMESTAMPS]


class MentorshipViewSet(ScopedModelViewSet):
    """Mentoring pairs (传帮带): one to one, one active mentor per mentee."""

    queryset = Mentorship.objects.select_related("mentor", "mentee")
    serializer_class = MentorshipSerializer
    filterset_class = filters.MentorshipFilterSet
    ordering_fields = ["started_on"]
    save_service = staticmethod(services.save_mentorship)


class MentorshipMeetingSerializer(BaseSerializer):
    class Meta:
        model = MentorshipMeeting
        fields = ["id", "mentorship", "met_on", "topic", "notes", *TIMESTAMPS]


class MentorshipMeetingViewSet(ScopedModelViewSet):
    """Meetings of mentoring pairs."""

    queryset = MentorshipMeeting.objects.select_related("mentorship")
    serializer_class = MentorshipMeetingSerializer
    filterset_class = filters.MentorshipMeetingFilterSet
    ordering_fields = ["met_on"]
    save_service = staticmethod(services.save_meeting)


class StudyVisitSerializer(BaseSerializer):
    host_name = name_of("host.name")

    class Meta:
        model = StudyVisit
        fields = ["id", "title", "organization", "host", "host_name", "visited_on", "participants", "learned",
                  *TIMESTAMPS]


class StudyVisitViewSet(ScopedModelViewSet):
    """Study visits to model units, with their participants."""

    queryset = StudyVisit.objects.select_related("host").prefetch_related("participants")
    serializer_class = StudyVisitSerializer
    filterset_class = filters.StudyVisitFilterSet
    ordering_fields = ["visited_on"]
    save_service = staticmethod(services.save_visit)


# --- read-only figures ------------------------------------------------------------------------

class TownshipServiceSerializer(serializers.Serializer):
    township = serializers.CharField()
    cadres = serializers.IntegerField()
    enterprises = serializers.IntegerField()
    problems_found = serializers.IntegerField()
    problems_solved = serializers.IntegerField()
    visits = serializers.IntegerField()


class EnterpriseCadresSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    cadres = serializers.ListField(child=serializers.CharField())


class CadreEnterprisesSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    enterprises = serializers.ListField(child=serializers.CharField())


class EnterpriseServiceSerializer(serializers.Serializer):
    on = serializers.DateField()
    cadres = serializers.IntegerField(help_text=_("cadres serving at least one enterprise"))
    enterprises = serializers.IntegerField(help_text=_("enterprises served by at least one cadre"))
    postings = serializers.IntegerField()
    leading_or_reserve = serializers.IntegerField(help_text=_("of the cadres: team members or reserve cadres"))
    problems_found = serializers.IntegerField()
    problems_solved = serializers.IntegerField()
    visits = serializers.IntegerField()
    by_township = TownshipServiceSerializer(many=True)
    per_enterprise = EnterpriseCadresSerializer(many=True)
    per_cadre = CadreEnterprisesSerializer(many=True)


class CampaignRowSerializer(serializers.Serializer):
    township = serializers.CharField()
    group = serializers.IntegerField(allow_null=True)
    leader = serializers.CharField(allow_null=True)
    members = serializers.IntegerField()
    villages = serializers.IntegerField()
    lifted = serializers.IntegerField()
    progress = serializers.IntegerField(allow_null=True, help_text=_("average progress (%) of the villages"))


class CampaignSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    groups = serializers.IntegerField()
    villages = serializers.IntegerField()
    lifted = serializers.IntegerField()
    rows = CampaignRowSerializer(many=True)


class TemperingRowSerializer(serializers.Serializer):
    cadre = serializers.IntegerField()
    name = serializers.CharField()
    township = serializers.CharField()
    position = serializers.CharField()
    posting = serializers.IntegerField(allow_null=True)
    since = serializers.DateField(allow_null=True)


class TemperingSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    tempered = serializers.IntegerField()
    rows = TemperingRowSerializer(many=True)


class MentoringRowSerializer(serializers.Serializer):
    township = serializers.CharField()
    active = serializers.IntegerField()
    ended = serializers.IntegerField()
    without_mentor = serializers.IntegerField()


class MentoringSerializer(serializers.Serializer):
    active = serializers.IntegerField()
    newly_appointed = serializers.IntegerField()
    rows = MentoringRowSerializer(many=True)
    without_mentor = serializers.ListField(child=serializers.CharField())


class FigureView(APIView):
    permission_classes = [permissions.IsAuthenticated, WithinDuties]


YEAR = OpenApiParameter("year", int, description="the campaign's year (default: this year)")


class EnterpriseServiceFigures(FigureView):
    @extend_schema(operation_id="practice_figures_enterprise_service", responses=EnterpriseServiceSerializer)
    def get(self, request):
        """Cadres serving enterprises today: per enterprise, per cadre, problems by township."""
        s = metrics.enterprise_service(request.user)
        data = {**s, "problems_found": s["found"], "problems_solved": s["solved"],
                "by_township": [{**r, "township": r["township"].name, "problems_found": r["found"],
                                 "problems_solved": r["solved"]} for r in s["by_township"]]}
        return Response(EnterpriseServiceSerializer(data).data)


class CampaignFigures(FigureView):
    @extend_schema(operation_id="practice_figures_campaign", parameters=[YEAR], responses=CampaignSerializer)
    def get(self, request):
        """The county's rectification campaign: each township's group, villages covered and lifted."""
        try:
            year = int(request.query_params.get("year") or 0) or None
        except ValueError:
            year = None
        o = metrics.campaign_overview(request.user, year)
        rows = [{**r, "township": r["township"].name, "group": r["group"].pk if r["group"] else None,
                 "leader": r["leader"].name if r["leader"] else None} for r in o["rows"]]
        return Response(CampaignSerializer({**o, "rows": rows}).data)


class TemperingFigures(FigureView):
    @extend_schema(operation_id="practice_figures_tempering", responses=TemperingSerializer)
    def get(self, request):
        """Newly appointed team members and their first hard-place posting (null: none yet)."""
        t = metrics.tempering(request.user)
        rows = [{"cadre": r["cadre"].pk, "name": r["cadre"].name, "township": r["township"].name,
                 "position": r["membership"].position.name, "posting": r["posting"].pk if r["posting"] else None,
                 "since": r["since"]} for r in t["rows"]]
        return Response(TemperingSerializer({**t, "rows": rows}).data)


class MentoringFigures(FigureView):
    @extend_schema(operation_id="practice_figures_mentoring", responses=MentoringSerializer)
    def get(self, request):
        """Active mentoring pairs per township and the newly appointed team members without a mentor."""
        m = metrics.mentoring(request.user)
        rows = [{**r, "township": r["township"].name} for r in m["rows"]]
        return Response(MentoringSerializer({**m, "rows": rows,
                                             "without_mentor": [x.cadre.name for x in m["without_mentor"]]}).data)
