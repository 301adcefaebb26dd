"""Dates for test records, always relative to the pinned clock (tests/conftest.py), so that the
records mean the same at any pinned moment: a team whose term contains today, a day that has
passed this year, a coming day.

"Earlier this year" is bounded by 1 January and today: on 1 January the only such day is today
itself, so `earlier_this_year()` gives today then, and a record that must lie strictly in the past
without caring for the year takes `days_ago()` instead."""
import datetime

from banzi.core import clock


def today():
    return clock.today()


def this_year():
    return today().year


def new_year():
    """1 January of this year."""
    return datetime.date(this_year(), 1, 1)


def days_ago(days):
    return today() - datetime.timedelta(days=days)


def days_ahead(days):
    return today() + datetime.timedelta(days=days)


def earlier_this_year(days=0):
    """A day of this year that is not in the future: `days` after 1 January, or today if that day is
    still to come (in the first weeks of January, several of them fall on today)."""
    return min(new_year() + datetime.timedelta(days=days), today())


def not_after_today(day):
    return min(day, today())


def current_election(years_ago=2, days=0):
    """An election day of a five-year term that contains today (`years_ago` full years and `days`
    days back, 0 <= years_ago <= 4)."""
    day = today()
    try:
        elected = day.replace(year=day.year - years_ago)
    except ValueError:  # 29 February
        elected = day.replace(year=day.year - years_ago, day=28)
    return elected - datetime.timedelta(days=days)


def without_schedule(year):
    """Make `year` one without an official holiday schedule on record, whatever the holiday library
    seeded (a newer release knows more years): tests of the weekends-only fallback use it."""
    from banzi.core.models import CalendarDay, CalendarYear

    CalendarDay.objects.filter(date__year=year).delete()
    CalendarYear.objects.filter(year=year).delete()
