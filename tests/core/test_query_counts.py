"""List pages keep the same number of queries whatever the number of rows (no N+1)."""
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from banzi.core.models import AuditEvent
from tests.generic import all_cases, case_params

pytestmark = pytest.mark.django_db


def count_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200, url
    return len(ctx.captured_queries), ctx.captured_queries


def assert_same_queries(client, url, grow, params=None):
    """Queries of the page with 5 rows equal those with 50 (after a warm-up request)."""
    grow(5)
    count_queries(client, url, params)
    few, _ = count_queries(client, url, params)
    grow(45)
    many, queries = count_queries(client, url, params)
    assert many == few, f"{url}: {few} queries with 5 rows, {many} with 50:\n" + "\n".join(
        q["sql"] for q in queries)


def _maker(case, township):
    def grow(n):
        for _ in range(n):
            case.make(township)
    return grow


@pytest.mark.parametrize("case", case_params())
def test_list_query_count_does_not_grow_with_rows(case, township, county_client):
    assert_same_queries(county_client, case.url("list"), _maker(case, township), case.list_params)


@pytest.mark.parametrize("case", case_params(lambda c: not c.is_catalog))
def test_township_list_query_count_does_not_grow_with_rows(case, township, township_client):
    assert_same_queries(township_client, case.url("list"), _maker(case, township), case.list_params)


def test_audit_list_query_count_does_not_grow_with_rows(township, county_admin, auditor_client):
    cases = all_cases()

    def grow(n):
        # Each record written writes an AuditEvent; spread them over several record types.
        for i in range(n):
            cases[i % len(cases)].make(township)
    assert_same_queries(auditor_client, reverse("core:auditevent_list"), grow)
    assert AuditEvent.objects.count() >= 50


def test_dashboard_query_count_does_not_grow_with_rows(township, cadre_user, county_client, township_client,
                                                     auditor_client, cadre_client):
    clients = {"county": county_client, "township": township_client, "auditor": auditor_client,
               "cadre": cadre_client}
    cases = all_cases()
    url = reverse("dashboard:home")

    def grow(n):
        for case in cases:
            for _ in range(n):
                case.make(township)
            own = case.make_own if case.make_own and case.model is not type(cadre_user.cadre) else None
            for _ in range(n if own else 0):
                try:
                    with transaction.atomic():
                        own(cadre_user.cadre)
                except (IntegrityError, ValidationError):
                    break  # some records exist once per cadre (e.g. one work list a year)

    def measure():
        counts = {}
        for role, client in clients.items():
            count_queries(client, url)
            counts[role] = count_queries(client, url)[0]
        return counts

    grow(5)
    few = measure()
    grow(45)
    assert measure() == few
