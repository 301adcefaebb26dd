"""The whole demo (`manage.py load_demo`) agrees with itself in time: no record predates, or outlives,
the team membership, posting, term, designation or promotion it depends on; and the article's figures
still come out of the records, counted by the modules' own metrics.

Each check is one query that finds the records that break one kind of dependency; every query must
find none. A cadre "sits on a team" on a day when one of their memberships holds the day in a team
whose term holds it too (`TeamMembership.objects.serving`); the reserve flag carries no date, so a
reserve cadre counts as one on any day.
"""
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import TruncDate
from django.test import override_settings

from banzi.accounts.models import User
from banzi.assessment.models import Assessee
from banzi.conduct.duty.models import DutyShift
from banzi.core import clock
from banzi.governance.models import TEAM_KINDS, Meeting, Opinion
from banzi.governance.models import Attendance as MeetingAttendance
from banzi.org.models import Cadre, Organization, TeamMembership, VillageDesignation
from banzi.practice import metrics as practice_metrics
from banzi.practice.demo import FIRST_SECRETARY_CATEGORIES
from banzi.practice.models import (
    Mentorship,
    MentorshipMeeting,
    Posting,
    RectificationGroup,
    StudyVisit,
    WorkLog,
)
from banzi.study.models import LeadDutyRecord, StudyAttendance, StudyKind, StudySession
from banzi.talks.models import Talk
from banzi.tasks.models import Inspection, SupervisedItem, Task, WorkList
from banzi.training import metrics as training_metrics
from banzi.training.demo import SPECIAL_NAME, TO_TOWNSHIPS_NAME
from banzi.training.models import Attendance as TrainingAttendance
from banzi.training.models import Lecturer, TrainingProgram

