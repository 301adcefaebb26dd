"""Generic API tests over every endpoint of /api/v1/, fed by the cases in tests/<app>/cases.py.

Each business model's viewset is listed, opened, created, changed and deleted through the API with
its `ModelCase`: scoped to the user (another township's record is 404), kept in the record's history
and the audit trail with the API user, and with list query counts that do not grow with rows. Each
workflow action runs through its `ActionCase`, each figure endpoint through its `ReadCase`. Every
response is checked against the OpenAPI schema by the client (tests/api.py). An endpoint without a
case fails `test_every_endpoint_has_a_case`.
"""
import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from banzi.core.models import AuditEvent
from tests.api import (
    action_cases,
    api_for,
    assert_list_queries_flat,
    ids,
    model_viewsets,
    read_cases,
    read_endpoints,
    workflow_actions,
)
from tests.generic import case_for, owning_township

pytestmark = pytest.mark.django_db


def _viewset_params(predicate=lambda endpoint, case: True, private=False):
    params = []
    for endpoint in model_viewsets():
        case = case_for(endpoint.model)
        if case.is_private == private and predicate(endpoint, case):
            params.append(pytest.param(endpoint, case, id=endpoint.name.removesuffix("-list")))
    return params


VIEWSETS = _viewset_params()
SCOPED = _viewset_params(lambda e, c: not c.is_catalog)
WRITABLE = _viewset_params(lambda e, c: c.api_writes)
READ_ONLY = _viewset_params(lambda e, c: not c.api_writes)


def list_url(endpoint):
    return reverse(endpoint.name)


def detail_url(endpoint, record):
    return reverse(endpoint.name.removesuffix("-list") + "-detail", args=[record.pk])


def body_format(data):
    """JSON, as API clients send; multipart when the body carries a file."""
    return "multipart" if any(hasattr(value, "read") for value in data.values()) else None


def data_events(model, pk, action):
    return AuditEvent.objects.filter(kind=AuditEvent.Kind.DATA, action=action, object_id=str(pk),
                                     content_type=ContentType.objects.get_for_model(model))


def test_every_endpoint_has_a_case():
    """A new endpoint brings its case: a ModelCase for a model's viewset, an ActionCase for a
    workflow action, a ReadCase for a figure endpoint."""
    missing = [e.model._meta.label for e in model_viewsets() if _has_no_model_case(e.model)]
    assert not missing, f"add a ModelCase in tests/<app>/cases.py for: {missing}"
    actions = action_cases()
    missing = sorted(e.name for e in workflow_actions() if e.name not in actions)
    assert not missing, f"register an ActionCase (tests.api.register_action) for: {missing}"
    reads = read_cases()
    missing = sorted(e.name for e in read_endpoints() if e.name not in reads)
    assert not missing, f"register a ReadCase (tests.api.register_read) for: {missing}"
    known = {e.name for e in workflow_actions()} | {e.name for e in read_endpoints()}
    stale = sorted((set(actions) | set(reads)) - known)
    assert not stale, f"cases for endpoints that no longer exist: {stale}"
    assert len(model_viewsets()) > 40 and len(actions) > 20 and len(reads) > 10


def _has_no_model_case(model):
    try:
        case_for(model)
    except KeyError:
        return True
    return False


# --- models: scoping, reading -------------------------------------------------------------------

@pytest.mark.parametrize(("endpoint", "case"), SCOPED)
def test_township_sees_and_changes_only_its_own(endpoint, case, township, other_township, county_admin,
                                                township_admin):
    own, other = case.make(township), case.make(other_township)
    assert {own.pk, other.pk} <= ids(api_for(county_admin).get(list_url(endpoint), case.list_params))
    client = api_for(township_admin)
    listed = ids(client.get(list_url(endpoint), case.list_params))
    assert own.pk in listed and other.pk not in listed
    assert client.get(detail_url(endpoint, own)).status_code == 200
    assert client.get(detail_url(endpoint, other)).status_code == 404
    # A township that may not change these records at all is refused before the record is looked up.
    refused = 404 if case.township_writes else 403
    assert client.patch(detail_url(endpoint, other), {}).status_code == refused
    assert client.delete(detail_url(endpoint, other)).status_code == refused
    assert case.model.objects.filter(pk=other.pk).exists()
    assert other.history.count() == 1


@pytest.mark.parametrize(("endpoint", "case"), VIEWSETS)
def test_anonymous_gets_nothing(endpoint, case, township, client):
    record = case.make(township)
    from rest_framework.test import APIClient

    anonymous = APIClient()
    for response in (anonymous.get(list_url(endpoint)), anonymous.get(detail_url(endpoint, record)),
                     anonymous.post(list_url(endpoint), {})):
        assert response.status_code in (401, 403)


