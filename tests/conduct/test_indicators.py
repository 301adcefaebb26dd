"""The conduct indicators of the score sheet: violations decided in the period (per cadre and per
township), outings reported before leaving, and duty spot checks that found the cadre at the post."""
import datetime
import zoneinfo

import pytest

from banzi.conduct.duty.models import SpotCheck
from banzi.conduct.models import LeaveRequest, Violation
from banzi.core import metrics
from tests import factories as f
from tests.conduct.factories import leave, outing, violation
from tests.generic import table_pks

pytestmark = pytest.mark.django_db

D = datetime.date
START, END = D(2026, 4, 1), D(2026, 6, 30)
LOCAL = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LOCAL)


def read(key, ids):
    return next(i for i in metrics.indicators() if i.key == key).read(ids, START, END)


def listed(client, url):
    """The records the indicator's link lists (the page the score sheet sends a reader to)."""
    response = client.get(url)
    assert response.status_code == 200
    return table_pks(response)


def test_violations_decided_in_the_period(township, county_client):
    the_team = f.TeamFactory(township=township)
    cadre = f.CadreFactory(organization=township)
    decided = {day: violation(cadre, occurred_on=D(2026, 3, 1), status=Violation.Status.CONFIRMED, decided_on=day)
               for day in (D(2026, 3, 31), START, END, D(2026, 7, 1))}
    violation(cadre, occurred_on=D(2026, 5, 1))  # a candidate, not decided
    reading = read("violations", [cadre.pk])[cadre.pk]
    assert reading.value == 2 and reading.detail == "2 violations decided in the period"
    township_reading = read("township_violations", [the_team.pk])[the_team.pk]
    assert township_reading.value == 2
    # The link lists exactly the violations counted (occurred before the period, decided in it).
    counted = {decided[START].pk, decided[END].pk}
    assert listed(county_client, reading.url) == counted == listed(county_client, township_reading.url)


def test_outings_reported_before_leaving(township, county_client):
    cadre, other = f.CadreFactory(organization=township), f.CadreFactory(organization=township)
    # Local days: 1 April just after midnight and 30 June just before it count; the edges outside do not.
    first = outing(cadre, departs_at=at(START, 0, 30), filed_at=at(D(2026, 3, 31), 20))
    last = outing(cadre, departs_at=at(END, 23, 30), filed_at=at(D(2026, 7, 1), 8), is_late=True)
    outing(cadre, departs_at=at(D(2026, 3, 31), 23, 30), filed_at=at(D(2026, 4, 1), 8), is_late=True)
    outing(cadre, departs_at=at(D(2026, 7, 1), 0, 30), filed_at=at(D(2026, 7, 2), 8), is_late=True)
    found = read("outings", [cadre.pk, other.pk])
    assert found[cadre.pk].value == 50 and found[cadre.pk].detail == "1 of 2 outings reported before leaving"
    assert found[other.pk].value is None
    assert listed(county_client, found[cadre.pk].url) == {first.pk, last.pk}


def test_duty_spot_checks_at_the_post(township, county_client):
    the_team = f.TeamFactory(township=township)
    cadre = f.CadreFactory(organization=township)
    colleague = f.CadreFactory(organization=township)
    SpotCheck.objects.create(township=township, duty_date=START, cadre=colleague, checked_at=at(START, 23),
                             method=SpotCheck.Method.PHONE, result=SpotCheck.Result.PRESENT)
    checks = {}
    for day, result in ((D(2026, 3, 31), SpotCheck.Result.ABSENT), (START, SpotCheck.Result.PRESENT),
                        (END, SpotCheck.Result.UNREACHABLE), (D(2026, 7, 1), SpotCheck.Result.ABSENT)):
        checks[day] = SpotCheck.objects.create(township=township, duty_date=day, cadre=cadre, checked_at=at(day, 22),
                                 method=SpotCheck.Method.PHONE, result=result)
    reading = read("spot_checks", [cadre.pk])[cadre.pk]
    assert reading.value == 50 and reading.detail == "1 of 2 duty spot checks found at the post"
    township_reading = read("township_spot_checks", [the_team.pk])[the_team.pk]
    assert township_reading.value == 67  # the colleague's check counts for the township: 2 of 3
    assert listed(county_client, reading.url) == {checks[START].pk, checks[END].pk}
    assert listed(county_client, township_reading.url) == {checks[START].pk, checks[END].pk,
                                                          SpotCheck.objects.get(cadre=colleague).pk}


def test_back_from_leave_by_the_first_working_day_after_it(township, county_client):
    cadre = f.CadreFactory(organization=township)
    approved = LeaveRequest.Status.APPROVED

    def taken(first, last, returned_on=None, status=approved):
        return leave(cadre, starts_on=first, days=(last - first).days + 1, status=status, returned_on=returned_on)

    counted = {
        taken(D(2026, 3, 30), START, returned_on=D(2026, 4, 2)).pk,  # ends on the first day, back the next: in time
        taken(D(2026, 6, 10), D(2026, 6, 12), returned_on=D(2026, 6, 15)).pk,  # a Friday: back on Monday is in time
        taken(D(2026, 6, 29), END, returned_on=D(2026, 7, 3)).pk,  # ends on the last day, back two days late
        taken(D(2026, 5, 18), D(2026, 5, 20)).pk,  # return never recorded
    }
    taken(D(2026, 3, 30), D(2026, 3, 31))  # the day before the period
    taken(D(2026, 7, 1), D(2026, 7, 1))  # the day after it
    taken(D(2026, 5, 25), D(2026, 5, 26), status=LeaveRequest.Status.CANCELLED)
    reading = read("leave", [cadre.pk])[cadre.pk]
    assert reading.value == 50 and reading.detail == "2 of 4 leaves back at work in time"
    assert listed(county_client, reading.url) == counted
