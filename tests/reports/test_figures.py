"""Every registered report figure equals its row-by-row recomputation (tests/reports/reference.py),
for the county and each township, over the two halves of 2026 and the whole year, with records on
each edge of the halves; each figure runs a fixed number of queries."""
import datetime
import inspect
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from banzi.core import clock
from banzi.core.metrics import PARTS, figures
from banzi.governance.metrics import (
    HELD,
    compliance,
    county_overview,
    org_life_counts,
    organizations_with_rules,
)
from banzi.governance.models import MeetingKind, OrgLifeRule
from banzi.study.models import StudyAttendance, StudyKind, StudyRecord, StudySession
from tests import factories as f
from tests.governance import cases as gc

from .records import make_records
from .reference import DENOMINATORS, REFERENCE

D = datetime.date
PERIODS = [(D(2026, 1, 1), D(2026, 6, 30)), (D(2026, 7, 1), D(2026, 12, 31)), (D(2026, 1, 1), D(2026, 12, 31))]


def test_at_least_fifteen_figures_over_the_three_parts_each_with_a_reference():
    registered = figures.all()
    assert len(registered) >= 15
    assert {f.part for f in registered} == set(PARTS)
    assert {f.key for f in registered} == set(REFERENCE)
    for figure in registered:
        assert figure.key.split(".")[0] in {"training", "practice", "governance", "talks", "conduct", "tasks",
                                            "assessment", "study"}
        assert str(figure.label) and str(figure.definition) and str(figure.unit)


@pytest.fixture
def records(township, other_township):
    make_records(township, other_township)
    return township, other_township


def test_each_figure_equals_the_records_counted_row_by_row(records):
    township, other = records
    nonzero = set()
    for start, end in PERIODS:
        for scope in (None, [township.pk], [other.pk]):
            values = figures.read(sorted(REFERENCE), scope, start, end)
            for key, reference in REFERENCE.items():
                expected = reference(scope, start, end)
                assert values[key] == expected, (key, scope, start, end)
                if expected:
                    nonzero.add(key)
    # Nothing passes for want of records: every figure counts something in some period.
    assert nonzero == set(REFERENCE)


def test_a_record_on_the_edge_counts_in_its_own_half_only(records):
    township, _other = records
    first = figures.read(["training.person_times", "tasks.tasks"], [township.pk], D(2026, 6, 30), D(2026, 6, 30))
    second = figures.read(["training.person_times", "tasks.tasks"], [township.pk], D(2026, 7, 1), D(2026, 7, 1))
    assert first["training.person_times"] and second["training.person_times"]
    assert first["tasks.tasks"] and second["tasks.tasks"]
    outside = figures.read(list(REFERENCE), [township.pk], D(2026, 12, 3), D(2026, 12, 31))
    assert not any(outside[key] for key in REFERENCE if key not in ("practice.rectification_groups",
                                                                     "practice.rectification_townships"))


# The compliance rate reads the rules and the organizations per kind before its one aggregate over the meetings.
QUERIES = {"governance.org_life_rate": 3}


def test_each_figure_runs_a_fixed_number_of_queries(records):
    township, _other = records
    for figure in figures.all():
        with CaptureQueriesContext(connection) as few:
            figure.value([township.pk], D(2026, 1, 1), D(2026, 12, 31))
        with CaptureQueriesContext(connection) as county:
            figure.value(None, D(2026, 1, 1), D(2026, 12, 31))
        assert len(few) == len(county) == QUERIES.get(figure.key, 1), figure.key


def test_each_figure_links_to_a_list_page(records, county_client):
    township, _other = records
    for figure in figures.all():
        url = figure.url([township.pk], D(2026, 1, 1), D(2026, 12, 31))
        assert url.startswith("/"), figure.key
        assert county_client.get(url).status_code == 200, (figure.key, url)


# The rates (a whole percentage of a numerator over a denominator): their link lists the records of
# their denominator, counted row by row in reference.DENOMINATORS (None: no list holds them).
RATES = ("governance.collective_rate", "governance.org_life_rate", "talks.coverage_rate", "tasks.on_time_rate")
# Every other figure is a count: of rows, or of distinct people, places or days among rows (its list
# then keeps one row per person, place or day, `one_per`).
COUNTS = [figure.key for figure in figures.all() if figure.key not in RATES]
LINK_PERIODS = {"first-half": (D(2026, 1, 1), D(2026, 6, 30)), "second-half": (D(2026, 7, 1), D(2026, 12, 31)),
                "year": (D(2026, 1, 1), D(2026, 12, 31))}


def test_the_rates_are_the_figures_given_in_percent():
    with translation.override("en"):
        assert {figure.key for figure in figures.all() if str(figure.unit) == "%"} == set(RATES)
    assert set(DENOMINATORS) == set(RATES)
    assert len(COUNTS) == len(figures.all()) - len(RATES) > len(RATES)


