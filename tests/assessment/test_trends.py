"""An assessee's indicator trends (charts.indicator_trend): the weighted total and the group subtotals of
a cadre (or a township's team) across their last assessments of the same kind, oldest first, each the
figures of `scores.score_sheets` for that assessment; scoped to what the user sees; a fixed number of
queries per assessment shown, whatever the number of assessees in it; the chart as JSON, the table, its
Excel export (audited), the empty state; and the grades by year on the cadre's page."""
import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from banzi.assessment import charts, scores
from banzi.assessment.models import Assessee, Assessment, Grade
from banzi.conduct.models import Violation
from banzi.core.models import AuditEvent
from tests import factories as f
from tests.conduct.factories import violation
from tests.generic import xlsx_rows

from .factories import assessee, assessment

pytestmark = pytest.mark.django_db

D = datetime.date
YEARS = range(2020, 2027)


def decided(cadre, day):
    return violation(cadre, occurred_on=D(day.year, 1, 5), status=Violation.Status.CONFIRMED, decided_on=day)


def annual(county, year, **fields):
    return assessment(county, title=f"{year}年度考核", year=year, starts_on=D(year, 1, 1), ends_on=D(year, 12, 31),
                      **fields)


@pytest.fixture
def history(county, township):
    """A cadre assessed every year 2020–2026 (violations decided in 2024 once and in 2025 twice), beside
    a colleague in each assessment, and once in a quarterly assessment (another kind)."""
    cadre = f.CadreFactory(organization=township, name="王五")
    colleague = f.CadreFactory(organization=township)
    people = {}
    for year in YEARS:
        parent = annual(county, year)
        people[year] = assessee(parent, township, cadre, confirmed_grade=Grade.COMPETENT if year < 2026 else "")
        assessee(parent, township, colleague)
    decided(cadre, D(2024, 6, 1))
    decided(cadre, D(2025, 3, 1))
    decided(cadre, D(2025, 9, 1))
    quarterly = assessment(township, title="2026年第三季度平时考核")
    assessee(quarterly, township, cadre)
    return cadre, people


def test_the_figures_are_each_assessments_score_sheet_oldest_first(history, county_admin):
    cadre, people = history
    trend = charts.indicator_trend(people[2026], county_admin)
    assert [r["year"] for r in trend["rows"]] == [2022, 2023, 2024, 2025, 2026]
    assert trend["labels"] == [f"{year}年度考核" for year in range(2022, 2027)]
    assert [r["current"] for r in trend["rows"]] == [False] * 4 + [True]
    for row in trend["rows"]:
        person = Assessee.objects.get(pk=row["assessee"])
        sheet = scores.score_sheets(person.assessment, [person])[person.pk]
        assert person.cadre_id == cadre.pk
        assert row["total"] == float(sheet.total)
        assert row["subtotals"] == [float(g.subtotal) if g.subtotal is not None else None for g in sheet.groups]
    assert trend["groups"] == [str(label) for label in scores.GROUPS.values()]
    series = {s["key"]: s["values"] for s in trend["series"]}
    assert list(series) == ["total", *scores.GROUPS]
    # The discipline subtotal follows the violations decided: none, none, one (75), two (50), none.
    violations = [next(line.score for line in scores.score_sheets(p.assessment, [p])[p.pk].lines
                       if line.key == "violations") for p in (people[y] for y in range(2022, 2027))]
    assert [float(v) for v in violations] == [100, 100, 75, 50, 100]
    assert series["discipline"][3] < series["discipline"][2] < series["discipline"][1]
    assert series["total"] == [r["total"] for r in trend["rows"]]
    assert [r["grade"] for r in trend["rows"]] == ["Competent"] * 4 + [""]


def test_an_earlier_assessment_shows_the_trend_up_to_it(history, county_admin):
    _cadre, people = history
    trend = charts.indicator_trend(people[2023], county_admin)
    assert [r["year"] for r in trend["rows"]] == [2020, 2021, 2022, 2023]
    assert trend["rows"][-1]["assessee"] == people[2023].pk and trend["rows"][-1]["current"]
    assert [r["year"] for r in charts.indicator_trend(people[2020], county_admin)["rows"]] == [2020]


def test_only_assessments_of_the_same_kind(history, county_admin, township):
    cadre, _people = history
    quarterly = Assessee.objects.get(cadre=cadre, assessment__kind=Assessment.Kind.QUARTERLY)
    rows = charts.indicator_trend(quarterly, county_admin)["rows"]
    assert [r["assessee"] for r in rows] == [quarterly.pk]
    earlier = assessment(township, title="2026年第二季度平时考核", quarter=2, starts_on=D(2026, 4, 1),
                         ends_on=D(2026, 6, 30))
    before = assessee(earlier, township, cadre)
    rows = charts.indicator_trend(quarterly, county_admin)["rows"]
    assert [r["assessee"] for r in rows] == [before.pk, quarterly.pk]


