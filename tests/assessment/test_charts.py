"""The assessment page's chart: the grade distribution per unit (stacked bars), counted by one aggregate
query whatever the number of assessees, scoped to what the user sees, sent as JSON (no inline script)."""
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from banzi.assessment import charts
from banzi.assessment.models import Assessee, Grade
from tests import factories as f

from .factories import assessee, assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def graded(county, township, other_township):
    parent = assessment(county)
    for grade in (Grade.EXCELLENT, Grade.COMPETENT, Grade.COMPETENT):
        assessee(parent, township, confirmed_grade=grade, proposed_grade=Grade.COMPETENT)
    assessee(parent, township, proposed_grade=Grade.BASICALLY_COMPETENT)  # proposed only
    assessee(parent, township)  # not graded yet
    assessee(parent, township, category=Assessee.Category.TEAM, confirmed_grade=Grade.GOOD)  # teams apart
    assessee(parent, other_township, confirmed_grade=Grade.EXCELLENT)
    return parent


def series(data):
    return {s["grade"]: s["values"] for s in data["series"]}


def test_the_grades_per_unit_confirmed_else_proposed(graded, county_admin, township, other_township):
    data = charts.grade_distribution(graded, county_admin)
    assert data["labels"] == [township.name, other_township.name]
    assert series(data) == {Grade.EXCELLENT: [1, 1], Grade.COMPETENT: [2, 0], Grade.BASICALLY_COMPETENT: [1, 0],
                            "": [1, 0]}
    assert [s["name"] for s in data["series"]] == ["Excellent", "Competent", "Basically competent", "Not graded yet"]


def test_a_township_sees_its_own_unit_only(graded, township_admin, township):
    data = charts.grade_distribution(graded, township_admin)
    assert data["labels"] == [township.name]
    assert series(data)[Grade.EXCELLENT] == [1]


def test_one_query_whatever_the_number_of_assessees(graded, county_admin, county):
    with CaptureQueriesContext(connection) as few:
        charts.grade_distribution(graded, county_admin)
    for n in range(3):
        assessee(graded, f.TownshipFactory(parent=county, name=f"乡{n}"), confirmed_grade=Grade.COMPETENT)
    with CaptureQueriesContext(connection) as many:
        data = charts.grade_distribution(graded, county_admin)
    assert len(many) == len(few) == 1
    assert len(data["labels"]) == 5


def test_the_page_sends_the_chart_as_json_without_inline_script(graded, county_client, township):
    page = county_client.get(graded.get_absolute_url()).content.decode()
    assert 'data-grade-chart="grade-distribution-data"' in page
    assert "/static/assessment/grade_chart.js" in page and "/static/vendor/echarts/echarts.min.js" in page
    start = page.index('<script id="grade-distribution-data" type="application/json">')
    body = page[page.index(">", start) + 1:page.index("</script>", start)]
    assert json.loads(body)["labels"][0] == township.name
    # Every other script is a file: nothing inline (CSP).
    assert page.count("<script>") == 0
    assert 'id="grade-distribution-table"' in page  # the same figures as a table


def test_a_name_with_markup_is_escaped_in_the_json(county, county_client):
    parent = assessment(county)
    bad = f.TownshipFactory(parent=county, name="坏镇</script><script>alert(1)</script>")
    assessee(parent, bad, confirmed_grade=Grade.COMPETENT)
    page = county_client.get(parent.get_absolute_url()).content.decode()
    assert "</script><script>alert(1)" not in page
    assert "\\u003C/script\\u003E" in page


def test_no_chart_before_anyone_is_assessed(county, county_client):
    page = county_client.get(assessment(county).get_absolute_url()).content.decode()
    assert "data-grade-chart" not in page and "grade_chart.js" not in page
