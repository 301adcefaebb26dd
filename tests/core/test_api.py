"""The API's shared parts: token login, error format, the OpenAPI schema and its offline docs."""
import re
from urllib.parse import urlparse

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import call_command
from jsonschema.exceptions import ValidationError as JsonSchemaValidationError
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate
from rest_framework import exceptions
from rest_framework.test import APIClient

from banzi.accounts import tokens
from banzi.accounts.models import ApiToken
from banzi.core.api_settings import error_body, validation_error_detail
from banzi.core.errors import Code
from banzi.core.models import AuditEvent
from tests import factories as f
from tests.api import api_for
from tests.errors import api_codes

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    # The token endpoint's rate limit counts in the cache; each test starts with a clean count.
    cache.clear()
    yield
    cache.clear()


def english_client():
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


# --- token login --------------------------------------------------------------------------------

@pytest.mark.django_db
def test_token_obtained_with_good_password_authenticates_requests(township_admin):
    client = english_client()
    response = client.post(TOKEN_URL, {"username": "township", "password": f.PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    assert ApiToken.objects.get(user=township_admin).prefix == token.split(".")[0]

    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    listed = client.get("/api/v1/org/organizations/")
    assert listed.status_code == 200
    assert {row["township"] for row in listed.json()["results"]} == {township_admin.organization_id}

    event = AuditEvent.objects.get(kind=AuditEvent.Kind.SECURITY, action=AuditEvent.Action.LOGIN)
    assert event.user == township_admin
    assert "token" in event.detail.lower()


@pytest.mark.django_db
def test_each_login_issues_a_new_token_and_both_work(township_admin):
    client = english_client()
    first = client.post(TOKEN_URL, {"username": "township", "password": f.PASSWORD}).json()["token"]
    second = client.post(TOKEN_URL, {"username": "township", "password": f.PASSWORD}).json()["token"]
    assert first != second
    for key in (first, second):
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        assert client.get("/api/v1/org/positions/").status_code == 200


@pytest.mark.django_db
def test_wrong_password_is_400_with_a_clear_message_and_is_audited(county_admin):
    response = english_client().post(TOKEN_URL, {"username": "county", "password": "wrong-password"})
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [
        {"message": "The username or password is incorrect, or the account is disabled.", "code": "authorization"}
    ]}
    assert not ApiToken.objects.filter(user=county_admin).exists()
    failed = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED)
    assert failed.kind == AuditEvent.Kind.SECURITY
    assert failed.username == "county"
    assert failed.ip_address == "127.0.0.1"


@pytest.mark.django_db
def test_wrong_password_message_is_translated(county_admin):
    response = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hans").post(
        TOKEN_URL, {"username": "county", "password": "wrong-password"}
    )
    assert api_codes(response) == {"non_field_errors": [Code.AUTHORIZATION]}
    assert response.json()["non_field_errors"][0]["message"] == "用户名或密码错误，或账号已停用。"


@pytest.mark.django_db
def test_repeated_failures_lock_the_account_for_tokens_too(county_admin, settings):
    settings.BANZI_LOGIN_MAX_FAILURES = 3
    client = english_client()
    for _ in range(3):
        assert client.post(TOKEN_URL, {"username": "county", "password": "guess"}).status_code == 400
    response = client.post(TOKEN_URL, {"username": "county", "password": f.PASSWORD})
    assert response.status_code == 400
    assert api_codes(response) == {"non_field_errors": [Code.LOCKED]}
    assert not ApiToken.objects.filter(user=county_admin).exists()


@pytest.mark.django_db
def test_disabled_account_gets_no_token(county_admin):
    county_admin.is_active = False
    county_admin.save()
    response = english_client().post(TOKEN_URL, {"username": "county", "password": f.PASSWORD})
    assert response.status_code == 400
    assert not ApiToken.objects.filter(user=county_admin).exists()


@pytest.mark.django_db
def test_missing_fields_are_named():
    response = english_client().post(TOKEN_URL, {})
    assert response.status_code == 400
    assert api_codes(response) == {"username": ["required"], "password": ["required"]}


@pytest.mark.django_db
def test_token_of_a_disabled_account_stops_working(county_admin):
    _token, key = tokens.issue(county_admin)
    client = english_client()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/org/positions/").status_code == 200
    county_admin.is_active = False
    county_admin.save()
    assert client.get("/api/v1/org/positions/").status_code == 401


@pytest.mark.django_db
def test_bad_token_is_401():
    client = english_client()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get("/api/v1/org/positions/").status_code == 401


