"""The rules through the API: everyone signed in reads them, as on the rules page; the county
administrator changes them through the page's service, so a value is refused with the same message
and a change is kept in history and the audit trail as a page change is; nobody else changes them."""
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from banzi.core import rules
from banzi.core.models import AuditEvent, Rule
from banzi.core.rule_services import save_rule
from tests.api import api_for, assert_matches_schema
from tests.api_errors import error_messages

pytestmark = pytest.mark.django_db

KEY = "test.api"
DEFAULTS = {"days": 3, "ratio": 0.5, "strict": True, "mode": "calendar", "kind": "a"}
URL = "/api/v1/core/rules/"
DETAIL = f"{URL}{KEY}/"
ROLES = ["county_admin", "township_admin", "cadre_user", "system_admin"]
# The other administrators are refused the configuration altogether (tests/core/test_separation.py).
NOT_COUNTY = ["township_admin", "cadre_user"]


def forget(key):
    for registry in (rules._defaults, rules._labels, rules._field_labels, rules._choices):
        registry.pop(key, None)


@pytest.fixture(autouse=True)
def test_rule():
    rules.register(KEY, DEFAULTS, "Test rule", fields={"days": "Days"}, choices={"kind": [("a", "A"), ("b", "B")]})
    yield
    forget(KEY)


def data_changes(user):
    return AuditEvent.objects.filter(kind=AuditEvent.Kind.DATA, user=user,
                                     content_type=ContentType.objects.get_for_model(Rule))


# --- reading -----------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_rules_and_one_rule(request, role):
    Rule.objects.create(key=KEY, value={"days": 9}, note="县委通知")
    client = api_for(request.getfixturevalue(role))
    listed = client.get(URL, {"page_size": 500})
    assert listed.status_code == 200
    assert_matches_schema(listed)
    rows = {row["key"]: row for row in listed.json()["results"]}
    assert {KEY, "tasks.13710"} <= set(rows)
    row = rows[KEY]
    assert row["label"] == "Test rule" and row["note"] == "县委通知"
    assert row["values"] == {**DEFAULTS, "days": 9}
    days = next(s for s in row["settings"] if s["name"] == "days")
    assert days == {"name": "days", "label": "Days", "type": "integer", "default": 3, "value": 9, "changed": True,
                    "choices": None}
    types = {s["name"]: s["type"] for s in row["settings"]}
    assert types == {"days": "integer", "ratio": "number", "strict": "boolean", "mode": "string", "kind": "string"}
    kind = next(s for s in row["settings"] if s["name"] == "kind")
    assert kind["choices"] == [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]

    detail = client.get(DETAIL)
    assert detail.status_code == 200
    assert_matches_schema(detail)
    assert detail.json() == row


def test_a_key_with_dots_and_an_unknown_key(county_admin):
    client = api_for(county_admin)
    response = client.get(f"{URL}tasks.13710/")
    assert response.status_code == 200 and response.json()["values"]["deploy_days"] == rules.get("tasks.13710")["deploy_days"]
    assert client.get(f"{URL}no.such.rule/").status_code == 404
    assert client.patch(f"{URL}no.such.rule/", {"days": 1}, format="json").status_code == 404


def test_anonymous_is_401():
    from rest_framework.test import APIClient

    assert APIClient().get(URL).status_code == 401
    assert APIClient().patch(DETAIL, {"days": 5}, format="json").status_code == 401


# --- changing ----------------------------------------------------------------------------------

