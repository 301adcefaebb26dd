"""There is no Django admin: /admin/ is not served to anyone, a superuser included, and no model is
registered in it. Accounts are kept on the account pages (tests/accounts/test_users.py), and Django's
`is_superuser` flag gives no access to anything (三员分立)."""
import pytest
from django.contrib import admin
from django.core.management import call_command
from rest_framework.test import APIClient

from banzi.accounts import tokens
from banzi.accounts.models import User
from banzi.core import clock
from banzi.core.audit import may_read_audit
from banzi.core.models import AuditEvent
from banzi.core.navigation import menu_for
from banzi.org.models import Cadre, Position
from tests import factories as f

pytestmark = pytest.mark.django_db

ROLES = ("county_admin", "township_admin", "cadre_user", "auditor", "system_admin", "security_admin")


@pytest.fixture
def superuser(db):
    """An account made by `createsuperuser`: the flags set, no role."""
    call_command("createsuperuser", interactive=False, username="root", email="root@example.cn", verbosity=0)
    # Its first sign-in would ask for a new password (tests/accounts/test_passwords.py); here it has chosen one.
    User.objects.filter(username="root").update(password_changed_at=clock.now())
    return User.objects.get(username="root")


def test_no_model_of_banzi_is_registered_in_the_django_admin():
    """django.contrib.admin stays installed for its table only; nothing of Banzi is in it."""
    assert not [m for m in admin.site._registry if m.__module__.startswith("banzi.")]


@pytest.mark.parametrize("role", ROLES)
def test_admin_is_not_served_to_any_role(role, request, client_for):
    client = client_for(request.getfixturevalue(role))
    assert client.get("/admin/").status_code == 404
    assert client.get("/admin/accounts/user/").status_code == 404


def test_admin_is_not_served_to_a_superuser(superuser, client_for):
    assert client_for(superuser).get("/admin/").status_code == 404


def test_createsuperuser_makes_an_account_without_a_role(superuser):
    assert superuser.is_superuser and superuser.role == ""


def test_a_superuser_sees_no_business_record_page_menu_or_audit_trail(superuser, client_for, township):
    cadre = f.CadreFactory(organization=township)
    f.PositionFactory()
    client = client_for(superuser)
    assert not Cadre.objects.visible_to(superuser).exists()
    assert not Position.objects.visible_to(superuser).exists()
    assert client.get("/org/cadres/").status_code == 403
    assert client.get(f"/org/cadres/{cadre.pk}/").status_code == 403
    assert client.get("/org/positions/").status_code == 403
    assert client.get("/core/audit/").status_code == 403
    assert client.get("/accounts/users/").status_code == 403
    assert not may_read_audit(superuser)
    assert menu_for(superuser) == []
    _token, key = tokens.create(superuser)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/org/cadres/").status_code == 403
    assert api.get("/api/v1/core/audit-events/").status_code == 403


def test_a_superuser_with_a_business_role_has_that_role_and_nothing_more(township, other_township, client_for):
    """The flag adds nothing to a role: a township committee with is_superuser still sees only its township."""
    user = f.UserFactory(username="flagged", role="township_admin", organization=township, is_superuser=True)
    own, other = f.CadreFactory(organization=township), f.CadreFactory(organization=other_township)
    assert set(Cadre.objects.visible_to(user)) == {own}
    client = client_for(user)
    assert client.get(f"/org/cadres/{other.pk}/").status_code == 404
    assert client.get("/core/audit/").status_code == 403
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.TRANSFER).exists()