@pytest.mark.parametrize(("endpoint", "case"), VIEWSETS)
@pytest.mark.parametrize("role", ["county_admin", "township_admin"])
def test_list_query_count_does_not_grow_with_rows(endpoint, case, role, request, township):
    client = api_for(request.getfixturevalue(role))
    url = list_url(endpoint)
    if case.list_params:
        url += "?" + "&".join(f"{k}={v}" for k, v in case.list_params.items())
    assert_list_queries_flat(client, url, case.make, township)


@pytest.mark.parametrize(("endpoint", "case"), VIEWSETS)
def test_auditor_reads_only(endpoint, case, township, auditor):
    record = case.make(township)
    data = case.api_create_data(township)
    client = api_for(auditor)
    before = AuditEvent.objects.filter(kind=AuditEvent.Kind.DATA).count()
    assert client.post(list_url(endpoint), data, format=body_format(data)).status_code == 403
    assert client.patch(detail_url(endpoint, record), case.api_update_data).status_code in (403, 404)
    assert client.delete(detail_url(endpoint, record)).status_code in (403, 404)
    assert case.model.objects.filter(pk=record.pk).exists()
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.DATA).count() == before


# --- models: writes kept with their user -----------------------------------------------------------

@pytest.mark.parametrize(("endpoint", "case"), WRITABLE)
def test_create_is_kept_with_its_user(endpoint, case, township, county_admin):
    before = set(case.model.objects.values_list("pk", flat=True))
    data = case.api_create_data(township)
    response = api_for(county_admin).post(list_url(endpoint), data, format=body_format(data))
    assert response.status_code == 201, response.content.decode()
    record = case.model.objects.exclude(pk__in=before).get()
    assert response.json()["id"] == record.pk
    history = record.history.get()
    assert history.history_type == "+" and history.history_user == county_admin
    assert data_events(case.model, record.pk, AuditEvent.Action.CREATE).get().user == county_admin
    if not case.is_catalog:
        assert owning_township(record) == township


@pytest.mark.parametrize(("endpoint", "case"), WRITABLE)
def test_update_is_kept_with_its_user(endpoint, case, township, county_admin):
    record = case.make(township)
    response = api_for(county_admin).patch(detail_url(endpoint, record), case.api_update_data)
    assert response.status_code == 200, response.content.decode()
    latest = record.history.order_by("-history_id").first()
    assert latest.history_type == "~" and latest.history_user == county_admin
    event = data_events(case.model, record.pk, AuditEvent.Action.UPDATE).get()
    assert event.user == county_admin
    assert {c["field"] for c in event.changes} == set(case.api_update_data)


@pytest.mark.parametrize(("endpoint", "case"), WRITABLE)
def test_delete_is_kept_with_its_user(endpoint, case, township, county_admin):
    record = case.make(township)
    pk = record.pk
    response = api_for(county_admin).delete(detail_url(endpoint, record))
    assert response.status_code == 204, response.content.decode()
    assert not case.model.objects.filter(pk=pk).exists()
    last = case.model.history.filter(id=pk).order_by("-history_id").first()
    assert last.history_type == "-" and last.history_user == county_admin
    assert data_events(case.model, pk, AuditEvent.Action.DELETE).get().user == county_admin


@pytest.mark.parametrize(("endpoint", "case"), _viewset_params(lambda e, c: c.api_writes and c.make_referenced))
def test_refused_delete_is_400_and_keeps_the_record(endpoint, case, township, county_admin):
    record = case.make_referenced(township)
    response = api_for(county_admin).delete(detail_url(endpoint, record))
    assert response.status_code == 400, response.content.decode()
    assert case.model.objects.filter(pk=record.pk).exists()
    # On the trail as a failed delete only.
    assert data_events(case.model, record.pk, AuditEvent.Action.DELETE).get().outcome == AuditEvent.Outcome.FAILURE


@pytest.mark.parametrize(("endpoint", "case"), READ_ONLY)
def test_records_made_by_workflow_are_not_written_directly(endpoint, case, township, county_admin):
    record = case.make(township)
    client = api_for(county_admin)
    count = case.model.objects.count()
    data = case.api_create_data(township)
    assert client.post(list_url(endpoint), data, format=body_format(data)).status_code in (403, 405)
    assert client.patch(detail_url(endpoint, record), case.api_update_data).status_code in (403, 405)
    assert client.delete(detail_url(endpoint, record)).status_code in (403, 405)
    assert case.model.objects.count() == count
    assert record.history.count() == 1


