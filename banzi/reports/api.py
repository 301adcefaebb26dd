"""The report API under /api/v1/reports/: the figures of a scope and dates with their definitions,
the report (its paragraphs' text and figures) of a scope and period, and the paragraph templates
(read by the business, written by the county)."""
import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from banzi.core.api import BaseSerializer, ScopedModelViewSet
from banzi.core.errors import Code
from banzi.core.metrics import figures
from banzi.core.separation import WithinDuties

from . import filters, report
from .models import ReportTemplate

SCOPE = OpenApiParameter("scope", str, description=gettext_lazy("\"county\" or a township's id (a township committee: "
                                                                "its own)."))
PERIOD = OpenApiParameter("period", str, description=gettext_lazy("A year (2026), a half-year (2026-H1, 2026-H2) or "
                                                                  "\"election\" (since the last election)."))
START = OpenApiParameter("start", datetime.date, description=gettext_lazy("First day (inclusive)."))
END = OpenApiParameter("end", datetime.date, description=gettext_lazy("Last day (inclusive)."))


class FigureSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField()
    definition = serializers.CharField()
    part = serializers.CharField()
    value = serializers.IntegerField(allow_null=True)
    previous = serializers.IntegerField(allow_null=True)
    comparison = serializers.CharField(allow_blank=True)
    url = serializers.CharField()


class FiguresSerializer(serializers.Serializer):
    scope = serializers.CharField()
    scope_name = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    figures = FigureSerializer(many=True)


class ParagraphSerializer(serializers.Serializer):
    template = serializers.IntegerField()
    title = serializers.CharField(allow_blank=True)
    text = serializers.CharField()
    empty = serializers.BooleanField()
    comparison = serializers.CharField(allow_blank=True)
    figures = serializers.ListField(child=serializers.CharField())


class PartSerializer(serializers.Serializer):
    part = serializers.CharField()
    heading = serializers.CharField()
    paragraphs = ParagraphSerializer(many=True)


class ReportSerializer(serializers.Serializer):
    title = serializers.CharField()
    scope = serializers.CharField()
    scope_name = serializers.CharField()
    period = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    has_previous = serializers.BooleanField()
    parts = PartSerializer(many=True)
    figures = FigureSerializer(many=True)


def _figure_data(figure, value, url, previous=None, comparison=""):
    return {"key": figure.key, "label": str(figure.label), "unit": str(figure.unit),
            "definition": str(figure.definition), "part": figure.part, "value": value, "previous": previous,
            "comparison": comparison, "url": url}


def _date(request, name):
    value = request.query_params.get(name)
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValidationError({name: ValidationError(_("Enter a date as YYYY-MM-DD."), code=Code.INVALID)}) from None


class FiguresView(APIView):
    """Every registered report figure of the scope over start..end, with its definition and the list
    of the records it counts."""

    permission_classes = [IsAuthenticated, WithinDuties]

    @extend_schema(operation_id="reports_figures", parameters=[SCOPE, START, END],
                   responses=FiguresSerializer)
    def get(self, request):
        scope = report.resolve_scope(request.user, request.query_params.get("scope"))
        start, end = _date(request, "start"), _date(request, "end")
        if end < start:
            raise ValidationError({"end": ValidationError(_("The end date cannot be before the start date."),
                                                          code=Code.DATE_ORDER)})
        registered = figures.all()
        values = figures.read([f.key for f in registered], scope.township_ids, start, end)
        return Response(FiguresSerializer({
            "scope": scope.value, "scope_name": scope.name, "start": start, "end": end, "figures": [
                _figure_data(f, values[f.key], f.url(scope.township_ids, start, end)) for f in registered]}).data)


class ReportView(APIView):
    """The report of the scope and period: its title, and per part its paragraphs' text (as the
    document prints it) with the figures they name; 400 (no_records) when the period has no records."""

    permission_classes = [IsAuthenticated, WithinDuties]

    @extend_schema(operation_id="reports_report", parameters=[SCOPE, PERIOD], responses=ReportSerializer)
    def get(self, request):
        scope = report.resolve_scope(request.user, request.query_params.get("scope"))
        period = report.resolve_period(request.query_params.get("period"), scope)
        built = report.build(scope, period)
        report.require_records(built)
        return Response(ReportSerializer({
            "title": built.title, "scope": scope.value, "scope_name": scope.name, "period": period.value,
            "start": period.start, "end": period.end, "has_previous": built.has_previous,
            "parts": [{"part": part.value, "heading": heading, "paragraphs": [
                {"template": p.template.pk, "title": p.title, "text": p.text, "empty": p.empty,
                 "comparison": p.comparison_text,
                 "figures": [value.key for text, value in p.pieces if value is not None]}
                for p in paragraphs]} for part, heading, paragraphs in built.sections],
            "figures": [_figure_data(v.figure, v.value, v.url, v.previous, v.comparison)
                        for v in built.values.values()],
        }).data)


class ReportTemplateSerializer(BaseSerializer):
    class Meta:
        model = ReportTemplate
        fields = ["id", "part", "sort_order", "title", "text", "empty_text", "is_active", "created_at", "updated_at"]


class ReportTemplateViewSet(ScopedModelViewSet):
    """The paragraphs of the year-end report; a text naming an unknown figure is refused (unknown_figure)."""

    queryset = ReportTemplate.objects.all()
    serializer_class = ReportTemplateSerializer
    filterset_class = filters.ReportTemplateFilterSet
