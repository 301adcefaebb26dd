"""Daily education: group study sessions, personal study records and the nine lead-by-example duties."""
import os

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from banzi.core import clock
from banzi.core.errors import Code
from banzi.core.models import BaseModel
from banzi.core.roles import Role
from banzi.core.scoping import CATALOG, Scope
from banzi.core.uploads import FileContentValidator
from banzi.core.validators import validate_not_future
from banzi.org.models import Cadre, Organization

MINUTES_PER_DAY = 24 * 60
# Kinds of organization whose study a leader guides as the village study duty (包村党组织学习).
VILLAGE_KINDS = (Organization.Kind.VILLAGE, Organization.Kind.COMMUNITY)


class StudyKind(models.TextChoices):
    """The kinds of group study (the article's 党委中心组学习、机关干部学习、党小组学习、上党课).

    Shared with other apps whose records count as group study (a governance meeting of a study
    kind reports itself through `banzi.study.sources` with one of these kinds).
    """

    COMMITTEE_THEORY = "committee_theory", _("committee theory study")
    STAFF_STUDY = "staff_study", _("staff study")
    PARTY_GROUP = "party_group", _("Party group study")
    PARTY_LECTURE = "party_lecture", _("Party lecture")


def check_minutes(minutes, field="minutes"):
    """A duration in minutes is more than none and no more than a day."""
    if minutes is not None and not 0 < minutes <= MINUTES_PER_DAY:
        raise ValidationError({field: ValidationError(_("Enter between 1 and %(max)d minutes (24 hours).") % {
            "max": MINUTES_PER_DAY}, code=Code.MINUTES)})


class StudySession(BaseModel):
    """A group study held by an organization on a day (中心组学习、机关干部学习、党小组学习、上党课).

    Recorded once: its present attendees' study, the lecturer's Party lecture duty, a guiding
    leader's village study duty and the organization's study calendar all follow from it.
    """

    organization = models.ForeignKey(Organization, verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="study_sessions")
    kind = models.CharField(_("kind"), max_length=20, choices=StudyKind.choices)
    held_on = models.DateField(_("held on"), validators=[validate_not_future])
    minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    topic = models.CharField(_("topic"), max_length=200)
    materials = models.TextField(_("materials"), blank=True)
    lecturer = models.ForeignKey(Cadre, verbose_name=_("lecturer"), null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="study_lectures",
                                 help_text=_("The cadre who gave the lecture or led the study."))
    lecturer_name = models.CharField(_("outside lecturer"), max_length=100, blank=True,
                                     help_text=_("A lecturer who is not a cadre in the registry."))
    notes = models.TextField(_("notes"), blank=True)

    scope = Scope(township="organization__township")

    class Meta:
        verbose_name = _("group study session")
        verbose_name_plural = _("group study sessions")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["organization", "held_on"])]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.get_kind_display()}：{self.topic}" if self.held_on else self.topic

    def clean(self):
        super().clean()
        check_minutes(self.minutes)
        if self.kind == StudyKind.PARTY_LECTURE and not (self.lecturer_id or self.lecturer_name.strip()):
            raise ValidationError({"lecturer": ValidationError(_("A Party lecture needs its lecturer."), code=Code.REQUIRED)})

    @property
    def lecturer_display(self):
        return str(self.lecturer) if self.lecturer_id else self.lecturer_name


class StudyAttendance(BaseModel):
    """One cadre at a group study: present or absent (with the reason), as attendee or as the
    leader guiding the study (a village's study guided by its liaison leader)."""

    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")

    class AttendanceRole(models.TextChoices):
        ATTENDEE = "attendee", _("Attendee")
        GUIDE = "guide", _("Guiding leader")

    session = models.ForeignKey(StudySession, verbose_name=_("group study session"), on_delete=models.CASCADE,
                                related_name="attendances")
    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="study_attendances")
    role = models.CharField(_("role"), max_length=10, choices=AttendanceRole.choices, default=AttendanceRole.ATTENDEE)
    status = models.CharField(_("attendance"), max_length=10, choices=Status.choices, default=Status.PRESENT)
    absence_reason = models.CharField(_("reason for absence"), max_length=200, blank=True)

    scope = Scope(township="session__organization__township", cadre="cadre")

    class Meta:
        verbose_name = _("study attendance")
        verbose_name_plural = _("study attendances")
        ordering = ["session", "role", "cadre__name_pinyin"]
        constraints = [models.UniqueConstraint(fields=["session", "cadre"], name="study_attendance_once",
                                               violation_error_code=Code.UNIQUE,
                                               violation_error_message=_("This cadre is already on the session's list."))]

    def __str__(self):
        return f"{self.cadre} · {self.session}"

    def clean(self):
        super().clean()
        if self.status == self.Status.ABSENT and not self.absence_reason.strip():
            raise ValidationError({"absence_reason": ValidationError(_("Give the reason for the absence."), code=Code.REQUIRED)})
        if self.status == self.Status.PRESENT and self.absence_reason.strip():
            raise ValidationError({"absence_reason": ValidationError(
                _("Only an absence has a reason; clear it or mark the cadre absent."), code=Code.NOT_APPLICABLE)})
        if self.role == self.AttendanceRole.GUIDE and self.status != self.Status.PRESENT:
            raise ValidationError({"status": ValidationError(_("A guiding leader is present at the study they guide."),
                                                            code=Code.STATUS_MISMATCH)})


