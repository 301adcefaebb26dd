"""Generic scoping tests over every business model: who sees and who may change which records,
through the pages, the Excel export and the services."""
import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import resolve_url
from django.test import Client
from django.utils.html import escape

from banzi.core import services
from tests.generic import (
    all_cases,
    business_models,
    case_params,
    instance_form_data,
    owning_township,
    table_pks,
    xlsx_rows,
)

pytestmark = pytest.mark.django_db

CASES = case_params()
SCOPED = case_params(lambda c: not c.is_catalog)
TOWNSHIP_WRITTEN = case_params(lambda c: not c.is_catalog and c.township_writes)
COUNTY_WRITTEN = case_params(lambda c: not c.is_catalog and not c.township_writes)
CATALOGS = case_params(lambda c: c.is_catalog)
OBJECT_ACTIONS = ("detail", "edit", "delete", "history")


def test_every_business_model_has_a_case():
    covered = {c.model for c in all_cases()}
    missing = [m._meta.label for m in business_models() if m not in covered]
    assert not missing, f"add a ModelCase in tests/<app>/cases.py for: {missing}"
    assert len(covered) >= 6


def test_every_case_has_the_standard_urls():
    for case in all_cases():
        assert case.url("list") and case.url("add")
        assert case.form_class is not None, case.label


@pytest.mark.parametrize("case", CASES)
def test_anonymous_is_sent_to_login(case, township):
    record = case.make(township)
    client = Client()
    urls = [case.url("list"), case.url("list") + "?_export=xlsx", case.url("add")]
    urls += [case.url(action, record) for action in OBJECT_ACTIONS]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(resolve_url(settings.LOGIN_URL)), url
    response = client.post(case.url("add"), case.form_data(township))
    assert response.status_code == 302 and response.url.startswith(resolve_url(settings.LOGIN_URL))
    count = case.model.objects.count()
    client.post(case.url("delete", record))
    assert case.model.objects.count() == count


@pytest.mark.parametrize("case", SCOPED)
def test_township_admin_sees_only_own_township(case, township, other_township, township_client):
    own = case.make(township)
    other = case.make(other_township)
    assert owning_township(own) == township and owning_township(other) == other_township

    response = township_client.get(case.url("list"), case.list_params)
    assert response.status_code == 200
    pks = table_pks(response)
    assert own.pk in pks
    assert other.pk not in pks
    body = response.content.decode()
    assert case.url("detail", other) not in body
    # Not in the table, and not among the filters' choices either.
    assert f">{escape(str(other))}<" not in body
    assert escape(other_township.name) not in body

    rows = xlsx_rows(township_client.get(case.url("list"), {**case.list_params, "_export": "xlsx"}))
    cells = {cell for row in rows for cell in row}
    assert case.export_label(own) in cells
    assert case.export_label(other) not in cells
    # Every exported row is the township's own: as many data rows as own records.
    own_count = sum(1 for r in case.model.objects.all() if owning_township(r) == township)
    assert len(rows) - 1 == own_count

    for action in OBJECT_ACTIONS:
        expected = 200 if case.township_writes or action in ("detail", "history") else 403
        assert township_client.get(case.url(action, own)).status_code == expected, action
        assert township_client.get(case.url(action, other)).status_code == 404, action
    data = case.edit_data(other, None)
    assert township_client.post(case.url("edit", other), data).status_code == 404
    assert township_client.post(case.url("delete", other)).status_code == 404
    assert case.model.objects.filter(pk=other.pk).exists()


@pytest.mark.parametrize("case", TOWNSHIP_WRITTEN)
def test_township_admin_can_create_in_own_township(case, township, township_client):
    before = set(case.model.objects.values_list("pk", flat=True))
    response = township_client.post(case.url("add"), case.form_data(township))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    created = case.model.objects.exclude(pk__in=before)
    assert created.count() == 1
    assert owning_township(created.get()) == township


@pytest.mark.parametrize("case", TOWNSHIP_WRITTEN)
def test_township_admin_cannot_create_in_another_township(case, township, other_township, township_client):
    data = case.form_data(other_township)
    count = case.model.objects.count()
    response = township_client.post(case.url("add"), data)
    assert response.status_code in (200, 403)
    if response.status_code == 200:
        assert response.context["form"].errors
    assert case.model.objects.count() == count


