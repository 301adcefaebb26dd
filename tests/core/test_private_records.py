"""Generic tests of private models (`Scope(private=True)`, e.g. a cadre's daily study record):
only the cadre sees and changes their own records, through pages, exports and services, with every
write in the history; committees, the county and the auditor see none of them (DESIGN principle 2).
"""
import pytest
from django.core.exceptions import PermissionDenied

from banzi.core import services
from banzi.core.models import AuditEvent
from tests.core.test_query_counts import assert_same_queries
from tests.generic import case_params, instance_form_data, table_pks, xlsx_rows

pytestmark = pytest.mark.django_db

PRIVATE = case_params(private=True)


def test_private_cases_say_how_the_cadre_records_their_own():
    for param in PRIVATE:
        case = param.values[0]
        assert case.make_own and case.own_form_data and case.cadre_writes_own, case.label


@pytest.mark.parametrize("case", PRIVATE)
def test_nobody_but_the_cadre_sees_the_records(case, township, cadre_user, county_admin, township_admin, auditor,
                                               client_for):
    own = case.make_own(cadre_user.cadre)
    someone_elses = case.make(township)
    assert client_for(auditor).get(case.url("list"), case.list_params).status_code == 403  # 三员分立
    for user in (county_admin, township_admin):
        client = client_for(user)
        assert table_pks(client.get(case.url("list"), case.list_params)) == set()
        assert len(xlsx_rows(client.get(case.url("list"), {**case.list_params, "_export": "xlsx"}))) <= 1
        for record in (own, someone_elses):
            for action in ("detail", "edit", "delete", "history"):
                assert client.get(case.url(action, record)).status_code == 404, (user.role, action)
            with pytest.raises(PermissionDenied):
                services.save_object(user, record)
            with pytest.raises(PermissionDenied):
                services.delete_object(user, record)
    cadre = client_for(cadre_user)
    assert table_pks(cadre.get(case.url("list"), case.list_params)) == {own.pk}
    assert cadre.get(case.url("detail", own)).status_code == 200
    assert cadre.get(case.url("detail", someone_elses)).status_code == 404


@pytest.mark.parametrize("case", PRIVATE)
def test_the_cadre_creates_edits_and_deletes_their_own_with_history(case, township, cadre_user, client_for):
    client = client_for(cadre_user)
    before = case.model.objects.count()
    response = client.post(case.url("add"), case.own_form_data(cadre_user.cadre))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    record = case.model.objects.order_by("-pk").first()
    assert case.model.objects.count() == before + 1
    assert record.history.get().history_user == cadre_user

    data = instance_form_data(case.form_class, record, cadre_user)
    data.update(case.update)
    assert client.post(case.url("edit", record), data).status_code == 302
    latest = record.history.order_by("-history_id").first()
    assert latest.history_type == "~" and latest.history_user == cadre_user
    assert AuditEvent.objects.filter(object_id=str(record.pk), action=AuditEvent.Action.UPDATE,
                                     user=cadre_user).exists()

    assert client.post(case.url("delete", record)).status_code == 302
    assert not case.model.objects.filter(pk=record.pk).exists()
    assert record.history.order_by("-history_id").first().history_user == cadre_user


@pytest.mark.parametrize("case", PRIVATE)
def test_the_cadres_list_query_count_does_not_grow(case, cadre_user, client_for):
    assert_same_queries(client_for(cadre_user), case.url("list"), lambda n: [case.make_own(cadre_user.cadre)
                                                                             for _ in range(n)], case.list_params)
