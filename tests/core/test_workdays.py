"""The working-day calendar: seeded holidays, adjusted working days, and the fallback for unknown years."""
import datetime

import pytest

from banzi.core import rules
from banzi.core.models import CalendarDay, CalendarYear, Rule
from banzi.core.workdays import Calendar, add_months
from tests.dates import without_schedule

D = datetime.date


@pytest.fixture
def cal(db):
    return Calendar.load(2025, 2028)


def test_national_day_2026_is_seeded(db):
    assert CalendarDay.objects.get(date=D(2026, 10, 1)).kind == CalendarDay.Kind.REST
    assert CalendarDay.objects.get(date=D(2026, 10, 10)).kind == CalendarDay.Kind.WORK
    assert CalendarYear.objects.filter(year=2026, is_published=True).exists()


def test_holiday_and_adjusted_working_day(cal):
    assert not cal.is_working_day(D(2026, 10, 1))  # Thursday, National Day
    assert cal.is_working_day(D(2026, 10, 10))  # Saturday, adjusted working day
    assert not cal.is_working_day(D(2026, 11, 28))  # ordinary Saturday
    assert cal.is_working_day(D(2026, 11, 27))  # ordinary Friday


def test_working_days_skip_weekend(cal):
    assert cal.add_working_days(D(2026, 11, 27), 1) == D(2026, 11, 30)  # Friday + 1 → Monday
    assert cal.add_working_days(D(2026, 11, 27), 3) == D(2026, 12, 2)


def test_working_days_across_national_day(cal):
    # Wednesday 30 Sep 2026; 1–7 Oct are holidays, Sat 10 Oct is a working day.
    assert cal.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert cal.add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)


def test_calendar_days_end_on_the_next_working_day(cal):
    assert cal.add_calendar_days(D(2026, 11, 24), 3) == D(2026, 11, 27)
    assert cal.add_calendar_days(D(2026, 11, 25), 3) == D(2026, 11, 30)  # Saturday → Monday
    assert cal.add_calendar_days(D(2026, 9, 29), 3) == D(2026, 10, 8)  # inside National Day


def test_unknown_year_falls_back_to_weekends_and_says_so(db):
    without_schedule(2027)
    cal = Calendar.load(2027, 2027)
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert cal.is_working_day(D(2027, 10, 1))  # a Friday: no schedule on record yet
    assert cal.missing_years == {2027}


def test_county_enters_next_years_schedule(db):
    without_schedule(2027)
    CalendarYear.objects.create(year=2027, source="国务院办公厅通知")
    CalendarDay.objects.create(date=D(2027, 10, 1), kind=CalendarDay.Kind.REST, name="国庆节")
    cal = Calendar.load(2027, 2027)
    assert not cal.is_working_day(D(2027, 10, 1))
    assert cal.missing_years == set()


def test_a_calendar_holds_the_days_of_its_years_from_1_january_to_31_december(db):
    """The days are read by a range of dates: the first and last day of the range are in, the
    days just outside it are not."""
    for day in (D(2026, 12, 31), D(2029, 1, 1), D(2030, 1, 1), D(2030, 12, 31), D(2031, 1, 1)):
        CalendarDay.objects.update_or_create(date=day, defaults={"kind": CalendarDay.Kind.REST, "name": "测试"})
    cal = Calendar.load(2030, 2030)
    assert cal.rest >= {D(2030, 1, 1), D(2030, 12, 31)}
    assert not cal.rest & {D(2026, 12, 31), D(2029, 1, 1), D(2031, 1, 1)}
    assert not cal.is_working_day(D(2030, 12, 31))  # a Tuesday, on record as a rest day
    assert cal.is_working_day(D(2031, 1, 1))  # a Wednesday, outside the calendar's years


def test_add_months_clamps_to_month_end():
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2026, 12, 15), 1) == D(2027, 1, 15)


def test_rules_overlay_county_values(db):
    rules.register("test.clock", {"days": 7, "mode": "working"}, "test")
    assert rules.get("test.clock") == {"days": 7, "mode": "working"}
    Rule.objects.create(key="test.clock", value={"days": 5, "unknown": 1})
    assert rules.get("test.clock") == {"days": 5, "mode": "working"}
