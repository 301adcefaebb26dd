"""GET /api/v1/me/: the signed-in user, their role in both languages, the organizations their role
reaches, and their own cadre record; read-only."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from banzi.core.roles import Role
from tests import factories as f
from tests.api import api_for, assert_matches_schema

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/"


def me(user):
    response = api_for(user).get(URL)
    assert response.status_code == 200, response.content
    assert_matches_schema(response)
    return response.json()


def test_county_admin_sees_the_county(county_admin, county, township):
    body = me(county_admin)
    assert (body["id"], body["username"], body["is_superuser"]) == (county_admin.pk, "county", False)
    assert body["role"] == {"code": "county_admin", "label": "County organization department",
                            "label_zh_hans": "县委组织部", "label_en": "County organization department"}
    assert body["scope"] == {"level": "county", "organizations": [{"id": county.pk, "name": "襄汾县", "kind": "county"}]}
    assert body["cadre"] is None


def test_the_role_label_follows_the_request_language(township_admin):
    client = api_for(township_admin)
    body = client.get(URL, HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert body["role"]["label"] == body["role"]["label_zh_hans"] == "乡镇党委"
    assert body["role"]["label_en"] == "Township Party committee"


def test_township_admin_sees_their_township(township_admin, township, other_township):
    body = me(township_admin)
    assert body["role"]["code"] == "township_admin"
    assert body["scope"] == {"level": "township",
                             "organizations": [{"id": township.pk, "name": "新城镇", "kind": "township"}]}


def test_cadre_sees_their_own_record_in_full(cadre_user, township):
    body = me(cadre_user)
    assert body["role"]["code"] == "cadre"
    assert body["scope"] == {"level": "own", "organizations": [{"id": township.pk, "name": "新城镇", "kind": "township"}]}
    cadre = cadre_user.cadre
    assert (body["cadre"]["id"], body["cadre"]["name"], body["cadre"]["organization_name"]) == (cadre.pk, "李四", "新城镇")
    assert body["cadre"]["id_number"] == cadre.id_number  # their own, unmasked


def test_auditor_reaches_no_business_records(auditor, county):
    body = me(auditor)
    assert body["role"]["label_zh_hans"] == "安全审计员"
    assert body["scope"] == {"level": "none", "organizations": []} and body["cadre"] is None


@pytest.mark.parametrize("user", ["system_admin", "security_admin"])
def test_system_and_security_admins_reach_no_business_records(request, user, county):
    body = me(request.getfixturevalue(user))
    assert body["role"]["code"] == request.getfixturevalue(user).role
    assert body["scope"] == {"level": "none", "organizations": []} and body["cadre"] is None


def test_a_township_admin_with_a_cadre_record_gets_it(township, township_admin):
    township_admin.cadre = f.CadreFactory(organization=township, name="王五")
    township_admin.save()
    assert me(township_admin)["cadre"]["name"] == "王五"


def test_a_user_without_a_place_sees_nothing(township):
    user = f.UserFactory(username="nowhere", role=Role.TOWNSHIP_ADMIN)
    assert me(user)["scope"] == {"level": "none", "organizations": []}


def test_the_superuser_flag_adds_nothing_to_a_role(county):
    admin = f.UserFactory(username="root", role=Role.COUNTY_ADMIN, is_superuser=True)
    body = me(admin)
    assert body["is_superuser"] and body["scope"]["level"] == "county"
    roleless = f.UserFactory(username="root2", role="", is_superuser=True)
    body = me(roleless)
    assert body["role"]["code"] == "" and body["scope"] == {"level": "none", "organizations": []}


def test_anonymous_is_401():
    assert APIClient().get(URL).status_code == 401


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_me_is_read_only(cadre_user, method):
    response = getattr(api_for(cadre_user), method)(URL, {"username": "someone"}, format="json")
    assert response.status_code == 405
    cadre_user.refresh_from_db()
    assert cadre_user.username == "cadre"


@pytest.mark.parametrize("user", ["county_admin", "township_admin", "cadre_user", "auditor", "system_admin"])
def test_a_fixed_number_of_queries(request, user, township):
    client = api_for(request.getfixturevalue(user))
    client.get(URL)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL).status_code == 200
    assert len(ctx.captured_queries) <= 6
