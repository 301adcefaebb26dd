"""The 13710 clock: stage due times across weekends and holidays, both day modes, the 23:59 rule,
complex items with and without a timetable, a year without a schedule, and county overrides."""
import pytest

from banzi.core.models import Rule
from banzi.core.workdays import Calendar
from banzi.tasks import clock13710
from banzi.tasks.models import SupervisedItem, SupervisedReport
from tests.dates import without_schedule

from .boards_data import at, item, report

pytestmark = pytest.mark.django_db
COMPLEX = SupervisedItem.ItemClass.COMPLEX
PROGRESS = SupervisedReport.Kind.PROGRESS


@pytest.fixture
def working(db):
    Rule.objects.create(key=clock13710.RULE_KEY, value={"day_mode": "working"})


def dues(obj, now=None):
    """{stage name: local due date} of an item."""
    return {s.name: s.due_on for s in clock13710.stages(obj, now=now or at(2026, 11, 29))}


def by_name(obj, now):
    return {s.name: s for s in clock13710.stages(obj, now=now)}


def test_default_rule_is_calendar_days_with_the_13710_windows():
    assert clock13710.rule() == {"deploy_days": 1, "report_days": 3, "ordinary_days": 7, "complex_months": 1,
                            "monthly_report_days": 30, "day_mode": "calendar"}


def test_working_days_across_a_weekend(working):
    # Friday 27 Nov 2026: 1 working day → Monday 30, 3 → Wednesday 2 Dec, 7 → Tuesday 8 Dec.
    obj = item(assigned_at=at(2026, 11, 27, 10))
    d = dues(obj)
    assert (d["deploy"], d["first_report"], d["done"]) == (at(2026, 11, 30).date(), at(2026, 12, 2).date(),
                                                           at(2026, 12, 8).date())
    assert d["close_out"] is None


def test_calendar_days_across_a_weekend_run_to_the_next_working_day():
    # Friday 27 Nov: +1 is Saturday → Monday 30; +3 is Monday 30; +7 is Friday 4 Dec.
    obj = item(assigned_at=at(2026, 11, 27, 10))
    d = dues(obj)
    assert (d["deploy"], d["first_report"], d["done"]) == (at(2026, 11, 30).date(), at(2026, 11, 30).date(),
                                                           at(2026, 12, 4).date())


def test_working_days_across_national_day_with_its_adjusted_saturday(working):
    # Wednesday 30 Sep 2026; 1–7 Oct are holidays; Saturday 10 Oct is a working day.
    obj = item(assigned_at=at(2026, 9, 30, 9))
    d = dues(obj)
    assert d["deploy"] == at(2026, 10, 8).date()
    assert d["first_report"] == at(2026, 10, 10).date()  # 8, 9, 10 Oct
    assert d["done"] == at(2026, 10, 15).date()  # 8, 9, 10, 12, 13, 14, 15 Oct


def test_calendar_days_ending_inside_national_day_run_to_8_october():
    obj = item(assigned_at=at(2026, 9, 30, 9))
    d = dues(obj)
    assert d["deploy"] == d["first_report"] == d["done"] == at(2026, 10, 8).date()


def test_the_assignment_day_is_not_counted_even_at_2359(working):
    late = item(assigned_at=at(2026, 11, 24, 23, 59))  # Tuesday 23:59
    after_midnight = item(assigned_at=at(2026, 11, 25, 0, 30))  # Wednesday 00:30 (still 24 Nov in UTC)
    assert dues(late)["deploy"] == at(2026, 11, 25).date()
    assert dues(after_midnight)["deploy"] == at(2026, 11, 26).date()
    friday_night = item(assigned_at=at(2026, 11, 27, 23, 59))
    assert dues(friday_night)["deploy"] == at(2026, 11, 30).date()


def test_stage_due_time_is_the_end_of_its_last_day():
    obj = item(assigned_at=at(2026, 11, 24, 23, 59))
    deploy = by_name(obj, at(2026, 11, 25, 12))["deploy"]
    assert deploy.due_at == at(2026, 11, 25, 23, 59).replace(second=59)
    assert deploy.state == clock13710.PENDING


def test_states_done_done_late_pending_overdue():
    obj = item(assigned_at=at(2026, 11, 16, 9), deployed_at=at(2026, 11, 17, 18),
               first_report_at=at(2026, 11, 20, 9))
    s = by_name(obj, at(2026, 11, 24, 12))
    assert s["deploy"].state == clock13710.DONE  # due end of 17 Nov
    assert s["first_report"].state == clock13710.DONE_LATE  # due end of 19 Nov
    assert s["done"].state == clock13710.OVERDUE  # due end of Monday 23 Nov
    assert s["close_out"].state == clock13710.PENDING
    assert clock13710.item_state(obj, now=at(2026, 11, 24, 12)) == clock13710.ITEM_OVERDUE
    # Before the deadline, one day of its seven gone (14%) with no progress reported: on track.
    assert clock13710.item_state(obj, now=at(2026, 11, 17, 12)) == clock13710.ON_TRACK


