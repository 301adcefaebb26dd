"""Tables of the overnight duty and attendance lists (also the columns of their Excel exports)."""
import django_tables2 as tables
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from banzi.core.tables import BaseTable

from .models import AttendanceRecord, DutyCheckIn, DutyRoster, DutyShift, DutySwap, SpotCheck


def local_time(value):
    """A time as the county reads it (local, to the minute) in the Excel export."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


class DutyRosterTable(BaseTable):
    name = tables.Column(verbose_name=_("duty roster"), accessor="pk", linkify=lambda record: record.get_absolute_url(),
                         orderable=False)
    township = tables.Column()
    shift_count = tables.Column(verbose_name=_("nights"), orderable=False)

    class Meta(BaseTable.Meta):
        model = DutyRoster
        fields = ("name", "township", "year", "month", "status", "shift_count", "published_at")

    def render_name(self, record):
        return str(record)

    def value_name(self, record):
        return str(record)


class DutyShiftTable(BaseTable):
    date = tables.Column(linkify=True)
    township = tables.Column(verbose_name=_("township"), accessor="roster__township")
    leader = tables.Column()
    staff = tables.Column()
    roster_status = tables.Column(verbose_name=_("status"), accessor="roster__status", orderable=False)

    class Meta(BaseTable.Meta):
        model = DutyShift
        fields = ("date", "township", "leader", "staff", "roster_status", "notes")

    def value_date(self, value):
        return value.isoformat()

    def render_roster_status(self, record):
        return record.roster.get_status_display()

    def value_roster_status(self, record):
        return record.roster.get_status_display()


class DutySwapTable(BaseTable):
    name = tables.Column(verbose_name=_("duty swap"), accessor="pk", linkify=lambda record: record.get_absolute_url(),
                         orderable=False)
    township = tables.Column(verbose_name=_("township"), accessor="shift__roster__township")
    date = tables.Column(verbose_name=_("date"), accessor="shift__date")

    class Meta(BaseTable.Meta):
        model = DutySwap
        fields = ("name", "township", "date", "requested_by", "replacement", "reason", "status", "decided_at")

    def render_name(self, record):
        return str(record)

    def value_name(self, record):
        return str(record)

    def value_decided_at(self, value):
        return local_time(value)


class DutyCheckInTable(BaseTable):
    cadre = tables.Column(linkify=lambda record: record.get_absolute_url())
    township = tables.Column(verbose_name=_("township"), accessor="shift__roster__township")
    date = tables.Column(verbose_name=_("date"), accessor="shift__date")

    class Meta(BaseTable.Meta):
        model = DutyCheckIn
        fields = ("cadre", "township", "date", "checked_in_at", "location", "note")

    def value_checked_in_at(self, value):
        return local_time(value)


class SpotCheckTable(BaseTable):
    name = tables.Column(verbose_name=_("spot check"), accessor="pk", linkify=lambda record: record.get_absolute_url(),
                         orderable=False)

    class Meta(BaseTable.Meta):
        model = SpotCheck
        fields = ("name", "township", "duty_date", "cadre", "checked_at", "method", "result")

    def render_name(self, record):
        return str(record)

    def value_name(self, record):
        return str(record)

    def value_checked_at(self, value):
        return local_time(value)


class AttendanceRecordTable(BaseTable):
    cadre = tables.Column(linkify=lambda record: record.get_absolute_url())
    organization = tables.Column()

    class Meta(BaseTable.Meta):
        model = AttendanceRecord
        fields = ("cadre", "organization", "date", "status", "note")
