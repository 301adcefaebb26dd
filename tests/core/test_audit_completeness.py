"""The audit trail is complete (GB/T 22239-2019 8.1.4.3 a–b): every sign-in, sign-out, failure and
lockout, every refusal (403, and 404 on a record that exists outside the user's scope) on pages and in
the API, every refused write (without the values submitted), export, import, confidential read, rule
or permission change, business write and bulk read of personal data through the API is an event
with its time, user (and name), the client's address, the record and the outcome."""
import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from banzi.core import clock
from banzi.core.models import AuditEvent
from banzi.core.roles import Role
from banzi.org.models import Cadre
from banzi.talks.models import Talk
from tests import factories as f
from tests.api import api_for
from tests.generic import case_for, instance_form_data
from tests.org.test_imports import cadre_row, confirm, upload, xlsx
from tests.talks.factories import talk

pytestmark = pytest.mark.django_db

IP = "10.8.0.15"
CADRES_API = "/api/v1/org/cadres/"


def client(user, ip=IP):
    c = Client(REMOTE_ADDR=ip)
    c.force_login(user)
    return c


def api(user, ip=IP):
    c = api_for(user)
    c.defaults["REMOTE_ADDR"] = ip
    return c


def new_events(since, **filters):
    return AuditEvent.objects.filter(pk__gt=since, **filters).order_by("id")


def last_id():
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def assert_event(event, *, user=None, username=None, outcome, obj=None, model=None, ip=IP):
    """The event names who (with the name kept on the row), from where, what, and how it ended."""
    assert event.time is not None and abs(event.time - clock.now()) < datetime.timedelta(minutes=5)
    if user is not None:
        assert event.user == user and event.username == user.username
        assert event.user_display == user.display_name
    if username is not None:
        assert event.username == username
    assert event.ip_address == ip
    assert event.outcome == outcome, (event.outcome, event.detail)
    if obj is not None:
        assert event.content_type == ContentType.objects.get_for_model(obj)
        assert event.object_id == str(obj.pk) and event.object_repr == str(obj)[:255]
    elif model is not None:
        assert event.content_type == ContentType.objects.get_for_model(model)
    assert event.mac


# -- signing in and out --------------------------------------------------------------------------------

def test_sign_in_sign_out_and_failure_are_recorded_with_address_and_outcome(county_admin):
    county_admin.first_name = "组织部"
    county_admin.save()
    browser = Client(REMOTE_ADDR=IP)
    since = last_id()
    browser.post(reverse("login"), {"username": "county", "password": "wrong"})
    browser.post(reverse("login"), {"username": "county", "password": f.PASSWORD})
    browser.post(reverse("logout"))
    failed, login, logout = new_events(since)
    assert failed.action == AuditEvent.Action.LOGIN_FAILED
    assert_event(failed, username="county", outcome=AuditEvent.Outcome.FAILURE)
    assert failed.user is None
    assert login.action == AuditEvent.Action.LOGIN
    assert_event(login, user=county_admin, outcome=AuditEvent.Outcome.SUCCESS)
    assert login.user_display == "组织部"
    assert logout.action == AuditEvent.Action.LOGOUT
    assert_event(logout, user=county_admin, outcome=AuditEvent.Outcome.SUCCESS)


def test_api_token_sign_in_and_its_failure_are_recorded(county_admin):
    anonymous = APIClient(REMOTE_ADDR=IP)
    since = last_id()
    assert anonymous.post("/api/v1/auth/token/", {"username": "county", "password": "wrong"}).status_code == 400
    assert anonymous.post("/api/v1/auth/token/", {"username": "county", "password": f.PASSWORD}).status_code == 200
    failed, login = new_events(since)
    assert failed.action == AuditEvent.Action.LOGIN_FAILED
    assert_event(failed, username="county", outcome=AuditEvent.Outcome.FAILURE)
    assert login.action == AuditEvent.Action.LOGIN and login.detail.startswith("API token issued")
    assert_event(login, user=county_admin, outcome=AuditEvent.Outcome.SUCCESS)


