"""The Django admin is for the superuser; the audit trail in it is read-only for everyone."""
import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from banzi.accounts.models import User
from banzi.core.models import AuditEvent
from banzi.org.models import Cadre, Organization, Position, Team, TeamMembership, VillageDesignation
from tests import factories as f


@pytest.fixture
def superuser(db):
    return f.UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def admin_client(superuser, client_for):
    return client_for(superuser)


@pytest.fixture
def event(county_admin):
    return AuditEvent.objects.filter(content_type__isnull=False).first() or AuditEvent.objects.create(
        kind=AuditEvent.Kind.SECURITY, action=AuditEvent.Action.LOGIN, username="county"
    )


def test_audit_event_admin_refuses_add_change_and_delete_even_to_a_superuser(superuser, event):
    model_admin = admin.site._registry[AuditEvent]
    request = RequestFactory().get("/admin/")
    request.user = superuser
    assert model_admin.has_view_permission(request, event)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)
    assert "delete_selected" not in model_admin.get_actions(request)


def test_audit_event_admin_pages_do_not_write(admin_client, event):
    assert admin_client.get(reverse("admin:core_auditevent_add")).status_code == 403
    change_url = reverse("admin:core_auditevent_change", args=[event.pk])
    page = admin_client.get(change_url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    before = AuditEvent.objects.count()
    admin_client.post(change_url, {"username": "someone else"})
    assert AuditEvent.objects.get(pk=event.pk).username == event.username
    assert admin_client.post(reverse("admin:core_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    assert AuditEvent.objects.count() >= before


@pytest.mark.parametrize("model", [User, AuditEvent, Organization, VillageDesignation, Cadre, Position, Team,
                                   TeamMembership])
def test_admin_pages_load_for_a_superuser(admin_client, model, township):
    membership = f.TeamMembershipFactory(team__township=township)
    f.VillageDesignationFactory(organization=f.VillageFactory(parent=township))
    opts = model._meta
    changelist = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert changelist.status_code == 200
    obj = model.objects.first()
    assert obj is not None and membership.pk
    change = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
    assert change.status_code == 200
    if model is not AuditEvent:
        assert admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 200
        history = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk]))
        assert history.status_code == 200


def test_history_versions_cannot_be_restored(admin_client, township):
    cadre = f.CadreFactory(organization=township, post="科员")
    cadre.post = "副主任"
    cadre.save()
    old = cadre.history.earliest()
    url = reverse("admin:org_cadre_simple_history", args=[cadre.pk, old.history_id])
    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url, {"name": cadre.name, "post": "科员"}).status_code == 403
    cadre.refresh_from_db()
    assert cadre.post == "副主任"


def test_admin_is_closed_to_business_users(county_client):
    response = county_client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_superuser_creates_a_township_user_in_the_admin(admin_client, township):
    response = admin_client.post(reverse("admin:accounts_user_add"), {
        "username": "xinchengzhen", "usable_password": "true", "password1": "Zuzhi#2026x", "password2": "Zuzhi#2026x",
        "role": "township_admin", "organization": township.pk, "cadre": "",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="xinchengzhen")
    assert user.organization == township and user.check_password("Zuzhi#2026x")


def test_a_township_user_needs_a_township_in_the_admin(admin_client):
    response = admin_client.post(reverse("admin:accounts_user_add"), {
        "username": "nobody", "usable_password": "true", "password1": "Zuzhi#2026x", "password2": "Zuzhi#2026x",
        "role": "township_admin", "organization": "", "cadre": "",
    })
    assert response.status_code == 200
    assert not User.objects.filter(username="nobody").exists()
