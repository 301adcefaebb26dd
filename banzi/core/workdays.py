"""The working-day calendar and deadline arithmetic.

China's calendar is Monday–Friday work, except for the State Council's yearly schedule of public
holidays (法定节假日) and adjusted working days (调休上班). The schedule is data (`CalendarDay`,
`CalendarYear`): seeded from the `chinesecalendar` library, which knows the years up to its release,
and kept by the county administrator, who enters next year's schedule when it is published. For a
year without a schedule, only weekends are rest days and callers are told so (`Calendar.missing_years`).
"""
import calendar as _calendar
import datetime
from dataclasses import dataclass, field

from django.utils import timezone


def add_months(day, months):
    """The same day `months` later, clamped to the end of a shorter month (31 Jan + 1 → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, _calendar.monthrange(year, month)[1]))


def end_of_day(day):
    """23:59:59 local time on `day`: a deadline 'within N days' runs to the end of its last day."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))


# From this day of the year (1 November) the county is asked for next year's schedule, which the
# State Council usually publishes in the autumn.
NEXT_YEAR_ASKED_FROM = (11, 1)


def years_awaiting_schedule(today):
    """The years whose official holiday schedule the county should enter now: this year's while it is
    missing, and from 1 November next year's. A year counts as entered once its `CalendarYear` is
    marked published, as `Calendar` reads it."""
    from .models import CalendarYear

    years = [today.year]
    if (today.month, today.day) >= NEXT_YEAR_ASKED_FROM:
        years.append(today.year + 1)
    entered = set(CalendarYear.objects.filter(year__in=years, is_published=True).values_list("year", flat=True))
    return [year for year in years if year not in entered]


@dataclass
class Calendar:
    """The calendar over a range of years, loaded once (one query) and then asked many times.

    rest: dates that are holidays (including weekend days inside a holiday).
    work: weekend dates that are adjusted working days.
    known_years: years whose official schedule is on record.
    """

    rest: set = field(default_factory=set)
    work: set = field(default_factory=set)
    known_years: set = field(default_factory=set)
    missing_years: set = field(default_factory=set)

    @classmethod
    def load(cls, first_year, last_year):
        from .models import CalendarDay, CalendarYear

        years = set(range(first_year, last_year + 1))
        known = set(CalendarYear.objects.filter(year__in=years, is_published=True).values_list("year", flat=True))
        rest, work = set(), set()
        # A range of dates, not the dates' years: the index on the date answers it, where a year
        # would be worked out for every row (on SQLite by a Python function).
        within = (datetime.date(first_year, 1, 1), datetime.date(last_year, 12, 31))
        for day, kind in CalendarDay.objects.filter(date__range=within).values_list("date", "kind"):
            (rest if kind == CalendarDay.Kind.REST else work).add(day)
        return cls(rest=rest, work=work, known_years=known)

    @classmethod
    def around(cls, day, years_after=2):
        return cls.load(day.year - 1, day.year + years_after)

    def _note(self, day):
        if day.year not in self.known_years:
            self.missing_years.add(day.year)

    def is_working_day(self, day):
        self._note(day)
        if day in self.rest:
            return False
        if day in self.work:
            return True
        return day.weekday() < 5

    def next_working_day(self, day):
        """`day` itself if it is a working day, otherwise the next working day."""
        while not self.is_working_day(day):
            day += datetime.timedelta(days=1)
        return day

    def add_working_days(self, day, n):
        """The date n working days after `day` (the start day itself is not counted)."""
        count = 0
        while count < n:
            day += datetime.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return day

    def add_calendar_days(self, day, n):
        """n days after `day`; a period whose last day is a rest day ends on the next working day
        (the rule for periods in the Civil Code, arts. 201–203)."""
        return self.next_working_day(day + datetime.timedelta(days=n))

    def add_days(self, day, n, *, working):
        return self.add_working_days(day, n) if working else self.add_calendar_days(day, n)

    def add_months(self, day, months):
        return self.next_working_day(add_months(day, months))
