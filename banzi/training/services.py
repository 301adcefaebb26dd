"""Writes of the training records. Single-record rules live in the models' `clean()` (a session
within its program's dates, a township enrolling only its own cadres, attendance only of enrolled
cadres); the functions here add the rules that span records, each in one transaction, with the
user's right to change the program checked again."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from banzi.core.errors import Code, single_errors
from banzi.core.services import delete_object, save_object
from banzi.core.workflow import is_visible

from .models import Attendance, Enrollment, TrainingNeed, TrainingProgram

__all__ = [
    "delete_object",
    "enroll_cadres",
    "mark_need_met",
    "record_session_attendance",
    "save_attendance",
    "save_enrollment",
    "save_need",
    "save_program",
    "save_session",
]


def ensure_can_change_program(user, program):
    """The organizer's users (and the county) change a program's sessions, enrollments and attendance."""
    if not TrainingProgram.objects.editable_by(user).filter(pk=program.pk).exists():
        raise PermissionDenied(_("Only the program's organizer may change its sessions, enrollments and attendance."))


@transaction.atomic
def save_program(user, program, *, reason="", topics=None):
    """Create or change a program (dates checked against its sessions in `clean()`); `topics`, when
    given, replaces its topics in the same transaction."""
    related = {} if topics is None else {"topics": topics}
    return save_object(user, program, reason=reason, **related)


@transaction.atomic
def save_session(user, session, *, reason=""):
    """Create or change a session; it must fall within its program's dates."""
    if session.program_id:
        ensure_can_change_program(user, session.program)
    return save_object(user, session, reason=reason)


@transaction.atomic
def save_enrollment(user, enrollment, *, reason=""):
    """Enroll one cadre; a township enrolls only its own cadres (model rule)."""
    if enrollment.program_id:
        ensure_can_change_program(user, enrollment.program)
    return save_object(user, enrollment, reason=reason)


@transaction.atomic
def enroll_cadres(user, program, cadres, *, note=""):
    """Enroll several cadres at once, all or none: every cadre the program cannot take is named in
    one error and nothing is saved. Cadres already enrolled are left as they are. Returns the new
    enrollments."""
    ensure_can_change_program(user, program)
    already = set(program.enrollments.values_list("cadre_id", flat=True))
    created, problems = [], []
    for cadre in cadres:
        if cadre.pk in already:
            continue
        enrollment = Enrollment(program=program, cadre=cadre, note=note)
        try:
            enrollment.full_clean()
        except ValidationError as exc:
            problems.extend(single_errors(exc))
            continue
        created.append(enrollment)
        already.add(cadre.pk)
    if problems:
        raise ValidationError(problems)
    return [save_object(user, enrollment) for enrollment in created]


@transaction.atomic
def save_attendance(user, attendance, *, reason=""):
    """Record one cadre's attendance at a session; the cadre must be enrolled (model rule)."""
    if attendance.session_id:
        ensure_can_change_program(user, attendance.session.program)
    return save_object(user, attendance, reason=reason)


@transaction.atomic
def record_session_attendance(user, session, marks):
    """Record a session's sign-in sheet: `marks` maps each enrolled cadre's id to a status.
    Unchanged marks write nothing; a cadre who is not enrolled is refused and nothing is saved.
    Returns the number of attendances created or changed."""
    ensure_can_change_program(user, session.program)
    enrolled = set(session.program.enrollments.values_list("cadre_id", flat=True))
    strangers = [cadre_id for cadre_id in marks if cadre_id not in enrolled]
    if strangers:
        raise ValidationError(_("Only cadres enrolled in the program can be marked."), code=Code.NOT_ENROLLED)
    valid = set(Attendance.Status.values)
    if any(status not in valid for status in marks.values()):
        raise ValidationError(_("Mark each cadre present, absent or excused."), code=Code.INVALID_CHOICE)
    existing = {a.cadre_id: a for a in session.attendances.all()}
    changed = 0
    for cadre_id, status in marks.items():
        attendance = existing.get(cadre_id) or Attendance(session=session, cadre_id=cadre_id)
        if attendance.pk and attendance.status == status:
            continue
        attendance.status = status
        save_object(user, attendance)
        changed += 1
    return changed


@transaction.atomic
def save_need(user, need, *, reason=""):
    """Record or change a training need."""
    return save_object(user, need, reason=reason)


@transaction.atomic
def mark_need_met(user, need, program):
    """Mark a need as met by a program the user can see."""
    if not is_visible(user, program):
        raise ValidationError(_("Choose a program you can see."), code=Code.OUTSIDE_SCOPE)
    need.status = TrainingNeed.Status.MET
    need.met_by = program
    return save_object(user, need, reason=_("Met by %(program)s") % {"program": program})