def test_county_admin_changes_a_rule_kept_in_history_and_audited_as_on_the_page(county_admin):
    client = api_for(county_admin)
    response = client.patch(DETAIL, {"days": 5, "strict": False, "note": "县委组织部 2027 年通知"}, format="json")
    assert response.status_code == 200, response.json()
    assert_matches_schema(response)
    assert response.json()["values"] == {**DEFAULTS, "days": 5, "strict": False}
    assert rules.get(KEY) == {**DEFAULTS, "days": 5, "strict": False}
    rule = Rule.objects.get(key=KEY)
    # Only the differences from the defaults are kept, as from the page.
    assert rule.value == {"days": 5, "strict": False} and rule.note == "县委组织部 2027 年通知"
    record = rule.history.get()
    assert record.history_user == county_admin and record.value == {"days": 5, "strict": False}
    event = data_changes(county_admin).get()
    assert event.action == AuditEvent.Action.CREATE and event.object_repr == KEY
    assert event.ip_address == "127.0.0.1"

    # A second change keeps the note unless one is sent, and is an update in the trail.
    response = client.patch(DETAIL, {"ratio": 0.75}, format="json")
    assert response.status_code == 200
    rule.refresh_from_db()
    assert rule.value == {"days": 5, "strict": False, "ratio": 0.75} and rule.note == "县委组织部 2027 年通知"
    update = data_changes(county_admin).get(action=AuditEvent.Action.UPDATE)
    assert [c["field"] for c in update.changes] == ["value"]
    assert rule.history.count() == 2


def test_put_sets_every_value_and_a_setting_left_out_returns_to_its_default(county_admin):
    Rule.objects.create(key=KEY, value={"days": 9, "ratio": 0.9})
    response = api_for(county_admin).put(DETAIL, {"days": 4}, format="json")
    assert response.status_code == 200
    assert rules.get(KEY) == {**DEFAULTS, "days": 4}
    assert Rule.objects.get(key=KEY).value == {"days": 4}


def test_an_unchanged_rule_writes_nothing(county_admin):
    client = api_for(county_admin)
    client.patch(DETAIL, {"days": 5}, format="json")
    client.patch(DETAIL, {"days": 5}, format="json")
    assert Rule.objects.get(key=KEY).history.count() == 1
    assert data_changes(county_admin).count() == 1


@pytest.mark.parametrize(("field", "value", "message"), [
    ("days", -1, "Enter a whole number, 0 or more."),
    ("days", 2.5, "Enter a whole number, 0 or more."),
    ("days", "three", "Enter a whole number, 0 or more."),
    ("days", True, "Enter a whole number, 0 or more."),
    ("days", None, "Enter a whole number, 0 or more."),
    ("ratio", -0.1, "Enter a number, 0 or more."),
    ("ratio", "half", "Enter a number, 0 or more."),
    ("strict", "yes", "Enter true or false."),
    ("strict", 1, "Enter true or false."),
    ("mode", "", "Enter a text of 1 to 200 characters."),
    ("mode", "x" * 201, "Enter a text of 1 to 200 characters."),
    ("mode", 5, "Enter a text of 1 to 200 characters."),
    ("kind", "c", "Choose one of the listed values."),
])
def test_a_refused_value_is_400_with_the_settings_message(county_admin, field, value, message):
    response = api_for(county_admin).patch(DETAIL, {field: value}, format="json")
    assert response.status_code == 400
    assert error_messages(response) == {field: [message]}
    assert not Rule.objects.filter(key=KEY).exists()
    assert not data_changes(county_admin).exclude(outcome=AuditEvent.Outcome.FAILURE).exists()
    # The refusal is on the trail, by field and code, without the value.
    refused = data_changes(county_admin).get(outcome=AuditEvent.Outcome.FAILURE)
    assert f"{field} (" in refused.detail and (str(value) not in refused.detail or len(str(value)) < 3)


