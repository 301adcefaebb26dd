"""The demo's reserve pool, loaded once for the module as `make demo` loads it (and rolled back
after): the flag equals the pool, every flagged cadre has a history (nominated, vetted with the checks
passed, in the pool, measures linked to their own postings and enrollments, a review per full year),
two promoted out on the day they joined a team, three nominated this year, one rejected for a
violation; nothing dated after today; loading again adds nothing."""
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from banzi.conduct.models import Violation
from banzi.core import clock
from banzi.org.models import Cadre, TeamMembership
from banzi.reserves.conversion import NOTE
from banzi.reserves.demo import load_reserves_demo
from banzi.reserves.models import DevelopmentMeasure, ReserveEntry, ReserveReview
from tests.assessment.test_demo import _fresh_sequences

Status = ReserveEntry.Status
# The whole demo county is loaded in the first test's setup: minutes on a busy machine.
pytestmark = pytest.mark.timeout(1800)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    fast_hasher = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast_hasher, transaction.atomic():
        _fresh_sequences()
        call_command("load_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


def test_the_flag_is_the_pool(demo, db):
    flagged = set(Cadre.objects.filter(is_reserve=True).values_list("pk", flat=True))
    pooled = set(ReserveEntry.objects.filter(status=Status.IN_POOL).values_list("cadre_id", flat=True))
    assert flagged == pooled and len(pooled) >= 13
    assert ReserveEntry.objects.filter(status=Status.IN_POOL).count() == len(pooled)  # one entry each


def test_pool_entries_have_their_history(demo, db):
    today = clock.today()
    for entry in ReserveEntry.objects.filter(status=Status.IN_POOL).exclude(note=NOTE).select_related("cadre"):
        assert entry.nominated_on <= entry.vetted_on <= entry.entered_on <= today
        assert entry.development_plan and all(c["passed"] for c in entry.vetting_checks)
        assert entry.measures.exists()
        assert set(entry.reviews.values_list("year", flat=True)) == set(range(entry.entered_on.year, today.year))
        assert entry.history.filter(status=Status.NOMINATED).exists() and entry.history.filter(
            status=Status.VETTED).exists()
    linked = DevelopmentMeasure.objects.filter(posting__isnull=False).select_related("entry", "posting")
    assert linked.exists() and all(m.posting.cadre_id == m.entry.cadre_id for m in linked)
    enrolled = DevelopmentMeasure.objects.filter(enrollment__isnull=False).select_related("entry", "enrollment")
    assert enrolled.exists() and all(m.enrollment.cadre_id == m.entry.cadre_id for m in enrolled)
    assert not DevelopmentMeasure.objects.filter(done_on__gt=today).exists()
    assert ReserveReview.objects.exists()
    # A converted flag (the checks would not let the cadre in) has this year's review recommending exit.
    for entry in ReserveEntry.objects.filter(note=NOTE):
        assert entry.reviews.filter(year=today.year, conclusion=ReserveReview.Conclusion.EXIT).exists()


def test_the_other_stories(demo, db):
    today = clock.today()
    promoted = list(ReserveEntry.objects.filter(status=Status.EXITED, exit_reason=ReserveEntry.ExitReason.PROMOTED))
    assert len(promoted) == 2
    for entry in promoted:
        assert TeamMembership.objects.filter(cadre=entry.cadre, started_on=entry.exited_on).exists()
        assert not entry.cadre.is_reserve
    nominated = ReserveEntry.objects.filter(status=Status.NOMINATED)
    assert nominated.count() == 3 and all(e.nominated_on.year == today.year for e in nominated)
    assert len({e.unit_id for e in nominated}) == 3
    rejected = ReserveEntry.objects.get(status=Status.REJECTED)
    assert "违纪" in rejected.rejection_reason
    assert Violation.objects.filter(cadre=rejected.cadre, status=Violation.Status.CONFIRMED).exists()
    assert [c["rule"] for c in rejected.vetting_checks if not c["passed"]][:1] == ["violation"]
    for field in ("nominated_on", "vetted_on", "entered_on", "exited_on", "rejected_on"):
        assert not ReserveEntry.objects.filter(**{f"{field}__gt": today}).exists()


def test_loading_again_adds_nothing(demo, db):
    before = ReserveEntry.objects.count(), ReserveReview.objects.count(), DevelopmentMeasure.objects.count()
    assert not load_reserves_demo()
    assert (ReserveEntry.objects.count(), ReserveReview.objects.count(), DevelopmentMeasure.objects.count()) == before
