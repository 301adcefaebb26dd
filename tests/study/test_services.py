"""The study rules at their boundaries, the automatic duty credits and the registries."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from banzi.core.errors import Code
from banzi.core.roles import Role
from banzi.study import credits, duties, metrics, services, sources
from banzi.study.models import (
    LeadDutyEvidence,
    LeadDutyRecord,
    StudyAttendance,
    StudyKind,
    StudyRecord,
    StudySession,
)
from tests import factories as f
from tests.errors import ALL, codes, refused

from .factories import duty, leader, pdf_file, png_bytes, record, session, today

pytestmark = pytest.mark.django_db


# --- personal daily study ---------------------------------------------------------------------

def _entry(user, **fields):
    fields.setdefault("studied_on", today())
    fields.setdefault("minutes", 30)
    fields.setdefault("material", "党章")
    return services.record_my_study(user, **fields)


def test_cadre_records_own_study(cadre_user):
    entry = _entry(cadre_user, note="第三章")
    assert entry.cadre == cadre_user.cadre and entry.history.first().history_user == cadre_user


@pytest.mark.parametrize("minutes", [0, -5, 1441])
def test_minutes_outside_one_to_a_day_are_refused(cadre_user, minutes):
    with refused("minutes", Code.MINUTES):
        _entry(cadre_user, minutes=minutes)
    assert not StudyRecord.objects.exists()


def test_a_day_may_hold_24_hours_and_not_a_minute_more(cadre_user):
    _entry(cadre_user, minutes=1000)
    _entry(cadre_user, minutes=440)  # 1440: exactly 24 hours
    with refused("minutes", Code.DAY_TOTAL):
        _entry(cadre_user, minutes=1)
    assert StudyRecord.objects.count() == 2
    # Another day is not affected.
    _entry(cadre_user, minutes=30, studied_on=today() - datetime.timedelta(days=1))


def test_editing_a_record_counts_the_day_without_itself(cadre_user):
    entry = _entry(cadre_user, minutes=1440)
    entry.minutes = 1400
    services.save_study_record(cadre_user, entry)
    assert StudyRecord.objects.get().minutes == 1400


def test_a_record_dated_in_the_future_is_refused(cadre_user):
    with refused("studied_on", Code.FUTURE_DATE):
        _entry(cadre_user, studied_on=today() + datetime.timedelta(days=1))
    assert not StudyRecord.objects.exists()


def test_a_cadre_cannot_write_someone_elses_record(cadre_user, township):
    other = f.CadreFactory(organization=township)
    with pytest.raises(PermissionDenied):
        services.save_study_record(cadre_user, StudyRecord(cadre=other, studied_on=today(), minutes=30, material="x"))
    with pytest.raises(PermissionDenied):
        services.record_my_study(f.UserFactory(role=Role.TOWNSHIP_ADMIN, organization=township),
                                 studied_on=today(), minutes=30, material="x")
    assert not StudyRecord.objects.exists()


def test_monthly_totals_add_up_each_persons_month(township, other_township, township_admin):
    a = f.CadreFactory(organization=township, name="甲")
    b = f.CadreFactory(organization=township, name="乙")
    far = f.CadreFactory(organization=other_township)
    month = today().replace(day=1)
    # a: 30 + 45 on the 1st, 20 on the 2nd -> 2 days, 95 minutes; last month's record is not counted.
    record(a, studied_on=month, minutes=30)
    record(a, studied_on=month, minutes=45)
    if today().day >= 2:
        record(a, studied_on=month + datetime.timedelta(days=1), minutes=20)
    record(a, studied_on=month - datetime.timedelta(days=1), minutes=60)
    record(far, studied_on=month, minutes=30)
    rows = {c.pk: c for c in metrics.monthly_totals(township_admin, month.year, month.month)}
    assert set(rows) == {a.pk, b.pk}
    expected_days, expected_minutes = (2, 95) if today().day >= 2 else (1, 75)
    assert (rows[a.pk].study_days, rows[a.pk].study_minutes) == (expected_days, expected_minutes)
    assert (rows[b.pk].study_days, rows[b.pk].study_minutes) == (0, 0)


def test_reminder_choice_is_the_cadres_own(cadre_user, township_admin):
    assert services.set_reminder_choice(cadre_user, True).remind_after_a_week
    assert not services.set_reminder_choice(cadre_user, False).remind_after_a_week
    with pytest.raises(PermissionDenied):
        services.set_reminder_choice(township_admin, True)


# --- group study and attendance ---------------------------------------------------------------

def test_session_rules(township, township_admin, other_township):
    with refused("lecturer", Code.REQUIRED):
        services.save_session(township_admin, StudySession(organization=township, kind=StudyKind.PARTY_LECTURE,
                                                           held_on=today(), minutes=60, topic="党课"))
    with refused("minutes", Code.MINUTES):
        services.save_session(township_admin, StudySession(organization=township, kind=StudyKind.STAFF_STUDY,
                                                           held_on=today(), minutes=0, topic="学习"))
    far = f.CadreFactory(organization=other_township)
    with refused("lecturer", Code.OUTSIDE_SCOPE):
        services.save_session(township_admin, StudySession(organization=township, kind=StudyKind.PARTY_LECTURE,
                                                           held_on=today(), minutes=60, topic="党课", lecturer=far))
    assert not StudySession.objects.exists()


def test_recording_a_session_marks_its_attendees_present(township, township_admin):
    people = [f.CadreFactory(organization=township) for _ in range(3)]
    saved = services.save_session(township_admin, StudySession(
        organization=township, kind=StudyKind.COMMITTEE_THEORY, held_on=today(), minutes=120, topic="学习"),
        attendees=people)
    assert set(saved.attendances.values_list("cadre_id", flat=True)) == {c.pk for c in people}
    assert set(saved.attendances.values_list("status", flat=True)) == {StudyAttendance.Status.PRESENT}


def test_attendance_rules(township, township_admin, other_township):
    s = session(township)
    cadre = f.CadreFactory(organization=township)
    for fields, field, code in [({"status": "absent"}, "absence_reason", Code.REQUIRED),
                                ({"absence_reason": "病假"}, "absence_reason", Code.NOT_APPLICABLE),
                                ({"role": "guide", "status": "absent", "absence_reason": "病假"}, "status",
                                 Code.STATUS_MISMATCH)]:
        with refused(field, code):
            services.save_attendance(township_admin, StudyAttendance(session=s, cadre=cadre, **fields))
    with refused("cadre", Code.OUTSIDE_SCOPE):
        services.save_attendance(township_admin, StudyAttendance(session=s, cadre=f.CadreFactory(
            organization=other_township)))
    services.save_attendance(township_admin, StudyAttendance(session=s, cadre=cadre))
    with refused(ALL, Code.UNIQUE):
        services.save_attendance(township_admin, StudyAttendance(session=s, cadre=cadre))
    assert s.attendances.count() == 1


# --- automatic credits --------------------------------------------------------------------------

def _year():
    return metrics.year_bounds(today().year)


def test_a_party_lecture_credits_its_lecturer_once_and_goes_with_the_session(township, township_admin):
    lecturer = leader(township)
    lecture = session(township, kind=StudyKind.PARTY_LECTURE, lecturer=lecturer, topic="从严治党")
    StudyAttendance.objects.create(session=lecture, cadre=lecturer)  # also present: still one credit
    found = credits.credits_for([lecturer.pk], *_year())
    assert [(c.duty_key, c.source_id) for c in found] == [(duties.PARTY_LECTURE, lecture.pk)]
    assert "从严治党" in found[0].label and found[0].url == reverse("study:studysession_detail", args=[lecture.pk])
    # Another kind of session, or someone else's lecture, gives no credit.
    session(township, kind=StudyKind.STAFF_STUDY, lecturer=lecturer)
    session(township, kind=StudyKind.PARTY_LECTURE, lecturer=f.CadreFactory(organization=township))
    assert len(credits.credits_for([lecturer.pk], *_year())) == 1
    from banzi.core import services as core_services
    core_services.delete_object(township_admin, lecture)
    assert credits.credits_for([lecturer.pk], *_year()) == []


def test_guiding_a_village_study_credits_the_guide_only(township, township_admin):
    guide = leader(township)
    attendee = leader(township)
    village = f.VillageFactory(parent=township)
    study = session(village, kind=StudyKind.PARTY_GROUP)
    StudyAttendance.objects.create(session=study, cadre=guide, role=StudyAttendance.AttendanceRole.GUIDE)
    StudyAttendance.objects.create(session=study, cadre=attendee)
    # Guiding a study that is not at a village is no village study.
    at_township = session(township)
    StudyAttendance.objects.create(session=at_township, cadre=attendee, role=StudyAttendance.AttendanceRole.GUIDE)
    by_key = credits.credits_by_cadre_and_duty([guide.pk, attendee.pk], *_year())
    assert list(by_key) == [(guide.pk, duties.VILLAGE_STUDY)]
    assert len(by_key[(guide.pk, duties.VILLAGE_STUDY)]) == 1
    from banzi.core import services as core_services
    core_services.delete_object(township_admin, study.attendances.get(cadre=guide))
    assert credits.credits_for([guide.pk], *_year()) == []


@pytest.fixture
def fake_sources():
    """A provider registered as another app would (a governance meeting, a practice posting)."""
    added = []

    def register(credit_func=None, source_func=None):
        if credit_func:
            credits.provider(credit_func)
            added.append((credits._providers, credit_func))
        if source_func:
            sources.provider(source_func)
            added.append((sources._providers, source_func))
    yield register
    for registry, func in added:
        registry.remove(func)


def test_a_registered_provider_shows_in_the_matrix(township, fake_sources):
    team = f.TeamFactory(township=township, elected_on=today() - datetime.timedelta(days=400))
    membership = f.TeamMembershipFactory(team=team, started_on=team.elected_on)
    cadre = membership.cadre

    def meeting_credits(cadre_ids, start, end):
        if cadre.pk in cadre_ids:
            yield credits.Credit(cadre_id=cadre.pk, duty_key=duties.THEME_PARTY_DAY, date=start,
                                 label="主题党日", source="governance.meeting", source_id=7)
            yield credits.Credit(cadre_id=cadre.pk, duty_key=duties.THEME_PARTY_DAY, date=start,
                                 label="主题党日", source="governance.meeting", source_id=7)  # the same proof twice
    fake_sources(credit_func=meeting_credits)
    LeadDutyRecord.objects.create(cadre=cadre, duty=duty(duties.THEME_PARTY_DAY), done_on=today(), description="参加")
    matrix = metrics.team_matrix(team, today().year)
    keys = [d.key for d in matrix.duties]
    cell = matrix.rows[0][2][keys.index(duties.THEME_PARTY_DAY)]
    assert (len(cell.records), len(cell.credits), cell.count) == (1, 1, 2)
    assert matrix.shown(cadre.pk) == 1
    assert matrix.totals()[keys.index(duties.THEME_PARTY_DAY)] == 2


def test_registries_are_back_to_the_study_providers_after_a_test():
    assert credits._providers == [metrics.party_lecture_credits, metrics.village_study_credits] or all(
        getattr(p, "__module__", "").startswith("banzi.") for p in credits._providers)
    assert all(getattr(p, "__module__", "").startswith("banzi.") for p in sources._providers)


# --- lead-by-example records and evidence ------------------------------------------------------

def test_only_a_team_member_on_the_date_records_a_duty(township, township_admin):
    general = f.CadreFactory(organization=township)
    with refused("cadre", Code.NOT_TEAM_MEMBER):
        services.save_duty_record(township_admin, LeadDutyRecord(cadre=general, duty=duty(), done_on=today(),
                                                                description="讲党课"))
    member = leader(township, started_on=today() - datetime.timedelta(days=10))
    with refused("cadre", Code.NOT_TEAM_MEMBER):
        services.save_duty_record(township_admin, LeadDutyRecord(
            cadre=member, duty=duty(), done_on=today() - datetime.timedelta(days=11), description="讲党课"))
    with refused("done_on", Code.FUTURE_DATE):
        services.save_duty_record(township_admin, LeadDutyRecord(
            cadre=member, duty=duty(), done_on=today() + datetime.timedelta(days=1), description="讲党课"))
    saved = services.save_duty_record(township_admin, LeadDutyRecord(
        cadre=member, duty=duty(), done_on=today() - datetime.timedelta(days=10), description="讲党课"),
        evidence_file=pdf_file())
    assert saved.evidence.count() == 1
    assert LeadDutyRecord.objects.count() == 1


def test_evidence_is_checked_by_content_and_size(township, township_admin, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    member_record = LeadDutyRecord.objects.create(cadre=leader(township), duty=duty(), done_on=today(),
                                                  description="讲党课")
    services.add_evidence(township_admin, member_record, SimpleUploadedFile("现场.png", png_bytes()))
    for upload in (SimpleUploadedFile("现场.pdf", png_bytes()),  # a PNG named .pdf
                   SimpleUploadedFile("说明.docx", b"just text, not a Word file"),
                   SimpleUploadedFile("病毒.exe", b"MZ\x90\x00")):
        with pytest.raises(ValidationError) as exc:
            services.add_evidence(township_admin, member_record, upload)
        assert set(codes(exc.value)["file"]) <= {Code.FILE_TYPE, Code.FILE_NAME}
    settings.BANZI_UPLOAD_MAX_BYTES = 1024
    with refused("file", Code.FILE_SIZE):
        services.add_evidence(township_admin, member_record, pdf_file(size=2048))
    assert LeadDutyEvidence.objects.count() == 1


def test_a_leader_records_their_own_duty_but_no_one_elses(township, cadre_user):
    mine = leader(township, cadre_user.cadre)
    saved = services.save_duty_record(cadre_user, LeadDutyRecord(cadre=mine, duty=duty(), done_on=today(),
                                                                description="讲党课"))
    assert saved.pk
    with pytest.raises(PermissionDenied):
        services.save_duty_record(cadre_user, LeadDutyRecord(cadre=leader(township), duty=duty(), done_on=today(),
                                                            description="讲党课"))
