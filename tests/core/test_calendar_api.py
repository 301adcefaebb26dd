"""The working-day calendar through the API: everyone signed in reads it, as on the calendar pages;
the county administrator enters public holidays and adjusted working days through the same service
(validated, kept in history, audited), the deadline arithmetic follows; nobody else changes it."""
import datetime
import itertools

import pytest
from rest_framework.test import APIClient

from banzi.core.models import AuditEvent, CalendarDay, CalendarYear
from banzi.core.workdays import Calendar
from tests.api import api_for, assert_list_queries_flat, assert_matches_schema, ids

pytestmark = pytest.mark.django_db

D = datetime.date
YEARS = "/api/v1/core/calendar-years/"
DAYS = "/api/v1/core/calendar-days/"
# A year far from any seeded schedule.
YEAR = 2091
ROLES = ["county_admin", "township_admin", "cadre_user", "system_admin"]
# The other administrators are refused the configuration altogether (tests/core/test_separation.py).
NOT_COUNTY = ["township_admin", "cadre_user"]
_years = itertools.count(2060)
_saturdays = itertools.count()


def a_year(township=None):
    return CalendarYear.objects.create(year=next(_years), source="国务院办公厅通知")


def a_day(township=None):
    date = D(2070, 1, 4) + datetime.timedelta(weeks=next(_saturdays))  # Saturdays
    return CalendarDay.objects.create(date=date, kind=CalendarDay.Kind.WORK, name="春节")


def audited(user, model, action):
    return AuditEvent.objects.filter(user=user, kind=AuditEvent.Kind.DATA, action=action,
                                     content_type__model=model._meta.model_name)


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_calendar(request, role):
    year = CalendarYear.objects.create(year=YEAR, is_published=True, source="国办发明电")
    CalendarDay.objects.create(date=D(YEAR, 10, 1), kind="rest", name="国庆节")
    CalendarDay.objects.create(date=D(YEAR, 10, 2), kind="rest", name="国庆节")
    CalendarDay.objects.create(date=D(YEAR, 9, 29), kind="work", name="国庆节")  # a Saturday
    client = api_for(request.getfixturevalue(role))

    listed = client.get(YEARS, {"q": "国办发明电"})
    assert_matches_schema(listed)
    assert ids(listed) == {year.pk}
    detail = client.get(f"{YEARS}{year.pk}/")
    assert_matches_schema(detail)
    body = detail.json()
    assert (body["year"], body["rest_days"], body["adjusted_working_days"], body["is_complete"]) == (YEAR, 2, 1, True)

    days = client.get(DAYS, {"year": YEAR, "kind": "rest"})
    assert_matches_schema(days)
    rows = days.json()["results"]
    assert [(r["date"], r["weekday"], r["name"]) for r in rows] == [
        (f"{YEAR}-10-02", 2, "国庆节"), (f"{YEAR}-10-01", 1, "国庆节")]  # latest first, as on the page


def test_a_year_without_holidays_is_not_complete(county_admin):
    year = CalendarYear.objects.create(year=YEAR, is_published=True)
    assert api_for(county_admin).get(f"{YEARS}{year.pk}/").json()["is_complete"] is False


def test_anonymous_is_401():
    assert APIClient().get(YEARS).status_code == 401
    assert APIClient().get(DAYS).status_code == 401


def test_county_admin_enters_a_years_schedule_and_deadlines_follow_it(county_admin):
    client = api_for(county_admin)
    before = Calendar.load(YEAR, YEAR)
    assert before.is_working_day(D(YEAR, 9, 28)) and not before.is_working_day(D(YEAR, 9, 29))

    response = client.post(YEARS, {"year": YEAR, "is_published": True, "source": "国办发明电〔2090〕9号"}, format="json")
    assert response.status_code == 201, response.json()
    assert_matches_schema(response)
    assert (response.json()["rest_days"], response.json()["is_complete"]) == (0, False)
    response = client.post(DAYS, {"date": "2091-09-28", "kind": "rest", "name": "国庆节"}, format="json")
    assert response.status_code == 201, response.json()
    assert_matches_schema(response)
    response = client.post(DAYS, {"date": "2091-09-29", "kind": "work", "name": "国庆节"}, format="json")
    assert response.status_code == 201, response.json()

    calendar = Calendar.load(YEAR, YEAR)
    assert not calendar.is_working_day(D(YEAR, 9, 28))  # a Friday off
    assert calendar.is_working_day(D(YEAR, 9, 29))  # a Saturday worked in exchange
    assert YEAR in calendar.known_years
    day = CalendarDay.objects.get(date=D(YEAR, 9, 28))
    assert day.history.get().history_user == county_admin
    assert audited(county_admin, CalendarDay, AuditEvent.Action.CREATE).count() == 2
    assert audited(county_admin, CalendarYear, AuditEvent.Action.CREATE).count() == 1
    year = CalendarYear.objects.get(year=YEAR)
    assert client.get(f"{YEARS}{year.pk}/").json()["rest_days"] == 1


