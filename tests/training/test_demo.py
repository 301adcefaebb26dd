"""The training demo on the demo county: the article's figures come out of the records — 105 newly
promoted cadres trained for 3 days, 3 lecture halls for every section-level cadre, 8 professors
teaching 4 days in the townships for 2,600-odd person-times — and the statistics page shows them."""
import pytest
from django.db import transaction
from django.db.models import Count
from django.test import override_settings
from django.urls import reverse

from banzi.accounts.models import User
from banzi.org.demo import load_demo
from banzi.org.models import Cadre
from banzi.training import metrics
from banzi.training.demo import SPECIAL_NAME, TO_TOWNSHIPS_NAME, demo_year, load_training_demo
from banzi.training.models import Attendance, Enrollment, TrainingProgram, TrainingSession

PRESENT = Attendance.Status.PRESENT


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    fast_hasher = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast_hasher, transaction.atomic():
        load_demo()
        first = load_training_demo()
        counts = (TrainingProgram.objects.count(), Attendance.objects.count(), Enrollment.objects.count())
        second = load_training_demo()
        yield {"first": first, "second": second, "counts": counts}
        transaction.set_rollback(True)


def test_loading_twice_adds_nothing(demo, db):
    assert demo["first"]["attendances"] > 5000
    assert not demo["second"]
    assert demo["counts"] == (TrainingProgram.objects.count(), Attendance.objects.count(), Enrollment.objects.count())


def test_the_105_newly_promoted_trained_for_three_days(demo, db):
    program = TrainingProgram.objects.get(name=SPECIAL_NAME)
    promoted = set(Cadre.objects.filter(is_newly_promoted=True).values_list("pk", flat=True))
    assert len(promoted) == 105
    assert set(program.enrollments.values_list("cadre", flat=True)) == promoted
    assert program.days == 3
    figures = metrics.program_figures(program)
    assert figures["people"] == 105 and figures["session_days"] == 3
    # Every one of them present on each of the 3 days.
    days = (Attendance.objects.filter(session__program=program, status=PRESENT).values("cadre")
            .annotate(days=Count("session__held_on", distinct=True)))
    assert {row["days"] for row in days} == {3} and len(days) == 105
    assert figures["person_times"] == 105 * program.sessions.count()


def test_three_lecture_halls_for_every_section_level_cadre(demo, db):
    halls = TrainingProgram.objects.filter(kind=TrainingProgram.Kind.LECTURE_HALL)
    assert halls.count() == 3
    assert all("两学一做" in h.name or "七一" in h.name for h in halls)
    section_level = set(Cadre.objects.filter(rank__in=["section_chief", "deputy_section_chief"],
                                             status="active").values_list("pk", flat=True))
    for hall in halls:
        present = set(Attendance.objects.filter(session__program=hall, status=PRESENT).values_list("cadre", flat=True))
        assert present == section_level
        assert metrics.program_figures(hall)["person_times"] == len(section_level)


def test_eight_professors_four_days_2600_odd_person_times(demo, db):
    program = TrainingProgram.objects.get(name=TO_TOWNSHIPS_NAME)
    assert program.kind == TrainingProgram.Kind.TO_TOWNSHIPS and program.days == 4
    sessions = TrainingSession.objects.filter(program=program)
    assert sessions.values("lecturer").distinct().count() == 8
    assert {s.lecturer.title for s in sessions} == {"教授"}
    assert sessions.values("held_on").distinct().count() == 4
    person_times = metrics.program_figures(program)["person_times"]
    assert person_times == Attendance.objects.filter(session__program=program, status=PRESENT).count()
    assert 2600 <= person_times < 2700


def test_statistics_page_shows_the_computed_numbers(demo, db, client):
    user = User.objects.get(username="county_admin")
    client.force_login(user)
    year = demo_year()
    response = client.get(reverse("training:statistics"), {"year": year})
    assert response.status_code == 200
    by_program = {row["label"]: row["person_times"] for row in response.context["stats"]["by_program"]}
    to_townships = Attendance.objects.filter(session__program__name=TO_TOWNSHIPS_NAME, status=PRESENT).count()
    assert by_program[TO_TOWNSHIPS_NAME] == to_townships
    assert by_program[SPECIAL_NAME] == Attendance.objects.filter(session__program__name=SPECIAL_NAME).count()
    total = Attendance.objects.filter(status=PRESENT, session__held_on__year=year).count()
    assert response.context["stats"]["summary"]["person_times"] == total
    body = response.content.decode()
    assert f'data-figure="person_times">{total}<' in body
    assert f"<td class=\"text-end\">{to_townships}</td>" in body
