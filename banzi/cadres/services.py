"""Writes of the cadre's file with their rules: the profile and its photo, résumé entries, education,
family members, rewards and punishments, and the annual results of earlier years.

Every function is atomic, checks the user's right to change the record and that its cadre is one the
user may see, and raises one clear ValidationError per broken rule, so that nothing is saved when a
rule is broken. Pages, the API, the Excel imports and the .lrmx import call these functions.
"""
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banzi.core import clock, services
from banzi.core.errors import Code
from banzi.core.uploads import FileContentValidator
from banzi.core.workflow import check_visible
from banzi.org.models import Cadre

from .models import (
    CadreProfile,
    EarlierAssessmentResult,
    EducationRecord,
    FamilyMember,
    ResumeEntry,
    RewardPunishment,
)

PHOTO_MAX_BYTES = 2 * 1024 * 1024
PHOTO_TYPES = ("jpeg", "png")
EARLIEST_YEAR = 1950


def photo_max_bytes():
    """The largest photo accepted: the BANZI_PHOTO_MAX_BYTES setting, 2 MB unless set."""
    return getattr(settings, "BANZI_PHOTO_MAX_BYTES", PHOTO_MAX_BYTES)


def check_photo(photo):
    """A new photo must be a JPEG or PNG by its content (not its name) and at most the photo limit;
    a photo already stored is not read again."""
    if not photo:
        return
    validator = FileContentValidator(
        types=PHOTO_TYPES, max_bytes=photo_max_bytes(),
        types_message=gettext_lazy("A photo must be a JPEG or PNG image."))
    try:
        validator(photo)
    except ValidationError as exc:
        errors = {"photo": exc.error_list}  # the validator's own errors, with their codes, on the field
        raise ValidationError(errors) from None


def _check_cadre(user, record):
    if record.cadre_id:
        check_visible(user, record.cadre, "cadre", _("Choose a cadre you manage."))


def _lock_cadre(record):
    # Lock the cadre's row so that two entries of one cadre saved at once are checked one after the other.
    Cadre.objects.select_for_update().filter(pk=record.cadre_id).first()


def _not_future(day, field):
    if day and day > clock.today():
        raise ValidationError({field: ValidationError(_("This date cannot be in the future."), code=Code.FUTURE_DATE)})


def _save(user, record, reason, *checks):
    """The shared steps: the user's right, the record's own validation, the cadre in scope, then the
    named rules, then the save (which validates again and writes history and audit)."""
    services.ensure_can_write(user, record)
    record.full_clean()
    _check_cadre(user, record)
    for check in checks:
        check(record)
    return services.save_object(user, record, reason=reason)


# --- the profile ----------------------------------------------------------------------------------

@transaction.atomic
def save_profile(user, profile, *, reason=""):
    """Create or change a cadre's profile (one per cadre): a new photo is a JPEG or PNG of at most
    2 MB (BANZI_PHOTO_MAX_BYTES), checked by its content."""
    return _save(user, profile, reason, lambda p: check_photo(p.photo),
                 lambda p: _not_future(p.form_filled_on, "form_filled_on"))


# --- the résumé -----------------------------------------------------------------------------------

def _months_overlap(entry, other):
    """Whether two résumé entries share more than their boundary month: one entry's end month is the
    next one's start month on every form (2015.03--2018.06, 2018.06--), so touching is no overlap."""
    end = entry.ends_on or datetime.date.max
    other_end = other.ends_on or datetime.date.max
    return entry.starts_on < other_end and other.starts_on < end


def check_resume_overlap(entry):
    """Résumé entries of a cadre do not overlap, unless one of the two is marked concurrent (兼任)."""
    if entry.concurrent or not entry.starts_on:
        return
    others = ResumeEntry.objects.filter(cadre_id=entry.cadre_id, concurrent=False).exclude(pk=entry.pk).order_by(
        "starts_on", "id")
    for other in others:
        if _months_overlap(entry, other):
            raise ValidationError({"starts_on": ValidationError(_(
                "This entry overlaps “%(other)s” (%(start)s to %(end)s); entries may not overlap unless one is "
                "marked as a concurrent post.") % {
                "other": other.text, "start": other.starts_on.strftime("%Y.%m"),
                "end": other.ends_on.strftime("%Y.%m") if other.ends_on else _("to date")},
                code=Code.RESUME_OVERLAPS)})


@transaction.atomic
def save_resume_entry(user, entry, *, reason=""):
    """Create or change a résumé entry: months stored as their first day, not ending before it starts
    nor starting in the future, and not overlapping the cadre's other entries unless concurrent."""
    return _save(user, entry, reason, lambda e: _not_future(e.starts_on, "starts_on"), _lock_cadre,
                 check_resume_overlap)


# --- education, family, rewards -------------------------------------------------------------------

@transaction.atomic
def save_education_record(user, record, *, reason=""):
    """Create or change an education record: a level of the registry's list (Cadre.Education), the
    graduation month stored as its first day and not in the future."""
    return _save(user, record, reason, lambda r: _not_future(r.graduated_on, "graduated_on"))


@transaction.atomic
def save_family_member(user, member, *, reason=""):
    """Create or change a family member or important social relation: a birth date not in the future."""
    return _save(user, member, reason, lambda m: _not_future(m.birth_date, "birth_date"))


@transaction.atomic
def save_reward_punishment(user, record, *, reason=""):
    """Create or change a reward or punishment: decided on a day not in the future."""
    return _save(user, record, reason, lambda r: _not_future(r.decided_on, "decided_on"))


# --- annual results of earlier years --------------------------------------------------------------

def published_result_years(cadre_id):
    """The years the assessment module holds a published annual result (a confirmed grade) of the cadre for."""
    from banzi.assessment.models import Assessee, Assessment

    return set(Assessee.objects.filter(
        cadre_id=cadre_id, assessment__kind=Assessment.Kind.ANNUAL, assessment__status=Assessment.Status.PUBLISHED,
    ).exclude(confirmed_grade="").values_list("assessment__year", flat=True))


def check_earlier_result(result):
    """A year from 1950 to this one, and not one the assessment module already has the cadre's
    published annual result for (the module's result is the one that counts)."""
    if result.year is None:
        return
    if not EARLIEST_YEAR <= result.year <= clock.today().year:
        raise ValidationError({"year": ValidationError(_("Enter a year between %(first)d and this year.") % {
            "first": EARLIEST_YEAR}, code=Code.YEAR_OUT_OF_RANGE)})
    if result.year in published_result_years(result.cadre_id):
        raise ValidationError({"year": ValidationError(_(
            "The annual assessment of %(year)d has published this cadre's result; it is shown from there and "
            "is not entered again.") % {"year": result.year}, code=Code.RESULT_IN_ASSESSMENT)})


@transaction.atomic
def save_earlier_result(user, result, *, reason=""):
    """Create or change an annual result of an earlier year: once per cadre and year, and not for a
    year the assessment module has published the cadre's result for."""
    return _save(user, result, reason, _lock_cadre, check_earlier_result)


SERVICES = {
    CadreProfile: save_profile,
    ResumeEntry: save_resume_entry,
    EducationRecord: save_education_record,
    FamilyMember: save_family_member,
    RewardPunishment: save_reward_punishment,
    EarlierAssessmentResult: save_earlier_result,
}