def test_at_risk_when_the_elapsed_share_outruns_the_progress_not_when_a_stage_falls_due_soon():
    obj = item(assigned_at=at(2026, 11, 16, 9), deployed_at=at(2026, 11, 16, 18))
    # Done due end of Monday 23 Nov (7 days). On Tuesday 17 one day has gone (14%): on track.
    assert clock13710.item_state(obj, now=at(2026, 11, 17, 8)) == clock13710.ON_TRACK
    # On Wednesday 18 two have gone (29%): more than 20 points (the default margin) ahead of 0%.
    assert clock13710.item_state(obj, now=at(2026, 11, 18, 12)) == clock13710.AT_RISK
    # With 10% reported it is within the margin, though its first report (due end of Thursday 19)
    # falls due by the next working day: that is a reminder, not a risk.
    report(obj, at(2026, 11, 18, 9), kind=PROGRESS, percent=10)
    assert clock13710.item_state(obj, now=at(2026, 11, 18, 12)) == clock13710.ON_TRACK
    # The latest report with a percent counts: 8% is 21 points behind.
    report(obj, at(2026, 11, 18, 10), kind=PROGRESS, percent=8)
    assert clock13710.item_state(obj, now=at(2026, 11, 18, 12)) == clock13710.AT_RISK
    # On the deadline's day all the time has gone: 80% is within the margin, 79% is not.
    obj.first_report_at = at(2026, 11, 18, 9)  # else the first report is overdue by then
    obj.save(update_fields=["first_report_at"])
    report(obj, at(2026, 11, 23, 9), kind=PROGRESS, percent=80)
    assert clock13710.item_state(obj, now=at(2026, 11, 23, 12)) == clock13710.ON_TRACK
    report(obj, at(2026, 11, 23, 10), kind=PROGRESS, percent=79)
    assert clock13710.item_state(obj, now=at(2026, 11, 23, 12)) == clock13710.AT_RISK


def test_done_item_and_close_out():
    obj = item(assigned_at=at(2026, 11, 16, 9), done_at=at(2026, 11, 20, 9), status=SupervisedItem.Status.DONE)
    s = by_name(obj, at(2026, 11, 29))
    # Completion implies deployment and a report that were not timed separately.
    assert s["deploy"].state == clock13710.DONE_LATE and s["deploy"].inferred
    assert s["done"].state == clock13710.DONE
    assert s["close_out"].state == clock13710.PENDING
    assert clock13710.item_state(obj, now=at(2026, 11, 29)) == clock13710.ITEM_DONE
    obj.status, obj.closed_at = SupervisedItem.Status.CLOSED, at(2026, 11, 23, 9)
    assert by_name(obj, at(2026, 11, 29))["close_out"].state == clock13710.DONE


def test_complex_item_without_a_timetable_is_due_within_a_month():
    obj = item(assigned_at=at(2026, 11, 10, 9), item_class=COMPLEX)
    assert dues(obj)["done"] == at(2026, 12, 10).date()
    assert not any(name.startswith("monthly") for name in dues(obj))
    # A month ending on a Saturday (5 Dec 2026) runs to Monday 7 Dec.
    saturday = item(assigned_at=at(2026, 11, 5, 9), item_class=SupervisedItem.ItemClass.MAJOR)
    assert dues(saturday)["done"] == at(2026, 12, 7).date()
    month_end = item(assigned_at=at(2026, 10, 31, 9), item_class=COMPLEX)  # 30 Nov is a Monday
    assert dues(month_end)["done"] == at(2026, 11, 30).date()