def test_a_team_is_followed_through_its_township_across_terms(county, township, other_township, county_admin):
    old_team, new_team = f.TeamFactory(township=township), f.TeamFactory(township=township)
    first = assessee(annual(county, 2025), township, category=Assessee.Category.TEAM, team=old_team)
    parent = annual(county, 2026)
    current = assessee(parent, township, category=Assessee.Category.TEAM, team=new_team)
    assessee(parent, other_township, category=Assessee.Category.TEAM)
    assessee(first.assessment, other_township, category=Assessee.Category.TEAM)
    trend = charts.indicator_trend(current, county_admin)
    assert [r["assessee"] for r in trend["rows"]] == [first.pk, current.pk]
    assert trend["rows"][1]["total"] == float(scores.score_sheets(parent, [current])[current.pk].total)


# --- scope ---------------------------------------------------------------------------------------------

def test_a_township_sees_only_its_own_assessments_in_the_trend(history, township, other_township, county_admin,
                                                               township_admin):
    cadre, people = history
    # 2024: the cadre was then assessed in the other township (before a transfer).
    Assessee.objects.filter(pk=people[2024].pk).update(unit=other_township)
    assert [r["year"] for r in charts.indicator_trend(people[2026], county_admin)["rows"]] == list(range(2022, 2027))
    assert [r["year"] for r in charts.indicator_trend(people[2026], township_admin)["rows"]] == [
        2021, 2022, 2023, 2025, 2026]


def test_another_township_sees_neither_the_page_nor_the_trend(history, client_for, other_township_admin):
    _cadre, people = history
    client = client_for(other_township_admin)
    assert client.get(reverse("assessment:assessee_detail", args=[people[2026].pk])).status_code == 404
    assert client.get(reverse("assessment:assessee_trend", args=[people[2026].pk])).status_code == 404


def test_a_cadre_sees_their_own_trend_only(history, township, client_for):
    cadre, people = history
    client = client_for(f.UserFactory(username="wangwu", role="cadre", cadre=cadre))
    page = client.get(reverse("assessment:assessee_detail", args=[people[2026].pk])).content.decode()
    assert 'id="trend-table"' in page and page.count("data-trend-row=") == 5
    colleague = Assessee.objects.filter(assessment=people[2026].assessment).exclude(cadre=cadre).get()
    assert client.get(reverse("assessment:assessee_detail", args=[colleague.pk])).status_code == 404
    assert client.get(reverse("assessment:assessee_trend", args=[colleague.pk])).status_code == 404
    assert client.get(reverse("assessment:assessee_trend", args=[people[2026].pk])).status_code == 200


# --- query counts --------------------------------------------------------------------------------------

def test_queries_grow_with_the_assessments_shown_never_with_their_assessees(county, township, county_admin,
                                                                           county_client):
    cadre = f.CadreFactory(organization=township)
    people = []

    def counted(person):
        charts.indicator_trend(person, county_admin)  # the rules and the calendar read once, then cached
        with CaptureQueriesContext(connection) as trend:
            charts.indicator_trend(person, county_admin)
        trend_queries = len(trend)  # counted now: the next request empties the connection's log
        url = reverse("assessment:assessee_detail", args=[person.pk])
        county_client.get(url)
        with CaptureQueriesContext(connection) as page:
            county_client.get(url)
        return trend_queries, len(page)

    counts = []
    for year in (2023, 2024, 2025):
        people.append(assessee(annual(county, year), township, cadre))
        counts.append(counted(people[-1]))
    # Each assessment shown adds the same number of queries (its score sheet's)...
    per_assessment = counts[1][0] - counts[0][0]
    assert per_assessment > 0 and counts[2][0] - counts[1][0] == per_assessment
    assert counts[2][1] - counts[1][1] == per_assessment
    # ... and the assessees beside the cadre in those assessments add none.
    for person in people:
        for _i in range(3):
            decided(assessee(person.assessment, township).cadre, D(person.assessment.year, 5, 5))
    assert counted(people[-1]) == counts[-1]
    # At most five assessments: a sixth and a seventh add nothing.
    for year in (2020, 2021, 2022, 2019):
        assessee(annual(county, year), township, cadre)
    assert len(charts.indicator_trend(people[-1], county_admin)["rows"]) == 5
    five = counted(people[-1])
    assessee(annual(county, 2018), township, cadre)
    assert counted(people[-1]) == five