def test_lockout_is_recorded_once_and_each_refused_sign_in_after_it(county_admin, settings):
    browser = Client(REMOTE_ADDR=IP)
    since = last_id()
    for _ in range(settings.BANZI_LOGIN_MAX_FAILURES):
        browser.post(reverse("login"), {"username": "county", "password": "wrong"})
    locked = new_events(since, action=AuditEvent.Action.LOCKOUT)
    assert locked.count() == 1
    assert_event(locked.get(), username="county", outcome=AuditEvent.Outcome.DENIED)
    assert "locked" in locked.get().detail

    failures = new_events(since, action=AuditEvent.Action.LOGIN_FAILED).count()
    browser.post(reverse("login"), {"username": "county", "password": f.PASSWORD})
    refused = new_events(since, action=AuditEvent.Action.LOCKOUT).last()
    assert refused.detail == "Sign-in refused: the account is locked"
    assert_event(refused, username="county", outcome=AuditEvent.Outcome.DENIED)
    # A refused sign-in of a locked account does not count as another failure (the lock does not grow).
    assert new_events(since, action=AuditEvent.Action.LOGIN_FAILED).count() == failures
    assert not new_events(since, action=AuditEvent.Action.LOGIN).exists()

    token = APIClient(REMOTE_ADDR=IP).post("/api/v1/auth/token/", {"username": "county", "password": f.PASSWORD})
    assert token.status_code == 400
    assert new_events(since, action=AuditEvent.Action.LOCKOUT).count() == 3


# -- refusals ----------------------------------------------------------------------------------------------

def test_a_403_on_a_page_is_a_denial(cadre_user):
    browser = client(cadre_user)
    since = last_id()
    assert browser.get("/core/audit/").status_code == 403
    event = new_events(since).get()
    assert (event.kind, event.action) == (AuditEvent.Kind.SECURITY, AuditEvent.Action.DENIED)
    assert_event(event, user=cadre_user, outcome=AuditEvent.Outcome.DENIED)
    assert event.detail == "GET /core/audit/"


def test_a_404_on_a_record_outside_the_scope_is_a_denial_on_pages(township_admin, other_township, township):
    far = f.CadreFactory(organization=other_township)
    browser = client(township_admin)
    since = last_id()
    for url in (reverse("org:cadre_detail", args=[far.pk]), reverse("org:cadre_edit", args=[far.pk]),
                reverse("org:cadre_history", args=[far.pk])):
        assert browser.get(url).status_code == 404
    events = list(new_events(since))
    assert len(events) == 3 and all(e.action == AuditEvent.Action.DENIED for e in events)
    for event in events:
        assert_event(event, user=township_admin, outcome=AuditEvent.Outcome.DENIED, obj=far)
        assert "not in the user's scope" in event.detail
    # A record that does not exist at all is a plain 404, not a refusal.
    since = last_id()
    assert browser.get(reverse("org:cadre_detail", args=[far.pk + 1000])).status_code == 404
    assert not new_events(since).exists()


def test_a_403_and_a_404_outside_the_scope_are_denials_in_the_api(cadre_user, township_admin, other_township,
                                                                  township):
    far = f.CadreFactory(organization=other_township)
    own = f.CadreFactory(organization=township)
    cadre_api, township_api = api(cadre_user), api(township_admin)  # issuing their tokens is recorded too
    since = last_id()
    assert cadre_api.post(CADRES_API, {"name": "新人"}).status_code == 403
    refused = new_events(since).get()
    assert refused.action == AuditEvent.Action.DENIED
    assert_event(refused, user=cadre_user, outcome=AuditEvent.Outcome.DENIED, model=Cadre)
    assert refused.detail.startswith(f"POST {CADRES_API}") and "may only read" in refused.detail

    since = last_id()
    client_ = township_api
    assert client_.get(f"{CADRES_API}{far.pk}/").status_code == 404
    assert client_.patch(f"{CADRES_API}{far.pk}/", {"post": "x"}).status_code == 404
    assert client_.get(f"{CADRES_API}{own.pk}/").status_code == 200
    denials = list(new_events(since, action=AuditEvent.Action.DENIED))
    assert len(denials) == 2
    for event in denials:
        assert_event(event, user=township_admin, outcome=AuditEvent.Outcome.DENIED, obj=far)


def test_anonymous_requests_are_not_recorded(township):
    record = f.CadreFactory(organization=township)
    since = last_id()
    assert Client().get(reverse("org:cadre_detail", args=[record.pk])).status_code == 302
    assert Client().get("/core/audit/").status_code == 302
    assert APIClient().get(f"{CADRES_API}{record.pk}/").status_code == 401
    assert not new_events(since).exists()


