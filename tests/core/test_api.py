"""The API's shared parts: token login, error format, the OpenAPI schema and its offline docs."""
import re
from urllib.parse import urlparse

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import call_command
from openapi_spec_validator import validate
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from banzi.core.api_settings import validation_error_detail
from banzi.core.models import AuditEvent
from tests import factories as f

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
    assert token == Token.objects.get(user=township_admin).key

    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    listed = client.get("/api/v1/org/organizations/")
    assert listed.status_code == 200
    assert {row["township"] for row in listed.json()["results"]} == {township_admin.organization_id}

    event = AuditEvent.objects.get(kind=AuditEvent.Kind.SECURITY, action=AuditEvent.Action.LOGIN)
    assert event.user == township_admin
    assert "token" in event.detail.lower()


@pytest.mark.django_db
def test_token_is_stable_across_logins(county_admin):
    client = english_client()
    first = client.post(TOKEN_URL, {"username": "county", "password": f.PASSWORD}).json()["token"]
    second = client.post(TOKEN_URL, {"username": "county", "password": f.PASSWORD}).json()["token"]
    assert first == second


@pytest.mark.django_db
def test_wrong_password_is_400_with_a_clear_message_and_is_audited(county_admin):
    response = english_client().post(TOKEN_URL, {"username": "county", "password": "wrong-password"})
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["The username or password is incorrect, or the account is disabled."]
    }
    assert not Token.objects.filter(user=county_admin).exists()
    failed = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED)
    assert failed.kind == AuditEvent.Kind.SECURITY
    assert failed.username == "county"
    assert failed.ip_address == "127.0.0.1"


@pytest.mark.django_db
def test_wrong_password_message_is_translated(county_admin):
    response = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hans").post(
        TOKEN_URL, {"username": "county", "password": "wrong-password"}
    )
    assert response.status_code == 400
    assert response.json()["non_field_errors"][0]


@pytest.mark.django_db
def test_repeated_failures_lock_the_account_for_tokens_too(county_admin, settings):
    settings.BANZI_LOGIN_MAX_FAILURES = 3
    client = english_client()
    for _ in range(3):
        assert client.post(TOKEN_URL, {"username": "county", "password": "guess"}).status_code == 400
    response = client.post(TOKEN_URL, {"username": "county", "password": f.PASSWORD})
    assert response.status_code == 400
    assert "locked" in response.json()["non_field_errors"][0]
    assert not Token.objects.filter(user=county_admin).exists()


@pytest.mark.django_db
def test_disabled_account_gets_no_token(county_admin):
    county_admin.is_active = False
    county_admin.save()
    response = english_client().post(TOKEN_URL, {"username": "county", "password": f.PASSWORD})
    assert response.status_code == 400
    assert not Token.objects.filter(user=county_admin).exists()


@pytest.mark.django_db
def test_missing_fields_are_named():
    response = english_client().post(TOKEN_URL, {})
    assert response.status_code == 400
    assert set(response.json()) == {"username", "password"}


@pytest.mark.django_db
def test_token_of_a_disabled_account_stops_working(county_admin):
    token = Token.objects.create(user=county_admin)
    client = english_client()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
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

    client = Client(enforce_csrf_checks=True)
    client.force_login(county_admin)
    response = client.post(
        "/api/v1/org/positions/", {"name": "挂职副书记"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


# --- error format -------------------------------------------------------------------------------

def test_django_validation_errors_keep_their_field_names():
    exc = ValidationError({"id_number": ["bad checksum"], "__all__": ["rule broken"]})
    assert validation_error_detail(exc) == {"id_number": ["bad checksum"], "non_field_errors": ["rule broken"]}
    assert validation_error_detail(ValidationError("plain")) == {"non_field_errors": ["plain"]}


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
