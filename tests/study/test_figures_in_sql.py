"""The monthly study totals counted by the database: each person's days and minutes equal their
records of the month, at the month's edges, and the number of queries does not grow with cadres
or records."""
import datetime

import pytest

from banzi.org.models import Cadre
from banzi.study import metrics
from banzi.study.models import StudyAttendance, StudyRecord
from tests import factories as f

from .factories import record, session, today

pytestmark = pytest.mark.django_db


def expected(cadres, start, end):
    """{cadre id: (days, minutes)} worked out record by record."""
    out = {}
    for cadre in cadres:
        records = list(StudyRecord.objects.filter(cadre=cadre, studied_on__range=(start, end)))
        out[cadre.pk] = (len({r.studied_on for r in records}), sum(r.minutes for r in records))
    return out


def grow(township, village, more):
    for i in range(more):
        cadre = f.CadreFactory(organization=village if i % 2 else township)
        for day in range(i % 4):
            record(cadre, studied_on=today() - datetime.timedelta(days=day * 9), minutes=10 + day)


def test_the_months_edges(township, other_township, township_admin):
    year, month = 2025, 2
    start, end = metrics.month_bounds(year, month)
    edge = f.CadreFactory(organization=township, name="边")
    record(edge, studied_on=start, minutes=15)
    record(edge, studied_on=end, minutes=25)
    record(edge, studied_on=end, minutes=5)  # a second record on the same day: one day
    record(edge, studied_on=start - datetime.timedelta(days=1), minutes=60)  # January
    record(edge, studied_on=end + datetime.timedelta(days=1), minutes=60)  # March
    idle = f.CadreFactory(organization=township, name="闲")
    record(idle, studied_on=end + datetime.timedelta(days=1), minutes=30)  # nothing in February
    f.CadreFactory(organization=township, status=Cadre.Status.ARCHIVED)  # archived: not listed
    record(f.CadreFactory(organization=other_township), studied_on=start, minutes=30)  # out of scope
    rows = {c.pk: (c.study_days, c.study_minutes) for c in metrics.monthly_totals(township_admin, year, month)}
    listed = Cadre.objects.visible_to(township_admin).filter(status=Cadre.Status.ACTIVE)
    assert rows == expected(listed, start, end)
    assert rows[edge.pk] == (2, 45) and rows[idle.pk] == (0, 0)


def test_monthly_totals_cost_one_query_for_more_cadres_and_records(township, county_admin,
                                                                   django_assert_max_num_queries):
    village = f.VillageFactory(parent=township)
    day = today()
    start, end = metrics.month_bounds(day.year, day.month)
    for more in (3, 24):
        grow(township, village, more)
        for kwargs in ({}, {"township": township}):
            with django_assert_max_num_queries(1):
                rows = {c.pk: (c.study_days, c.study_minutes)
                        for c in metrics.monthly_totals(county_admin, day.year, day.month, **kwargs)}
            listed = Cadre.objects.visible_to(county_admin).filter(status=Cadre.Status.ACTIVE)
            if kwargs:
                listed = listed.filter(organization__township=township)
            assert rows == expected(listed, start, end)


def test_the_session_page_counts_present_and_absent(township, township_admin, client):
    s = session(township)
    for status in (StudyAttendance.Status.PRESENT, StudyAttendance.Status.PRESENT, StudyAttendance.Status.ABSENT):
        StudyAttendance.objects.create(session=s, cadre=f.CadreFactory(organization=township), status=status)
    client.force_login(township_admin)
    response = client.get(s.get_absolute_url())
    assert response.status_code == 200
    attendances = list(s.attendances.all())
    assert response.context["present"] == sum(1 for a in attendances if a.status == StudyAttendance.Status.PRESENT)
    assert response.context["absent"] == sum(1 for a in attendances if a.status == StudyAttendance.Status.ABSENT)
