"""The battle map's and the bulletins' figures under /api/v1/tasks/, computed from the records the
user may see, exactly as the pages compute them:

- `figures/battle-map/`: the implementation rate, the traffic lights and the entries of a scope —
  the county (a row per township), a township (`?township=<id>`, a row per team member) or a person
  (`?cadre=<id>`) — for a year (`?year=`). Without a scope, the user's own: the county for the county
  department and the auditor, the township for a township committee, themselves for a cadre.
- `bulletins/{id}/figures/`: everything a bulletin contains (its downloads are on the bulletin page).

A scope or bulletin the user may not see is a 404, as everywhere.
"""
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from banzi.core.separation import WithinDuties

from . import bulletin_documents, metrics
from .boards import battle_map_scope, battle_map_year
from .models import Bulletin, Problem

STATE_CHOICES = list(metrics.STATES)


class BoardRateSerializer(serializers.Serializer):
    due = serializers.IntegerField(help_text=_("Tasks and supervised items due in the period (as of today)."))
    on_time = serializers.IntegerField(help_text=_("Of those, the ones done by their deadline."))
    percent = serializers.FloatField(allow_null=True, help_text=_("on_time ÷ due in %; null when nothing was due."))
    target = serializers.IntegerField()


class BoardCountsSerializer(serializers.Serializer):
    on_track = serializers.IntegerField()
    at_risk = serializers.IntegerField()
    overdue = serializers.IntegerField()
    done = serializers.IntegerField()
    cancelled = serializers.IntegerField()


class BoardStateSerializer(serializers.Serializer):
    label = serializers.CharField()
    colour = serializers.CharField()


class BoardStatesSerializer(serializers.Serializer):
    on_track = BoardStateSerializer()
    at_risk = BoardStateSerializer()
    overdue = BoardStateSerializer()
    done = BoardStateSerializer()
    cancelled = BoardStateSerializer()


class BoardMilestoneSerializer(serializers.Serializer):
    title = serializers.CharField()
    due = serializers.DateField(allow_null=True)
    done = serializers.DateField(allow_null=True)
    state = serializers.CharField()


class BoardEntrySerializer(serializers.Serializer):
    """A task or a supervised item as the battle map and bulletins show it."""

    kind = serializers.ChoiceField(choices=["task", "supervised"])
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField(allow_null=True, help_text=_("The record's page."))
    township = serializers.CharField()
    organization = serializers.CharField()
    person = serializers.CharField()
    person_id = serializers.IntegerField()
    start = serializers.DateField()
    deadline = serializers.DateField()
    done_on = serializers.DateField(allow_null=True)
    progress = serializers.IntegerField()
    state = serializers.ChoiceField(choices=STATE_CHOICES)
    state_label = serializers.CharField()
    colour = serializers.CharField()
    target = serializers.CharField()
    effect = serializers.CharField()
    warnings = serializers.ListField(child=serializers.CharField())
    milestones = BoardMilestoneSerializer(many=True)


class BoardGroupSerializer(serializers.Serializer):
    """A row of the map: a township (county level) or a person (township level)."""

    id = serializers.IntegerField(allow_null=True, help_text=_(
        "The township's or the cadre's id, to ask for its own map; null for county departments and others."))
    name = serializers.CharField()
    level = serializers.ChoiceField(choices=["township", "person", "other"])
    post = serializers.CharField(required=False)
    rate = BoardRateSerializer()
    counts = BoardCountsSerializer()
    progress = serializers.IntegerField(allow_null=True)
    total = serializers.IntegerField()


class BattleMapScopeSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=["county", "township", "person"])
    name = serializers.CharField()
    year = serializers.IntegerField()
    today = serializers.DateField()
    township_id = serializers.IntegerField(allow_null=True)
    cadre_id = serializers.IntegerField(allow_null=True)


class BattleMapSerializer(serializers.Serializer):
    scope = BattleMapScopeSerializer()
    rate = BoardRateSerializer()
    counts = BoardCountsSerializer()
    progress = serializers.IntegerField(allow_null=True, help_text=_("Average progress in %."))
    total = serializers.IntegerField()
    groups = BoardGroupSerializer(many=True)
    items = BoardEntrySerializer(many=True)
    items_are_overdue_only = serializers.BooleanField(help_text=_(
        "At county level only the overdue entries are listed; a township's map lists all of its work."))
    items_limited = serializers.BooleanField(help_text=_(
        "True when there are more entries than listed: the first ones by deadline are listed, and the "
        "figures count them all."))
    states = BoardStatesSerializer()
    warnings = serializers.ListField(child=serializers.CharField())