def test_county_admin_corrects_and_deletes_a_day_audited(county_admin):
    day = CalendarDay.objects.create(date=D(YEAR, 10, 1), kind="rest", name="国庆")
    client = api_for(county_admin)
    response = client.patch(f"{DAYS}{day.pk}/", {"name": "国庆节"}, format="json")
    assert response.status_code == 200 and response.json()["name"] == "国庆节"
    update = audited(county_admin, CalendarDay, AuditEvent.Action.UPDATE).get()
    assert [(c["field"], c["old"], c["new"]) for c in update.changes] == [("name", "国庆", "国庆节")]
    assert client.delete(f"{DAYS}{day.pk}/").status_code == 204
    assert not CalendarDay.objects.filter(pk=day.pk).exists()
    assert audited(county_admin, CalendarDay, AuditEvent.Action.DELETE).exists()


def test_changing_the_year_counts_the_new_years_days(county_admin):
    year = CalendarYear.objects.create(year=YEAR)
    CalendarDay.objects.create(date=D(YEAR + 1, 1, 1), kind="rest", name="元旦")
    client = api_for(county_admin)
    assert client.get(f"{YEARS}{year.pk}/").json()["rest_days"] == 0
    response = client.patch(f"{YEARS}{year.pk}/", {"year": YEAR + 1}, format="json")
    assert response.status_code == 200 and response.json()["rest_days"] == 1


@pytest.mark.parametrize(("data", "field"), [
    ({"date": "2091-10-01", "kind": "work", "name": "国庆节"}, "date"),  # a Monday is a working day anyway
    ({"date": "2091-10-06", "kind": "rest", "name": ""}, "name"),
    ({"date": "2091-10-06", "kind": "holiday", "name": "国庆节"}, "kind"),
    ({"date": "2091-13-01", "kind": "rest", "name": "国庆节"}, "date"),
])
def test_bad_days_are_400_with_the_fields_message(county_admin, data, field):
    response = api_for(county_admin).post(DAYS, data, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not CalendarDay.objects.filter(date__year=YEAR).exists()


def test_a_day_entered_twice_and_a_year_out_of_range_are_refused(county_admin):
    client = api_for(county_admin)
    CalendarDay.objects.create(date=D(YEAR, 10, 1), kind="rest", name="国庆节")
    response = client.post(DAYS, {"date": f"{YEAR}-10-01", "kind": "rest", "name": "国庆节"}, format="json")
    assert response.status_code == 400 and "date" in response.json()
    assert client.post(YEARS, {"year": 2200}, format="json").status_code == 400
    assert CalendarDay.objects.filter(date__year=YEAR).count() == 1


@pytest.mark.parametrize("role", NOT_COUNTY)
def test_other_roles_may_not_change_the_calendar(request, role):
    year = CalendarYear.objects.create(year=YEAR)
    day = CalendarDay.objects.create(date=D(YEAR, 10, 1), kind="rest", name="国庆节")
    user = request.getfixturevalue(role)
    client = api_for(user)
    assert client.post(DAYS, {"date": f"{YEAR}-10-02", "kind": "rest", "name": "国庆节"}, format="json").status_code == 403
    assert client.patch(f"{DAYS}{day.pk}/", {"name": "改"}, format="json").status_code == 403
    assert client.delete(f"{DAYS}{day.pk}/").status_code == 403
    assert client.post(YEARS, {"year": YEAR + 1}, format="json").status_code == 403
    assert client.patch(f"{YEARS}{year.pk}/", {"is_published": False}, format="json").status_code == 403
    assert client.delete(f"{YEARS}{year.pk}/").status_code == 403
    assert list(CalendarDay.objects.filter(date__year=YEAR).values_list("name", flat=True)) == ["国庆节"]
    assert CalendarYear.objects.get(pk=year.pk).is_published
    assert not AuditEvent.objects.filter(user=user, kind=AuditEvent.Kind.DATA).exists()


def test_the_service_refuses_other_roles_too(township_admin):
    from django.core.exceptions import PermissionDenied

    from banzi.core import services

    with pytest.raises(PermissionDenied):
        services.save_object(township_admin, CalendarDay(date=D(YEAR, 10, 2), kind="rest", name="国庆节"))
    assert not CalendarDay.objects.filter(date__year=YEAR).exists()


@pytest.mark.parametrize(("url", "make"), [(YEARS, a_year), (DAYS, a_day)])
def test_list_queries_do_not_grow_with_rows(county_admin, township, url, make):
    assert_list_queries_flat(api_for(county_admin), url, make, township)