# -- refused writes ----------------------------------------------------------------------------------------

def test_a_refused_form_is_a_failed_write_without_the_values(county_admin, township):
    case = case_for(Cadre)
    browser = client(county_admin)
    data = case.form_data(township)
    data.update(name="秘密张三", id_number="110101199003070000")  # a wrong check digit
    since = last_id()
    response = browser.post(case.url("add"), data)
    assert response.status_code == 200
    event = new_events(since).get()
    assert (event.kind, event.action) == (AuditEvent.Kind.DATA, AuditEvent.Action.CREATE)
    assert_event(event, user=county_admin, outcome=AuditEvent.Outcome.FAILURE, model=Cadre)
    assert "id_number (" in event.detail
    for value in ("秘密张三", "110101199003070000"):
        assert value not in event.detail and value not in event.object_repr and value not in str(event.changes)

    record = f.CadreFactory(organization=township, name="李四")
    data = instance_form_data(case.form_class, record)
    data.update(name="王秘密", phone="12")
    since = last_id()
    assert browser.post(case.url("edit", record), data).status_code == 200
    event = new_events(since).get()
    assert event.action == AuditEvent.Action.UPDATE
    assert_event(event, user=county_admin, outcome=AuditEvent.Outcome.FAILURE, obj=record)
    assert event.object_repr == "李四" and "王秘密" not in event.detail and "phone (" in event.detail


def test_a_refused_api_write_is_a_failed_write_without_the_values(county_admin, township):
    record = f.CadreFactory(organization=township, name="李四")
    client_ = api(county_admin)
    since = last_id()
    response = client_.post(CADRES_API, {"name": "秘密张三", "id_number": "110101199003070000",
                                         "organization": township.pk})
    assert response.status_code == 400
    response = client_.patch(f"{CADRES_API}{record.pk}/", {"phone": "12", "name": "王秘密"})
    assert response.status_code == 400
    create, update = new_events(since)
    assert create.action == AuditEvent.Action.CREATE
    assert_event(create, user=county_admin, outcome=AuditEvent.Outcome.FAILURE, model=Cadre)
    assert update.action == AuditEvent.Action.UPDATE
    assert_event(update, user=county_admin, outcome=AuditEvent.Outcome.FAILURE, obj=record)
    assert "phone (" in update.detail
    for event in (create, update):
        for value in ("秘密张三", "110101199003070000", "王秘密"):
            assert value not in event.detail and value not in event.object_repr


# -- writes, exports, imports, reads ------------------------------------------------------------------------

def test_a_business_write_is_recorded_with_address_and_outcome(county_admin, township):
    case = case_for(Cadre)
    browser = client(county_admin)
    since = last_id()
    assert browser.post(case.url("add"), case.form_data(township)).status_code == 302
    event = new_events(since, kind=AuditEvent.Kind.DATA).get()
    assert event.action == AuditEvent.Action.CREATE
    assert_event(event, user=county_admin, outcome=AuditEvent.Outcome.SUCCESS, obj=Cadre.objects.get())


def test_a_rule_change_is_recorded(county_admin):
    browser = client(county_admin)
    since = last_id()
    response = browser.post("/core/rules/talks.integrity/edit/",
                                         {"days_after_promotion": "20", "note": ""})
    assert response.status_code == 302, response.context["form"].errors
    event = new_events(since, kind=AuditEvent.Kind.DATA).get()
    assert event.action == AuditEvent.Action.CREATE and event.content_type.model == "rule"
    assert_event(event, user=county_admin, outcome=AuditEvent.Outcome.SUCCESS)

    # A refused rule change is a failed write.
    since = last_id()
    response = browser.post("/core/rules/talks.integrity/edit/", {"days_after_promotion": "-1"})
    assert response.status_code == 200
    failed = new_events(since).get()
    assert_event(failed, user=county_admin, outcome=AuditEvent.Outcome.FAILURE)
    assert "days_after_promotion (" in failed.detail and "-1" not in failed.detail


