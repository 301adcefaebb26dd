"""Every write of the study app: group study sessions and their attendance, personal study records,
lead-by-example records and their evidence, and a cadre's reminder choice.

Each service is atomic, re-checks the user's right through `core.services`, and refuses a broken
rule with one clear ValidationError, saving nothing.
"""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from banzi.core import clock, services
from banzi.core.errors import Code
from banzi.core.roles import Role
from banzi.core.workflow import check_visible
from banzi.org.models import Cadre, TeamMembership

from .models import (
    MINUTES_PER_DAY,
    LeadDutyEvidence,
    LeadDutyRecord,
    StudyAttendance,
    StudyPreference,
    StudyRecord,
    check_minutes,
)

_check_visible = check_visible  # the cadre must be one the user may see (not another township's)


# --- group study ---------------------------------------------------------------------------------

@transaction.atomic
def save_session(user, session, *, attendees=()):
    """Record or change a group study session; on recording, `attendees` (cadres) are marked present."""
    services.ensure_can_write(user, session)
    _check_visible(user, session.lecturer, "lecturer", _("Choose a lecturer among the cadres you manage."))
    for cadre in attendees:
        _check_visible(user, cadre, "attendees", _("Choose attendees among the cadres you manage."))
    adding = session.pk is None
    session = services.save_object(user, session)
    if adding:
        for cadre in attendees:
            services.save_object(user, StudyAttendance(session=session, cadre=cadre))
    return session


@transaction.atomic
def save_attendance(user, attendance, *, reason=""):
    """Put a cadre on a session's list as present or absent (with reason), attendee or guide."""
    services.ensure_can_write(user, attendance)
    _check_visible(user, attendance.session if attendance.session_id else None, "session",
                   _("Choose a session you manage."))
    _check_visible(user, attendance.cadre if attendance.cadre_id else None, "cadre",
                   _("Choose a cadre among the cadres you manage."))
    return services.save_object(user, attendance, reason=reason)


# --- personal daily study ------------------------------------------------------------------------

def _check_day_total(record):
    """The minutes of one cadre's records on one day add up to no more than 24 hours."""
    others = (StudyRecord.objects.filter(cadre_id=record.cadre_id, studied_on=record.studied_on)
              .exclude(pk=record.pk).aggregate(total=Sum("minutes"))["total"] or 0)
    if others + (record.minutes or 0) > MINUTES_PER_DAY:
        raise ValidationError({"minutes": ValidationError(_(
            "With this record the study of %(date)s would come to %(total)d minutes, more than 24 hours; "
            "%(left)d minutes are left for that day.") % {
            "date": record.studied_on.isoformat(), "total": others + record.minutes,
            "left": max(0, MINUTES_PER_DAY - others)}, code=Code.DAY_TOTAL)})


@transaction.atomic
def save_study_record(user, record):
    """Save a daily study record: the cadre their own, a committee a record of a cadre it manages.

    Refused: minutes of 0 or less, a day's total over 24 hours, a date in the future.
    """
    services.ensure_can_write(user, record)
    if not record.cadre_id:
        raise ValidationError({"cadre": ValidationError(_("Choose whose study this is."), code=Code.REQUIRED)})
    # One writer at a time per cadre, so that two entries of the same day cannot both pass the total.
    Cadre.objects.select_for_update().filter(pk=record.cadre_id).first()
    check_minutes(record.minutes)
    if record.studied_on and record.studied_on > clock.today():
        raise ValidationError({"studied_on": ValidationError(_("A study record cannot be dated in the future."),
                                                             code=Code.FUTURE_DATE)})
    if record.studied_on and record.minutes:
        _check_day_total(record)
    return services.save_object(user, record)


@transaction.atomic
def record_my_study(user, *, studied_on, minutes, material, note=""):
    """A cadre records their own study of a day (the few taps of the phone page)."""
    if getattr(user, "role", None) != Role.CADRE or not user.cadre_id:
        raise PermissionDenied(_("Only a cadre records their own daily study here."))
    record = StudyRecord(cadre_id=user.cadre_id, studied_on=studied_on, minutes=minutes, material=material or "",
                         note=note or "")
    return save_study_record(user, record)


@transaction.atomic
def set_reminder_choice(user, remind):
    """A cadre turns the gentle reminder after a week without a record on or off (their own only)."""
    if getattr(user, "role", None) != Role.CADRE or not user.cadre_id:
        raise PermissionDenied(_("Only a cadre chooses their own reminders."))
    preference, _created = StudyPreference.objects.get_or_create(cadre_id=user.cadre_id)
    if preference.remind_after_a_week != bool(remind):
        preference.remind_after_a_week = bool(remind)
        preference._history_user = user
        preference.save()
    return preference


# --- lead-by-example duties ----------------------------------------------------------------------

def is_leader_on(cadre_id, day):
    """Whether the cadre sat on a leadership team on that day."""
    return TeamMembership.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=day), cadre_id=cadre_id, started_on__lte=day).exists()


@transaction.atomic
def save_duty_record(user, record, *, evidence_file=None):
    """Save a leader's lead-by-example record, with a first evidence file if one is given; only a
    team member on that date shows these duties."""
    services.ensure_can_write(user, record)
    if not record.cadre_id:
        raise ValidationError({"cadre": ValidationError(_("Choose the leader."), code=Code.REQUIRED)})
    _check_visible(user, record.cadre, "cadre", _("Choose a leader among the cadres you manage."))
    if record.done_on and record.done_on > clock.today():
        raise ValidationError({"done_on": ValidationError(_("This date cannot be in the future."), code=Code.FUTURE_DATE)})
    if record.done_on and not is_leader_on(record.cadre_id, record.done_on):
        raise ValidationError({"cadre": ValidationError(_("%(name)s was not a leadership team member on %(date)s; the nine "
                                          "duties are recorded for team members.") % {
            "name": record.cadre, "date": record.done_on.isoformat()}, code=Code.NOT_TEAM_MEMBER)})
    record = services.save_object(user, record)
    if evidence_file:
        add_evidence(user, record, evidence_file)
    return record


@transaction.atomic
def save_evidence(user, evidence):
    """Attach an evidence file to a lead-by-example record the user may change."""
    services.ensure_can_write(user, evidence)
    if evidence.record_id and not LeadDutyRecord.objects.editable_by(user).filter(pk=evidence.record_id).exists():
        raise ValidationError({"record": ValidationError(_("Choose a record you may change."), code=Code.OUTSIDE_SCOPE)})
    return services.save_object(user, evidence)


@transaction.atomic
def add_evidence(user, record, file, caption=""):
    return save_evidence(user, LeadDutyEvidence(record=record, file=file, caption=caption or ""))