def test_unknown_settings_and_a_long_note_are_refused(county_admin):
    client = api_for(county_admin)
    response = client.patch(DETAIL, {"weeks": 2}, format="json")
    assert response.status_code == 400
    assert error_messages(response) == {"non_field_errors": ["Unknown settings: weeks."]}
    response = client.patch(DETAIL, {"days": 4, "note": "长" * 201}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["note"]
    assert client.patch(DETAIL, ["days", 4], format="json").status_code == 400
    assert not Rule.objects.filter(key=KEY).exists()


def test_the_13710_day_mode_takes_only_its_choices(county_admin):
    client = api_for(county_admin)
    assert error_messages(client.patch(f"{URL}tasks.13710/", {"day_mode": "lunar"}, format="json")) == {
        "day_mode": ["Choose one of the listed values."]}
    response = client.patch(f"{URL}tasks.13710/", {"day_mode": "working"}, format="json")
    assert response.status_code == 200
    assert rules.get("tasks.13710")["day_mode"] == "working"


@pytest.mark.parametrize("role", NOT_COUNTY)
@pytest.mark.parametrize("method", ["put", "patch"])
def test_other_roles_may_not_change_rules(request, role, method):
    user = request.getfixturevalue(role)
    response = getattr(api_for(user), method)(DETAIL, {"days": 9}, format="json")
    assert response.status_code == 403
    assert error_messages(response)["detail"] == ["Only the county organization department may change the rules."]
    assert not Rule.objects.filter(key=KEY).exists()
    # Nothing changed on the trail; the refusal itself is on it.
    events = AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(Rule))
    assert [(e.action, e.outcome, e.user) for e in events] == [("denied", "denied", user)]


def test_no_other_verbs(county_admin):
    client = api_for(county_admin)
    assert client.post(URL, {"key": KEY}, format="json").status_code == 405
    assert client.delete(DETAIL).status_code == 405


def test_the_service_checks_the_types_too(county_admin, township_admin):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(ValidationError) as refused:
        save_rule(county_admin, KEY, {"days": "5", "strict": "on"})
    assert set(refused.value.message_dict) == {"days", "strict"}
    with pytest.raises(PermissionDenied):
        save_rule(township_admin, KEY, {"days": 5})
    assert not Rule.objects.filter(key=KEY).exists()


# --- history -----------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_history_lists_who_changed_what_latest_first(request, role, county_admin):
    save_rule(county_admin, KEY, {"days": 5}, note="第一次")
    save_rule(county_admin, KEY, {"days": 6})
    response = api_for(request.getfixturevalue(role)).get(f"{DETAIL}history/")
    assert response.status_code == 200
    assert_matches_schema(response)
    body = response.json()
    assert body["count"] == 2
    assert [(v["action"], v["values"], v["username"], v["note"]) for v in body["results"]] == [
        ("update", {"days": 6}, "county", "第一次"), ("create", {"days": 5}, "county", "第一次")]
    assert api_for(county_admin).get(f"{URL}no.such.rule/history/").status_code == 404


# --- query counts ------------------------------------------------------------------------------

def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, {"page_size": 500})
    assert response.status_code == 200
    return len(ctx.captured_queries), response.json()["count"]


def test_rule_list_queries_do_not_grow_with_rules(county_admin):
    client = api_for(county_admin)
    added = []
    try:
        for n in range(3):
            added.append(f"test.extra{n}")
            rules.register(added[-1], {"days": 1})
            Rule.objects.create(key=added[-1], value={"days": 2})
        few, count_few = _queries(client, URL)
        for n in range(3, 12):
            added.append(f"test.extra{n}")
            rules.register(added[-1], {"days": 1})
            Rule.objects.create(key=added[-1], value={"days": 2})
        many, count_many = _queries(client, URL)
    finally:
        for key in added:
            forget(key)
    assert count_many == count_few + 9
    assert many == few


def test_history_queries_do_not_grow_with_versions(county_admin):
    client = api_for(county_admin)
    for days in range(1, 4):
        save_rule(county_admin, KEY, {"days": days})
    few, count_few = _queries(client, f"{DETAIL}history/")
    for days in range(4, 13):
        save_rule(county_admin, KEY, {"days": days})
    many, count_many = _queries(client, f"{DETAIL}history/")
    assert (count_few, count_many) == (3, 12)
    assert many == few