PRESENT = TrainingAttendance.Status.PRESENT
# The article: professors of the provincial and city Party schools and of the provincial agricultural university.
TO_TOWNSHIPS_AFFILIATIONS = {"中共山西省委党校", "中共临汾市委党校", "山西农业大学"}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo as `make demo` loads it, once for the module, rolled back when the module is done."""
    fast_hasher = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast_hasher, transaction.atomic():
        call_command("load_demo", stdout=StringIO())
        yield {"user": User.objects.get(username="county_admin")}
        transaction.set_rollback(True)


def serving(cadre, day, township=None):
    """Whether the cadre (a field of the outer row) sits on a team on the day (another field), of the
    township when one is named: a membership that holds the day, in a team whose term holds it."""
    memberships = TeamMembership.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=OuterRef(day)), cadre_id=OuterRef(cadre),
        started_on__lte=OuterRef(day), team__elected_on__lte=OuterRef(day), team__term_ends_on__gt=OuterRef(day))
    if township:
        memberships = memberships.filter(team__township_id=OuterRef(township))
    return Exists(memberships)


def not_serving(queryset, cadre, day, township=None):
    return queryset.exclude(serving(cadre, day, township))


def on_a_team_ever(cadre, township):
    return Exists(TeamMembership.objects.filter(cadre_id=OuterRef(cadre), team__township_id=OuterRef(township)))


def on_the_team_in_period(**extra):
    """Whether the assessee's cadre sat on a team of the assessee's unit at some time in the period."""
    return Exists(TeamMembership.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=OuterRef("assessment__starts_on")), cadre_id=OuterRef("cadre_id"),
        team__township_id=OuterRef("unit_id"), started_on__lte=OuterRef("assessment__ends_on"),
        team__elected_on__lte=OuterRef("assessment__ends_on"), team__term_ends_on__gt=OuterRef("assessment__starts_on"),
        **extra))


# One query per kind of dependency: the records that break it.
CHECKS = {
    # The registry: a membership lies within its team's term.
    "memberships outside their team's term": lambda: TeamMembership.objects.filter(
        Q(started_on__lt=F("team__elected_on")) | Q(started_on__gte=F("team__term_ends_on"))
        | Q(ended_on__gt=F("team__term_ends_on"))),
    # Frontline practice.
    "enterprise postings of cadres neither on a team nor reserve on the first day": lambda: not_serving(
        Posting.objects.filter(kind=Posting.Kind.ENTERPRISE, cadre__is_reserve=False), "cadre_id", "started_on"),
    "work logs outside their posting": lambda: WorkLog.objects.filter(
        Q(logged_on__lt=F("posting__started_on")) | Q(logged_on__gt=F("posting__ended_on"))),
    "rectification groups led by a cadre not on the township's team on the first day": lambda: not_serving(
        RectificationGroup.objects.all(), "leader_id", "started_on", "township_id"),
    "group postings that start before their group": lambda: Posting.objects.filter(
        group__isnull=False, started_on__lt=F("group__started_on")),
    "first-secretary postings in a village not designated on the first day": lambda: Posting.objects.filter(
        kind=Posting.Kind.FIRST_SECRETARY).exclude(Exists(VillageDesignation.objects.filter(
            Q(lifted_on__isnull=True) | Q(lifted_on__gte=OuterRef("started_on")),
            organization_id=OuterRef("organization_id"), category__in=FIRST_SECRETARY_CATEGORIES,
            designated_on__lte=OuterRef("started_on")))),
    "mentoring pairs whose mentor or mentee is not on a team on the first day": lambda: Mentorship.objects.filter(
        Q(~serving("mentor_id", "started_on")) | Q(~serving("mentee_id", "started_on"))),
    "mentoring meetings outside their pair": lambda: MentorshipMeeting.objects.filter(
        Q(met_on__lt=F("mentorship__started_on")) | Q(met_on__gt=F("mentorship__ended_on"))),
    "county study visits of the newly appointed with a participant not yet on a team": lambda: not_serving(
        StudyVisit.participants.through.objects.filter(studyvisit__organization__kind=Organization.Kind.COUNTY),
        "cadre_id", "studyvisit__visited_on"),
    # Work lists, tasks, 13710 items and inspections.
    "work lists of cadres not on the township's team in the year": lambda: WorkList.objects.exclude(Exists(
        TeamMembership.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__year__gte=OuterRef("year")),
                                      cadre_id=OuterRef("cadre_id"), team__township_id=OuterRef("organization_id"),
                                      started_on__year__lte=OuterRef("year")))),
    "team-member tasks starting when the responsible member was not on the team": lambda: not_serving(
        Task.objects.filter(work_list__isnull=False), "responsible_id", "start_on", "organization_id"),
    "13710 items assigned to a team member before joining or after leaving": lambda: not_serving(
        SupervisedItem.objects.annotate(day=TruncDate("assigned_at")).filter(
            on_a_team_ever("assignee_id", "organization_id")), "assignee_id", "day", "organization_id"),
    "cross-inspections led by a cadre not on the inspecting team": lambda: not_serving(
        Inspection.objects.all(), "leader_id", "start_on", "inspecting_organization_id"),
    "cross-inspection members not on the inspecting team": lambda: not_serving(
        Inspection.members.through.objects.all(), "cadre_id", "inspection__start_on",
        "inspection__inspecting_organization_id"),
    # Meetings.
    "team meetings chaired or recorded by a cadre not on the team that day": lambda: Meeting.objects.filter(
        kind__in=TEAM_KINDS).filter(Q(~serving("chair_id", "held_on", "organization_id"))
                                    | Q(~serving("recorder_id", "held_on", "organization_id"))),
    "team members at team meetings when not on the team": lambda: not_serving(
        MeetingAttendance.objects.filter(meeting__kind__in=TEAM_KINDS, role=MeetingAttendance.Role.MEMBER),
        "cadre_id", "meeting__held_on", "meeting__organization_id"),
    "opinions at team meetings by cadres not on the team that day": lambda: not_serving(
        Opinion.objects.filter(item__meeting__kind__in=TEAM_KINDS), "cadre_id", "item__meeting__held_on",
        "item__meeting__organization_id"),
    "team members at branch meetings (dual organizational life) when not on the team": lambda: not_serving(
        MeetingAttendance.objects.filter(role=MeetingAttendance.Role.LEADER), "cadre_id", "meeting__held_on",
        "meeting__organization__township_id"),
    "branch Party lectures by team members when not on the team": lambda: not_serving(
        Meeting.objects.exclude(kind__in=TEAM_KINDS).filter(
            lecturer__isnull=False, lecturer__organization__township_id=F("organization__township_id")),
        "lecturer_id", "held_on", "organization__township_id"),
    # Study.
    "committee theory study attended by cadres not on the team that day": lambda: not_serving(
        StudyAttendance.objects.filter(session__kind=StudyKind.COMMITTEE_THEORY), "cadre_id", "session__held_on",
        "session__organization__township_id"),
    "Party lectures at the township given by cadres not on the team that day": lambda: not_serving(
        StudySession.objects.filter(kind=StudyKind.PARTY_LECTURE, lecturer__isnull=False), "lecturer_id", "held_on",
        "organization__township_id"),
    "village study guided by cadres not on the team that day": lambda: not_serving(
        StudyAttendance.objects.filter(role=StudyAttendance.AttendanceRole.GUIDE), "cadre_id", "session__held_on",
        "session__organization__township_id"),
    "lead-by-example records of cadres not on a team that day": lambda: not_serving(
        LeadDutyRecord.objects.all(), "cadre_id", "done_on"),
    # Talks.
    "talks held by a township cadre not on a team that day": lambda: not_serving(
        Talk.objects.filter(talker__organization__kind=Organization.Kind.TOWNSHIP), "talker_id", "held_on"),
    "talks before a democratic life meeting with a cadre not on the team": lambda: Talk.objects.filter(
        Exists(Meeting.talks.through.objects.filter(talk_id=OuterRef("pk"), meeting__kind="life_meeting"))).filter(
        Q(~serving("talker_id", "held_on")) | Q(~serving("talkee_id", "held_on"))),
    "integrity talks before the promotion": lambda: Talk.objects.filter(
        kind=Talk.Kind.INTEGRITY, talkee__is_newly_promoted=True, held_on__lt=F("talkee__promoted_on")),
    # Duty and training.
    "duty nights led by a cadre not on the team that night": lambda: not_serving(
        DutyShift.objects.all(), "leader_id", "date", "roster__township_id"),
    "training of the newly promoted before their promotion": lambda: TrainingAttendance.objects.filter(
        session__program__name=SPECIAL_NAME, session__held_on__lt=F("cadre__promoted_on")),
    # Assessment: who is assessed as a team, its head or a member sat on it in the assessment's period.
    "team assessees whose team's term is outside the assessment's period": lambda: Assessee.objects.filter(
        category=Assessee.Category.TEAM).filter(Q(team__elected_on__gt=F("assessment__ends_on"))
                                                 | Q(team__term_ends_on__lte=F("assessment__starts_on"))),
    "assessed team members who were not on the township's team in the period": lambda: Assessee.objects.filter(
        category__in=[Assessee.Category.TEAM_HEAD, Assessee.Category.TEAM_MEMBER]).exclude(on_the_team_in_period()),
    "assessed team heads who did not head the township's team in the period": lambda: Assessee.objects.filter(
        category=Assessee.Category.TEAM_HEAD).exclude(on_the_team_in_period(is_head=True)),
    "assessees confirmed before their assessment's period began or on a day still to come": lambda: (
        Assessee.objects.filter(Q(confirmed_on__lt=F("assessment__starts_on")) | Q(confirmed_on__gt=clock.today()))),
}


@pytest.mark.parametrize("label", list(CHECKS))
def test_no_demo_record_breaks_a_dependency_in_time(demo, db, label):
    broken = CHECKS[label]()
    assert not broken.exists(), f"{label}: {broken.count()}"


def test_the_checks_see_records(demo, db):
    # Each check looks at records that exist: a query over nothing would pass whatever the dates.
    assert Posting.objects.filter(kind=Posting.Kind.ENTERPRISE).exists()
    assert Mentorship.objects.exists()
    assert Task.objects.filter(work_list__isnull=False).exists() and SupervisedItem.objects.exists()
    assert MeetingAttendance.objects.filter(role=MeetingAttendance.Role.LEADER).exists()
    assert Meeting.objects.exclude(kind__in=TEAM_KINDS).filter(lecturer__isnull=False).exists()
    assert StudySession.objects.filter(kind=StudyKind.PARTY_LECTURE, lecturer__isnull=False).exists()
    assert LeadDutyRecord.objects.exists() and DutyShift.objects.exists()
    assert Talk.objects.filter(talker__organization__kind=Organization.Kind.TOWNSHIP).exists()
    assert Meeting.talks.through.objects.exists()
    assert Assessee.objects.filter(category=Assessee.Category.TEAM_MEMBER).exists()
    assert Assessee.objects.filter(category=Assessee.Category.TEAM_HEAD).exists()


def test_99_leading_and_reserve_cadres_in_41_enterprises(demo, db):
    summary = practice_metrics.enterprise_service(demo["user"])
    assert summary["enterprises"] == 41
    assert summary["cadres"] == summary["leading_or_reserve"] == 99


def test_the_105_newly_promoted_trained_for_3_days_and_3_lecture_halls(demo, db):
    figures = training_metrics.program_figures(TrainingProgram.objects.get(name=SPECIAL_NAME))
    assert figures["people"] == 105 and figures["session_days"] == 3
    assert TrainingProgram.objects.filter(kind=TrainingProgram.Kind.LECTURE_HALL).count() == 3


def test_professors_of_the_party_schools_and_the_agricultural_university_teach_2600_odd(demo, db):
    program = TrainingProgram.objects.get(name=TO_TOWNSHIPS_NAME)
    lecturers = Lecturer.objects.filter(sessions__program=program).distinct()
    assert lecturers.count() == 8
    assert {lecturer.title for lecturer in lecturers} == {"教授"}
    assert {lecturer.affiliation for lecturer in lecturers} == TO_TOWNSHIPS_AFFILIATIONS
    figures = training_metrics.program_figures(program)
    assert figures["session_days"] == 4 and 2600 <= figures["person_times"] < 2700
    # Its audience: the township cadres and the county departments' leading cadres.
    present = TrainingAttendance.objects.filter(session__program=program, status=PRESENT)
    assert present.filter(cadre__organization__kind=Organization.Kind.DEPARTMENT,
                          cadre__rank__in=[Cadre.Rank.SECTION_CHIEF, Cadre.Rank.DEPUTY_SECTION_CHIEF]).exists()
    assert present.filter(cadre__organization__township__isnull=False).exists()


# The whole demo loads once for the module: minutes on a busy two-core machine, more than the default limit.
pytestmark = pytest.mark.timeout(1800)
