"""Tables of the talks lists (also the columns of their Excel exports). No table has a summary or
follow-up column: an export never carries what was said."""
import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from banzi.core.tables import BaseTable

from . import metrics
from .models import Talk, TalkPlan, TalkPlanEntry

STATE_COLOURS = {metrics.COVERED: "green", metrics.LATE: "yellow", metrics.DUE: "secondary",
                 metrics.OVERDUE: "red", metrics.ON_TIME: "green", metrics.HELD_LATE: "yellow",
                 metrics.PENDING: "secondary", metrics.MISSING: "red"}


def state_badge(state, label):
    return format_html('<span class="badge bg-{}-lt" data-state="{}">{}</span>', STATE_COLOURS.get(state, "secondary"),
                       state, label)


class ReasonsColumn(tables.Column):
    def __init__(self, **kwargs):
        kwargs.setdefault("verbose_name", _("reasons"))
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("empty_values", ())
        super().__init__(accessor="pk", **kwargs)

    def render(self, record):
        return "、".join(str(r) for r in record.reasons) or "—"

    def value(self, record):
        return "、".join(str(r) for r in record.reasons)


class TalkTable(BaseTable):
    held_on = tables.DateColumn(format="Y-m-d", linkify=True)
    talker = tables.Column()
    talkee = tables.Column()
    organization = tables.Column()
    reasons = ReasonsColumn()

    class Meta(BaseTable.Meta):
        model = Talk
        fields = ("held_on", "talker", "talkee", "organization", "kind", "reasons", "place")


class TalkPlanTable(BaseTable):
    title = tables.Column(linkify=True)
    organization = tables.Column()
    entry_count = tables.Column(verbose_name=_("to cover"), orderable=False, empty_values=())

    class Meta(BaseTable.Meta):
        model = TalkPlan
        fields = ("title", "organization", "starts_on", "due_on", "entry_count")


class EntryStateColumn(tables.Column):
    """Whether an entry is covered, computed once for the whole page."""

    def __init__(self, **kwargs):
        kwargs.setdefault("verbose_name", _("coverage"))
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("empty_values", ())
        super().__init__(accessor="pk", **kwargs)

    @staticmethod
    def state(record, table):
        if getattr(table, "_states", None) is None:
            rows = table.page.object_list if getattr(table, "page", None) else table.data
            table._states = metrics.entry_states([getattr(row, "record", row) for row in rows])
        return table._states.get(record.pk, (metrics.DUE, None))

    def render(self, record, table):
        state, talk = self.state(record, table)
        badge = state_badge(state, metrics.ENTRY_STATES[state])
        if talk is not None:
            return format_html('{} <a href="{}">{}</a>', badge, talk.get_absolute_url(), f"{talk.held_on:%Y-%m-%d}")
        return badge

    def value(self, record, table):
        state, talk = self.state(record, table)
        label = str(metrics.ENTRY_STATES[state])
        return f"{label} {talk.held_on:%Y-%m-%d}" if talk is not None else label


class TalkPlanEntryTable(BaseTable):
    talkee = tables.Column(linkify=lambda record: record.get_absolute_url())
    expected = tables.Column(verbose_name=_("expected talker"), accessor="pk", orderable=False, empty_values=())
    coverage = EntryStateColumn()

    class Meta(BaseTable.Meta):
        model = TalkPlanEntry
        fields = ("plan", "talkee", "expected", "due_on", "priority_group", "kind", "coverage")

    def render_expected(self, record):
        return record.expected_talker or record.talker_organization or "—"

    def value_expected(self, record):
        return str(record.expected_talker or record.talker_organization or "")