class BulletinFiguresRowSerializer(serializers.Serializer):
    """A township's or a person's figures in a bulletin: due = on time + done late + late."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    rate = BoardRateSerializer()
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    done_late = serializers.IntegerField(help_text=_("Due in the period and done after the deadline."))
    late = serializers.IntegerField(help_text=_("Due in the period and still open past the deadline."))
    carried = serializers.IntegerField(help_text=_("Still open past a deadline that fell before the period."))
    overdue = serializers.IntegerField(help_text=_("Open past their deadline: late plus carried."))
    at_risk = serializers.IntegerField(help_text=_("Not yet due but behind (at risk or late on a 13710 stage)."))
    progress = serializers.IntegerField(allow_null=True)
    opened = serializers.IntegerField(help_text=_("Problems found in the period."))
    closed = serializers.IntegerField(help_text=_("Problems closed in the period."))


class BulletinRowSerializer(BulletinFiguresRowSerializer):
    rank = serializers.IntegerField(allow_null=True, help_text=_(
        "By on-time rate (1, 1, 3: equal rates share a rank); null when nothing was due."))
    tied = serializers.BooleanField(help_text=_("Another township has the same rank."))


class BulletinMemberRowSerializer(BulletinFiguresRowSerializer):
    """People are not ranked (DESIGN.md principle 2, no point rankings)."""

    post = serializers.CharField()
    township = serializers.CharField()


class BulletinProblemSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    description = serializers.CharField()
    responsible = serializers.CharField(source="responsible.name")
    organization = serializers.CharField(source="organization.name")
    deadline = serializers.DateField()
    status = serializers.ChoiceField(choices=Problem.Status.choices)
    status_label = serializers.CharField(source="get_status_display")


class BulletinHeadingSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    organization = serializers.IntegerField(source="organization_id")
    organization_name = serializers.CharField(source="organization.name")
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    issuing_body = serializers.CharField()
    document_number = serializers.CharField()
    issued_on = serializers.DateField()


class BulletinFiguresSerializer(serializers.Serializer):
    bulletin = BulletinHeadingSerializer()
    today = serializers.DateField(help_text=_("The day the figures are computed as of."))
    is_county = serializers.BooleanField(help_text=_("A county bulletin, with a row per township."))
    intro = serializers.CharField()
    summary = serializers.CharField(help_text=_("The overall figures in one sentence, as the bulletin says them."))
    rate = BoardRateSerializer()
    counts = BoardCountsSerializer()
    total = serializers.IntegerField()
    progress = serializers.IntegerField(allow_null=True)
    opened = serializers.IntegerField(help_text=_("Problems found in the period."))
    closed = serializers.IntegerField(help_text=_("Problems closed in the period."))
    done_late = serializers.IntegerField(help_text=_("Due in the period and done after the deadline."))
    late = serializers.IntegerField(help_text=_("Due in the period and still open past the deadline."))
    carried = serializers.IntegerField(help_text=_("Still open past a deadline that fell before the period."))
    behind = serializers.IntegerField(help_text=_("Not yet due but behind (at risk or late on a 13710 stage)."))
    definitions = serializers.CharField(help_text=_("What each figure counts, as the bulletin states it."))
    townships = BulletinRowSerializer(many=True)
    members = BulletinMemberRowSerializer(many=True)
    tasks = BoardEntrySerializer(many=True, help_text=_("Each task's target, progress and effect."))
    overdue = BoardEntrySerializer(many=True, help_text=_(
        "The entries open past their deadline (late and carried), longest overdue first."))
    problems_opened = BulletinProblemSerializer(many=True)
    problems_closed = BulletinProblemSerializer(many=True)


def _rows(rows):
    return [{**row, "rate": row["rate"].as_dict()} for row in rows]


def bulletin_figures(data):
    """`bulletin_documents.BulletinData` as the API sends it."""
    return {
        "bulletin": data.bulletin, "today": data.today, "is_county": data.is_county,
        "intro": bulletin_documents.intro_sentence(data), "summary": bulletin_documents.summary_sentence(data),
        "rate": data.rate.as_dict(), "counts": data.counts, "total": data.total, "progress": data.progress,
        "opened": data.opened, "closed": data.closed, "done_late": data.done_late, "late": data.late,
        "carried": data.carried, "behind": data.behind, "definitions": bulletin_documents.definitions(),
        "townships": _rows(data.townships), "members": _rows(data.members),
        "tasks": [metrics.entry_json(e) for e in data.tasks], "overdue": [metrics.entry_json(e) for e in data.overdue],
        "problems_opened": data.problems_opened, "problems_closed": data.problems_closed,
    }


NOT_VISIBLE = OpenApiResponse(description=_("The scope or record is outside what the user may see."))


class BattleMapFigures(APIView):
    permission_classes = [permissions.IsAuthenticated, WithinDuties]

    @extend_schema(
        operation_id="tasks_figures_battle_map",
        parameters=[
            OpenApiParameter("township", int, description=_("A township's map: a row per team member.")),
            OpenApiParameter("cadre", int, description=_("A person's map: their tasks and supervised items.")),
            OpenApiParameter("year", int, description=_("The year (this year by default).")),
        ],
        responses={200: BattleMapSerializer, 404: NOT_VISIBLE},
    )
    def get(self, request):
        """The battle map of a scope: the implementation rate against the 100% target, the traffic
        lights, a row per township (county) or per team member (township), and the entries."""
        params = request.query_params
        township, cadre = battle_map_scope(request.user, params.get("township"), params.get("cadre"))
        data = metrics.battle_map(request.user, township=township, cadre=cadre, year=battle_map_year(params.get("year")))
        return Response(BattleMapSerializer(data).data)


class BulletinFigures(APIView):
    permission_classes = [permissions.IsAuthenticated, WithinDuties]

    @extend_schema(operation_id="tasks_bulletins_figures", responses={200: BulletinFiguresSerializer, 404: NOT_VISIBLE})
    def get(self, request, pk):
        """A bulletin's figures, computed from the records of its county or township that the user
        may see: the overall rate, a row per township and per person, each task's target, progress
        and effect, the overdue entries and the problems found and closed in its period."""
        bulletin = get_object_or_404(Bulletin.objects.visible_to(request.user).select_related("organization"), pk=pk)
        return Response(BulletinFiguresSerializer(bulletin_figures(bulletin_documents.bulletin_data(bulletin, request.user))).data)
