"""The training rules and figures on small hand-built data; every expected number is worked out
by hand in the test."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from banzi.core.errors import Code
from banzi.core.models import Rule
from banzi.core.services import save_object
from banzi.training import metrics, services
from banzi.training.models import Attendance, Enrollment, TrainingNeed, TrainingProgram, TrainingSession
from tests import factories as f
from tests.errors import ALL, codes, refused

from . import factories as tf

pytestmark = pytest.mark.django_db

PRESENT, ABSENT, EXCUSED = Attendance.Status.PRESENT, Attendance.Status.ABSENT, Attendance.Status.EXCUSED
D = datetime.date


@pytest.fixture
def week(township):
    """One township program of 2025-03-10..14 with four sessions and three cadres.

    s1 03-10 3h, s2 03-10 2.5h (same date), s3 03-11 4h, s4 03-12 3h.
    A: s1 present, s2 present, s3 present, s4 absent -> 3 person-times, 2 days, 9.5 hours
    B: s1 present, s3 excused, s4 present             -> 2 person-times, 2 days, 6 hours
    C: s1 absent                                      -> 0
    """
    program = tf.program(township, name="集中培训")
    political, building = tf.topic("政治理论"), tf.topic("党的建设")
    s1 = tf.session(program, D(2025, 3, 10), "3", topic=political)
    s2 = tf.session(program, D(2025, 3, 10), "2.5", topic=political)
    s3 = tf.session(program, D(2025, 3, 11), "4", topic=building)
    s4 = tf.session(program, D(2025, 3, 12), "3", topic=building)
    a, b, c = (tf.cadre(township, name=name) for name in ("甲", "乙", "丙"))
    for session, cadre, status in [(s1, a, PRESENT), (s2, a, PRESENT), (s3, a, PRESENT), (s4, a, ABSENT),
                                   (s1, b, PRESENT), (s3, b, EXCUSED), (s4, b, PRESENT), (s1, c, ABSENT)]:
        tf.attend(session, cadre, status)
    return {"program": program, "sessions": (s1, s2, s3, s4), "a": a, "b": b, "c": c}


def hours_of(user, year=2025):
    return {c.name: (c.training_days, c.credit_hours) for c in metrics.cadre_hours(user, year)}


# --- figures -----------------------------------------------------------------------------------

def test_program_figures_count_present_attendances_only(week):
    figures = metrics.program_figures(week["program"])
    assert figures["person_times"] == 5  # A 3 + B 2
    assert figures["people"] == 2  # A and B
    assert figures["enrolled"] == 3
    assert figures["session_count"] == 4
    assert figures["session_days"] == 3  # 03-10, 03-11, 03-12
    assert figures["program_hours"] == Decimal("12.5")  # 3 + 2.5 + 4 + 3


def test_training_days_are_distinct_dates_and_hours_add_up(week, county_admin):
    hours = hours_of(county_admin)
    assert hours["甲"] == (2, Decimal("9.5"))  # 03-10 twice is one day; 3 + 2.5 + 4
    assert hours["乙"] == (2, Decimal("6"))  # excused s3 counts nothing; 3 + 3
    assert hours["丙"] == (0, Decimal("0"))


def test_another_years_sessions_do_not_count(week, township, county_admin):
    old = tf.program(township, start_on=D(2024, 6, 1), end_on=D(2024, 6, 1))
    tf.attend(tf.session(old, hours="8"), week["a"])
    assert hours_of(county_admin)["甲"] == (2, Decimal("9.5"))
    assert hours_of(county_admin, 2024)["甲"] == (1, Decimal("8"))


def test_minimum_is_met_by_days_or_by_hours_at_the_boundary(week, county_admin):
    # Defaults 12 days / 90 hours: everyone is short, each with what they still need.
    rule = metrics.minimum()
    assert rule == {"days": 12, "credit_hours": Decimal("90")}
    short = {c.name for c in metrics.shortfall(metrics.cadre_hours(county_admin, 2025))}
    assert short == {"甲", "乙", "丙"}
    assert metrics.needs(2, Decimal("9.5")) == {"days": 10, "credit_hours": Decimal("80.5")}
    # Exactly the days: met; one day fewer: not.
    Rule.objects.create(key=metrics.RULE, value={"days": 2, "credit_hours": 90})
    short = {c.name for c in metrics.shortfall(metrics.cadre_hours(county_admin, 2025))}
    assert short == {"丙"}
    # Exactly the hours (9.5) meets it for 甲 with too few days; 乙 has neither.
    Rule.objects.filter(key=metrics.RULE).update(value={"days": 3, "credit_hours": "9.5"})
    short = {c.name for c in metrics.shortfall(metrics.cadre_hours(county_admin, 2025))}
    assert short == {"乙", "丙"}
    assert metrics.meets(2, Decimal("9.5")) and not metrics.meets(2, Decimal("9.4"))
    assert metrics.needs(2, Decimal("6")) == {"days": 1, "credit_hours": Decimal("3.5")}


def test_statistics_by_kind_topic_organizer_and_month(week, township, other_township, county, county_admin):
    # A county lecture hall in May: 甲 present, a cadre of the other township present.
    hall = tf.program(county, kind=TrainingProgram.Kind.LECTURE_HALL, start_on=D(2025, 5, 6), end_on=D(2025, 5, 6))
    lecture = tf.session(hall, topic=tf.topic("政治理论"), hours="3")
    tf.attend(lecture, week["a"])
    far = tf.cadre(other_township, name="丁")
    tf.attend(lecture, far)
    stats = metrics.statistics(county_admin, 2025)
    assert stats["summary"]["person_times"] == 7  # 5 in March + 2 in May
    assert stats["summary"]["people"] == 3  # 甲, 乙, 丁
    assert stats["summary"]["programs"] == 2 and stats["summary"]["sessions"] == 5
    assert stats["summary"]["credit_hours"] == Decimal("21.5")  # 9.5 + 6 + 3 + 3
    assert {r["key"]: r["person_times"] for r in stats["by_kind"]} == {"centralized": 5, "lecture_hall": 2}
    # 政治理论: s1 (甲, 乙), s2 (甲), the lecture (甲, 丁) = 5; 党的建设: s3 (甲), s4 (乙) = 2
    assert {r["label"]: r["person_times"] for r in stats["by_topic"]} == {"政治理论": 5, "党的建设": 2}
    assert {r["label"]: r["person_times"] for r in stats["by_organization"]} == {township.name: 5, county.name: 2}
    assert {r["label"]: r["person_times"] for r in stats["by_township"]} == {township.name: 6, other_township.name: 1}
    months = [r["person_times"] for r in stats["by_month"]]
    assert months == [0, 0, 5, 0, 2, 0, 0, 0, 0, 0, 0, 0]
    assert stats["cadres"] == 4 and stats["cadres_short"] == 4 and stats["cadres_meeting"] == 0


def test_a_township_counts_its_own_cadres_in_county_programs(week, township, other_township, county,
                                                              township_admin):
    hall = tf.program(county, start_on=D(2025, 5, 6), end_on=D(2025, 5, 6))
    lecture = tf.session(hall)
    tf.attend(lecture, week["a"])
    tf.attend(lecture, tf.cadre(other_township, name="丁"))
    stats = metrics.statistics(township_admin, 2025)
    assert stats["summary"]["person_times"] == 6  # 5 + 甲 in the lecture hall; 丁 is not theirs
    assert stats["summary"]["people"] == 2
    assert stats["cadres"] == 3
    assert "丁" not in hours_of(township_admin)


def test_a_cadres_own_hours(week):
    own = metrics.own_hours(week["b"], 2025)
    assert own["days"] == 2 and own["credit_hours"] == Decimal("6")
    assert not own["meets"] and own["needs"] == {"days": 10, "credit_hours": Decimal("84")}


# --- rules -------------------------------------------------------------------------------------

def test_a_township_cannot_enroll_another_townships_cadre(township, other_township, township_admin, county_admin):
    program = tf.program(township)
    stranger = tf.cadre(other_township, name="外乡人")
    with refused("cadre", Code.OTHER_TOWNSHIP):
        services.save_enrollment(county_admin, Enrollment(program=program, cadre=stranger))
    own, another = tf.cadre(township, name="本乡人"), tf.cadre(other_township, name="外乡人二")
    with pytest.raises(ValidationError) as exc:
        services.enroll_cadres(county_admin, program, [own, stranger, another])
    # One error names every cadre the program cannot take, each with its rule's code.
    assert codes(exc.value) == {ALL: [Code.OTHER_TOWNSHIP, Code.OTHER_TOWNSHIP]}
    assert "外乡人" in str(exc.value) and "外乡人二" in str(exc.value)
    assert not Enrollment.objects.exists()  # all or none
    assert len(services.enroll_cadres(township_admin, program, [own])) == 1


def test_a_county_program_enrolls_anyone_but_only_the_county_changes_it(township, other_township, county,
                                                                         county_admin, township_admin):
    program = tf.program(county)
    ours, theirs = tf.cadre(township), tf.cadre(other_township)
    assert len(services.enroll_cadres(county_admin, program, [ours, theirs])) == 2
    assert TrainingProgram.objects.visible_to(township_admin).filter(pk=program.pk).exists()
    assert not TrainingProgram.objects.editable_by(township_admin).filter(pk=program.pk).exists()
    with pytest.raises(PermissionDenied):
        services.save_session(township_admin, TrainingSession(program=program, title="x", topic=tf.topic(),
                                                               held_on=program.start_on, credit_hours=2))
    with pytest.raises(PermissionDenied):
        services.enroll_cadres(township_admin, program, [tf.cadre(township)])
    with pytest.raises(PermissionDenied):
        save_object(township_admin, program)
    # The township reads its own cadre's enrollment in the county program, not the other's.
    visible = set(Enrollment.objects.visible_to(township_admin).values_list("cadre", flat=True))
    assert visible == {ours.pk}


def test_a_session_must_fall_within_its_programs_dates(township, county_admin):
    program = tf.program(township)  # 03-10 .. 03-14
    for day, ok in [(D(2025, 3, 9), False), (D(2025, 3, 10), True), (D(2025, 3, 14), True), (D(2025, 3, 15), False)]:
        session = TrainingSession(program=program, title=f"课{day}", topic=tf.topic(), held_on=day, credit_hours=2)
        if ok:
            services.save_session(county_admin, session)
        else:
            with refused("held_on", Code.OUTSIDE_PERIOD):
                services.save_session(county_admin, session)
    assert program.sessions.count() == 2
    # Moving the program's end before a session is refused, naming the session.
    program.end_on = D(2025, 3, 13)
    with refused("end_on", Code.OUTSIDE_PERIOD) as exc:
        services.save_program(county_admin, program)
    assert "课2025-03-14" in str(exc.value)
    program.refresh_from_db()
    assert program.end_on == D(2025, 3, 14)


def test_program_and_session_dates_and_hours(township, county_admin):
    with refused("end_on", Code.DATE_ORDER):
        services.save_program(county_admin, TrainingProgram(name="x", kind="special", organizer=township,
                                                            start_on=D(2025, 3, 2), end_on=D(2025, 3, 1)))
    with refused("organizer", Code.WRONG_KIND):
        services.save_program(county_admin, TrainingProgram(name="x", kind="special", organizer=f.VillageFactory(
            parent=township), start_on=D(2025, 3, 2), end_on=D(2025, 3, 2)))
    one_day = services.save_program(county_admin, TrainingProgram(name="一天", kind="special", organizer=township,
                                                                  start_on=D(2025, 3, 2), end_on=D(2025, 3, 2)))
    for hours, code in (("0", "min_value"), ("12.5", "max_value")):
        with refused("credit_hours", code):
            services.save_session(county_admin, TrainingSession(program=one_day, title="x", topic=tf.topic(),
                                                                held_on=one_day.start_on, credit_hours=hours))
    with refused("ends_at", Code.DATE_ORDER):
        services.save_session(county_admin, TrainingSession(
            program=one_day, title="x", topic=tf.topic(), held_on=one_day.start_on, credit_hours=2,
            starts_at=datetime.time(10), ends_at=datetime.time(9)))
    assert not one_day.sessions.exists()


def test_only_enrolled_cadres_attend(township, county_admin):
    program = tf.program(township)
    session = tf.session(program)
    outsider = tf.cadre(township, name="未报名")
    with refused("cadre", Code.NOT_ENROLLED):
        services.save_attendance(county_admin, Attendance(session=session, cadre=outsider))
    enrolled = tf.cadre(township, name="已报名")
    tf.enroll(program, enrolled)
    with refused(ALL, Code.NOT_ENROLLED):
        services.record_session_attendance(county_admin, session, {enrolled.pk: PRESENT, outsider.pk: PRESENT})
    with refused(ALL, Code.INVALID_CHOICE):
        services.record_session_attendance(county_admin, session, {enrolled.pk: "late"})
    assert not Attendance.objects.exists()
    assert services.record_session_attendance(county_admin, session, {enrolled.pk: PRESENT}) == 1
    assert services.record_session_attendance(county_admin, session, {enrolled.pk: PRESENT}) == 0  # unchanged
    assert services.record_session_attendance(county_admin, session, {enrolled.pk: EXCUSED}) == 1
    attendance = Attendance.objects.get()
    assert attendance.status == EXCUSED
    assert attendance.history.count() == 2
    assert attendance.history.first().history_user == county_admin


def test_a_cadre_is_enrolled_and_marked_once(township, county_admin):
    program = tf.program(township)
    cadre = tf.cadre(township)
    tf.enroll(program, cadre)
    with refused(ALL, Code.UNIQUE):
        services.save_enrollment(county_admin, Enrollment(program=program, cadre=cadre))
    session = tf.session(program)
    tf.attend(session, cadre)
    with refused(ALL, Code.UNIQUE):
        services.save_attendance(county_admin, Attendance(session=session, cadre=cadre, status=ABSENT))


def test_an_archived_cadre_cannot_be_enrolled(township, county_admin):
    cadre = tf.cadre(township, status="archived", archived_on=D(2025, 1, 1))
    with refused("cadre", Code.CADRE_ARCHIVED):
        services.save_enrollment(county_admin, Enrollment(program=tf.program(township), cadre=cadre))


# --- needs -------------------------------------------------------------------------------------

def test_open_needs_are_matched_to_upcoming_programs_on_their_topic(township, other_township, county,
                                                                     county_admin, township_admin):
    today = D(2025, 6, 1)
    revival = tf.topic("乡村振兴")
    emergency = tf.topic("应急管理")
    covered = tf.need(township, topic_name="乡村振兴")
    uncovered = tf.need(township, topic_name="应急管理")
    theirs = tf.need(other_township, topic_name="应急管理")
    met = tf.need(township, topic_name="应急管理")
    upcoming = tf.program(county, [revival], start_on=D(2025, 7, 1), end_on=D(2025, 7, 2))
    tf.program(county, [emergency], start_on=D(2025, 5, 1), end_on=D(2025, 5, 2))  # already past
    other_townships_own = tf.program(other_township, [emergency], start_on=D(2025, 7, 1), end_on=D(2025, 7, 2))
    services.mark_need_met(county_admin, met, upcoming)
    met.refresh_from_db()
    assert met.status == TrainingNeed.Status.MET and met.met_by == upcoming

    matches = dict(metrics.match_needs(county_admin, today))
    assert matches[covered] == [upcoming]
    assert matches[uncovered] == []  # the past program does not count, nor another township's own
    assert matches[theirs] == [other_townships_own]
    assert met not in matches
    assert metrics.uncovered_needs(county_admin, today) == [uncovered]
    assert set(metrics.uncovered_needs(township_admin, today)) == {uncovered}


def test_a_need_met_names_its_program(township, county_admin, township_admin):
    need = tf.need(township)
    need.status = TrainingNeed.Status.MET
    with refused("met_by", Code.REQUIRED):
        services.save_need(county_admin, need)
    need.status, need.met_by = TrainingNeed.Status.OPEN, tf.program(township)
    with refused("status", Code.STATUS_MISMATCH):
        services.save_need(county_admin, need)
    with refused(ALL, Code.OUTSIDE_SCOPE):
        services.mark_need_met(township_admin, need, tf.program(f.TownshipFactory()))
    cadre_elsewhere = f.CadreFactory()
    need = TrainingNeed(organization=township, cadre=cadre_elsewhere, topic=tf.topic())
    with refused("cadre", Code.OTHER_TOWNSHIP):
        services.save_need(county_admin, need)


def test_person_times_by_the_cadres_township_put_department_cadres_together(township, county, county_admin):
    hall = tf.program(county)
    first, second = tf.session(hall, D(2025, 3, 10)), tf.session(hall, D(2025, 3, 11))
    department = f.DepartmentFactory(parent=county, name="县委宣传部")
    clerk, officer = tf.cadre(department, name="部门干部"), tf.cadre(township, name="乡镇干部")
    for session in (first, second):
        tf.attend(session, clerk)
    tf.attend(first, officer)
    tf.attend(second, officer, ABSENT)
    rows = {str(r["label"]): (r["person_times"], r["people"]) for r in metrics.statistics(county_admin, 2025)[
        "by_township"]}
    assert rows == {"County departments": (2, 1), township.name: (1, 1)}
