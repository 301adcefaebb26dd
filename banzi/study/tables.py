"""Tables of the study lists (also the columns of their Excel exports)."""
import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from banzi.core.tables import BaseTable, YesNoColumn

from .models import LeadDuty, LeadDutyEvidence, LeadDutyRecord, StudyAttendance, StudyRecord, StudySession


class StudySessionTable(BaseTable):
    held_on = tables.Column(linkify=True)
    organization = tables.Column(linkify=True)
    topic = tables.Column(linkify=lambda record: record.get_absolute_url())
    lecturer = tables.Column(accessor="lecturer_display", verbose_name=_("lecturer"), order_by=("lecturer__name",))
    present_count = tables.Column(verbose_name=_("present"), orderable=False)

    class Meta(BaseTable.Meta):
        model = StudySession
        fields = ("held_on", "organization", "kind", "topic", "minutes", "lecturer", "present_count")


class StudyAttendanceTable(BaseTable):
    cadre = tables.Column(linkify=lambda record: record.get_absolute_url())
    session = tables.Column(linkify=lambda record: record.session.get_absolute_url())

    class Meta(BaseTable.Meta):
        model = StudyAttendance
        fields = ("cadre", "session", "role", "status", "absence_reason")


class StudyRecordTable(BaseTable):
    """A committee's columns: whose, when, how long; the cadre also sees their material."""

    studied_on = tables.Column(linkify=True)
    cadre = tables.Column()

    class Meta(BaseTable.Meta):
        model = StudyRecord
        fields = ("studied_on", "cadre", "minutes", "material")


class LeadDutyTable(BaseTable):
    name = tables.Column(linkify=True)
    is_active = YesNoColumn()

    class Meta(BaseTable.Meta):
        model = LeadDuty
        fields = ("sort_order", "name", "description", "is_active")


class LeadDutyRecordTable(BaseTable):
    done_on = tables.Column(linkify=True)
    cadre = tables.Column(verbose_name=_("leader"))
    description = tables.Column()
    evidence_count = tables.Column(verbose_name=_("evidence files"), orderable=False)

    class Meta(BaseTable.Meta):
        model = LeadDutyRecord
        fields = ("done_on", "cadre", "duty", "description", "evidence_count")


class LeadDutyEvidenceTable(BaseTable):
    name = tables.Column(accessor="pk", verbose_name=_("file"), linkify=lambda record: record.get_absolute_url(),
                         orderable=False)
    record = tables.Column()

    class Meta(BaseTable.Meta):
        model = LeadDutyEvidence
        fields = ("name", "caption", "record")

    def render_name(self, record):
        return record.filename

    def value_name(self, record):
        return self.render_name(record)


class MonthlyTotalTable(BaseTable):
    """Per person, a month's study: listed by name, never sorted by minutes (no ranking)."""

    name = tables.Column(verbose_name=_("full name"), linkify=("study:cadre_study", {"pk": tables.A("pk")}),
                         orderable=False)
    organization = tables.Column(verbose_name=_("unit"), orderable=False)
    study_days = tables.Column(verbose_name=_("days with a record"), orderable=False)
    study_minutes = tables.Column(verbose_name=_("minutes in all"), orderable=False)

    class Meta(BaseTable.Meta):
        orderable = False