def test_complex_item_on_a_timetable_needs_a_report_every_month():
    obj = item(assigned_at=at(2026, 6, 1, 9), item_class=COMPLEX, timetable_due_on=at(2026, 12, 31).date(),
               deployed_at=at(2026, 6, 1, 15), first_report_at=at(2026, 6, 3, 9))
    report(obj, at(2026, 6, 25))
    report(obj, at(2026, 7, 20))
    report(obj, at(2026, 9, 2), percent=40)  # late for the month ending 31 Aug
    now = at(2026, 9, 15)
    s = by_name(obj, now)
    # Months of 30 days from 1 Jun: 1 Jul, 31 Jul, 30 Aug (a Sunday → 31 Aug), 29 Sep.
    assert [s[f"monthly_{k}"].due_on for k in range(1, 5)] == [
        at(2026, 7, 1).date(), at(2026, 7, 31).date(), at(2026, 8, 31).date(), at(2026, 9, 29).date()]
    assert [s[f"monthly_{k}"].state for k in range(1, 5)] == [clock13710.DONE, clock13710.DONE, clock13710.DONE_LATE, clock13710.PENDING]
    assert "monthly_5" not in s
    assert s["done"].due_on == at(2026, 12, 31).date()
    # 106 of its 213 days gone (50%), 40% reported: within the margin of 20 points.
    assert clock13710.item_state(obj, now=now) == clock13710.ON_TRACK
    later = at(2026, 10, 1)
    assert by_name(obj, later)["monthly_4"].state == clock13710.OVERDUE
    assert by_name(obj, later)["monthly_5"].state == clock13710.PENDING
    assert clock13710.item_state(obj, now=later) == clock13710.ITEM_OVERDUE


def test_a_report_counts_for_one_month_only():
    obj = item(assigned_at=at(2026, 6, 1, 9), item_class=COMPLEX, timetable_due_on=at(2026, 12, 31).date())
    report(obj, at(2026, 6, 10))
    report(obj, at(2026, 6, 20))  # a second report in the first month does not cover the second
    s = by_name(obj, at(2026, 8, 5))
    assert s["monthly_1"].state == clock13710.DONE
    assert s["monthly_2"].state == clock13710.OVERDUE


def test_no_monthly_report_is_due_after_completion():
    obj = item(assigned_at=at(2026, 6, 1, 9), item_class=COMPLEX, timetable_due_on=at(2026, 12, 31).date(),
               done_at=at(2026, 8, 15), status=SupervisedItem.Status.DONE)
    report(obj, at(2026, 6, 25))
    report(obj, at(2026, 7, 25))
    names = [s.name for s in clock13710.stages(obj, now=at(2026, 11, 29))]
    assert names == ["deploy", "first_report", "monthly_1", "monthly_2", "done", "close_out"]
    assert clock13710.item_state(obj, now=at(2026, 11, 29)) == clock13710.ITEM_DONE


def test_year_without_a_schedule_falls_back_to_weekends_and_warns(working):
    without_schedule(2027)
    # 1 Oct 2027 is a Friday: with no 2027 schedule on record it counts as a working day.
    obj = item(assigned_at=at(2027, 9, 30, 9))
    assert dues(obj)["deploy"] == at(2027, 10, 1).date()
    assert dues(obj)["done"] == at(2027, 10, 11).date()  # 1, 4–8, 11 Oct: weekends only
    (warning,) = clock13710.warnings(obj)
    assert "2027" in warning
    assert clock13710.warnings(item(assigned_at=at(2026, 9, 30, 9))) == []


def test_an_item_running_into_next_year_warns():
    without_schedule(2027)
    obj = item(assigned_at=at(2026, 12, 28, 9))  # ordinary: done by 4 Jan 2027
    assert dues(obj)["done"] == at(2027, 1, 4).date()
    assert "2027" in clock13710.warnings(obj)[0]


def test_county_overrides_the_rule_in_the_rule_table():
    obj = item(assigned_at=at(2026, 11, 27, 10))
    assert dues(obj)["done"] == at(2026, 12, 4).date()
    Rule.objects.create(key=clock13710.RULE_KEY, value={"day_mode": "working", "ordinary_days": 5})
    assert clock13710.rule()["ordinary_days"] == 5
    assert dues(obj)["done"] == at(2026, 12, 4).date()  # Mon 30, Tue 1, Wed 2, Thu 3, Fri 4 Dec
    Rule.objects.filter(key=clock13710.RULE_KEY).update(value={"day_mode": "working", "ordinary_days": 6})
    assert dues(obj)["done"] == at(2026, 12, 7).date()


def test_batch_clock_loads_calendar_and_rule_once(django_assert_num_queries):
    items = [item(assigned_at=at(2026, 9, 20 + n, 9)) for n in range(5)]
    with django_assert_num_queries(3):  # the rule, the calendar's years and its days
        batch = clock13710.Clock.for_items(items, now=at(2026, 11, 29))
    with django_assert_num_queries(0):
        states = [batch.item_state(i) for i in items]
    assert set(states) == {clock13710.ITEM_OVERDUE}


def test_given_calendar_is_used():
    cal = Calendar.load(2026, 2027)
    obj = item(assigned_at=at(2026, 11, 27, 10))
    assert clock13710.stages(obj, calendar=cal, now=at(2026, 11, 29))[0].due_on == at(2026, 11, 30).date()
