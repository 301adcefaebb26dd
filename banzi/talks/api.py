"""The talks API under /api/v1/talks/: talks, talk plans with their coverage, plan entries, and the
newly promoted cadres' integrity talks.

Confidentiality holds as on the pages: a talk's `summary` and `follow_up` are write-only in lists
and appear only when one talk is fetched by someone entitled to read them (the talker and the
county organization department); that read is an audit event. Everyone else never gets the fields.
"""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from banzi.core.api import BaseSerializer, ScopedModelViewSet, name_of
from banzi.core.masking import no_store

from . import filters, metrics, services
from .models import CONFIDENTIAL_FIELDS, Talk, TalkPlan, TalkPlanEntry

TIMESTAMPS = ["created_at", "updated_at"]




class TalkSerializer(BaseSerializer):
    talker_name = name_of("talker.name")
    talkee_name = name_of("talkee.name")
    organization_name = name_of("organization.name")
    summary = serializers.CharField(required=False, allow_blank=True, write_only=True, help_text=_(
        "Confidential: present only when one talk is fetched by the talker or the county organization department "
        "(the read is recorded in the audit trail)."))
    follow_up = serializers.CharField(required=False, allow_blank=True, write_only=True,
                                      help_text=_("Confidential, like the summary."))

    class Meta:
        model = Talk
        fields = ["id", "talker", "talker_name", "talkee", "talkee_name", "organization", "organization_name",
                  "held_on", "kind", "reason_newly_appointed", "reason_key_position", "reason_problem_reported",
                  "reason_post_adjusted", "reason_difficulty", "place", "summary", "follow_up", *TIMESTAMPS]
        read_only_fields = ["organization"]

    def get_fields(self):
        fields = super().get_fields()
        user = getattr(self.context.get("request"), "user", None)
        if user is not None and "talkee" in fields:
            fields["talkee"].queryset = services.talkee_choices(user)
        return fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        shown = self.context.get("confidential")
        if shown is not None and shown.get("pk") == instance.pk:
            data.update({name: shown[name] for name in CONFIDENTIAL_FIELDS})
        return data


@no_store
class TalkViewSet(ScopedModelViewSet):
    """Talks (谈心谈话): who talked with whom, when, of what kind and why. A talk with oneself is
    refused; a cadre records only the talks they held. `summary` and `follow_up` are accepted on
    writes and returned only by `GET /talks/{id}/` to those entitled to read them."""

    queryset = Talk.objects.select_related("talker", "talkee", "organization")
    serializer_class = TalkSerializer
    filterset_class = filters.TalkFilterSet
    ordering_fields = ["held_on", "created_at"]
    save_service = staticmethod(services.save_talk)
    delete_service = staticmethod(services.delete_talk)

    def get_queryset(self):
        qs = super().get_queryset()
        return qs.defer(*CONFIDENTIAL_FIELDS) if self.action == "list" else qs

    def retrieve(self, request, *args, **kwargs):
        talk = self.get_object()
        context = self.get_serializer_context()
        if talk.summary_visible_to(request.user):
            context["confidential"] = {"pk": talk.pk, **services.read_summary(request.user, talk, via="API")}
        return Response(self.get_serializer_class()(talk, context=context).data)


class TalkPlanSerializer(BaseSerializer):
    organization_name = name_of("organization.name")

    class Meta:
        model = TalkPlan
        fields = ["id", "title", "organization", "organization_name", "starts_on", "due_on", "description",
                  *TIMESTAMPS]


_figures = inline_serializer("TalkCoverageFigures", {
    "total": serializers.IntegerField(), "covered": serializers.IntegerField(),
    "on_time": serializers.IntegerField(), "overdue": serializers.IntegerField(),
    "rate": serializers.FloatField(allow_null=True)})
_group = inline_serializer("TalkCoverageGroup", {
    "group": serializers.CharField(), "label": serializers.CharField(),
    "total": serializers.IntegerField(), "covered": serializers.IntegerField(),
    "on_time": serializers.IntegerField(), "overdue": serializers.IntegerField(),
    "rate": serializers.FloatField(allow_null=True)})
CoverageSerializer = inline_serializer("TalkPlanCoverage", {
    "plan": serializers.IntegerField(), "title": serializers.CharField(), "overall": _figures,
    "priority": _figures, "groups": serializers.ListField(child=_group)})


class TalkPlanViewSet(ScopedModelViewSet):
    """Talk plans (谈话计划): who must be talked with, by whom, by when. `coverage` is computed from
    the talks on record."""

    queryset = TalkPlan.objects.select_related("organization")
    serializer_class = TalkPlanSerializer
    filterset_class = filters.TalkPlanFilterSet
    ordering_fields = ["starts_on", "due_on", "created_at"]
    save_service = staticmethod(services.save_plan)

    @extend_schema(operation_id="talks_plans_coverage", responses=CoverageSerializer)
    @action(detail=True, methods=["get"], url_path="coverage")
    def coverage(self, request, pk=None):
        """Coverage and priority coverage (read-only): entries, covered (in time or late), covered in
        time, overdue and the rate in percent, overall, for the priority groups and per group."""
        return Response(metrics.coverage_dict(self.get_object(), request.user))


class TalkPlanEntrySerializer(BaseSerializer):
    talkee_name = name_of("talkee.name")
    state = serializers.SerializerMethodField(help_text=_("covered, late, due or overdue"))

    class Meta:
        model = TalkPlanEntry
        fields = ["id", "plan", "talkee", "talkee_name", "expected_talker", "talker_organization", "due_on",
                  "priority_group", "state", *TIMESTAMPS]

    def get_state(self, entry) -> str:
        states = self.context.get("entry_states")
        if states is None or entry.pk not in states:
            states = metrics.entry_states([entry])
        return states[entry.pk][0]


class TalkPlanEntryViewSet(ScopedModelViewSet):
    """The cadres a plan must cover, each with `state`: covered, late, due or overdue."""

    queryset = TalkPlanEntry.objects.select_related("plan", "talkee")
    serializer_class = TalkPlanEntrySerializer
    filterset_class = filters.TalkPlanEntryFilterSet
    ordering_fields = ["due_on", "created_at"]
    save_service = staticmethod(services.save_plan_entry)

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        context = {**self.get_serializer_context(), "entry_states": metrics.entry_states(rows)}
        data = TalkPlanEntrySerializer(rows, many=True, context=context).data
        return self.get_paginated_response(data) if page is not None else Response(data)


class IntegritySerializer(serializers.Serializer):
    cadre = serializers.IntegerField(source="cadre.pk")
    cadre_name = serializers.CharField(source="cadre.name")
    organization_name = serializers.CharField(source="cadre.organization.name")
    promoted_on = serializers.DateField(source="cadre.promoted_on")
    due_on = serializers.DateField()
    talk = serializers.IntegerField(source="talk.pk", allow_null=True, default=None)
    state = serializers.ChoiceField(choices=list(metrics.INTEGRITY_STATES))


class IntegrityViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The newly promoted cadres in scope and their integrity talks against the county's time limit
    (read-only): state on_time, late, pending (still in time) or missing. `?state=missing` lists
    those who have not had one in time."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = IntegritySerializer
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        return Talk.objects.none()

    def list(self, request, *args, **kwargs):
        rows = metrics.integrity_rows(request.user)
        state = request.query_params.get("state")
        if state:
            rows = [r for r in rows if r.state == state]
        return Response(IntegritySerializer(rows, many=True).data)
