"""The demo county: loads twice without change, holds the article's figures, and every record is valid."""
import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from banzi.accounts.models import User
from banzi.core.models import AuditEvent
from banzi.core.roles import Role
from banzi.core.validators import id_number_birth_date, validate_id_number
from banzi.org.demo import DEMO_PASSWORD, add_years, build_plan, load_demo
from banzi.org.models import Cadre, Organization, Position, Team, TeamMembership, VillageDesignation

MODELS = [Organization, VillageDesignation, Cadre, Position, Team, TeamMembership, User]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS} | {"AuditEvent": AuditEvent.objects.count()}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded twice, once for the whole module, rolled back when the module is done."""
    # Module-scoped, so it runs before conftest's per-test fast hasher: use the same one here.
    fast_hasher = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast_hasher, transaction.atomic():
        load_demo()
        first = counts()
        second_loader, plan = load_demo()
        yield {"first": first, "second": counts(), "second_loader": second_loader, "plan": plan}
        transaction.set_rollback(True)


def test_loading_twice_changes_nothing(demo, db):
    assert demo["second_loader"].created == {}
    assert demo["first"] == demo["second"]
    assert Cadre.objects.count() > 500


def test_thirteen_townships_each_with_one_current_team_and_head(demo, db):
    townships = Organization.objects.filter(kind=Organization.Kind.TOWNSHIP)
    assert townships.count() == 13
    assert townships.get(name="新城镇").division_code == "141023100"
    for township in townships:
        assert len(township.division_code) == 9 and township.division_code.startswith("141023")
        assert Team.objects.current().filter(township=township).count() == 1
        members = TeamMembership.objects.current().filter(team__township=township)
        assert members.filter(is_head=True).count() == 1
        assert members.get(is_head=True).position.name == "党委书记"
        assert 10 <= members.values("cadre").distinct().count() <= 15


def test_the_2021_election_is_kept(demo, db):
    teams = Team.objects.filter(elected_on__year=2021, elected_on__month=9, term_years=5)
    assert teams.count() == 13
    for team in teams:
        assert 10 <= team.memberships.count() <= 15
        assert team.memberships.filter(is_head=True).count() == 1


def test_villages_enterprises_and_departments(demo, db):
    for township in Organization.objects.filter(kind=Organization.Kind.TOWNSHIP):
        villages = township.children.filter(kind=Organization.Kind.VILLAGE)
        assert 10 <= villages.count() <= 20
        assert all(len(v.division_code) == 12 and v.division_code.startswith(township.division_code) for v in villages)
    assert set(Organization.objects.filter(parent__name="新城镇").values_list("name", flat=True)) >= {"新庄村", "赵曲村"}
    assert Organization.objects.filter(kind=Organization.Kind.ENTERPRISE).count() == 41
    assert Organization.objects.filter(kind=Organization.Kind.ENTERPRISE, parent__kind="township").count() == 41
    assert {"县委组织部", "县委宣传部", "县纪委监委", "县委党校", "县发改局", "县财政局", "县农业农村局"} <= set(
        Organization.objects.filter(kind=Organization.Kind.DEPARTMENT).values_list("name", flat=True)
    )


def test_designations_for_the_current_year(demo, db):
    year = demo["plan"].today.year
    current = VillageDesignation.objects.filter(year=year)
    for category in (VillageDesignation.Category.WEAK_LAX, VillageDesignation.Category.DISPUTE_HEAVY,
                     VillageDesignation.Category.WEAK_ECONOMY, VillageDesignation.Category.REGISTERED_POOR):
        assert current.filter(category=category).exists()
    models = current.filter(category=VillageDesignation.Category.MODEL_UNIT)
    assert {(d.organization.parent.name, d.organization.name) for d in models} == {("邓庄镇", "贾庄村"), ("古城镇", "关村")}


def test_cadre_flags_match_the_article(demo, db):
    promoted = Cadre.objects.filter(is_newly_promoted=True)
    assert promoted.count() == 105
    assert not promoted.filter(promoted_on__isnull=True).exists()
    assert not promoted.filter(promoted_on__lt=datetime.date(2021, 9, 1)).exists()
    assert not promoted.filter(promoted_on__gt=datetime.date(2022, 12, 31)).exists()
    assert Cadre.objects.filter(is_reserve=True).count() >= 13
    assert Cadre.objects.filter(is_key_position=True).exists()


def test_every_cadre_identity_is_consistent(demo, db):
    for cadre in Cadre.objects.all():
        validate_id_number(cadre.id_number)
        assert id_number_birth_date(cadre.id_number) == cadre.birth_date
        assert (int(cadre.id_number[16]) % 2 == 1) == (cadre.gender == Cadre.Gender.MALE)
        assert cadre.phone and len(cadre.phone) == 11
        if cadre.party_joined_on:
            assert cadre.party_joined_on >= add_years(cadre.birth_date, 18)
    team_cadres = Cadre.objects.filter(memberships__isnull=False)
    assert not team_cadres.filter(party_joined_on__isnull=True).exists()


def test_every_record_has_its_history(demo, db):
    assert Cadre.history.filter(history_type="+").count() == Cadre.objects.count()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, object_repr="新城镇").exists()


def test_demo_accounts_can_log_in(demo, db):
    for username in ("county_admin", "township_admin", "cadre", "sysadmin", "secadmin", "auditor"):
        assert Client().login(username=username, password=DEMO_PASSWORD), username
    assert not User.objects.filter(is_demo=False).exists()  # every demo account is marked, for check --deploy
    assert User.objects.get(username="county_admin").role == Role.COUNTY_ADMIN
    assert User.objects.get(username="sysadmin").role == Role.SYSTEM_ADMIN
    assert User.objects.get(username="secadmin").role == Role.SECURITY_ADMIN
    assert User.objects.get(username="auditor").role == Role.AUDITOR
    assert User.objects.get(username="township_admin").organization.name == "新城镇"
    assert not User.objects.filter(is_superuser=True).exists()
    cadre = User.objects.get(username="cadre").cadre
    assert TeamMembership.objects.current().filter(cadre=cadre, team__township__name="新城镇").exists()


def test_township_admin_sees_only_their_township(demo, db):
    user = User.objects.get(username="township_admin")
    visible = Cadre.objects.visible_to(user)
    assert visible.exists()
    assert set(visible.values_list("organization__township__name", flat=True)) == {"新城镇"}


def test_command_prints_the_accounts(demo, db, monkeypatch):
    # Other apps' demo work has its own tests; here only the county and the accounts matter.
    monkeypatch.setattr("banzi.core.demo.loaders", lambda: [])
    out = StringIO()
    call_command("load_demo", stdout=out)
    output = out.getvalue()
    assert "nothing changed" in output
    for username in ("county_admin", "township_admin", "cadre", "sysadmin", "secadmin", "auditor"):
        assert username in output
    assert DEMO_PASSWORD in output


def test_plan_is_deterministic():
    today = datetime.date(2026, 11, 29)
    assert build_plan(today) == build_plan(today)


def test_plan_during_the_2021_term_has_one_team_per_township():
    plan = build_plan(datetime.date(2023, 5, 1))
    assert len(plan.teams) == 13
    assert all(m["fields"]["ended_on"] is None for m in plan.memberships)
    assert sum(c["fields"]["is_newly_promoted"] for c in plan.cadres.values()) == 105
    assert max(d["year"] for d in plan.designations) == 2023


def test_plan_after_the_2021_term_elects_the_next_team():
    plan = build_plan(datetime.date(2027, 3, 1))
    assert len(plan.teams) == 26
    heads = [m for m in plan.memberships if m["fields"]["is_head"] and m["fields"]["ended_on"] is None]
    assert len(heads) == 13
    assert all(m["fields"]["started_on"].year == 2026 for m in heads)


# The whole demo loads once for the module: minutes on a busy two-core machine, more than the default limit.
pytestmark = pytest.mark.timeout(1800)
