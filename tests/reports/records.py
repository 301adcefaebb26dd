"""Records of every kind a report figure counts, for two townships, in the first and the second half
of 2026 with one on each edge of the halves (30 June, 1 July) and some just outside the year."""
import datetime

from banzi.assessment.models import Assessment, Award, Grade
from banzi.conduct.models import Violation
from banzi.governance.models import AgendaItem, MeetingKind, Opinion
from banzi.org.models import Organization
from banzi.practice.models import Posting, StudyVisit
from banzi.study.models import StudyAttendance, StudyKind, StudySession
from banzi.talks.models import Talk
from banzi.tasks.models import SupervisedItem, Task
from banzi.training.models import Attendance, TrainingProgram
from tests import factories as f
from tests.assessment import factories as af
from tests.conduct import factories as cf
from tests.governance import cases as gc
from tests.practice import cases as pc
from tests.talks import factories as talks
from tests.tasks import cases as tc
from tests.training import factories as tf

D = datetime.date
KIND = TrainingProgram.Kind
# The edges: the last day before the second half, its first day, and days outside 2026.
H1_END, H2_START = D(2026, 6, 30), D(2026, 7, 1)
BEFORE, EARLY, LATE = D(2025, 12, 31), D(2026, 1, 1), D(2026, 11, 30)
DAYS = (BEFORE, EARLY, H1_END, H2_START, LATE)