def test_a_permission_change_is_recorded(county_admin, township):
    from simple_history.models import HistoricalRecords

    user = f.UserFactory(username="promoted", role=Role.CADRE, cadre=f.CadreFactory(organization=township))
    request = type("Request", (), {"META": {"REMOTE_ADDR": IP}, "user": county_admin})()
    HistoricalRecords.context.request = request
    try:
        since = last_id()
        user.role, user.organization = Role.TOWNSHIP_ADMIN, township
        user._history_user = county_admin
        user.save()
    finally:
        del HistoricalRecords.context.request
    event = new_events(since).get()
    assert event.action == AuditEvent.Action.UPDATE
    assert_event(event, user=county_admin, outcome=AuditEvent.Outcome.SUCCESS, obj=user)
    assert {c["field"] for c in event.changes} >= {"role", "organization"}


def test_exports_are_recorded_whichever_view_makes_them(county_admin, township):
    f.CadreFactory(organization=township)
    browser = client(county_admin)
    since = last_id()
    assert browser.get(reverse("org:cadre_list"), {"_export": "xlsx"}).status_code == 200
    assert browser.get(reverse("study:monthly_totals"), {"_export": "xlsx"}).status_code == 200
    list_export, totals_export = new_events(since)
    for event in (list_export, totals_export):
        assert (event.kind, event.action) == (AuditEvent.Kind.TRANSFER, AuditEvent.Action.EXPORT)
        assert_event(event, user=county_admin, outcome=AuditEvent.Outcome.SUCCESS)
    assert "monthly-totals" in totals_export.detail and "_export=xlsx" in totals_export.detail
    # An import's empty template is no export of data.
    since = last_id()
    assert browser.get(reverse("org:cadre_import_template")).status_code == 200
    assert not new_events(since).exists()


def test_imports_are_recorded_done_and_refused(township_admin, township):
    browser = client(township_admin)
    since = last_id()
    preview = upload(browser, "org:cadre_import", xlsx([cadre_row("张三", datetime.date(1986, 5, 4), "新城镇")]))
    confirm(browser, "org:cadre_import", preview)
    done = new_events(since, action=AuditEvent.Action.IMPORT).get()
    assert_event(done, user=township_admin, outcome=AuditEvent.Outcome.SUCCESS)

    since = last_id()
    upload(browser, "org:cadre_import", xlsx([cadre_row("李四", datetime.date(1986, 5, 4), "别的镇")]))
    upload(browser, "org:cadre_import", xlsx([], name="roster.txt"))
    row_refused, file_refused = new_events(since, action=AuditEvent.Action.IMPORT)
    for event in (row_refused, file_refused):
        assert_event(event, user=township_admin, outcome=AuditEvent.Outcome.FAILURE, model=Cadre)
    assert "roster.xlsx: 1 rows refused" in row_refused.detail and "李四" not in row_refused.detail


def test_a_confidential_read_and_its_refusal_are_recorded_once(county_admin, township_admin, township):
    record = talk(township)
    county, township_ = client(county_admin), client(township_admin)
    since = last_id()
    assert county.get(reverse("talks:talk_summary", args=[record.pk])).status_code == 200
    read = new_events(since).get()
    assert (read.kind, read.action) == (AuditEvent.Kind.SECURITY, AuditEvent.Action.READ)
    assert_event(read, user=county_admin, outcome=AuditEvent.Outcome.SUCCESS, obj=record)

    since = last_id()
    assert township_.get(reverse("talks:talk_summary", args=[record.pk])).status_code == 404
    refused = new_events(since).get()  # recorded by the service, not again by the middleware
    assert refused.action == AuditEvent.Action.DENIED
    assert_event(refused, user=township_admin, outcome=AuditEvent.Outcome.DENIED, obj=record)


def test_an_api_list_of_personal_data_is_one_event_with_its_filters(county_admin, township):
    for _ in range(3):
        f.CadreFactory(organization=township)
    talk(township)
    client_ = api(county_admin)
    since = last_id()
    assert client_.get(CADRES_API, {"township": township.pk, "page_size": 2}).status_code == 200
    assert client_.get("/api/v1/talks/talks/").status_code == 200
    assert client_.get("/api/v1/org/organizations/").status_code == 200  # not personal data
    cadres, talks = new_events(since)
    for event, model in ((cadres, Cadre), (talks, Talk)):
        assert (event.kind, event.action) == (AuditEvent.Kind.SECURITY, AuditEvent.Action.LIST)
        assert_event(event, user=county_admin, outcome=AuditEvent.Outcome.SUCCESS, model=model)
    assert f"township={township.pk}" in cadres.detail and "page_size=2" in cadres.detail
    assert cadres.detail.endswith("(5)")