# --- private records: their cadre's alone -----------------------------------------------------------

@pytest.mark.parametrize(("endpoint", "case"), _viewset_params(private=True))
def test_private_records_are_their_cadres_alone(endpoint, case, township, cadre_user, county_admin,
                                                township_admin, auditor):
    own = case.make_own(cadre_user.cadre)
    other = case.make(township)
    client = api_for(cadre_user)
    assert ids(client.get(list_url(endpoint))) == {own.pk}
    assert client.get(detail_url(endpoint, other)).status_code == 404
    for user in (county_admin, township_admin, auditor):
        committee = api_for(user)
        assert ids(committee.get(list_url(endpoint))) == set()
        assert committee.get(detail_url(endpoint, own)).status_code == 404
    if case.own_form_data is not None:
        before = set(case.model.objects.values_list("pk", flat=True))
        response = client.post(list_url(endpoint), case.own_form_data(cadre_user.cadre))
        assert response.status_code == 201, response.content.decode()
        record = case.model.objects.exclude(pk__in=before).get()
        assert record.history.get().history_user == cadre_user


# --- workflow actions -----------------------------------------------------------------------------

def _action_params():
    cases = action_cases()
    return [pytest.param(cases[e.name], id=e.name) for e in workflow_actions() if e.name in cases]


ACTIONS = _action_params()


def _action_url(case, record):
    return reverse(case.url_name, args=[record.pk])


def _data_events_count():
    return AuditEvent.objects.filter(kind=AuditEvent.Kind.DATA).count()


@pytest.mark.parametrize("case", ACTIONS)
def test_action_is_taken_and_kept_with_its_user(case, township):
    record, user = case.prepare(township)
    data = case.data(record)
    before = _data_events_count()
    response = api_for(user).post(_action_url(case, record), data, format=case.format)
    assert response.status_code == case.status, response.content.decode()
    record.refresh_from_db()
    assert case.done(record), f"{case.url_name}: the record is not as the step should leave it"
    events = AuditEvent.objects.filter(kind=AuditEvent.Kind.DATA).order_by("pk")[before:]
    assert events and all(e.user == user for e in events)


@pytest.mark.parametrize("case", ACTIONS)
def test_action_outside_the_scope_is_404_and_changes_nothing(case, township, other_township_admin):
    record, _ = case.prepare(township)
    data = case.data(record)
    before = _data_events_count()
    response = api_for(other_township_admin).post(_action_url(case, record), data, format=case.format)
    assert response.status_code == 404, response.content.decode()
    assert _data_events_count() == before


@pytest.mark.parametrize("case", ACTIONS)
def test_auditor_cannot_take_an_action(case, township, auditor):
    record, _ = case.prepare(township)
    data = case.data(record)
    before = _data_events_count()
    response = api_for(auditor).post(_action_url(case, record), data, format=case.format)
    assert response.status_code in (403, 404), response.content.decode()
    assert _data_events_count() == before


# --- figure endpoints -----------------------------------------------------------------------------

def _read_params():
    cases = read_cases()
    return [pytest.param(cases[e.name], id=e.name) for e in read_endpoints() if e.name in cases]


READS = _read_params()
ROLES = ("county_admin", "township_admin", "cadre_user", "auditor")


@pytest.mark.parametrize("case", READS)
def test_figures_answer_the_roles_that_may_read_them(case, request, township):
    url = case.url(township)
    for role in ROLES:
        response = api_for(request.getfixturevalue(role)).get(url)
        if role in case.roles:
            assert response.status_code == 200, (role, response.content.decode())
        else:
            assert response.status_code in (403, 404), (role, response.status_code)


@pytest.mark.parametrize("case", [c for c in READS if c.values[0].make is not None])
def test_figures_cost_the_same_queries_however_many_records(case, township, request):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_for(request.getfixturevalue(case.roles[0]))
    url = case.url(township)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, response.content.decode()
        return len(ctx.captured_queries), response.json()

    for _ in range(2):
        case.make(township)
    few, first = queries()
    for _ in range(6):
        case.make(township)
    many, second = queries()
    assert many == few
    assert second != first, "the figures do not follow the records that make() adds"


@pytest.mark.parametrize("case", [c for c in READS if c.values[0].make is not None and c.values[0].township_scoped])
def test_a_townships_figures_ignore_other_townships(case, township, other_township, township_admin):
    client = api_for(township_admin)
    url = case.url(township)
    before = client.get(url).json()
    for _ in range(3):
        case.make(other_township)
    assert client.get(url).json() == before