def moment(day):
    return datetime.datetime(day.year, day.month, day.day, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


def training(township, day, weight):
    promoted = [tf.cadre(township, is_newly_promoted=True) for _ in range(weight)]
    others = [tf.cadre(township) for _ in range(weight)]
    lecturer = tf.lecturer(township)
    for kind in (KIND.SPECIAL, KIND.LECTURE_HALL, KIND.TO_TOWNSHIPS, KIND.CENTRALIZED):
        program = tf.program(township, kind=kind, start_on=day, end_on=day)
        # Two sessions on the day by one lecturer: the same cadres, program, lecturer and day twice.
        for _session in range(2):
            session = tf.session(program, held_on=day, lecturer=lecturer)
            for cadre in promoted:
                tf.attend(session, cadre)
            for cadre in others:
                tf.attend(session, cadre, Attendance.Status.ABSENT if weight % 2 else Attendance.Status.PRESENT)


def practice(township, day, weight):
    pc.group(township, started_on=day, ended_on=day)
    pc.group(township, started_on=day - datetime.timedelta(days=400), ended_on=None)  # open: runs on
    cadre = f.CadreFactory(organization=township)
    for _ in range(weight):
        pc.posting(township, cadre=cadre, kind=Posting.Kind.ENTERPRISE, started_on=day, ended_on=day)
    # Another cadre serving the enterprise of the last posting: two cadres at one enterprise.
    pc.posting(township, kind=Posting.Kind.ENTERPRISE, place=Posting.objects.latest("pk").organization,
               started_on=day, ended_on=day)
    pc.posting(township, kind=Posting.Kind.FIRST_SECRETARY, started_on=day, ended_on=day)
    pc.mentorship(township, started_on=day, ended_on=day)
    StudyVisit.objects.create(title="观摩学习", organization=township, host=pc.model_unit(township), visited_on=day,
                              learned="经验")


def governance(township, day, weight):
    members = [f.CadreFactory(organization=township) for _ in range(2)]
    for kind in (MeetingKind.COMMITTEE, MeetingKind.LIFE_MEETING):
        meeting = gc.meeting(township, kind=kind, members=members, held_on=day)
    for index in range(weight):
        item = gc.agenda_item(township, meeting, category=AgendaItem.Category.MAJOR_DECISION)
        if index % 2 == 0:
            item.outcome = AgendaItem.Outcome.PASSED
            item.save()
            Opinion.objects.create(item=item, cadre=members[0], order=1, stance=Opinion.Stance.AGREE)
    gc.agenda_item(township, meeting, category=AgendaItem.Category.ORDINARY)


def org_life(township, day, weight):
    """A village branch's meetings of the three meetings and a lecture on the day, and the township
    team's democratic life meeting attended by enough members (weight odd) or too few (even)."""
    village = (Organization.objects.filter(parent=township, kind=Organization.Kind.VILLAGE).first()
               or f.VillageFactory(parent=township))
    for kind in (MeetingKind.BRANCH_COMMITTEE, MeetingKind.PARTY_GROUP)[:weight]:
        gc.meeting(village, kind=kind, members=[], held_on=day)
    members = [f.CadreFactory(organization=township) for _ in range(3)]
    gc.meeting(township, kind=MeetingKind.LIFE_MEETING, members=members, held_on=day,
               present=3 if weight % 2 else 1)


def study(township, day, weight):
    """Group study sessions on the day, each with cadres present and one absent (not counted)."""
    cadres = [f.CadreFactory(organization=township) for _ in range(weight + 1)]
    for kind in (StudyKind.COMMITTEE_THEORY, StudyKind.PARTY_LECTURE, StudyKind.STAFF_STUDY)[:weight + 1]:
        session = StudySession.objects.create(organization=township, kind=kind, held_on=day, minutes=90,
                                              topic="集体学习", lecturer=cadres[0])
        for cadre in cadres[:-1]:
            StudyAttendance.objects.create(session=session, cadre=cadre)
        StudyAttendance.objects.create(session=session, cadre=cadres[-1], status=StudyAttendance.Status.ABSENT,
                                       absence_reason="公出")


def talks_held(township, day, weight):
    talkee = f.CadreFactory(organization=township)
    for index in range(weight):
        talks.talk(township, talkee=talkee, held_on=day,
                   kind=Talk.Kind.INTEGRITY if index % 2 else Talk.Kind.HEART_TO_HEART)
    talks.talk(township, held_on=day)
    # Talk plans: entries due on the day, one covered on time by a cadre of the township, one late
    # (a day after), one never covered.
    plan = talks.plan(township, starts_on=day - datetime.timedelta(days=60), due_on=day)
    talker = f.CadreFactory(organization=township)
    for index in range(weight + 1):
        entry = talks.entry(township, plan, due_on=day)
        if index < weight:
            late = index % 2 == 1
            talks.talk(township, talker=talker, talkee=entry.talkee,
                       held_on=day + datetime.timedelta(days=1) if late else day)


def conduct(township, day, weight):
    cadre = f.CadreFactory(organization=township)
    for _ in range(weight):
        cf.violation(cadre, occurred_on=day, status=Violation.Status.CONFIRMED)
    cf.violation(cadre, occurred_on=day, status=Violation.Status.DISMISSED)


def tasks(township, day, weight):
    for index in range(weight):
        tc.task(township, start_on=day - datetime.timedelta(days=30), deadline=day, status=Task.Status.DONE,
                completed_on=day if index % 2 == 0 else day + datetime.timedelta(days=1), progress=100)
    tc.task(township, start_on=day - datetime.timedelta(days=30), deadline=day, status=Task.Status.IN_PROGRESS)
    tc.task(township, start_on=day - datetime.timedelta(days=30), deadline=day, status=Task.Status.CANCELLED)
    closed = moment(day)
    tc.item(township, status=SupervisedItem.Status.CLOSED, assigned_at=closed - datetime.timedelta(days=3),
            deployed_at=closed - datetime.timedelta(days=2), first_report_at=closed - datetime.timedelta(days=2),
            done_at=closed - datetime.timedelta(days=1), closed_at=closed, close_evidence="验收报告")


def assessment(township, day, weight):
    parent = Assessment.objects.filter(ends_on=day, status=Assessment.Status.PUBLISHED).first() or af.assessment(
        kind=Assessment.Kind.SPECIAL, year=day.year, starts_on=D(day.year, 1, 1), ends_on=day,
        status=Assessment.Status.PUBLISHED, title=f"专项考核{day}")
    for _ in range(weight):
        result = af.confirmed_result(township, parent=parent, grade=Grade.EXCELLENT)
        Award.objects.create(assessment=parent, assessee=result, kind=Award.Kind.GOOD_BACKBONE, reason="业绩突出",
                             status=Award.Status.DECIDED, decided_on=day)
    af.confirmed_result(township, parent=parent, grade=Grade.COMPETENT)


BUILDERS = (training, study, practice, governance, org_life, talks_held, conduct, tasks, assessment)


def make_records(township, other):
    """Each builder on each day, in both townships (the other with different weights)."""
    for index, day in enumerate(DAYS):
        for build in BUILDERS:
            build(township, day, 1 + index % 3)
            build(other, day, 2 + index % 2)
