"""The audit trail under /api/v1/core/audit-events/, for the audit administrator only (everyone else
403), filtered as the audit page filters, paginated, and exported to Excel by `export/` with the same
filters. An export is itself recorded in the trail, as one from the page is."""
import json

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import permissions, renderers, serializers, viewsets
from rest_framework.decorators import action

from banzi.core import clock

from .audit import AUDITOR_ONLY, audit_trail, may_read_audit, record_event
from .audit_views import AuditEventFilterSet, AuditEventTable
from .exporting import TableWorkbook
from .models import AuditEvent
from .separation import WithinDuties

XLSX = TableWorkbook.FORMATS["xlsx"]


class XlsxRenderer(renderers.BaseRenderer):
    """Lets a client ask for the export with `Accept: <the .xlsx type>`; the export's body is built by
    the view. An error body (a refusal) is still sent as JSON."""

    media_type = XLSX
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return json.dumps(data, ensure_ascii=False).encode()


class MayReadAudit(permissions.BasePermission):
    message = AUDITOR_ONLY

    def has_permission(self, request, view):
        return may_read_audit(request.user)


class AuditChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField(help_text=_("The field's name as the page shows it."))
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)
    old_label = serializers.CharField(required=False, allow_null=True,
                                      help_text=_("What the old value stands for (a record's name, a choice's label)."))
    new_label = serializers.CharField(required=False, allow_null=True,
                                      help_text=_("What the new value stands for (a record's name, a choice's label)."))


class AuditEventSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    action_label = serializers.CharField(source="get_action_display", read_only=True)
    outcome_label = serializers.CharField(source="get_outcome_display", read_only=True)
    record_type = serializers.SerializerMethodField(help_text=_("The record's type as app.model, e.g. org.cadre."))
    record_type_label = serializers.SerializerMethodField()
    changes = AuditChangeSerializer(many=True, read_only=True)

    class Meta:
        model = AuditEvent
        fields = ["id", "time", "kind", "kind_label", "action", "action_label", "outcome", "outcome_label", "user",
                  "username", "user_display", "content_type", "record_type", "record_type_label", "object_id",
                  "object_repr", "changes", "detail", "ip_address"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_record_type(self, event):
        content_type = event.content_type
        return f"{content_type.app_label}.{content_type.model}" if content_type else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_record_type_label(self, event):
        model = event.content_type.model_class() if event.content_type else None
        return str(model._meta.verbose_name) if model else None


class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    """The audit trail: every data change, import, export, read, refusal and security event, latest
    first, each with its outcome (success, failure, denied). For the audit administrator only; filters
    as on the audit page (`q`, `username`, `kind`, `action`, `outcome`, `content_type`, `time_after`,
    `time_before`)."""

    permission_classes = [permissions.IsAuthenticated, WithinDuties, MayReadAudit]
    queryset = AuditEvent.objects.none()
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilterSet
    ordering_fields = ["time", "username", "kind", "action"]

    def get_queryset(self):
        return audit_trail(self.request.user)

    @extend_schema(
        operation_id="core_audit_events_export", filters=True,
        responses={(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description=_(
            "The filtered audit trail as an Excel workbook; the export is recorded in the audit trail.")),
            403: OpenApiResponse(description=AUDITOR_ONLY)},
    )
    @action(detail=False, methods=["get"], renderer_classes=[renderers.JSONRenderer, XlsxRenderer],
            pagination_class=None)
    def export(self, request):
        """The audit trail with the list's filters, as an .xlsx workbook (every matching event)."""
        events = self.filter_queryset(self.get_queryset())
        plural = AuditEvent._meta.verbose_name_plural
        exporter = TableWorkbook("xlsx", AuditEventTable(events), title=plural)
        response = exporter.response(filename=f"{plural}-{clock.local_now():%Y%m%d-%H%M}.xlsx")
        record_event(kind=AuditEvent.Kind.TRANSFER, action=AuditEvent.Action.EXPORT, user=request.user,
                     detail=f"{plural} ?{request.GET.urlencode()}", request=request)
        return response