# --- the page, the export ------------------------------------------------------------------------------

def test_the_page_sends_the_trend_as_json_and_a_table_without_inline_script(history, county_client):
    _cadre, people = history
    page = county_client.get(reverse("assessment:assessee_detail", args=[people[2026].pk])).content.decode()
    assert 'data-trend-chart="trend-data"' in page
    assert "/static/assessment/trend_chart.js" in page and "/static/vendor/echarts/echarts.min.js" in page
    start = page.index('<script id="trend-data" type="application/json">')
    data = json.loads(page[page.index(">", start) + 1:page.index("</script>", start)])
    assert data["labels"] == [f"{year}年度考核" for year in range(2022, 2027)]
    assert data["series"][0]["key"] == "total" and len(data["series"][0]["values"]) == 5
    assert page.count("<script>") == 0
    assert page.count("data-trend-row=") == 5 and "Indicator trends" in page
    assert reverse("assessment:assessee_trend", args=[people[2026].pk]) in page
    assert 'id="trend-empty"' not in page


def test_one_assessment_shows_the_empty_state(county, township, county_client):
    only = assessee(annual(county, 2026), township)
    assessee(assessment(township), township, only.cadre)  # a quarterly one: another kind
    page = county_client.get(reverse("assessment:assessee_detail", args=[only.pk])).content.decode()
    assert 'id="trend-empty"' in page and "No earlier assessment of this kind" in page
    assert "data-trend-chart" not in page and "trend_chart.js" not in page and "echarts" not in page


def test_a_title_with_markup_is_escaped_in_the_json_and_the_table(county, township, county_client):
    cadre = f.CadreFactory(organization=township, name="张<img src=x onerror=alert(1)>")
    assessee(annual(county, 2025), township, cadre)
    parent = assessment(county, title="考核</script><script>alert(1)</script>")
    current = assessee(parent, township, cadre)
    page = county_client.get(reverse("assessment:assessee_detail", args=[current.pk])).content.decode()
    assert "</script><script>alert(1)" not in page and "<img src=x" not in page
    assert "\\u003C/script\\u003E" in page
    assert "考核&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_export_holds_the_same_figures_and_is_audited(history, county_admin, county_client):
    _cadre, people = history
    trend = charts.indicator_trend(people[2026], county_admin)
    since = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    rows = xlsx_rows(county_client.get(reverse("assessment:assessee_trend", args=[people[2026].pk])))
    assert rows[0] == ["assessment", "year", "confirmed grade", "total score", *trend["groups"]]
    assert len(rows) == 6
    for row, expected in zip(rows[1:], trend["rows"], strict=True):
        assert row[:3] == [expected["assessment"], str(expected["year"]), expected["grade"]]
        figures = [expected["total"], *expected["subtotals"]]
        assert [float(v) if v not in ("", None) else None for v in row[3:]] == figures
    events = AuditEvent.objects.filter(id__gt=since, action=AuditEvent.Action.EXPORT)
    assert events.count() == 1 and events.get().object_id == str(people[2026].pk)


# --- the cadre's page: the grades by year ----------------------------------------------------------------

def test_the_cadre_page_shows_the_grades_by_year_oldest_first(county, township, county_client):
    cadre = f.CadreFactory(organization=township)
    for year, grade in ((2023, Grade.EXCELLENT), (2024, Grade.COMPETENT), (2025, Grade.BASICALLY_COMPETENT),
                        (2026, Grade.EXCELLENT)):
        assessee(annual(county, year, status=Assessment.Status.CONFIRMED), township, cadre, confirmed_grade=grade)
    url = reverse("org:cadre_detail", args=[cadre.pk])
    page = county_client.get(url).content.decode()
    strip = page[page.index('id="grades-by-year"'):]
    strip = strip[:strip.index("</ol>")]
    assert [part.split('"')[0] for part in strip.split('data-year="')[1:]] == ["2024", "2025", "2026"]
    assert 'data-grade="basically_competent"' in strip and "Basically competent" in strip
    with CaptureQueriesContext(connection) as three:
        county_client.get(url)
    assessee(annual(county, 2022, status=Assessment.Status.CONFIRMED), township, cadre,
             confirmed_grade=Grade.COMPETENT)
    with CaptureQueriesContext(connection) as four:
        county_client.get(url)
    assert len(four) == len(three)


def test_the_cadre_page_without_results_shows_no_strip(township, county_client):
    cadre = f.CadreFactory(organization=township)
    page = county_client.get(reverse("org:cadre_detail", args=[cadre.pk])).content.decode()
    assert 'id="grades-by-year"' not in page and "No confirmed annual result yet." in page
