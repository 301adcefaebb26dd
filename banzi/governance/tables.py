"""Tables of the governance lists (also the columns of their Excel exports)."""
import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from banzi.core.tables import BaseTable

from .models import AgendaItem, Meeting, OrgLifeRule


class MeetingTable(BaseTable):
    held_on = tables.DateColumn(format="Y-m-d", linkify=True)
    topic = tables.Column(linkify=True)
    organization = tables.Column(linkify=True)
    due_count = tables.Column(verbose_name=_("members due"), orderable=False)
    present_count = tables.Column(verbose_name=_("present"), orderable=False)

    class Meta(BaseTable.Meta):
        model = Meeting
        fields = ("held_on", "organization", "kind", "topic", "chair", "due_count", "present_count")

    def render_due_count(self, record, value):
        return value + record.other_members_due

    def render_present_count(self, record, value):
        return value + record.other_members_present

    def value_due_count(self, record, value):
        return self.render_due_count(record, value)

    def value_present_count(self, record, value):
        return self.render_present_count(record, value)


class AgendaItemTable(BaseTable):
    title = tables.Column(linkify=True)
    meeting = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = AgendaItem
        fields = ("title", "meeting", "category", "proposer", "votes_for", "votes_against", "votes_abstain", "outcome")


class OrgLifeRuleTable(BaseTable):
    meeting_kind = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = OrgLifeRule
        fields = ("organization_kind", "meeting_kind", "frequency", "min_attendance", "is_active")
