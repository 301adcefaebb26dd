"""A year without an official holiday schedule: from 1 November the county administrator's home page
and a weekly reminder ask for next year's schedule until it is entered, and on 1 January of a year
that has none, deadlines and leave count weekends only, with the warning. Each test pins its own
moment in 2026–2027; 2027's schedule is taken away first, whatever the holiday library knows."""
import datetime
import zoneinfo
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils.html import escape

from banzi.conduct import services as conduct_services
from banzi.conduct.models import LeaveRequest
from banzi.core.management.commands.send_calendar_reminders import calendar_messages
from banzi.core.models import CalendarDay, CalendarYear, Notification
from banzi.core.roles import Role
from banzi.core.workdays import Calendar, years_awaiting_schedule
from banzi.tasks import clock13710
from banzi.tasks.models import SupervisedItem
from tests import factories as f
from tests.dates import without_schedule
from tests.tasks import cases as tc

pytestmark = pytest.mark.django_db

D = datetime.date
LOCAL = zoneinfo.ZoneInfo("Asia/Shanghai")
ASKED = "Enter the 2027 holiday schedule"


@pytest.fixture(autouse=True)
def _2027_without_schedule(db):
    without_schedule(2027)


def at(travel, day, hour=9):
    """Move the pinned clock to `hour` o'clock of the day, county time."""
    travel.move_to(datetime.datetime(day.year, day.month, day.day, hour, tzinfo=LOCAL))


def signed_in(client_for, role=Role.COUNTY_ADMIN, **fields):
    """A user made and signed in at the moved clock (a session from before would have timed out)."""
    user = f.UserFactory(role=role, **fields)
    return user, client_for(user)


def asked(client):
    response = client.get("/")
    assert response.status_code == 200
    return {str(a["label"]): a for a in response.context["actions"]}


def send():
    out = StringIO()
    call_command("send_calendar_reminders", stdout=out)
    return out.getvalue()


def test_nothing_is_asked_on_31_october(travel, county, client_for):
    at(travel, D(2026, 10, 31), hour=23)
    _admin, county_client = signed_in(client_for)
    assert years_awaiting_schedule(D(2026, 10, 31)) == []
    assert ASKED not in asked(county_client)
    assert "sent: 0" in send()
    assert not Notification.objects.exists()


def test_from_1_november_the_home_page_and_a_weekly_reminder_ask_for_next_year(travel, township, client_for):
    at(travel, D(2026, 11, 1))
    county_admin, county_client = signed_in(client_for)
    _township_admin, township_client = signed_in(client_for, Role.TOWNSHIP_ADMIN, organization=township)
    action = asked(county_client)[ASKED]
    assert action["url"] == "/core/calendar/years/add/?year=2027"
    assert "only weekends count as rest days in 2027" in action["hint"]
    assert ASKED not in asked(township_client)  # the county keeps the calendar

    assert "sent: 1" in send()
    reminder = Notification.objects.get()
    assert (reminder.user, reminder.url) == (county_admin, "/core/calendar/years/add/?year=2027")
    assert "2027" in reminder.title and reminder.level == "warning"
    assert "sent: 0" in send()  # once a week at most
    at(travel, D(2026, 11, 9))  # the next week
    assert "sent: 1" in send()
    assert Notification.objects.filter(user=county_admin).count() == 2


def test_a_schedule_being_entered_is_still_asked_for_and_linked(travel, county, client_for):
    at(travel, D(2026, 12, 20))
    county_admin, county_client = signed_in(client_for)
    year = CalendarYear.objects.create(year=2027, is_published=False, source="国办发明电")
    assert asked(county_client)[ASKED]["url"] == year.get_absolute_url()
    assert [(m.user_id, m.url) for m in calendar_messages(D(2026, 12, 20))] == [(county_admin.pk,
                                                                                 year.get_absolute_url())]


def test_once_entered_nothing_is_asked(travel, county, client_for):
    at(travel, D(2026, 11, 15))
    _admin, county_client = signed_in(client_for)
    CalendarYear.objects.create(year=2027, is_published=True, source="国办发明电")
    CalendarDay.objects.create(date=D(2027, 1, 1), kind=CalendarDay.Kind.REST, name="元旦")
    assert ASKED not in asked(county_client)
    assert "sent: 0" in send()
    assert calendar_messages(D(2026, 11, 15)) == []


def test_first_of_january_without_a_schedule_counts_weekends_only_and_warns(travel, township, client_for):
    at(travel, D(2027, 1, 1))
    _admin, county_client = signed_in(client_for)
    calendar = Calendar.around(D(2027, 1, 1))
    assert calendar.is_working_day(D(2027, 1, 1))  # a Friday: New Year's Day is not on record
    assert not calendar.is_working_day(D(2027, 1, 2))  # Saturday
    assert calendar.missing_years == {2027}

    item = tc.item(township, assigned_at=tc.now(), item_class=SupervisedItem.ItemClass.ORDINARY)
    stages = {s.name: s.due_on for s in clock13710.stages(item)}
    assert stages["deploy"] == D(2027, 1, 4)  # Saturday 2 → Monday 4: weekends only
    (warning,) = clock13710.warnings(item)
    assert "No holiday schedule is on record for 2027" in warning
    page = county_client.get(item.get_absolute_url())
    assert page.status_code == 200 and escape(warning) in page.content.decode()

    # Annual leave over the first week counts its five weekdays, 1 January included.
    assert conduct_services.leave_days(LeaveRequest.Kind.ANNUAL, D(2027, 1, 1), D(2027, 1, 7)) == 5
    # And the home page asks for the year that has begun without its schedule.
    assert asked(county_client)[ASKED]["url"] == "/core/calendar/years/add/?year=2027"


def test_a_covered_new_year_is_not_asked_for_and_counts_its_holiday(travel, county, client_for):
    at(travel, D(2026, 1, 1))  # the library's 2026 is on record
    _admin, county_client = signed_in(client_for)
    assert years_awaiting_schedule(D(2026, 1, 1)) == []
    assert not Calendar.around(D(2026, 1, 1)).is_working_day(D(2026, 1, 1))
    assert not any("holiday schedule" in label for label in asked(county_client))
