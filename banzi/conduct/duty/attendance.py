"""Attendance figures (考勤汇总), computed on read: a day's attendance is the record entered or imported
for it; failing that, an approved leave request covering it makes it a leave day and an outing report
covering it an outing day (entered once, in the leave and outing modules, never copied here);
a working day with neither is "not recorded". Weekend and holiday days count only when recorded.
"""
import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from banzi.core import clock
from banzi.core.workdays import Calendar
from banzi.org.models import Cadre

from .models import AttendanceRecord

Status = AttendanceRecord.Status
NOT_RECORDED = "not_recorded"
COLUMNS = [*Status.values, NOT_RECORDED]
LABELS = {**dict(Status.choices), NOT_RECORDED: _("Not recorded")}


def month_bounds(year, month):
    first = datetime.date(year, month, 1)
    last = datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)
    return first, last


def _days(start, end):
    day = start
    while day <= end:
        yield day
        day += datetime.timedelta(days=1)


def leave_days(cadre_ids, start, end):
    """{(cadre id, date)} of the days within [start, end] that approved leave covers, up to the day
    before the cadre reported back (销假) if they came back early."""
    LeaveRequest = apps.get_model("conduct", "LeaveRequest")
    found = set()
    requests = LeaveRequest.objects.filter(
        cadre_id__in=cadre_ids, status=LeaveRequest.Status.APPROVED, starts_on__lte=end, ends_on__gte=start,
    ).values_list("cadre_id", "starts_on", "ends_on", "returned_on")
    for cadre_id, starts_on, ends_on, returned_on in requests:
        last = min(ends_on, returned_on - datetime.timedelta(days=1)) if returned_on else ends_on
        for day in _days(max(starts_on, start), min(last, end)):
            found.add((cadre_id, day))
    return found


def outing_days(cadre_ids, start, end):
    """{(cadre id, date)} of the days within [start, end] a cadre was away on an outing report,
    from the day of departure to the day of return (actual, else planned)."""
    OutingReport = apps.get_model("conduct", "OutingReport")
    found = set()
    window_start = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    window_end = timezone.make_aware(datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min))
    reports = OutingReport.objects.filter(cadre_id__in=cadre_ids, departs_at__lt=window_end).filter(
        Q(returned_at__gte=window_start) | Q(returned_at__isnull=True, planned_return_at__gte=window_start),
    ).values_list("cadre_id", "departs_at", "planned_return_at", "returned_at")
    for cadre_id, departs_at, planned_return_at, returned_at in reports:
        first = clock.local_date(departs_at)
        last = clock.local_date(returned_at or planned_return_at)
        for day in _days(max(first, start), min(last, end)):
            found.add((cadre_id, day))
    return found


def day_statuses(cadre_ids, start, end, *, records=None, calendar=None, today=None):
    """{cadre id: {date: status}} for every day of [start, end] up to today that has a status: the
    record, else leave, else outing, else `NOT_RECORDED` on a working day."""
    today = today or clock.today()
    end = min(end, today)
    calendar = calendar or Calendar.load(start.year, end.year)
    cadre_ids = list(cadre_ids)
    if records is None:
        records = AttendanceRecord.objects.filter(cadre_id__in=cadre_ids, date__range=(start, end))
    recorded = {(cadre_id, day): status for cadre_id, day, status in records.values_list("cadre_id", "date", "status")}
    leave = leave_days(cadre_ids, start, end) if cadre_ids else set()
    outing = outing_days(cadre_ids, start, end) if cadre_ids else set()
    result = defaultdict(dict)
    working = [day for day in _days(start, end) if calendar.is_working_day(day)]
    for cadre_id in cadre_ids:
        days = result[cadre_id]
        for day in working:
            key = (cadre_id, day)
            if key in leave:
                days[day] = Status.LEAVE
            elif key in outing:
                days[day] = Status.OUTING
            else:
                days[day] = NOT_RECORDED
    for (cadre_id, day), status in recorded.items():
        if start <= day <= end:
            result[cadre_id][day] = status
    return result


@dataclass
class SummaryRow:
    """One line of the monthly summary: a cadre (or an organization's total) and its day counts."""

    label: str
    organization: str
    counts: Counter = field(default_factory=Counter)
    cadre: object = None

    @property
    def cells(self):
        return [self.counts.get(column, 0) for column in COLUMNS]

    @property
    def recorded_days(self):
        return sum(self.counts.get(column, 0) for column in Status.values)


def monthly_summary(user, year, month, *, township=None, today=None):
    """The month's attendance of the active cadres the user may see: one row per cadre and one total
    per organization (unit), each counting days by status."""
    start, end = month_bounds(year, month)
    cadres = Cadre.objects.visible_to(user).filter(status=Cadre.Status.ACTIVE).select_related("organization")
    if township is not None:
        cadres = cadres.filter(organization__township=township)
    cadres = list(cadres.order_by("organization__sort_order", "organization__name", "name_pinyin", "pk"))
    statuses = day_statuses([c.pk for c in cadres], start, end, today=today,
                            records=AttendanceRecord.objects.visible_to(user).filter(
                                cadre__in=[c.pk for c in cadres], date__range=(start, end)))
    rows, totals = [], {}
    for cadre in cadres:
        row = SummaryRow(cadre.name, cadre.organization.name, Counter(statuses.get(cadre.pk, {}).values()), cadre)
        rows.append(row)
        total = totals.setdefault(cadre.organization_id, SummaryRow(cadre.organization.name, cadre.organization.name))
        total.counts.update(row.counts)
    return rows, list(totals.values())
