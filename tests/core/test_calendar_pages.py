"""The working-day calendar pages: the county administrator enters next year's schedule, the
deadline arithmetic follows it, nobody else can change it, and bad days are refused."""
import datetime

import pytest

from banzi.core.errors import Code
from banzi.core.models import CalendarDay, CalendarYear
from banzi.core.workdays import Calendar
from tests.dates import without_schedule
from tests.errors import form_codes
from tests.generic import table_pks, xlsx_rows

pytestmark = pytest.mark.django_db

D = datetime.date
DAYS = "/core/calendar/days/"
YEARS = "/core/calendar/years/"
# The year the county enters by hand: whatever the holiday library knows of it is taken away first.
NEXT_YEAR = 2027


@pytest.fixture(autouse=True)
def _next_year_without_schedule(db):
    without_schedule(NEXT_YEAR)


def test_county_admin_enters_next_years_national_day(county_admin, county_client):
    national_day = D(NEXT_YEAR, 10, 1)  # a Friday
    assert Calendar.load(NEXT_YEAR, NEXT_YEAR).is_working_day(national_day)

    response = county_client.post(YEARS + "add/", {"year": str(NEXT_YEAR), "source": "国办发明电〔2026〕9号"})
    assert response.status_code == 302, response.context["form"].errors
    response = county_client.post(DAYS + "add/", {"date": national_day.isoformat(), "kind": "rest", "name": "国庆节"})
    assert response.status_code == 302, response.context["form"].errors
    response = county_client.post(DAYS + "add/", {"date": "2027-09-26", "kind": "work", "name": "国庆节"})
    assert response.status_code == 302, response.context["form"].errors

    cal = Calendar.load(NEXT_YEAR, NEXT_YEAR)
    assert not cal.is_working_day(national_day)
    assert cal.is_working_day(D(2027, 9, 26))  # a Sunday worked in exchange
    day = CalendarDay.objects.get(date=national_day)
    assert day.history.get().history_user == county_admin


def test_year_page_shows_its_days_and_whether_complete(county_client):
    year = CalendarYear.objects.create(year=NEXT_YEAR, is_published=False)
    CalendarDay.objects.create(date=D(NEXT_YEAR, 10, 1), kind="rest", name="国庆节")
    response = county_client.get(f"{YEARS}{year.pk}/")
    assert response.status_code == 200
    assert [d.date for d in response.context["days"]] == [D(NEXT_YEAR, 10, 1)]
    assert response.context["is_complete"] is False
    assert "is not complete" in response.content.decode()

    year.is_published = True
    year.save()
    response = county_client.get(f"{YEARS}{year.pk}/")
    assert response.context["is_complete"] is True


def test_day_list_filters_by_year_and_kind_and_exports(county_client):
    holiday = CalendarDay.objects.create(date=D(NEXT_YEAR, 10, 1), kind="rest", name="国庆节")
    worked = CalendarDay.objects.create(date=D(2027, 9, 26), kind="work", name="国庆节")
    response = county_client.get(DAYS, {"year": NEXT_YEAR, "kind": "rest"})
    assert table_pks(response) == {holiday.pk}
    response = county_client.get(DAYS, {"year": NEXT_YEAR})
    assert table_pks(response) == {holiday.pk, worked.pk}

    rows = xlsx_rows(county_client.get(DAYS, {"year": NEXT_YEAR, "_export": "xlsx"}))
    cells = {cell for row in rows[1:] for cell in row}
    assert {"2027-10-01", "2027-09-26"} <= cells
    assert len(rows) == 3


@pytest.mark.parametrize("client_name", ["township_client", "cadre_client"])
def test_only_the_county_admin_may_change_the_calendar(request, client_name):
    client = request.getfixturevalue(client_name)
    day = CalendarDay.objects.get(date=D(2026, 10, 1))
    assert client.get(DAYS).status_code == 200  # everyone signed in reads the calendar
    assert client.get(DAYS + "add/").status_code == 403
    response = client.post(DAYS + "add/", {"date": "2027-10-01", "kind": "rest", "name": "国庆节"})
    assert response.status_code == 403
    response = client.post(f"{DAYS}{day.pk}/edit/", {"date": "2026-10-01", "kind": "work", "name": "x"})
    assert response.status_code == 403
    assert client.post(f"{DAYS}{day.pk}/delete/").status_code == 403
    assert client.post(YEARS + "add/", {"year": "2027", "is_published": "on"}).status_code == 403
    assert not CalendarDay.objects.filter(date__year=NEXT_YEAR).exists()
    assert not CalendarYear.objects.filter(year=NEXT_YEAR).exists()
    day.refresh_from_db()
    assert day.kind == CalendarDay.Kind.REST


@pytest.mark.parametrize(("data", "field", "code"), [
    # a Monday cannot be an adjusted working day
    ({"date": "2027-10-04", "kind": "work", "name": "国庆节"}, "date", Code.ADJUSTED_WORKDAY_NOT_WEEKEND),
    ({"date": "2027-10-02", "kind": "rest", "name": ""}, "name", Code.REQUIRED),  # a holiday needs its name
    ({"date": "2027-09-26", "kind": "work", "name": ""}, "name", Code.REQUIRED),
    # already on record as a holiday, and a weekday: the weekday rule answers first
    ({"date": "2026-10-01", "kind": "work", "name": "国庆节"}, "date", Code.ADJUSTED_WORKDAY_NOT_WEEKEND),
    ({"date": "2101-01-01", "kind": "rest", "name": "元旦"}, "date", Code.YEAR_OUT_OF_RANGE),
])
def test_bad_days_are_refused_with_a_field_error(county_client, data, field, code):
    before = CalendarDay.objects.count()
    response = county_client.post(DAYS + "add/", data)
    assert response.status_code == 200
    assert code in form_codes(response.context["form"]).get(field, [])
    assert CalendarDay.objects.count() == before


def test_weekend_rest_day_inside_a_holiday_is_allowed(county_client):
    response = county_client.post(DAYS + "add/", {"date": "2027-10-02", "kind": "rest", "name": "国庆节"})
    assert response.status_code == 302
    assert CalendarDay.objects.get(date=D(2027, 10, 2)).kind == CalendarDay.Kind.REST


@pytest.mark.parametrize("year", ["1999", "2101", "20x7"])
def test_year_out_of_range_is_refused(county_client, year):
    response = county_client.post(YEARS + "add/", {"year": year, "is_published": "on"})
    assert response.status_code == 200
    assert "year" in response.context["form"].errors
    assert not CalendarYear.objects.filter(year__gt=2100).exists()
    assert not CalendarYear.objects.filter(year__lt=2000).exists()


def test_settings_menu_is_the_county_admins(county_client, township_client):
    menu = county_client.get("/core/rules/").context["nav_menu"]
    settings_group = next(group for group in menu if str(group["label"]) == "Settings")
    assert {item["url"] for item in settings_group["items"]} == {YEARS, DAYS, "/core/rules/"}
    menu = township_client.get("/core/rules/").context["nav_menu"]
    assert "Settings" not in [str(group["label"]) for group in menu]