@pytest.mark.parametrize("case", TOWNSHIP_WRITTEN)
def test_township_admin_cannot_move_a_record_to_another_township(case, township, other_township, township_admin,
                                                                  township_client):
    record = case.make(township)
    # Through the page: the other township's choices are not offered.
    moved = case.model.objects.get(pk=record.pk)
    case.move(moved, other_township)
    data = instance_form_data(case.form_class, moved, None)
    response = township_client.post(case.url("edit", record), data)
    assert response.status_code in (200, 403)
    if response.status_code == 200:
        assert response.context["form"].errors
    record.refresh_from_db()
    assert owning_township(record) == township
    # Through the service: refused and rolled back.
    moved = case.model.objects.get(pk=record.pk)
    case.move(moved, other_township)
    history = record.history.count()
    with pytest.raises(PermissionDenied):
        services.save_object(township_admin, moved)
    record.refresh_from_db()
    assert owning_township(record) == township
    assert record.history.count() == history


@pytest.mark.parametrize("case", SCOPED)
def test_services_refuse_another_townships_record(case, other_township, township_admin):
    other = case.make(other_township)
    with pytest.raises(PermissionDenied):
        services.save_object(township_admin, other)
    with pytest.raises(PermissionDenied):
        services.delete_object(township_admin, other)
    assert case.model.objects.filter(pk=other.pk).exists()


@pytest.mark.parametrize("case", COUNTY_WRITTEN)
def test_county_written_records_are_read_only_for_townships(case, township, township_admin, township_client):
    record = case.make(township)
    assert township_client.get(case.url("detail", record)).status_code == 200
    assert record.pk in table_pks(township_client.get(case.url("list"), case.list_params))
    count = case.model.objects.count()
    assert township_client.get(case.url("add")).status_code == 403
    assert township_client.post(case.url("add"), case.form_data(township)).status_code == 403
    assert township_client.post(case.url("edit", record), case.edit_data(record, township_admin)).status_code == 403
    assert township_client.post(case.url("delete", record)).status_code == 403
    assert case.model.objects.count() == count
    with pytest.raises(PermissionDenied):
        services.save_object(township_admin, record)
    with pytest.raises(PermissionDenied):
        services.delete_object(township_admin, record)


@pytest.mark.parametrize("case", CATALOGS)
def test_catalog_is_read_only_for_townships(case, township, township_admin, township_client):
    record = case.make(township)
    assert township_client.get(case.url("detail", record)).status_code == 200
    assert record.pk in table_pks(township_client.get(case.url("list"), case.list_params))
    assert township_client.get(case.url("add")).status_code == 403
    assert township_client.post(case.url("add"), case.form_data(township)).status_code == 403
    assert township_client.get(case.url("edit", record)).status_code == 403
    assert township_client.post(case.url("delete", record)).status_code == 403
    assert case.model.objects.filter(pk=record.pk).exists()
    with pytest.raises(PermissionDenied):
        services.save_object(township_admin, record)
    with pytest.raises(PermissionDenied):
        services.delete_object(township_admin, record)


@pytest.mark.parametrize("case", CASES)
def test_cadre_sees_only_own_records_and_cannot_write(case, township, other_township, cadre_user, cadre_client):
    cadre = cadre_user.cadre
    someone_else = case.make(township)
    far_away = case.make(other_township)
    own = case.make_own(cadre) if case.make_own else None

    response = cadre_client.get(case.url("list"), case.list_params)
    assert response.status_code == 200
    pks = table_pks(response)
    rows = xlsx_rows(cadre_client.get(case.url("list"), {**case.list_params, "_export": "xlsx"}))
    if case.is_catalog:
        assert {someone_else.pk, far_away.pk} <= pks
    else:
        assert pks == ({own.pk} if own else set())
        assert len(rows) - 1 == len(pks)
        for record in (someone_else, far_away):
            assert cadre_client.get(case.url("detail", record)).status_code == 404
    readable = own or (someone_else if case.is_catalog else None)

    count = case.model.objects.count()
    if case.cadre_writes_own:
        # They may open the form, but a record that is not theirs is refused and nothing is saved.
        assert cadre_client.get(case.url("add")).status_code == 200
        assert cadre_client.post(case.url("add"), case.form_data(township)).status_code in (200, 403)
        assert case.model.objects.count() == count
        with pytest.raises(PermissionDenied):
            services.save_object(cadre_user, someone_else)
        return
    assert cadre_client.get(case.url("add")).status_code == 403
    assert cadre_client.post(case.url("add"), case.form_data(township)).status_code == 403
    assert case.model.objects.count() == count
    if readable is not None:
        assert cadre_client.get(case.url("detail", readable)).status_code == 200
        assert cadre_client.get(case.url("history", readable)).status_code == 200
        before = readable.history.count()
        assert cadre_client.post(case.url("edit", readable), case.edit_data(readable, cadre_user)).status_code == 403
        assert cadre_client.post(case.url("delete", readable)).status_code == 403
        assert case.model.objects.filter(pk=readable.pk).exists()
        assert readable.history.count() == before
        with pytest.raises(PermissionDenied):
            services.save_object(cadre_user, readable)
        with pytest.raises(PermissionDenied):
            services.delete_object(cadre_user, readable)


