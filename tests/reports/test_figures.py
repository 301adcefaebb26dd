"""Every registered report figure equals its row-by-row recomputation (tests/reports/reference.py),
for the county and each township, over the two halves of 2026 and the whole year, with records on
each edge of the halves; each figure runs a fixed number of queries."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from banzi.core.metrics import PARTS, figures

from .records import make_records
from .reference import REFERENCE

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
