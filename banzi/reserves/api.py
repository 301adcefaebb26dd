"""The reserve pool's API under /api/v1/reserves/: entries with their steps (vet, reject, enter,
review, exit) and their vetting checks, the yearly reviews and the development measures. Reads go
through `visible_to`; every write goes through the same service as the pages."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from banzi.core.api import BaseSerializer, ScopedFileField, ScopedModelViewSet, name_of
from banzi.core.roles import STAFF

from . import checks, filters, services
from .models import DevelopmentMeasure, ReserveEntry, ReserveReview

TIMESTAMPS = ["created_at", "updated_at"]
STEP_FIELDS = ["status", "vetted_on", "vetting_result", "vetting_checks", "rejected_on", "rejection_reason",
               "entered_on", "development_plan", "exited_on", "exit_reason", "exit_note"]


class ReserveEntrySerializer(BaseSerializer):
    cadre_name = name_of("cadre.name")
    unit_name = name_of("unit.name")
    recommendation_file = ScopedFileField("reserves:reserveentry_file", required=False, allow_null=True)
    exit_reason = serializers.ChoiceField(choices=ReserveEntry.ExitReason.choices, read_only=True, allow_blank=True)

    class Meta:
        model = ReserveEntry
        fields = ["id", "cadre", "cadre_name", "unit", "unit_name", "nominated_on", "source", "recommendation",
                  "recommendation_file", "votes_for", "votes_total", "note", *STEP_FIELDS, *TIMESTAMPS]
        read_only_fields = ["unit", *STEP_FIELDS]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        # The checks name violations, which cadres do not see.
        if getattr(getattr(request, "user", None), "role", None) not in STAFF:
            data["vetting_checks"] = []
        return data


class ReserveVetInputSerializer(serializers.Serializer):
    vetted_on = serializers.DateField(required=False, allow_null=True, help_text=_("default: today"))
    result = serializers.CharField(required=False, allow_blank=True)


class ReserveRejectInputSerializer(serializers.Serializer):
    rejected_on = serializers.DateField(required=False, allow_null=True, help_text=_("default: today"))
    reason = serializers.CharField(allow_blank=True)


class ReserveEnterInputSerializer(serializers.Serializer):
    entered_on = serializers.DateField(required=False, allow_null=True, help_text=_("default: today"))
    development_plan = serializers.CharField(allow_blank=True)


class ReserveExitInputSerializer(serializers.Serializer):
    exited_on = serializers.DateField(required=False, allow_null=True, help_text=_("default: today"))
    reason = serializers.ChoiceField(choices=ReserveEntry.ExitReason.choices)
    note = serializers.CharField(required=False, allow_blank=True)


class ReserveReviewInputSerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, allow_null=True, min_value=2000, max_value=2100,
                                    help_text=_("default: this year"))
    conclusion = serializers.ChoiceField(choices=ReserveReview.Conclusion.choices)
    note = serializers.CharField(required=False, allow_blank=True)


CheckSerializer = inline_serializer("ReserveCheck", {
    "rule": serializers.CharField(), "label": serializers.CharField(), "passed": serializers.BooleanField(),
    "detail": serializers.CharField(), "url": serializers.CharField()})


class ReserveEntryViewSet(ScopedModelViewSet):
    """Reserve cadre entries: a nomination (by the township committee or democratic recommendation,
    with its record or votes) and its course: `vet`, `reject`, `enter`, `exit` are the county's steps,
    `review` adds the yearly review; `checks` shows the vetting checks with the records behind them."""

    queryset = ReserveEntry.objects.select_related("cadre", "unit").order_by("-nominated_on", "-id")
    serializer_class = ReserveEntrySerializer
    filterset_class = filters.ReserveEntryFilterSet
    ordering_fields = ["nominated_on", "entered_on", "exited_on"]
    save_service = staticmethod(services.save_entry)
    delete_service = staticmethod(services.delete_entry)

    @extend_schema(request=ReserveVetInputSerializer)
    @action(detail=True, methods=["post"], step="vet")
    def vet(self, request, pk=None):
        """The county vets a nominated cadre; a cadre with a disqualifier is refused (reserve_disqualified)."""
        return self.run_step(request, services.vet, ReserveVetInputSerializer)

    @extend_schema(request=ReserveRejectInputSerializer)
    @action(detail=True, methods=["post"], step="reject")
    def reject(self, request, pk=None):
        """The county rejects a nomination at vetting, with the reason."""
        return self.run_step(request, services.reject, ReserveRejectInputSerializer)

    @extend_schema(request=ReserveEnterInputSerializer)
    @action(detail=True, methods=["post"], step="enter")
    def enter(self, request, pk=None):
        """The county enters a vetted cadre into the pool with a development plan (pool_full past the rule)."""
        return self.run_step(request, services.enter, ReserveEnterInputSerializer)

    @extend_schema(request=ReserveReviewInputSerializer)
    @action(detail=True, methods=["post"], step="review")
    def review(self, request, pk=None):
        """Record the yearly review of a cadre in the pool (once a year)."""
        return self.run_step(request, services.review, ReserveReviewInputSerializer)

    @extend_schema(request=ReserveExitInputSerializer)
    @action(detail=True, methods=["post"], step="exit")
    def exit(self, request, pk=None):
        """The county takes a cadre out of the pool: promoted, removed (with the reason), aged out, other."""
        return self.run_step(request, services.exit_pool, ReserveExitInputSerializer)

    @extend_schema(operation_id="reserves_entries_checks", responses=serializers.ListSerializer(child=CheckSerializer))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def checks(self, request, pk=None):
        """The vetting checks as of today, each with the record behind a finding (committees only)."""
        if getattr(request.user, "role", None) not in STAFF:
            raise PermissionDenied(_("The vetting checks are the committees' to read."))
        return Response(checks.as_data(checks.run_checks(self.get_object())))


class ReserveReviewSerializer(BaseSerializer):
    cadre_name = name_of("entry.cadre.name")

    class Meta:
        model = ReserveReview
        fields = ["id", "entry", "cadre_name", "year", "conclusion", "note", *TIMESTAMPS]


class ReserveReviewViewSet(ScopedModelViewSet):
    """Yearly reviews of cadres in the pool."""

    queryset = ReserveReview.objects.select_related("entry__cadre")
    serializer_class = ReserveReviewSerializer
    filterset_class = filters.ReserveReviewFilterSet
    ordering_fields = ["year"]
    save_service = staticmethod(services.save_review)


class DevelopmentMeasureSerializer(BaseSerializer):
    cadre_name = name_of("entry.cadre.name")

    class Meta:
        model = DevelopmentMeasure
        fields = ["id", "entry", "cadre_name", "kind", "description", "posting", "enrollment", "due_on", "done_on",
                  *TIMESTAMPS]


class DevelopmentMeasureViewSet(ScopedModelViewSet):
    """Development measures of vetted cadres and those in the pool, linked to their postings and
    training enrollments where these carry them out."""

    queryset = DevelopmentMeasure.objects.select_related("entry__cadre")
    serializer_class = DevelopmentMeasureSerializer
    filterset_class = filters.DevelopmentMeasureFilterSet
    ordering_fields = ["due_on", "done_on"]
    save_service = staticmethod(services.save_measure)
