"""The rules of a user record (a township administrator has their township, a cadre user their
cadre), and keeping accounts: the system administrator creates, disables and resets them, the security
administrator gives their role and scope, nobody changes an administrator's account or their own."""
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from banzi.accounts import passwords
from banzi.accounts import services as accounts
from banzi.accounts.models import User
from banzi.core import services
from banzi.core.errors import Code
from banzi.core.models import AuditEvent
from banzi.core.roles import Role
from tests import factories as f
from tests.errors import refused
from tests.factories import PASSWORD
from tests.generic import table_pks

pytestmark = pytest.mark.django_db


def test_a_township_user_needs_the_township_they_manage(township):
    with refused("organization", Code.REQUIRED):
        User(username="zhen", role=Role.TOWNSHIP_ADMIN).full_clean(exclude=["password"])
    User(username="zhen", role=Role.TOWNSHIP_ADMIN, organization=township).full_clean(exclude=["password"])


def test_a_cadre_user_needs_their_own_cadre_record(township):
    with refused("cadre", Code.REQUIRED):
        User(username="gb", role=Role.CADRE).full_clean(exclude=["password"])
    User(username="gb", role=Role.CADRE, cadre=f.CadreFactory(organization=township)).full_clean(exclude=["password"])


def test_an_administrator_or_an_account_without_a_role_reaches_no_organization_or_cadre(township):
    cadre = f.CadreFactory(organization=township)
    for role in ("", Role.AUDITOR, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN):
        with refused("organization", Code.NOT_APPLICABLE):
            User(username="x", role=role, organization=township).full_clean(exclude=["password"])
        with refused("cadre", Code.NOT_APPLICABLE):
            User(username="x", role=role, cadre=cadre).full_clean(exclude=["password"])
        User(username="x", role=role).full_clean(exclude=["password"])


# --- the account pages and services of the system and security administrators (三员分立) ------------

NEW_PASSWORD = "Xinmima#2027"
ADMINISTRATORS = ("system_admin", "security_admin", "auditor")


def security_events(user):
    return AuditEvent.objects.filter(kind=AuditEvent.Kind.SECURITY, object_id=str(user.pk),
                                     content_type=ContentType.objects.get_for_model(User))


def data_events(user, action):
    return AuditEvent.objects.filter(kind=AuditEvent.Kind.DATA, action=action, object_id=str(user.pk),
                                     content_type=ContentType.objects.get_for_model(User))


@pytest.fixture
def business_user(township):
    return f.UserFactory(username="zhen", role=Role.TOWNSHIP_ADMIN, organization=township)


def test_the_account_list_queries_do_not_grow_with_the_accounts(system_admin_client, township, other_township):
    """Each row shows the account's organization and cadre record: fetched with the accounts, not per row."""

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert system_admin_client.get(reverse("accounts:user_list")).status_code == 200
        return len(ctx.captured_queries)

    def make(count, start):
        for n in range(start, start + count):
            organization = township if n % 2 else other_township
            cadre = f.CadreFactory(organization=organization)
            f.UserFactory(username=f"c{n:02}", role=Role.CADRE, cadre=cadre)
            f.UserFactory(username=f"t{n:02}", role=Role.TOWNSHIP_ADMIN, organization=organization)

    make(2, 0)
    few = queries()
    make(8, 2)
    assert queries() == few


def test_the_account_list_filters_and_pages(system_admin_client, security_admin_client, township):
    for n in range(30):
        f.UserFactory(username=f"gb{n:02}", role=Role.TOWNSHIP_ADMIN, organization=township)
    f.UserFactory(username="waiting", role="")
    for client in (system_admin_client, security_admin_client):
        page = client.get(reverse("accounts:user_list"))
        assert page.status_code == 200
        assert len(table_pks(page)) == 25
        assert table_pks(client.get(reverse("accounts:user_list"), {"q": "gb0"})) == set(
            User.objects.filter(username__startswith="gb0").values_list("pk", flat=True))
        waiting = client.get(reverse("accounts:user_list"), {"no_role": "true"})
        assert table_pks(waiting) == {User.objects.get(username="waiting").pk}
        assert len(table_pks(client.get(reverse("accounts:user_list"), {"role": Role.TOWNSHIP_ADMIN, "page": 2}))) == 5


