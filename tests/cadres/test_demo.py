"""The demo cadre files: every current township team member has a profile, a résumé consistent with
their record (nothing before the month they started work, no overlaps, the last entry open and the
current post), the full-time education their record names, two to four family members; some have a
reward; loading again adds nothing."""
import pytest
from django.db import transaction
from django.test import override_settings

from banzi.cadres.demo import load_cadres_demo
from banzi.cadres.models import CadreProfile, EducationRecord, FamilyMember, ResumeEntry, RewardPunishment
from banzi.core import clock
from banzi.org.demo import load_demo
from banzi.org.models import Cadre, Organization, TeamMembership


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    fast_hasher = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast_hasher, transaction.atomic():
        load_demo()
        created = load_cadres_demo()
        again = load_cadres_demo()
        yield {"created": created, "again": again}
        transaction.set_rollback(True)


def members():
    return Cadre.objects.filter(pk__in=TeamMembership.objects.serving(clock.today()).filter(
        team__township__kind=Organization.Kind.TOWNSHIP).values("cadre")).distinct()


def test_every_current_team_member_has_a_file_and_loading_again_adds_nothing(demo, db):
    count = members().count()
    assert count > 100
    assert CadreProfile.objects.filter(cadre__in=members()).count() == count == CadreProfile.objects.count()
    assert sum(demo["created"].values()) == sum(m.objects.count() for m in (
        CadreProfile, ResumeEntry, EducationRecord, FamilyMember, RewardPunishment))
    assert not demo["again"]


def test_the_resume_agrees_with_the_record(demo, db):
    entries = {}
    for entry in ResumeEntry.objects.order_by("cadre", "starts_on", "id"):
        entries.setdefault(entry.cadre_id, []).append(entry)
    cadres = Cadre.objects.in_bulk(list(entries))
    lengths = []
    for cadre_id, rows in entries.items():
        cadre = cadres[cadre_id]
        lengths.append(len(rows))
        assert 1 <= len(rows) <= 6
        assert rows[0].starts_on == cadre.work_started_on.replace(day=1)  # nothing before work started
        assert all(e.starts_on.day == 1 and (e.ends_on is None or e.ends_on.day == 1) for e in rows)
        for earlier, later in zip(rows, rows[1:], strict=False):
            assert earlier.ends_on is not None and earlier.ends_on <= later.starts_on  # no overlaps
            assert earlier.starts_on < earlier.ends_on
        last = rows[-1]
        assert last.ends_on is None and last.text == f"{cadre.organization.name}{cadre.post}"
        assert last.starts_on <= clock.today()
    assert sum(3 <= n for n in lengths) > 0.9 * len(lengths)


def test_education_family_and_rewards(demo, db):
    for cadre in members().select_related("organization"):
        fulltime = list(EducationRecord.objects.filter(cadre=cadre, kind=EducationRecord.Kind.FULLTIME))
        assert [r.level for r in fulltime] == [cadre.education_fulltime]
        assert fulltime[0].graduated_on <= cadre.work_started_on
        family = FamilyMember.objects.filter(cadre=cadre)
        assert 2 <= family.count() <= 4
        assert not family.filter(birth_date__gt=clock.today()).exists()
    rewarded = RewardPunishment.objects.values("cadre").distinct().count()
    assert 0 < rewarded < members().count()
