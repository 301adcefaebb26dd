"""Tables of the frontline-practice lists (also the columns of their Excel exports)."""
import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from banzi.core.tables import BaseTable
from banzi.org.models import VillageDesignation

from .models import (
    Mentorship,
    MentorshipMeeting,
    Posting,
    RectificationGroup,
    StudyVisit,
    VillageRectification,
    WorkLog,
)


class DesignationOverviewTable(BaseTable):
    """A designated village with its rectification target, progress and first secretary."""

    organization = tables.Column(linkify=True, verbose_name=_("village"))
    township = tables.Column(accessor="organization__township", verbose_name=_("township"))
    category = tables.Column(linkify=lambda record: record.get_absolute_url())
    target = tables.Column(accessor="rectification__target", verbose_name=_("rectification target"),
                           orderable=False, default="—")
    progress = tables.Column(accessor="rectification__progress", verbose_name=_("progress (%)"),
                             orderable=False, default="—")
    first_secretaries = tables.Column(empty_values=(), orderable=False, verbose_name=_("first secretary"))

    class Meta(BaseTable.Meta):
        model = VillageDesignation
        fields = ("year", "category", "organization", "township", "reason", "target", "progress",
                  "first_secretaries", "designated_on", "lifted_on")

    def value_first_secretaries(self, record):
        return "、".join(p.cadre.name for p in getattr(record.organization, "first_secretary_postings", []))

    def render_first_secretaries(self, record):
        return self.value_first_secretaries(record) or "—"


class VillageRectificationTable(BaseTable):
    designation = tables.Column(linkify=lambda record: record.get_absolute_url())
    township = tables.Column(accessor="designation__organization__township", verbose_name=_("township"))
    lifted_on = tables.Column(accessor="designation__lifted_on", verbose_name=_("lifted on"))

    class Meta(BaseTable.Meta):
        model = VillageRectification
        fields = ("designation", "township", "target", "due_on", "progress", "reported_on", "lifted_on")


class RectificationGroupTable(BaseTable):
    township = tables.Column(linkify=lambda record: record.get_absolute_url())
    leader = tables.Column()
    member_count = tables.Column(verbose_name=_("members"), orderable=False, default=0)

    class Meta(BaseTable.Meta):
        model = RectificationGroup
        fields = ("township", "campaign", "year", "leader", "started_on", "ended_on", "member_count")


class PostingTable(BaseTable):
    cadre = tables.Column(linkify=lambda record: record.get_absolute_url(), order_by=("cadre__name_pinyin",))
    organization = tables.Column()
    township = tables.Column(accessor="organization__township", verbose_name=_("township"))
    log_count = tables.Column(verbose_name=_("work logs"), orderable=False, default=0)

    class Meta(BaseTable.Meta):
        model = Posting
        fields = ("cadre", "kind", "organization", "township", "started_on", "ended_on", "result", "log_count")


class WorkLogTable(BaseTable):
    logged_on = tables.Column(linkify=lambda record: record.get_absolute_url())
    cadre = tables.Column(accessor="posting__cadre", verbose_name=_("cadre"))
    organization = tables.Column(accessor="posting__organization", verbose_name=_("posted to"))

    class Meta(BaseTable.Meta):
        model = WorkLog
        fields = ("logged_on", "cadre", "organization", "visits", "problems_found", "problems_solved", "content")


class MentorshipTable(BaseTable):
    mentee = tables.Column(linkify=lambda record: record.get_absolute_url(), order_by=("mentee__name_pinyin",))
    mentor = tables.Column(order_by=("mentor__name_pinyin",))
    township = tables.Column(accessor="mentee__organization__township", verbose_name=_("township"))
    meeting_count = tables.Column(verbose_name=_("meetings"), orderable=False, default=0)

    class Meta(BaseTable.Meta):
        model = Mentorship
        fields = ("mentee", "mentor", "township", "started_on", "ended_on", "goals", "meeting_count")


class MentorshipMeetingTable(BaseTable):
    met_on = tables.Column(linkify=lambda record: record.get_absolute_url())
    mentorship = tables.Column()

    class Meta(BaseTable.Meta):
        model = MentorshipMeeting
        fields = ("met_on", "mentorship", "topic", "notes")


class StudyVisitTable(BaseTable):
    title = tables.Column(linkify=True)
    participant_count = tables.Column(verbose_name=_("participants"), orderable=False, default=0)

    class Meta(BaseTable.Meta):
        model = StudyVisit
        fields = ("visited_on", "title", "host", "organization", "participant_count", "learned")