def test_account_pages_are_refused_to_everyone_else(request, client_for, business_user):
    for role in ("auditor", "county_admin", "township_admin", "cadre_user"):
        client = client_for(request.getfixturevalue(role))
        assert client.get(reverse("accounts:user_list")).status_code == 403, role
        assert client.get(reverse("accounts:user_detail", args=[business_user.pk])).status_code == 403, role
        assert client.get(reverse("accounts:user_add")).status_code == 403, role
        assert client.post(reverse("accounts:user_disable", args=[business_user.pk])).status_code == 403, role
        assert client.post(reverse("accounts:user_role", args=[business_user.pk]),
                           {"role": Role.COUNTY_ADMIN}).status_code == 403, role
    business_user.refresh_from_db()
    assert business_user.is_active and business_user.role == Role.TOWNSHIP_ADMIN


def test_system_admin_creates_an_account_without_a_role(system_admin, system_admin_client):
    response = system_admin_client.post(reverse("accounts:user_add"), {
        "username": "xinren", "last_name": "王", "first_name": "五", "email": "",
        "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="xinren")
    assert user.role == "" and not user.is_superuser and user.check_password(NEW_PASSWORD)
    assert data_events(user, AuditEvent.Action.CREATE).get().user == system_admin
    assert user.history.get().history_user == system_admin
    # Its password was set by someone else: the first sign-in asks for a new one before anything else.
    client = Client()
    assert client.login(username="xinren", password=NEW_PASSWORD)
    assert client.get("/org/cadres/")["Location"].startswith(reverse("password_change"))
    passwords.change_own_password(user, "Qz#8812wlkp")
    # It opens nothing until the security administrator gives it a role.
    client = Client()
    assert client.login(username="xinren", password="Qz#8812wlkp")
    assert client.get("/org/cadres/").status_code == 403
    assert client.get("/accounts/users/").status_code == 403


def test_a_new_account_with_a_weak_or_mistyped_password_is_not_saved(system_admin_client):
    weak = system_admin_client.post(reverse("accounts:user_add"), {
        "username": "ruo", "password1": "123", "password2": "123"})
    assert weak.status_code == 200 and weak.context["form"].errors["password1"]
    differ = system_admin_client.post(reverse("accounts:user_add"), {
        "username": "ruo", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"})
    assert differ.status_code == 200 and differ.context["form"].errors["password2"]
    assert not User.objects.filter(username="ruo").exists()


def test_system_admin_edits_disables_enables_and_resets_a_business_account(system_admin, system_admin_client,
                                                                           business_user):
    response = system_admin_client.post(reverse("accounts:user_edit", args=[business_user.pk]), {
        "username": "zhen", "last_name": "赵", "first_name": "六", "email": "zhao@example.cn"})
    assert response.status_code == 302, response.content.decode()[:3000]
    business_user.refresh_from_db()
    assert business_user.last_name == "赵"
    assert data_events(business_user, AuditEvent.Action.UPDATE).latest("pk").user == system_admin

    assert system_admin_client.post(reverse("accounts:user_disable", args=[business_user.pk])).status_code == 302
    business_user.refresh_from_db()
    assert not business_user.is_active
    assert not Client().login(username="zhen", password=PASSWORD)
    assert system_admin_client.post(reverse("accounts:user_enable", args=[business_user.pk])).status_code == 302
    business_user.refresh_from_db()
    assert business_user.is_active
    reasons = list(business_user.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert reasons[-2:] == ["Account disabled", "Account enabled"]

    response = system_admin_client.post(reverse("accounts:user_password", args=[business_user.pk]),
                                        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    business_user.refresh_from_db()
    assert business_user.check_password(NEW_PASSWORD)
    event = security_events(business_user).get(detail="Password set by an administrator")
    assert event.user == system_admin and event.action == AuditEvent.Action.UPDATE
    # Set by someone else: the user chooses a new one at the next sign-in before anything else.
    assert business_user.must_change_password
    client = Client()
    assert client.login(username="zhen", password=NEW_PASSWORD)
    assert client.get("/")["Location"].startswith(reverse("password_change"))


def test_reset_password_is_the_one_service_that_sets_a_password(system_admin, business_user):
    services.run(accounts.reset_password, system_admin, business_user, NEW_PASSWORD)
    business_user.refresh_from_db()
    assert business_user.check_password(NEW_PASSWORD)
    with pytest.raises(ValidationError):
        services.run(accounts.reset_password, system_admin, business_user, "short")


@pytest.mark.parametrize("target", ADMINISTRATORS)
def test_system_admin_cannot_reset_disable_or_rename_an_administrator(target, request, system_admin,
                                                                     system_admin_client):
    """Nobody resets another administrator's password, nor their own, from the pages."""
    user = request.getfixturevalue(target)
    before = user.password
    for name, data in (("user_password", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}),
                       ("user_edit", {"username": "renamed"}), ("user_disable", {})):
        assert system_admin_client.post(reverse(f"accounts:{name}", args=[user.pk]), data).status_code == 403, name
    user.refresh_from_db()
    assert user.password == before and user.is_active and user.username != "renamed"
    with pytest.raises(PermissionDenied):
        services.run(accounts.reset_password, system_admin, user, NEW_PASSWORD)
    assert not security_events(user).exists()


def test_security_admin_cannot_create_accounts_or_reset_passwords(security_admin, security_admin_client,
                                                                 business_user):
    count = User.objects.count()
    response = security_admin_client.post(reverse("accounts:user_add"), {
        "username": "xinren", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 403
    assert User.objects.count() == count
    assert security_admin_client.post(reverse("accounts:user_password", args=[business_user.pk]),
                                      {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}).status_code == 403
    assert security_admin_client.post(reverse("accounts:user_disable", args=[business_user.pk])).status_code == 403
    business_user.refresh_from_db()
    assert business_user.check_password(PASSWORD) and business_user.is_active
    with pytest.raises(PermissionDenied):
        services.run(accounts.create_account, security_admin, User(username="x"), NEW_PASSWORD)
    with pytest.raises(PermissionDenied):
        services.run(accounts.reset_password, security_admin, business_user, NEW_PASSWORD)


def test_security_admin_gives_a_role_and_scope(security_admin, security_admin_client, township):
    waiting = f.UserFactory(username="waiting", role="")
    response = security_admin_client.post(reverse("accounts:user_role", args=[waiting.pk]),
                                          {"role": Role.TOWNSHIP_ADMIN, "organization": township.pk, "cadre": ""})
    assert response.status_code == 302, response.content.decode()[:3000]
    waiting.refresh_from_db()
    assert (waiting.role, waiting.organization) == (Role.TOWNSHIP_ADMIN, township)
    event = security_events(waiting).get()
    assert event.user == security_admin
    assert {c["field"]: c["new"] for c in event.changes} == {"role": Role.TOWNSHIP_ADMIN, "organization": township.pk}
    assert data_events(waiting, AuditEvent.Action.UPDATE).latest("pk").user == security_admin


def test_a_role_without_its_scope_is_refused_and_nothing_saved(security_admin_client):
    waiting = f.UserFactory(username="waiting", role="")
    response = security_admin_client.post(reverse("accounts:user_role", args=[waiting.pk]),
                                          {"role": Role.TOWNSHIP_ADMIN, "organization": "", "cadre": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["organization"][0]
    waiting.refresh_from_db()
    assert waiting.role == ""
    assert not AuditEvent.objects.filter(object_id=str(waiting.pk), kind=AuditEvent.Kind.SECURITY).exists()


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN])
def test_security_admin_cannot_make_an_administrator(role, security_admin, security_admin_client, business_user):
    response = security_admin_client.post(reverse("accounts:user_role", args=[business_user.pk]),
                                          {"role": role, "organization": "", "cadre": ""})
    assert response.status_code == 200 and response.context["form"].errors["role"]
    business_user.role = role
    business_user.organization = None
    with pytest.raises(ValidationError):
        services.run(accounts.assign_role, security_admin, business_user)
    business_user.refresh_from_db()
    assert business_user.role == Role.TOWNSHIP_ADMIN


@pytest.mark.parametrize("target", ADMINISTRATORS)
def test_security_admin_cannot_change_an_administrators_role(target, request, security_admin,
                                                            security_admin_client):
    user = request.getfixturevalue(target)
    response = security_admin_client.post(reverse("accounts:user_role", args=[user.pk]),
                                          {"role": Role.COUNTY_ADMIN, "organization": "", "cadre": ""})
    assert response.status_code == 403
    user.refresh_from_db()
    before = user.role
    assert before in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR)
    user.role = Role.COUNTY_ADMIN
    with pytest.raises(PermissionDenied):
        services.run(accounts.assign_role, security_admin, user)
    assert User.objects.get(pk=user.pk).role == before


def test_system_admin_cannot_give_roles(system_admin, system_admin_client, business_user):
    assert system_admin_client.post(reverse("accounts:user_role", args=[business_user.pk]),
                                    {"role": Role.COUNTY_ADMIN, "organization": "", "cadre": ""}).status_code == 403
    business_user.role, business_user.organization = Role.COUNTY_ADMIN, None
    with pytest.raises(PermissionDenied):
        services.run(accounts.assign_role, system_admin, business_user)
    assert User.objects.get(pk=business_user.pk).role == Role.TOWNSHIP_ADMIN


@pytest.mark.parametrize("role", [*ADMINISTRATORS, "county_admin"])
def test_nobody_gives_themselves_a_role(role, request, client_for):
    user = request.getfixturevalue(role)
    before = user.role
    response = client_for(user).post(reverse("accounts:user_role", args=[user.pk]),
                                     {"role": Role.COUNTY_ADMIN, "organization": "", "cadre": ""})
    assert response.status_code == 403
    assert User.objects.get(pk=user.pk).role == before
    user.role = Role.COUNTY_ADMIN
    with pytest.raises(PermissionDenied):
        services.run(accounts.assign_role, user, user)
    assert User.objects.get(pk=user.pk).role == before


def test_the_auditor_changes_nothing(auditor, business_user):
    for service, args in ((accounts.create_account, (User(username="x"), NEW_PASSWORD)),
                          (accounts.update_account, (business_user,)),
                          (accounts.set_active, (business_user, False)),
                          (accounts.reset_password, (business_user, NEW_PASSWORD)),
                          (accounts.assign_role, (business_user,))):
        with pytest.raises(PermissionDenied):
            services.run(service, auditor, *args)
    business_user.refresh_from_db()
    assert business_user.is_active and business_user.check_password(PASSWORD)
    assert not User.objects.filter(username="x").exists()


def test_business_roles_keep_no_accounts(county_admin, business_user):
    with pytest.raises(PermissionDenied):
        services.run(accounts.reset_password, county_admin, business_user, NEW_PASSWORD)
    with pytest.raises(PermissionDenied):
        services.run(accounts.create_account, county_admin, User(username="x"), NEW_PASSWORD)


def test_security_policy_page_is_the_security_admins(security_admin_client, system_admin_client, auditor_client):
    page = security_admin_client.get(reverse("accounts:security_policy"))
    assert page.status_code == 200
    assert "Failed sign-ins before an account is locked" in page.content.decode()
    for client in (system_admin_client, auditor_client):
        assert client.get(reverse("accounts:security_policy")).status_code == 403


def test_create_administrators_makes_the_three_and_resets_only_an_administrator(monkeypatch, business_user):
    monkeypatch.setenv("BANZI_SYSTEM_ADMIN_PASSWORD", "Xitong#2027a")
    monkeypatch.setenv("BANZI_SECURITY_ADMIN_PASSWORD", "Anquan#2027a")
    monkeypatch.setenv("BANZI_AUDIT_ADMIN_PASSWORD", "Shenji#2027a")
    call_command("create_administrators", stdout=StringIO())
    made = {u.username: u for u in User.objects.filter(username__in=["sysadmin", "secadmin", "auditor"])}
    assert {u.role for u in made.values()} == {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR}
    assert not any(u.is_superuser or u.is_staff for u in made.values())
    assert made["auditor"].check_password("Shenji#2027a")
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.SECURITY, action=AuditEvent.Action.CREATE,
                                     username="manage.py create_administrators").count() == 3
    call_command("create_administrators", stdout=StringIO())  # again: nothing changes
    assert User.objects.filter(username__in=made).count() == 3

    monkeypatch.setenv("BANZI_AUDIT_ADMIN_PASSWORD", "Shenji#2028b")
    call_command("create_administrators", "--reset-password", "auditor", stdout=StringIO())
    assert User.objects.get(username="auditor").check_password("Shenji#2028b")
    with pytest.raises(CommandError):
        call_command("create_administrators", "--reset-password", business_user.username, stdout=StringIO())
    monkeypatch.setenv("BANZI_SYSTEM_ADMIN_PASSWORD", "weak")
    with pytest.raises(CommandError):
        call_command("create_administrators", "--system", "sysadmin2", stdout=StringIO())
    assert not User.objects.filter(username="sysadmin2").exists()


def test_system_admin_resets_a_lost_second_factor_from_the_account_page(system_admin_client, security_admin_client,
                                                                       business_user):
    from banzi.accounts import otp
    from tests.second_factor import enrol

    detail = reverse("accounts:user_detail", args=[business_user.pk])
    reset = reverse("second_factor_reset", args=[business_user.pk])
    assert reset not in system_admin_client.get(detail).content.decode()  # nothing to reset yet
    enrol(business_user)
    page = system_admin_client.get(detail).content.decode()
    assert f'action="{reset}"' in page and "data-confirm=" in page
    assert reset not in security_admin_client.get(detail).content.decode()  # not the security admin's work
    response = system_admin_client.post(reset, {"next": detail})
    assert response.status_code == 302 and response["Location"] == detail
    assert not otp.is_enrolled(business_user)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.OTP_RESET, object_id=str(business_user.pk)).exists()


def test_a_user_is_shown_by_name_never_by_username(county, township):
    """The header, the greeting, approvers and the audit trail show a person, not a sign-in key."""
    from banzi.core.roles import Role
    from tests import factories as f

    named = f.UserFactory(username="zhangsan", first_name="张三", role=Role.COUNTY_ADMIN, organization=county)
    assert named.display_name == "张三"
    cadre = f.CadreFactory(organization=township, name="李四")
    assert f.UserFactory(username="lisi", role=Role.CADRE, cadre=cadre).display_name == "李四"
    unnamed = f.UserFactory(username="county_admin_2", first_name="", last_name="", role=Role.COUNTY_ADMIN,
                            organization=county)
    assert unnamed.display_name == f"{county.name} · {unnamed.get_role_display()}"
    assert "county_admin_2" not in unnamed.display_name
    assert f.UserFactory(username="sys2", first_name="", last_name="", role=Role.SYSTEM_ADMIN).display_name == str(
        Role.SYSTEM_ADMIN.label)