class StudyRecord(BaseModel):
    """A cadre's own daily study (每天半小时): date, minutes, material and a short note.

    Personal by design (DESIGN.md principle 2): never ranked or scored. The record is private to its
    cadre, who alone sees and writes it (whatever their role); a committee reads per-person monthly
    totals computed by `metrics.monthly_totals`, never the records.
    """

    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="study_records")
    studied_on = models.DateField(_("date"), validators=[validate_not_future])
    minutes = models.PositiveSmallIntegerField(_("minutes"))
    material = models.CharField(_("material"), max_length=200)
    note = models.TextField(_("note"), max_length=1000, blank=True)

    # Any user with a cadre record keeps their own (a township secretary studies too).
    scope = Scope(township="cadre__organization__township", cadre="cadre", private=True,
                  write_roles=frozenset({Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN, Role.CADRE}))

    class Meta:
        verbose_name = _("daily study record")
        verbose_name_plural = _("daily study records")
        ordering = ["-studied_on", "-id"]
        indexes = [models.Index(fields=["cadre", "studied_on"])]

    def __str__(self):
        return f"{self.cadre} {self.studied_on:%Y-%m-%d} {self.minutes}′" if self.studied_on else str(self.cadre)

    def clean(self):
        super().clean()
        check_minutes(self.minutes)


class StudyPreference(models.Model):
    """A cadre's own choice to be reminded, gently, after a week without a study record (opt-in)."""

    cadre = models.OneToOneField(Cadre, verbose_name=_("cadre"), on_delete=models.CASCADE,
                                 related_name="study_preference")
    remind_after_a_week = models.BooleanField(
        _("remind me after a week without a record"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("study reminder choice")
        verbose_name_plural = _("study reminder choices")

    def __str__(self):
        return str(self.cadre)


class LeadDuty(BaseModel):
    """One of the nine lead-by-example duties (九个带头), an editable catalog.

    `key` is how code refers to a duty (automatic credits name their duty by key, see
    `banzi.study.credits`); the county may rename, reorder or retire duties but not change keys.
    """

    key = models.SlugField(_("key"), max_length=40, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    scope = CATALOG

    class Meta:
        verbose_name = _("lead-by-example duty")
        verbose_name_plural = _("lead-by-example duties")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # A duty added by the county gets a key of its own; the nine seeded keys never change.
        if not self.key:
            self.key = f"duty-{clock.now():%Y%m%d%H%M%S%f}"
        super().save(*args, **kwargs)


class LeadDutyRecord(BaseModel):
    """A leader's record of showing a duty (a 九个带头 entry): when, what was done, and evidence.

    Counted in the team's yearly matrix next to the automatic credits other records give.
    """

    cadre = models.ForeignKey(Cadre, verbose_name=_("leader"), on_delete=models.PROTECT, related_name="lead_duty_records")
    duty = models.ForeignKey(LeadDuty, verbose_name=_("lead-by-example duty"), on_delete=models.PROTECT,
                             related_name="records")
    done_on = models.DateField(_("date"), validators=[validate_not_future])
    description = models.TextField(_("what was done"))

    scope = Scope(township="cadre__organization__township", cadre="cadre",
                  write_roles=frozenset({Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN, Role.CADRE}))

    class Meta:
        verbose_name = _("lead-by-example record")
        verbose_name_plural = _("lead-by-example records")
        ordering = ["-done_on", "-id"]
        indexes = [models.Index(fields=["cadre", "done_on"])]

    def __str__(self):
        return f"{self.cadre} · {self.duty} · {self.done_on:%Y-%m-%d}" if self.done_on else f"{self.cadre} · {self.duty}"

    def clean(self):
        super().clean()
        if self._state.adding and self.duty_id and not self.duty.is_active:
            raise ValidationError({"duty": ValidationError(_("This duty is no longer in use; choose another."), code=Code.INACTIVE)})


def evidence_path(instance, filename):
    return f"study/evidence/{clock.now():%Y/%m}/{filename}"


class LeadDutyEvidence(BaseModel):
    """A file proving a lead-by-example record: a photo, a PDF or an Office document."""

    record = models.ForeignKey(LeadDutyRecord, verbose_name=_("lead-by-example record"), on_delete=models.CASCADE,
                               related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_path, validators=[FileContentValidator()],
                            help_text=_("A photo, PDF, Word, Excel or PowerPoint file."))
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    scope = Scope(township="record__cadre__organization__township", cadre="record__cadre",
                  write_roles=frozenset({Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN, Role.CADRE}))

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["record", "id"]

    def __str__(self):
        return self.caption or self.filename

    @property
    def filename(self):
        return os.path.basename(self.file.name or "")
