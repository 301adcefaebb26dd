"""The auditor's global, filterable, exportable view of the audit trail. Read-only."""
import django_filters
import django_tables2 as tables
from django import forms
from django.apps import apps as django_apps
from django.contrib.auth.mixins import UserPassesTestMixin
from django.contrib.contenttypes.models import ContentType
from django.template.loader import render_to_string
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .audit import audit_trail, may_read_audit, shown_changes
from .filters import BaseFilterSet
from .models import AuditEvent
from .tables import BaseTable
from .views import ObjectListView


def _record_types(request=None):
    """The kinds of record the auditor filters by: Banzi's own models, never their history tables or
    the framework's internals (sessions, content types)."""
    labels = [config.label for config in django_apps.get_app_configs() if config.name.startswith("banzi.")]
    return (ContentType.objects.filter(app_label__in=labels).exclude(model__startswith="historical")
            .exclude(app_label="core", model="pickersource"))  # a picker's kept choices: never audited


class RecordTypeField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        model = obj.model_class()
        return capfirst(model._meta.verbose_name) if model else obj.model


class RecordTypeFilter(django_filters.ModelChoiceFilter):
    field_class = RecordTypeField


class AuditEventFilterSet(BaseFilterSet):
    search_fields = ("username", "user_display", "object_repr", "detail", "object_id")
    username = django_filters.CharFilter(lookup_expr="iexact", label=_("user"))
    content_type = RecordTypeFilter(queryset=_record_types, label=_("record type"))
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
        field = self.form.fields["content_type"]
        field.choices = [("", field.empty_label), *sorted(
            ((ct.pk, field.label_from_instance(ct)) for ct in field.queryset), key=lambda choice: str(choice[1]))]


class AuditEventTable(BaseTable):
    changes = tables.Column(orderable=False)

    class Meta(BaseTable.Meta):
        model = AuditEvent
        fields = ("time", "username", "user_display", "kind", "action", "outcome", "content_type", "object_repr",
                  "object_id", "changes", "detail", "ip_address")

    def render_content_type(self, value):
        return RecordTypeField.label_from_instance(None, value)

    value_content_type = render_content_type

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