def _rows(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["table"].paginator.count


@pytest.mark.parametrize("period", list(LINK_PERIODS.values()), ids=list(LINK_PERIODS))
def test_a_links_list_holds_exactly_the_records_counted(records, county_client, period):
    township, _other = records
    start, end = period
    for key in COUNTS:
        figure = figures.get(key)
        for scope in ([township.pk], None):
            value = figure.value(scope, start, end)
            assert value, (key, scope, period)  # the records make every figure count something
            assert _rows(county_client, figure.url(scope, start, end)) == value, (key, scope, period)


@pytest.mark.parametrize("period", list(LINK_PERIODS.values()), ids=list(LINK_PERIODS))
def test_a_rates_link_lists_the_records_of_its_denominator(records, county_client, period):
    township, _other = records
    start, end = period
    for key in RATES:
        figure = figures.get(key)
        for scope in ([township.pk], None):
            url = figure.url(scope, start, end)
            if DENOMINATORS[key] is None:
                assert county_client.get(url).status_code == 200, (key, url)
                continue
            denominator = DENOMINATORS[key](scope, start, end)
            assert denominator and figure.value(scope, start, end) is not None, (key, scope, period)
            assert _rows(county_client, url) == denominator, (key, scope, period)


# Figures that count distinct people, places or days among the rows of their list.
DISTINCT = ("training.newly_promoted_trained", "training.special_training_days", "training.lecture_halls",
            "training.to_townships_lecturers", "training.to_townships_days", "practice.rectification_townships",
            "practice.enterprise_cadres", "practice.enterprises_served", "talks.cadres_talked_to",
            "conduct.cadres_disciplined")


def test_a_distinct_figures_link_keeps_one_row_of_each_and_the_records_have_more(records, county_client):
    township, _other = records
    start, end = LINK_PERIODS["year"]
    for key in DISTINCT:
        url = figures.get(key).url([township.pk], start, end)
        assert "one_per=" in url, key
        every_row = _rows(county_client, re.sub(r"&?one_per=[a-z]+", "", url))
        assert every_row > figures.get(key).value([township.pk], start, end), key


def test_a_township_user_follows_the_links_to_their_own_records_only(records, township_client, county_client):
    township, other = records
    start, end = LINK_PERIODS["year"]
    for key in [*COUNTS, *(key for key in RATES if DENOMINATORS[key])]:
        figure = figures.get(key)
        own = _rows(county_client, figure.url([township.pk], start, end))
        # The county's link (no township) as the township's user opens it: their own rows, no more.
        assert _rows(township_client, figure.url(None, start, end)) == own, key
        assert _rows(township_client, figure.url([other.pk], start, end)) in (0, own), key


# --- the organizational-life compliance rate ------------------------------------------------------

def _one_rule(organization_kind, meeting_kind, frequency, min_attendance=""):
    """Only this organizational-life rule is active."""
    OrgLifeRule.objects.update(is_active=False)
    OrgLifeRule.objects.update_or_create(organization_kind=organization_kind, meeting_kind=meeting_kind, defaults={
        "frequency": frequency, "min_attendance": min_attendance, "is_active": True})


def test_the_compliance_rate_is_the_compliance_calendars_and_the_overviews_figure(records, county_admin):
    township, other = records
    start, end = D(2026, 1, 1), D(2026, 12, 31)
    rows = county_overview(county_admin, 2026)
    assert org_life_counts(None, start, end) == (sum(r.held for r in rows), sum(r.due for r in rows))
    for each in (township, other):
        calendar = compliance(organizations_with_rules(county_admin, each), 2026)
        counted = (sum(e.count(HELD) for e in calendar), sum(e.due for e in calendar))
        assert org_life_counts([each.pk], start, end) == counted
        assert figures.read(["governance.org_life_rate"], [each.pk], start, end)["governance.org_life_rate"] == \
            round(100 * counted[0] / counted[1])


def test_the_compliance_rate_counts_the_periods_inside_the_report_period(township):
    _one_rule("village", MeetingKind.BRANCH_GENERAL, "quarterly")
    village = f.VillageFactory(parent=township)
    gc.meeting(village, kind=MeetingKind.BRANCH_GENERAL, members=[], held_on=D(2026, 6, 30))  # Q2's last day
    ids = [township.pk]
    # The first half as of 1 July: Q1 missing, Q2 held.
    assert org_life_counts(ids, D(2026, 1, 1), D(2026, 6, 30)) == (1, 2)
    # The second half: Q3 missing, Q4 due once it has ended.
    q4_ended = clock.today() > D(2026, 12, 31)
    assert org_life_counts(ids, D(2026, 7, 1), D(2026, 12, 31)) == (0, 1 + q4_ended)
    assert org_life_counts(ids, D(2026, 1, 1), D(2026, 12, 31)) == (1, 3 + q4_ended)
    # A period that holds no whole quarter has nothing to measure: no rate, not 0%.
    assert org_life_counts(ids, D(2026, 6, 1), D(2026, 6, 30)) == (0, 0)
    assert figures.read(["governance.org_life_rate"], ids, D(2026, 6, 1), D(2026, 6, 30)) == {
        "governance.org_life_rate": None}
    # Over two years (the period since an election): every quarter of both.
    held, due = org_life_counts(ids, D(2025, 1, 1), D(2026, 12, 31))
    assert (held, due) == (1, 7 + q4_ended)


def test_a_meeting_below_the_minimum_attendance_is_due_but_not_held(township):
    _one_rule("township", MeetingKind.LIFE_MEETING, "yearly", "two_thirds")
    members = [f.CadreFactory(organization=township) for _ in range(3)]
    gc.meeting(township, kind=MeetingKind.LIFE_MEETING, members=members, held_on=D(2025, 12, 20), present=1)
    gc.meeting(township, kind=MeetingKind.LIFE_MEETING, members=members, held_on=D(2026, 11, 20), present=2)
    assert org_life_counts([township.pk], D(2025, 1, 1), D(2025, 12, 31)) == (0, 1)
    assert org_life_counts([township.pk], D(2026, 1, 1), D(2026, 12, 31)) == (1, 1)
    # A yearly rule has no period inside a half-year.
    assert org_life_counts([township.pk], D(2026, 7, 1), D(2026, 12, 31)) == (0, 0)


def test_the_compliance_rate_reads_only_the_townships_of_the_scope(township, other_township):
    _one_rule("village", MeetingKind.BRANCH_COMMITTEE, "monthly")
    gc.meeting(f.VillageFactory(parent=township), kind=MeetingKind.BRANCH_COMMITTEE, members=[], held_on=D(2026, 3, 5))
    f.VillageFactory(parent=other_township)
    start, end = D(2026, 1, 1), D(2026, 3, 31)
    assert org_life_counts([township.pk], start, end) == (1, 3)
    assert org_life_counts([other_township.pk], start, end) == (0, 3)
    assert org_life_counts(None, start, end) == (1, 6)


def test_the_compliance_rates_queries_do_not_grow_with_meetings_organizations_or_years(records):
    township, _other = records

    def queries(start):
        with CaptureQueriesContext(connection) as ctx:
            figures.get("governance.org_life_rate").value([township.pk], start, D(2026, 12, 31))
        return len(ctx)

    few = queries(D(2026, 1, 1))
    for _ in range(3):
        village = f.VillageFactory(parent=township)
        for month in range(1, 12):
            gc.meeting(village, kind=MeetingKind.THEME_PARTY_DAY, members=[], held_on=D(2026, month, 3))
    assert queries(D(2026, 1, 1)) == few == queries(D(2023, 1, 1))


# --- study: sessions held and attended, never minutes -----------------------------------------------

STUDY_FIGURES = [figure for figure in figures.all() if figure.key.startswith("study.")]


def test_study_figures_count_sessions_and_attendance_never_minutes_or_check_ins(township):
    assert {figure.key for figure in STUDY_FIGURES} >= {"study.sessions", "study.person_times"}
    for figure in STUDY_FIGURES:
        text = f"{figure.key} {figure.label} {figure.definition}".lower()
        assert not any(word in text for word in ("minute", "online", "check-in", "check_in", "daily study")), figure.key
        source = inspect.getsource(figure.func)
        assert "minutes" not in source and "StudyRecord" not in source, figure.key
    cadre = f.CadreFactory(organization=township)
    session = StudySession.objects.create(organization=township, kind=StudyKind.STAFF_STUDY, held_on=D(2026, 5, 5),
                                          minutes=60, topic="学习")
    StudyAttendance.objects.create(session=session, cadre=cadre)
    keys = [figure.key for figure in STUDY_FIGURES]
    with CaptureQueriesContext(connection) as ctx:
        before = figures.read(keys, [township.pk], D(2026, 1, 1), D(2026, 12, 31))
    assert StudyRecord._meta.db_table not in " ".join(q["sql"] for q in ctx.captured_queries)
    StudyRecord.objects.create(cadre=cadre, studied_on=D(2026, 5, 6), minutes=600, material="学习强国")
    StudySession.objects.filter(pk=session.pk).update(minutes=600)
    assert figures.read(keys, [township.pk], D(2026, 1, 1), D(2026, 12, 31)) == before
    assert (before["study.sessions"], before["study.person_times"]) == (1, 1)


def test_study_figures_link_to_the_sessions_and_attendances_they_count(records, county_client):
    township, _other = records
    start, end = D(2026, 1, 1), D(2026, 6, 30)
    for figure in STUDY_FIGURES:
        url = figure.url([township.pk], start, end)
        page = county_client.get(url)
        assert page.status_code == 200, url
        assert f"township={township.pk}" in url and "held_after=2026-01-01" in url and "held_before=2026-06-30" in url
    url = figures.get("study.person_times").url([township.pk], start, end)
    assert url.startswith("/study/attendances/") and "status=present" in url
    assert "kind=party_lecture" in figures.get("study.party_lectures").url(None, start, end)
