"""The auditor's global, filterable, exportable view of the audit trail. Read-only."""
import django_filters
import django_tables2 as tables
from django.contrib.auth.mixins import UserPassesTestMixin
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from .audit import audit_trail, may_read_audit, shown_changes
from .filters import BaseFilterSet
from .models import AuditEvent
from .tables import BaseTable
from .views import ObjectListView


class AuditEventFilterSet(BaseFilterSet):
    search_fields = ("username", "user_display", "object_repr", "detail", "object_id")
    username = django_filters.CharFilter(lookup_expr="iexact", label=_("user"))
    time_after = django_filters.DateFilter(field_name="time", lookup_expr="date__gte", label=_("from"))
    time_before = django_filters.DateFilter(field_name="time", lookup_expr="date__lte", label=_("to"))

    class Meta:
        model = AuditEvent
        fields = ["q", "username", "kind", "action", "outcome", "content_type", "time_after", "time_before"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["q"].widget.attrs["placeholder"] = _("User, record or detail")
        for name in ("time_after", "time_before"):
            self.form.fields[name].widget.input_type = "date"


class AuditEventTable(BaseTable):
    changes = tables.Column(orderable=False)

    class Meta(BaseTable.Meta):
        model = AuditEvent
        fields = ("time", "username", "user_display", "kind", "action", "outcome", "content_type", "object_repr",
                  "object_id", "changes", "detail", "ip_address")

    def render_changes(self, value):
        # Rendered without the request: a TemplateColumn would run every context processor per row.
        return render_to_string("core/audit_changes_cell.html", {"value": shown_changes(value)})

    def value_changes(self, value):
        return "; ".join(f"{c['label']}: {c['old_shown']} → {c['new_shown']}" for c in shown_changes(value))


class AuditEventListView(UserPassesTestMixin, ObjectListView):
    model = AuditEvent
    filterset_class = AuditEventFilterSet
    table_class = AuditEventTable
    paginate_by = 50

    def test_func(self):
        return may_read_audit(self.request.user)

    def get_queryset(self):
        return audit_trail(self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_add"] = False
        return ctx
