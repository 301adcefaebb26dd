"""Tables of the training lists (also the columns of their Excel exports)."""
import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from banzi.core.tables import BaseTable, YesNoColumn

from . import metrics
from .models import (
    Attendance,
    Enrollment,
    Lecturer,
    TrainingNeed,
    TrainingProgram,
    TrainingSession,
    TrainingTopic,
)

STATUS_COLOURS = {"present": "green", "absent": "red", "excused": "yellow"}


class TrainingTopicTable(BaseTable):
    name = tables.Column(linkify=True)
    is_active = YesNoColumn()

    class Meta(BaseTable.Meta):
        model = TrainingTopic
        fields = ("name", "description", "sort_order", "is_active")


class LecturerTable(BaseTable):
    name = tables.Column(linkify=True)
    organization = tables.Column(verbose_name=_("kept by"))

    class Meta(BaseTable.Meta):
        model = Lecturer
        fields = ("name", "affiliation_kind", "affiliation", "title", "organization")


class TrainingProgramTable(BaseTable):
    name = tables.Column(linkify=True)
    organizer = tables.Column()
    topic_names = tables.Column(accessor="pk", verbose_name=_("topics"), orderable=False, empty_values=())

    class Meta(BaseTable.Meta):
        model = TrainingProgram
        fields = ("name", "kind", "organizer", "start_on", "end_on", "location", "target_group", "topic_names")

    def render_topic_names(self, record):
        return "、".join(t.name for t in record.topics.all())

    def value_topic_names(self, record):
        return self.render_topic_names(record)


class TrainingSessionTable(BaseTable):
    title = tables.Column(linkify=True)
    program = tables.Column(linkify=True)
    lecturer = tables.Column()
    topic = tables.Column()

    class Meta(BaseTable.Meta):
        model = TrainingSession
        fields = ("held_on", "starts_at", "title", "program", "topic", "lecturer", "credit_hours", "location")


class EnrollmentTable(BaseTable):
    cadre = tables.Column(linkify=lambda record: record.get_absolute_url())
    unit = tables.Column(accessor="cadre__organization__name", verbose_name=_("current unit"))
    post = tables.Column(accessor="cadre__post", verbose_name=_("current post"))
    program = tables.Column()

    class Meta(BaseTable.Meta):
        model = Enrollment
        fields = ("cadre", "unit", "post", "program", "note")


class AttendanceTable(BaseTable):
    cadre = tables.Column(linkify=lambda record: record.get_absolute_url())
    unit = tables.Column(accessor="cadre__organization__name", verbose_name=_("current unit"))
    session = tables.Column()
    program = tables.Column(accessor="session__program", verbose_name=_("training program"))

    class Meta(BaseTable.Meta):
        model = Attendance
        fields = ("cadre", "unit", "session", "program", "status", "note")

    def render_status(self, record, value):
        return format_html('<span class="badge bg-{}-lt">{}</span>', STATUS_COLOURS.get(record.status, "secondary"),
                           value)

    def value_status(self, record, value):
        return value


class TrainingNeedTable(BaseTable):
    need = tables.Column(accessor="pk", verbose_name=_("training need"), orderable=False,
                         linkify=lambda record: record.get_absolute_url())
    organization = tables.Column()
    cadre = tables.Column()
    topic = tables.Column()

    class Meta(BaseTable.Meta):
        model = TrainingNeed
        fields = ("need", "organization", "cadre", "topic", "source", "raised_on", "status", "met_by", "note")

    def render_need(self, record):
        return str(record)

    def value_need(self, record):
        return str(record)


class CadreHoursTable(BaseTable):
    """A cadre's training days and credit hours in the year against the minimum (the shortfall list)."""

    name = tables.Column(verbose_name=_("full name"), linkify=lambda record: record.get_absolute_url())
    unit = tables.Column(accessor="organization__name", verbose_name=_("current unit"), order_by="organization__name")
    post = tables.Column(verbose_name=_("current post"))
    training_days = tables.Column(verbose_name=_("training days"), attrs={"td": {"class": "text-end"}})
    credit_hours = tables.Column(verbose_name=_("credit hours"), attrs={"td": {"class": "text-end"}})
    meets = tables.Column(accessor="pk", verbose_name=_("meets the minimum"), orderable=False, empty_values=())
    needs = tables.Column(accessor="pk", verbose_name=_("still needs"), orderable=False, empty_values=())

    class Meta(BaseTable.Meta):
        fields = ("name", "unit", "post", "training_days", "credit_hours", "meets", "needs")
        empty_text = _("No cadres match.")

    def __init__(self, *args, rule=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rule = rule or metrics.minimum()

    def render_credit_hours(self, value):
        return metrics.hours(value)

    def value_credit_hours(self, value):
        return str(metrics.hours(value))

    def value_meets(self, record):
        return str(_("Yes")) if metrics.meets(record.training_days, record.credit_hours, self.rule) else str(_("No"))

    def render_meets(self, record):
        ok = metrics.meets(record.training_days, record.credit_hours, self.rule)
        return format_html('<span class="badge bg-{}-lt">{}</span>', "green" if ok else "red",
                           _("Yes") if ok else _("No"))

    def value_needs(self, record):
        need = metrics.needs(record.training_days, record.credit_hours, self.rule)
        if not need["days"]:
            return ""
        return str(_("%(days)d more days or %(hours)s more credit hours") % {
            "days": need["days"], "hours": need["credit_hours"]})

    def render_needs(self, record):
        return self.value_needs(record) or "—"
