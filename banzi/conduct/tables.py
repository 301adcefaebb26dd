"""Tables of the strict-management lists (also the columns of their Excel exports)."""
import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from banzi.core import masking
from banzi.core.tables import BaseTable, YesNoColumn
from banzi.org.models import Cadre

from .models import (
    CommitmentLetter,
    ConcurrentPostDeclaration,
    DisciplineRule,
    LeaveLedgerEntry,
    LeaveRequest,
    OutingReport,
    Violation,
)

STATUS_COLOURS = {
    "draft": "secondary", "submitted": "yellow", "approved": "green", "rejected": "red", "cancelled": "secondary",
    "candidate": "yellow", "confirmed": "red", "dismissed": "secondary",
    "pending": "yellow", "refused": "red", "must_resign": "orange", "not_needed": "secondary",
}


def badge(value, label):
    return format_html('<span class="badge bg-{}-lt" data-status="{}">{}</span>', STATUS_COLOURS.get(value, "secondary"),
                       value, label)


class StatusColumn(tables.Column):
    """The choice's label in a coloured badge on screen, plain text in Excel."""

    def render(self, value, record, bound_column):
        return badge(getattr(record, bound_column.accessor), value)

    def value(self, value, **kwargs):
        return str(value)


def _local(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


class DisciplineRuleTable(BaseTable):
    title = tables.Column(linkify=True)
    is_active = YesNoColumn()

    class Meta(BaseTable.Meta):
        model = DisciplineRule
        fields = ("code", "title", "source", "sort_order", "is_active")


class CommitmentLetterTable(BaseTable):
    cadre = tables.Column(linkify=True)
    year = tables.Column(linkify=lambda record: record.get_absolute_url())
    organization = tables.Column(accessor="cadre__organization", verbose_name=_("unit"), order_by="cadre__organization__name")
    scan = tables.Column(verbose_name=_("scanned letter"), empty_values=(), orderable=False)

    class Meta(BaseTable.Meta):
        model = CommitmentLetter
        fields = ("cadre", "organization", "year", "signed_on", "scan")

    def render_scan(self, record):
        return _("Yes") if record.scan else "—"

    def value_scan(self, record):
        return str(_("Yes") if record.scan else _("No"))


class ConcurrentPostDeclarationTable(BaseTable):
    cadre = tables.Column(linkify=True)
    year = tables.Column(linkify=lambda record: record.get_absolute_url())
    has_post = YesNoColumn()
    decision = StatusColumn()

    class Meta(BaseTable.Meta):
        model = ConcurrentPostDeclaration
        fields = ("cadre", "year", "declared_on", "has_post", "post_organization", "post_role", "pay", "decision",
                  "resign_by")


class ViolationTable(BaseTable):
    cadre = tables.Column(linkify=True)
    occurred_on = tables.Column(linkify=lambda record: record.get_absolute_url())
    status = StatusColumn()

    class Meta(BaseTable.Meta):
        model = Violation
        fields = ("cadre", "occurred_on", "rule", "source", "status", "decision", "decision_body", "decided_on")


class LeaveRequestTable(BaseTable):
    cadre = tables.Column(linkify=True)
    kind = tables.Column(linkify=lambda record: record.get_absolute_url())
    status = StatusColumn()
    approver = tables.Column(accessor="approver_kind", verbose_name=_("approver"), orderable=False)

    class Meta(BaseTable.Meta):
        model = LeaveRequest
        fields = ("cadre", "kind", "starts_on", "ends_on", "days", "status", "approver", "returned_on")

    def render_approver(self, record):
        if record.approver_id:
            return record.approver.display_name
        return record.get_approver_kind_display() or "—"

    def value_approver(self, record):
        return "" if not record.approver_kind else str(self.render_approver(record))


class LeaveLedgerEntryTable(BaseTable):
    cadre = tables.Column(linkify=True)
    kind = tables.Column(linkify=lambda record: record.get_absolute_url())
    days = tables.Column(attrs={"td": {"class": "text-end"}})
    leave = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = LeaveLedgerEntry
        fields = ("cadre", "year", "kind", "days", "entry_on", "leave", "note")

    def render_days(self, value):
        return f"{value:+d}"


class OutingReportTable(BaseTable):
    cadre = tables.Column(linkify=True)
    destination = tables.Column(linkify=lambda record: record.get_absolute_url())
    departs_at = tables.Column()
    planned_return_at = tables.Column()
    returned_at = tables.Column()
    contact = tables.Column(orderable=False)  # sealed at rest; masked unless the user keeps the cadre's file
    is_late = YesNoColumn()

    class Meta(BaseTable.Meta):
        model = OutingReport
        fields = ("cadre", "destination", "departs_at", "planned_return_at", "returned_at", "contact", "is_late")

    def render_contact(self, record, value):
        user = getattr(getattr(self, "request", None), "user", None)
        return masking.shown(user, record.cadre, value, masking.mask_phone)

    value_contact = render_contact  # the Excel export too

    def render_departs_at(self, value):
        return _local(value)

    def render_planned_return_at(self, value):
        return _local(value)

    def render_returned_at(self, value):
        return _local(value)

    def render_is_late(self, value):
        return badge("refused", _("Late")) if value else _("No")

    def value_is_late(self, value):
        return str(_("Yes") if value else _("No"))


class MissingTable(BaseTable):
    """Cadres missing this year's commitment letter or declaration."""

    name = tables.Column(linkify=True)
    organization = tables.Column(verbose_name=_("unit"))
    signed = tables.Column(accessor="pk", verbose_name=_("commitment letter signed"), orderable=False)
    declared = tables.Column(accessor="pk", verbose_name=_("concurrent posts declared"), orderable=False)

    class Meta(BaseTable.Meta):
        model = Cadre
        fields = ("name", "organization", "post", "signed", "declared")
        empty_text = _("Everyone has signed and declared.")

    def __init__(self, *args, signed=frozenset(), declared=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.signed_ids, self.declared_ids = signed, declared

    def render_signed(self, record):
        return _("Yes") if record.pk in self.signed_ids else badge("refused", _("No"))

    def value_signed(self, record):
        return str(_("Yes") if record.pk in self.signed_ids else _("No"))

    def render_declared(self, record):
        return _("Yes") if record.pk in self.declared_ids else badge("refused", _("No"))

    def value_declared(self, record):
        return str(_("Yes") if record.pk in self.declared_ids else _("No"))