@pytest.mark.django_db
def test_token_requests_are_rate_limited(county_admin):
    client = english_client()
    codes = [client.post(TOKEN_URL, {"username": "county", "password": "guess"}).status_code for _ in range(21)]
    assert codes[:20] == [400] * 20
    assert codes[20] == 429


@pytest.mark.django_db
def test_session_writes_need_the_csrf_token(county_admin, township):
    from django.test import Client

    from tests.second_factor import sign_in

    client = sign_in(Client(enforce_csrf_checks=True), county_admin)
    response = client.post(
        "/api/v1/org/positions/", {"name": "挂职副书记"}, content_type="application/json"
    )
    assert response.status_code == 403
    [error] = response.json()["detail"]
    assert error["code"] == "permission_denied" and "CSRF" in error["message"]


# --- error format -------------------------------------------------------------------------------

def test_django_validation_errors_keep_their_field_names_and_codes():
    exc = ValidationError({
        "id_number": [ValidationError("bad checksum", code=Code.ID_CHECKSUM)],
        "__all__": [ValidationError("rule broken", code=Code.DATE_ORDER)],
    })
    assert validation_error_detail(exc) == {"id_number": ["bad checksum"], "non_field_errors": ["rule broken"]}
    assert error_body(validation_error_detail(exc)) == {
        "id_number": [{"message": "bad checksum", "code": "id_checksum"}],
        "non_field_errors": [{"message": "rule broken", "code": "date_order"}],
    }
    assert error_body(validation_error_detail(ValidationError("plain", code=Code.PROTECTED))) == {
        "non_field_errors": [{"message": "plain", "code": "protected"}]}


def test_an_error_raised_without_a_code_is_invalid_and_params_are_filled_in():
    exc = ValidationError({"year": ValidationError("Enter %(n)d.", params={"n": 7})})
    assert error_body(validation_error_detail(exc)) == {"year": [{"message": "Enter 7.", "code": "invalid"}]}


def test_every_error_body_is_lists_of_message_and_code():
    detail = exceptions.NotFound().detail
    assert error_body({"detail": detail}) == {"detail": [{"message": str(detail), "code": "not_found"}]}
    # A bare list (a ValidationError raised with a message) is about the request's record as a whole.
    assert error_body(exceptions.ValidationError("no").detail) == {
        "non_field_errors": [{"message": "no", "code": "invalid"}]}
    # Errors of a nested value nest the same way.
    nested = exceptions.ValidationError({"items": {"0": ["bad"]}}).detail
    assert error_body(nested) == {"items": {"0": [{"message": "bad", "code": "invalid"}]}}


@pytest.mark.django_db
def test_a_rule_error_of_a_service_is_400_with_its_code_on_the_field(county_admin, township):
    village = f.VillageFactory(parent=township)
    response = api_for(county_admin).post("/api/v1/org/organizations/", {
        "name": "错村", "kind": "village", "parent": village.pk})
    assert response.status_code == 400
    [error] = response.json()["parent"]
    assert error["code"] == Code.WRONG_KIND and error["message"]


@pytest.mark.django_db
def test_a_rule_error_of_the_record_as_a_whole_is_under_non_field_errors(county_admin, township):
    village = f.VillageFactory(parent=township)
    f.CadreFactory(organization=village)  # a cadre refers to the village: it cannot be deleted
    response = api_for(county_admin).delete(f"/api/v1/org/organizations/{village.pk}/")
    assert response.status_code == 400
    assert api_codes(response) == {"non_field_errors": [Code.PROTECTED]}


@pytest.mark.django_db
def test_refusals_of_the_request_keep_their_codes_under_detail(county_admin, township_admin, auditor, other_township):
    assert api_codes(api_for(auditor).post("/api/v1/org/positions/", {"name": "挂职副书记"})) == {
        "detail": ["permission_denied"]}
    missing = api_for(township_admin).get(f"/api/v1/org/organizations/{other_township.pk}/")
    assert missing.status_code == 404
    assert api_codes(missing) == {"detail": ["not_found"]}
    anonymous = english_client().get("/api/v1/org/positions/")
    assert anonymous.status_code == 401
    assert api_codes(anonymous) == {"detail": ["not_authenticated"]}
    assert api_codes(api_for(county_admin).put("/api/v1/org/positions/", {})) == {"detail": ["method_not_allowed"]}


