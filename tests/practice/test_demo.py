"""The practice demo on the registry's demo county: every figure the issue names is computed from the
records (99 leading and reserve cadres in 41 enterprises, a group per township led by a team member,
first secretaries in the weak and poor villages, pairs for the newly appointed, visits to the model
villages of 邓庄镇 and 古城镇); loading again adds nothing."""
import pytest
from django.db import transaction
from django.test import override_settings

from banzi.accounts.models import User
from banzi.org.demo import demo_year, load_demo
from banzi.org.models import Organization, VillageDesignation
from banzi.practice import metrics, services
from banzi.practice.demo import load_practice_demo
from banzi.practice.models import HARD_CATEGORIES, Posting, RectificationGroup, StudyVisit, WorkLog

Category = VillageDesignation.Category


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    fast_hasher = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast_hasher, transaction.atomic():
        load_demo()
        created = load_practice_demo()
        again = load_practice_demo()
        yield {"created": created, "again": again,
               "user": User.objects.get(username="county_admin")}
        transaction.set_rollback(True)


def test_loading_again_adds_nothing(demo, db):
    # Loading speed is measured by bench/, not asserted here: a timed test fails on a busy machine.
    assert demo["created"]["postings"] == Posting.objects.count() > 0
    assert not demo["again"]


def test_99_leading_and_reserve_cadres_serve_41_enterprises(demo, db):
    summary = metrics.enterprise_service(demo["user"])
    assert summary["enterprises"] == Organization.objects.filter(kind=Organization.Kind.ENTERPRISE).count() == 41
    assert summary["cadres"] == 99 == summary["leading_or_reserve"]
    assert any(len(c["enterprises"]) > 1 for c in summary["per_cadre"])
    logs = WorkLog.objects.filter(posting__kind=Posting.Kind.ENTERPRISE)
    assert summary["found"] == sum(log.problems_found for log in logs) > 0
    assert summary["solved"] == sum(log.problems_solved for log in logs) > 0


def test_a_group_per_township_led_by_a_team_member(demo, db):
    townships = Organization.objects.filter(kind=Organization.Kind.TOWNSHIP)
    overview = metrics.campaign_overview(demo["user"], demo_year())
    assert overview["groups"] == townships.count() == 13 and not overview["without_group"]
    for group in RectificationGroup.objects.select_related("leader", "township"):
        assert services.is_team_member_on(group.leader, group.township, group.started_on)
        assert group.postings.exists()
    assert overview["villages"] > 13 and 0 < overview["lifted"] < overview["villages"]


def test_designated_villages_in_every_township_and_first_secretaries_in_the_weak_and_poor(demo, db):
    year = demo_year()
    designated = VillageDesignation.objects.filter(year=year, category__in=HARD_CATEGORIES)
    assert set(designated.values_list("organization__township", flat=True)) == set(
        Organization.objects.filter(kind=Organization.Kind.TOWNSHIP).values_list("pk", flat=True))
    weak_or_poor = set(designated.filter(category__in=[Category.WEAK_LAX, Category.REGISTERED_POOR])
                       .values_list("organization", flat=True))
    posted = set(Posting.objects.filter(kind=Posting.Kind.FIRST_SECRETARY).values_list("organization", flat=True))
    assert weak_or_poor and weak_or_poor <= posted


def test_the_newly_appointed_are_tempered_and_paired_but_not_all(demo, db):
    tempering = metrics.tempering(demo["user"])
    assert 0 < tempering["tempered"] < tempering["total"]
    mentoring = metrics.mentoring(demo["user"])
    assert 0 < len(mentoring["without_mentor"]) < mentoring["newly_appointed"] == tempering["total"]
    assert mentoring["active"] == mentoring["newly_appointed"] - len(mentoring["without_mentor"])


def test_visits_to_the_model_villages_of_dengzhuang_and_gucheng(demo, db):
    hosts = {(v.host.township.name, v.host.name) for v in StudyVisit.objects.select_related("host__township")}
    assert {("邓庄镇", "贾庄村"), ("古城镇", "关村")} <= hosts
    visit = StudyVisit.objects.first()
    participant = visit.participants.first()
    assert visit in participant.study_visits.all()
