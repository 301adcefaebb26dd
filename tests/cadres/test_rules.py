"""The rules of the cadre's file, each at its boundary: a refused write raises its code and saves
nothing (résumé overlaps, months, end before start, education level, birth dates, earlier results
against the assessment module, the photo's type and size)."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from banzi.assessment.models import Assessment
from banzi.cadres import services
from banzi.cadres.models import (
    CadreProfile,
    EarlierAssessmentResult,
    EducationRecord,
    FamilyMember,
    ResumeEntry,
    RewardPunishment,
)
from banzi.core.errors import Code
from tests.assessment import factories as af
from tests.cadres import cases as c
from tests.dates import days_ahead, today
from tests.errors import ALL, refused

pytestmark = pytest.mark.django_db
D = datetime.date
MB = 1024 * 1024
PNG = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + b"\0" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\0" * 64
GIF = b"GIF89a\x01\x00\x01\x00" + b"\0" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def entry(cadre, starts_on, ends_on=None, text="某某镇科员", concurrent=False):
    return ResumeEntry(cadre=cadre, starts_on=starts_on, ends_on=ends_on, text=text, concurrent=concurrent)


# --- résumé ---------------------------------------------------------------------------------------

def test_entries_that_touch_on_a_month_are_no_overlap_one_month_more_is(township, county_admin):
    cadre = c.cadre(township)
    services.save_resume_entry(county_admin, entry(cadre, D(2015, 3, 1), D(2018, 6, 1)))
    services.save_resume_entry(county_admin, entry(cadre, D(2018, 6, 1), text="某某镇副镇长"))
    with refused("starts_on", Code.RESUME_OVERLAPS):
        services.save_resume_entry(county_admin, entry(cadre, D(2010, 1, 1), D(2015, 4, 1), text="县农业局科员"))
    services.save_resume_entry(county_admin, entry(cadre, D(2010, 1, 1), D(2015, 3, 1), text="县农业局科员"))
    assert ResumeEntry.objects.count() == 3


def test_an_entry_after_an_open_entry_overlaps_it(township, county_admin):
    cadre = c.cadre(township)
    services.save_resume_entry(county_admin, entry(cadre, D(2015, 3, 1)))
    with refused("starts_on", Code.RESUME_OVERLAPS):
        services.save_resume_entry(county_admin, entry(cadre, D(2020, 1, 1), text="某某镇镇长"))
    assert ResumeEntry.objects.count() == 1


def test_a_concurrent_post_may_overlap(township, county_admin):
    cadre = c.cadre(township)
    services.save_resume_entry(county_admin, entry(cadre, D(2015, 3, 1)))
    services.save_resume_entry(county_admin, entry(cadre, D(2016, 1, 1), D(2019, 1, 1), "兼任某村第一书记",
                                                   concurrent=True))
    assert ResumeEntry.objects.count() == 2


def test_changing_an_entry_to_overlap_is_refused_and_kept_as_it_was(township, county_admin):
    cadre = c.cadre(township)
    first = services.save_resume_entry(county_admin, entry(cadre, D(2010, 1, 1), D(2015, 3, 1)))
    services.save_resume_entry(county_admin, entry(cadre, D(2015, 3, 1), text="某某镇副镇长"))
    first.ends_on = D(2015, 5, 1)
    with refused("starts_on", Code.RESUME_OVERLAPS):
        services.save_resume_entry(county_admin, first)
    assert ResumeEntry.objects.get(pk=first.pk).ends_on == D(2015, 3, 1)


def test_other_cadres_entries_do_not_count(township, county_admin):
    services.save_resume_entry(county_admin, entry(c.cadre(township), D(2015, 3, 1)))
    services.save_resume_entry(county_admin, entry(c.cadre(township), D(2015, 3, 1)))
    assert ResumeEntry.objects.count() == 2


def test_months_are_stored_as_their_first_day(township, county_admin):
    saved = services.save_resume_entry(county_admin, entry(c.cadre(township), D(2015, 3, 17), D(2018, 6, 30)))
    saved.refresh_from_db()
    assert (saved.starts_on, saved.ends_on) == (D(2015, 3, 1), D(2018, 6, 1))
    record = EducationRecord(cadre=c.cadre(township), kind=EducationRecord.Kind.FULLTIME, level="university",
                             graduated_on=D(2008, 7, 15))
    services.save_education_record(county_admin, record)
    assert EducationRecord.objects.get().graduated_on == D(2008, 7, 1)


def test_an_end_before_the_start_is_refused_the_same_month_is_not(township, county_admin):
    cadre = c.cadre(township)
    with refused("ends_on", Code.DATE_ORDER):
        services.save_resume_entry(county_admin, entry(cadre, D(2015, 3, 1), D(2015, 2, 28)))
    assert not ResumeEntry.objects.exists()
    services.save_resume_entry(county_admin, entry(cadre, D(2015, 3, 1), D(2015, 3, 31)))


def test_an_entry_starting_in_the_future_is_refused(township, county_admin):
    with refused("starts_on", Code.FUTURE_DATE):
        services.save_resume_entry(county_admin, entry(c.cadre(township), days_ahead(40)))
    assert not ResumeEntry.objects.exists()


def test_another_townships_cadre_is_refused(township, other_township, township_admin):
    with pytest.raises(PermissionDenied):
        services.save_resume_entry(township_admin, entry(c.cadre(other_township), D(2015, 3, 1)))
    assert not ResumeEntry.objects.exists()


# --- education and family -------------------------------------------------------------------------

def test_education_level_comes_from_the_registrys_list(township, county_admin):
    record = EducationRecord(cadre=c.cadre(township), kind=EducationRecord.Kind.FULLTIME, level="doctor")
    with refused("level", "invalid_choice"):
        services.save_education_record(county_admin, record)
    assert not EducationRecord.objects.exists()


def test_a_family_members_birth_date_may_be_today_not_tomorrow(township, county_admin):
    cadre = c.cadre(township)
    with refused("birth_date", Code.FUTURE_DATE):
        services.save_family_member(county_admin, FamilyMember(cadre=cadre, relation="女儿", name="张小",
                                                               birth_date=days_ahead(1)))
    assert not FamilyMember.objects.exists()
    services.save_family_member(county_admin, FamilyMember(cadre=cadre, relation="女儿", name="张小", birth_date=today()))


def test_a_reward_decided_in_the_future_is_refused(township, county_admin):
    with refused("decided_on", Code.FUTURE_DATE):
        services.save_reward_punishment(county_admin, RewardPunishment(
            cadre=c.cadre(township), kind=RewardPunishment.Kind.REWARD, title="优秀共产党员", decided_on=days_ahead(1)))
    assert not RewardPunishment.objects.exists()


# --- earlier annual results -----------------------------------------------------------------------

def result(cadre, year, text="称职"):
    return EarlierAssessmentResult(cadre=cadre, year=year, result=text)


def test_an_earlier_result_once_per_cadre_and_year(township, county_admin):
    cadre = c.cadre(township)
    services.save_earlier_result(county_admin, result(cadre, 2019))
    with refused(ALL, Code.UNIQUE):
        services.save_earlier_result(county_admin, result(cadre, 2019, "优秀"))
    services.save_earlier_result(county_admin, result(c.cadre(township), 2019))
    assert EarlierAssessmentResult.objects.count() == 2


def test_not_for_a_year_the_module_has_published_the_cadres_result(township, county_admin):
    cadre = c.cadre(township)
    af.confirmed_result(township, cadre=cadre, year=2025, status=Assessment.Status.PUBLISHED)
    with refused("year", Code.RESULT_IN_ASSESSMENT):
        services.save_earlier_result(county_admin, result(cadre, 2025))
    assert not EarlierAssessmentResult.objects.exists()
    services.save_earlier_result(county_admin, result(cadre, 2024))


def test_a_result_only_confirmed_or_of_another_cadre_does_not_block(township, county_admin):
    cadre = c.cadre(township)
    af.confirmed_result(township, cadre=cadre, year=2023, status=Assessment.Status.CONFIRMED)
    af.confirmed_result(township, year=2022, status=Assessment.Status.PUBLISHED)
    services.save_earlier_result(county_admin, result(cadre, 2023))
    services.save_earlier_result(county_admin, result(cadre, 2022))
    assert EarlierAssessmentResult.objects.count() == 2


def test_the_year_is_between_1950_and_this_year(township, county_admin):
    cadre = c.cadre(township)
    for year in (1949, today().year + 1):
        with refused("year", Code.YEAR_OUT_OF_RANGE):
            services.save_earlier_result(county_admin, result(cadre, year))
    assert not EarlierAssessmentResult.objects.exists()
    services.save_earlier_result(county_admin, result(cadre, 1950))
    services.save_earlier_result(county_admin, result(cadre, today().year))


# --- the photo ------------------------------------------------------------------------------------

def profile_with(cadre, name, content):
    return CadreProfile(cadre=cadre, photo=SimpleUploadedFile(name, content))


@pytest.mark.parametrize(("name", "content"), [("photo.png", PNG), ("照片.jpg", JPEG)])
def test_a_png_or_jpeg_photo_is_accepted(township, county_admin, name, content):
    saved = services.save_profile(county_admin, profile_with(c.cadre(township), name, content))
    saved.refresh_from_db()
    assert saved.photo.name.startswith(f"cadres/photos/{saved.cadre_id}/")


@pytest.mark.parametrize(("name", "content", "code"), [
    ("photo.gif", GIF, Code.FILE_TYPE),
    ("photo.jpg", "这不是照片，是一段文字。".encode() * 4, Code.FILE_TYPE),
    ("photo.png", PNG[:8] + b"\0" * (3 * MB), Code.FILE_SIZE),
    ("photo.png", JPEG, Code.FILE_NAME),
])
def test_other_files_and_large_photos_are_refused(township, county_admin, name, content, code):
    with refused("photo", code):
        services.save_profile(county_admin, profile_with(c.cadre(township), name, content))
    assert not CadreProfile.objects.exists()


def test_the_photo_limit_is_a_setting(township, county_admin, settings):
    settings.BANZI_PHOTO_MAX_BYTES = 50
    with refused("photo", Code.FILE_SIZE):
        services.save_profile(county_admin, profile_with(c.cadre(township), "photo.png", PNG))
    settings.BANZI_PHOTO_MAX_BYTES = 2 * MB
    services.save_profile(county_admin, profile_with(c.cadre(township), "photo.png", PNG + b"\0" * (2 * MB - len(PNG))))


def test_one_profile_per_cadre(township, county_admin):
    cadre = c.cadre(township)
    services.save_profile(county_admin, CadreProfile(cadre=cadre))
    with refused("cadre", Code.UNIQUE):
        services.save_profile(county_admin, CadreProfile(cadre=cadre, birthplace="山西"))
    assert CadreProfile.objects.count() == 1