ADMINISTRATORS = ("system_admin", "security_admin", "auditor")


def _is_configuration_of(case, administrator):
    """The system administrator keeps the configuration (the working-day calendar)."""
    return administrator == "system_admin" and case.model.scope.configuration


@pytest.mark.parametrize("administrator", ADMINISTRATORS)
@pytest.mark.parametrize("case", CASES)
def test_administrators_get_no_business_page_export_or_write(case, administrator, township, other_township,
                                                             request, client_for):
    """三员分立: the system, security and audit administrators open no business list, record,
    history or export, and change nothing, through the pages or the services."""
    if _is_configuration_of(case, administrator):
        pytest.skip("the system administrator's own configuration: test_system_admin_keeps_the_configuration")
    user = request.getfixturevalue(administrator)
    client = client_for(user)
    own = case.make(township)
    other = case.make(other_township)
    assert client.get(case.url("list"), case.list_params).status_code == 403
    assert client.get(case.url("list"), {**case.list_params, "_export": "xlsx"}).status_code == 403
    for action in OBJECT_ACTIONS:
        assert client.get(case.url(action, other)).status_code == 403
    count = case.model.objects.count()
    assert client.get(case.url("add")).status_code == 403
    assert client.post(case.url("add"), case.form_data(township)).status_code == 403
    assert client.post(case.url("edit", other), case.edit_data(other, user)).status_code == 403
    assert client.post(case.url("delete", other)).status_code == 403
    assert case.model.objects.count() == count
    assert other.history.count() == 1
    assert not case.model.objects.visible_to(user).exists()
    with pytest.raises(PermissionDenied):
        services.save_object(user, own)
    with pytest.raises(PermissionDenied):
        services.delete_object(user, other)


@pytest.mark.parametrize("case", case_params(lambda c: c.model.scope.configuration))
def test_system_admin_keeps_the_configuration(case, township, system_admin, system_admin_client):
    record = case.make(township)
    assert record.pk in table_pks(system_admin_client.get(case.url("list"), case.list_params))
    assert system_admin_client.get(case.url("detail", record)).status_code == 200
    response = system_admin_client.post(case.url("edit", record), case.edit_data(record, system_admin))
    assert response.status_code == 302, response.content.decode()[:2000]
    latest = record.history.order_by("-history_id").first()
    assert latest.history_type == "~" and latest.history_user == system_admin


@pytest.mark.parametrize("case", case_params(lambda c: c.model.scope.configuration))
@pytest.mark.parametrize("administrator", ("security_admin", "auditor"))
def test_configuration_is_the_system_admins_alone_among_administrators(case, administrator, township, request,
                                                                        client_for):
    record = case.make(township)
    client = client_for(request.getfixturevalue(administrator))
    assert client.get(case.url("list")).status_code == 403
    assert client.get(case.url("detail", record)).status_code == 403


@pytest.mark.parametrize("case", CASES)
def test_county_admin_sees_and_changes_every_township(case, township, other_township, county_client):
    own = case.make(township)
    other = case.make(other_township)
    assert {own.pk, other.pk} <= table_pks(county_client.get(case.url("list"), case.list_params))
    for action in OBJECT_ACTIONS:
        assert county_client.get(case.url(action, other)).status_code == 200, action
    response = county_client.post(case.url("add"), case.form_data(other_township))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    response = county_client.post(case.url("edit", other), case.edit_data(other, None))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    response = county_client.post(case.url("delete", other))
    assert response.status_code == 302
    assert not case.model.objects.filter(pk=other.pk).exists()


@pytest.mark.parametrize("case", case_params(lambda c: c.make_referenced is not None))
def test_deleting_a_referenced_record_is_refused_with_a_message(case, township, county_admin, county_client):
    record = case.make_referenced(township)
    response = county_client.post(case.url("delete", record), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain and response.redirect_chain[-1][0] == case.url("detail", record)
    messages = [str(m) for m in response.context["messages"]]
    assert messages and str(record) in messages[0]
    assert escape(messages[0]) in response.content.decode()
    assert case.model.objects.filter(pk=record.pk).exists()