@pytest.mark.django_db
@pytest.mark.zh
def test_the_message_follows_the_language_and_the_code_does_not(county_admin, township):
    village = f.VillageFactory(parent=township)
    client = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_authenticate(county_admin)
    response = client.post("/api/v1/org/organizations/", {"name": "错村", "kind": "village", "parent": village.pk})
    [error] = response.json()["parent"]
    assert error["code"] == "wrong_kind"
    assert "必须隶属于" in error["message"]


# --- the OpenAPI schema ----------------------------------------------------------------------------

@pytest.fixture
def schema(county_client):
    response = county_client.get("/api/schema/", {"format": "json"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.json()


def test_schema_is_valid_openapi(schema):
    validate(schema)
    assert schema["openapi"].startswith("3.")


def test_schema_generates_without_warnings(db, tmp_path):
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "schema.yml"))
    assert (tmp_path / "schema.yml").read_text().startswith("openapi:")


def test_schema_has_every_org_endpoint_tagged_by_app(schema):
    paths = schema["paths"]
    for name in ["organizations", "designations", "cadres", "positions", "teams", "memberships"]:
        assert f"/api/v1/org/{name}/" in paths
        assert f"/api/v1/org/{name}/{{id}}/" in paths
    for path, operations in paths.items():
        app = path.split("/")[3]
        for operation in operations.values():
            assert operation["tags"] == [app]
            assert operation["operationId"].startswith(f"{app}_")
    ids = [op["operationId"] for ops in paths.values() for op in ops.values()]
    assert len(ids) == len(set(ids))
    assert "org_cadres_list" in ids and "auth_token_create" in ids


def test_schema_documents_token_auth(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["tokenAuth"] == {
        "type": "apiKey", "in": "header", "name": "Authorization",
        "description": schemes["tokenAuth"]["description"],
    }
    assert "Token" in schemes["tokenAuth"]["description"]
    assert {"tokenAuth": []} in schema["paths"]["/api/v1/org/cadres/"]["get"]["security"]
    token_op = schema["paths"]["/api/v1/auth/token/"]["post"]
    assert token_op.get("security", []) in ([], [{}])
    assert "Authorization: Token" in schema["info"]["description"]


def test_schema_documents_list_filters(schema):
    params = {p["name"]: p for p in schema["paths"]["/api/v1/org/cadres/"]["get"]["parameters"]}
    for name in ["q", "township", "position", "is_newly_promoted", "is_reserve", "page", "page_size", "ordering"]:
        assert name in params
    assert params["position"]["schema"]["type"] == "integer"
    assert params["is_newly_promoted"]["schema"]["type"] == "boolean"


def test_schema_documents_the_error_shape_and_the_rule_codes(schema, county_admin, township):
    errors = {"$ref": "#/components/schemas/Error"}
    cadre_ops = schema["paths"]["/api/v1/org/cadres/{id}/"]
    for status in ("400", "401", "403", "404"):
        assert cadre_ops["delete"]["responses"][status]["content"]["application/json"]["schema"] == errors
    listing = schema["paths"]["/api/v1/org/cadres/"]["get"]["responses"]
    assert {"401", "403"} <= set(listing) and not {"400", "404"} & set(listing)
    assert "401" not in schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]
    code_doc = schema["components"]["schemas"]["ErrorItem"]["properties"]["code"]["description"]
    assert all(f"`{code}`: {code.meaning}" in code_doc for code in Code)

    # A real refusal fits the documented shape.
    village = f.VillageFactory(parent=township)
    body = api_for(county_admin).post("/api/v1/org/organizations/", {
        "name": "错村", "kind": "village", "parent": village.pk}).json()
    OAS30Validator({**errors, "components": schema["components"]}).validate(body)
    with pytest.raises(JsonSchemaValidationError):
        OAS30Validator({**errors, "components": schema["components"]}).validate({"parent": ["a bare message"]})


# --- offline docs ----------------------------------------------------------------------------------

ASSET = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""")
ABSOLUTE = re.compile(r"""(?:https?:)?//[a-z0-9.-]+""", re.IGNORECASE)


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_docs_pages_load_only_local_assets(county_client, url):
    response = county_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assets = ASSET.findall(html)
    assert assets
    for asset in assets:
        parsed = urlparse(asset)
        assert not parsed.scheme and not parsed.netloc, asset
        assert asset.startswith("/static/"), asset
        assert finders.find(parsed.path.removeprefix("/static/")), asset
    assert not ABSOLUTE.search(html.replace("://testserver", "")), ABSOLUTE.search(html)


def test_swagger_ui_has_no_online_validator(county_client):
    html = county_client.get("/api/docs/").content.decode()
    assert '"validatorUrl": null' in html
