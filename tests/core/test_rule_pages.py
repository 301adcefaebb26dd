"""The rules page: the county administrator changes a rule's values in the app; only the values
that differ from the defaults are stored, in history; nobody else can change them."""
import pytest

from banzi.core import rules
from banzi.core.errors import Code
from banzi.core.models import Rule
from tests.errors import ALL, refused

pytestmark = pytest.mark.django_db

KEY = "test.pages"
DEFAULTS = {"days": 3, "ratio": 0.5, "strict": True, "mode": "calendar"}


@pytest.fixture(autouse=True)
def test_rule():
    rules.register(KEY, DEFAULTS, "Test rule")
    yield
    rules._defaults.pop(KEY, None)
    rules._labels.pop(KEY, None)


def edit_url(key=KEY):
    return f"/core/rules/{key}/edit/"


def post_data(**changes):
    data = {"days": "3", "ratio": "0.5", "strict": "on", "mode": "calendar", "note": ""}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_list_shows_registered_rules_with_current_values(county_client):
    Rule.objects.create(key=KEY, value={"days": 9})
    response = county_client.get("/core/rules/")
    assert response.status_code == 200
    row = next(r for r in response.context["rows"] if r["key"] == KEY)
    assert row["label"] == "Test rule"
    days = next(s for s in row["settings"] if s["key"] == "days")
    assert days["value"] == "9" and days["default"] == "3" and days["changed"]
    assert row["edit_url"] == edit_url()


def test_edit_form_has_one_typed_input_per_default(county_client):
    form = county_client.get(edit_url()).context["form"]
    assert type(form.fields["days"]).__name__ == "IntegerField"
    assert type(form.fields["ratio"]).__name__ == "FloatField"
    assert type(form.fields["strict"]).__name__ == "BooleanField"
    assert type(form.fields["mode"]).__name__ == "CharField"
    assert form.initial["days"] == 3


def test_county_admin_changes_a_rule_and_only_differences_are_stored(county_admin, county_client):
    response = county_client.post(edit_url(), post_data(days="5", strict=None, note="县委组织部 2027 年通知"))
    assert response.status_code == 302, response.context["form"].errors
    assert rules.get(KEY) == {"days": 5, "ratio": 0.5, "strict": False, "mode": "calendar"}
    rule = Rule.objects.get(key=KEY)
    assert rule.value == {"days": 5, "strict": False}
    assert rule.note == "县委组织部 2027 年通知"
    record = rule.history.get()
    assert record.history_user == county_admin and record.value == {"days": 5, "strict": False}

    # Back to the defaults: nothing left to override, and the change is in history too.
    response = county_client.post(edit_url(), post_data())
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.value == {}
    assert rules.get(KEY) == DEFAULTS
    assert rule.history.count() == 2
    history = county_client.get(f"/core/rules/{KEY}/history/")
    assert len(history.context["records"]) == 2


@pytest.mark.parametrize(("field", "value"), [("days", "-1"), ("days", "2.5"), ("days", "three"),
                                              ("ratio", "-0.1"), ("mode", "")])
def test_bad_values_are_refused_with_a_field_error(county_client, field, value):
    response = county_client.post(edit_url(), post_data(**{field: value}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Rule.objects.filter(key=KEY).exists()
    assert rules.get(KEY) == DEFAULTS


def test_whole_number_message_is_clear(county_client):
    response = county_client.post(edit_url(), post_data(days="2.5"))
    assert response.context["form"].errors["days"] == ["Enter a whole number, 0 or more."]


@pytest.mark.parametrize("client_name", ["township_client", "cadre_client"])
def test_only_the_county_admin_may_change_rules(request, client_name):
    client = request.getfixturevalue(client_name)
    assert client.get(edit_url()).status_code == 403
    assert client.post(edit_url(), post_data(days="9")).status_code == 403
    assert not Rule.objects.filter(key=KEY).exists()
    row = next(r for r in client.get("/core/rules/").context["rows"] if r["key"] == KEY)
    assert row["edit_url"] is None


def test_unknown_rule_is_not_found(county_client):
    assert county_client.get(edit_url("no.such.rule")).status_code == 404


def test_service_refuses_other_roles_and_unknown_settings(township_admin, county_admin):
    from django.core.exceptions import PermissionDenied

    from banzi.core.rule_services import save_rule

    with pytest.raises(PermissionDenied):
        save_rule(township_admin, KEY, {"days": 9})
    with refused(ALL, Code.UNKNOWN_SETTING):
        save_rule(county_admin, KEY, {"weeks": 9})
    with refused(ALL, Code.UNKNOWN_RULE):
        save_rule(county_admin, "no.such.rule", {"days": 9})
    assert not Rule.objects.filter(key=KEY).exists()


def test_every_setting_is_shown_by_its_label_and_a_choice_by_its_name(county_client):
    """The page speaks the county's language: no setting shown by its key, no choice by its value
    (the rule's key stays out of the visible text, in a data attribute)."""
    response = county_client.get("/core/rules/")
    rows = [r for r in response.context["rows"] if r["key"] != KEY]
    assert rows
    for row in rows:
        for setting in row["settings"]:
            assert setting["name"] != setting["key"], (row["key"], setting["key"])
    tasks = next(r for r in rows if r["key"] == "tasks.13710")
    mode = next(s for s in tasks["settings"] if s["key"] == "day_mode")
    labels = dict(rules.field_choices("tasks.13710", "day_mode"))
    assert mode["value"] == str(labels["calendar"]) != "calendar"
    page = response.content.decode()
    assert 'data-rule="tasks.13710"' in page and ">tasks.13710<" not in page
    edit = county_client.get("/core/rules/tasks.13710/edit/")
    assert edit.context["form"].fields["day_mode"].help_text == f"Default: {labels['calendar']}"


def test_13710_form_labels_each_setting_and_offers_the_day_modes(county_client):
    response = county_client.get("/core/rules/tasks.13710/edit/")
    form = response.context["form"]
    assert form.fields["deploy_days"].label == "Days to deploy"
    assert [value for value, _label in form.fields["day_mode"].choices] == ["calendar", "working"]


def test_a_day_mode_outside_the_choices_is_refused(county_admin):
    from banzi.core.rule_services import save_rule

    values = {**rules.get("tasks.13710"), "day_mode": "lunar"}
    with refused("day_mode", Code.INVALID_CHOICE):
        save_rule(county_admin, "tasks.13710", values)
    assert rules.get("tasks.13710")["day_mode"] == "calendar"
