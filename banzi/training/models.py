"""Training programs, sessions, lecturers, attendance, hours and training needs.

Who sees and changes which records is set out in the package docstring (`banzi/training/__init__.py`)
and implemented by `TrainingQuerySet` below."""
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from banzi.core import clock
from banzi.core.errors import Code
from banzi.core.models import BaseModel
from banzi.core.roles import Role
from banzi.core.scoping import CATALOG, Scope, ScopedQuerySet, can_write_model, sees_everything
from banzi.org.models import Cadre, Organization


class TrainingQuerySet(ScopedQuerySet):
    """`visible_to` of the training records: the standard scope, plus what a township committee
    reads beyond its own records (`township_extra`). Changing stays limited to the township's own."""

    def township_extra(self, township_id):
        """Records a township committee reads but does not own (a Q), or None."""
        extra = getattr(self.model, "county_wide_lookup", None)
        return Q(**{f"{extra}__isnull": True}) if extra else None

    def visible_to(self, user):
        qs = super().visible_to(user)
        if (user and user.is_authenticated and not sees_everything(user)
                and getattr(user, "role", None) == Role.TOWNSHIP_ADMIN and user.township_id):
            extra = self.township_extra(user.township_id)
            if extra is not None:
                return self.filter(Q(**{self.model.scope.township: user.township_id}) | extra)
        return qs

    def editable_by(self, user):
        if not can_write_model(user, self.model):
            return self.none()
        qs = self.visible_to(user)
        if not sees_everything(user) and getattr(user, "role", None) == Role.TOWNSHIP_ADMIN:
            qs = qs.filter(**{self.model.scope.township: user.township_id})
        return qs


class OwnCadresQuerySet(TrainingQuerySet):
    """Enrollments and attendances: a township also reads those of its own cadres anywhere."""

    def township_extra(self, township_id):
        return Q(cadre__organization__township=township_id)


class TrainingTopic(BaseModel):
    """A training topic (培训专题): leadership, policy theory, Party building, … — an editable
    catalog kept by the county, used by programs, sessions and training needs."""

    name = models.CharField(_("name"), max_length=50, unique=True,
                            error_messages={"unique": _("A topic with this name already exists.")})
    description = models.CharField(_("description"), max_length=200, blank=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    scope = CATALOG

    class Meta:
        verbose_name = _("training topic")
        verbose_name_plural = _("training topics")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class Lecturer(BaseModel):
    """A lecturer (授课老师): a Party school teacher, a department's leader, a university
    professor, … Kept by the county (shared by all) or by a township (its own)."""

    class AffiliationKind(models.TextChoices):
        PARTY_SCHOOL = "party_school", _("Party school")
        DEPARTMENT = "department", _("Department")
        UNIVERSITY = "university", _("University or college")
        TOWNSHIP = "township", _("Township leader")
        EXPERT = "expert", _("Expert or model worker")
        OTHER = "other", _("Other")

    name = models.CharField(_("full name"), max_length=50)
    affiliation_kind = models.CharField(_("affiliation kind"), max_length=20, choices=AffiliationKind.choices)
    affiliation = models.CharField(_("affiliation"), max_length=100, help_text=_("e.g. 山西大学政治与公共管理学院"))
    title = models.CharField(_("title or post"), max_length=100, blank=True, help_text=_("e.g. 教授, 副部长"))
    organization = models.ForeignKey(
        Organization, verbose_name=_("kept by"), on_delete=models.PROTECT, related_name="training_lecturers",
        help_text=_("The county or a department: every township may invite the lecturer. A township: its own."),
    )

    scope = Scope(township="organization__township")
    county_wide_lookup = "organization__township"
    objects = TrainingQuerySet.as_manager()

    class Meta:
        verbose_name = _("lecturer")
        verbose_name_plural = _("lecturers")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name}（{self.affiliation}{self.title}）" if self.affiliation or self.title else self.name


class TrainingProgram(BaseModel):
    """A training program (培训班): a kind, an organizer, dates, a place, a target group and its
    topics. Its sessions, enrollments and attendances are the records the figures come from."""

    class Kind(models.TextChoices):
        CENTRALIZED = "centralized", _("Centralized training")
        OBSERVATION = "observation", _("On-site observation")
        FRONTLINE = "frontline", _("Frontline tempering")
        LECTURE_HALL = "lecture_hall", _("Cadre lecture hall")
        TO_TOWNSHIPS = "to_townships", _("Training brought to the townships")
        SPECIAL = "special", _("Special training")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    organizer = models.ForeignKey(
        Organization, verbose_name=_("organizer"), on_delete=models.PROTECT, related_name="training_programs",
        help_text=_("The county or a department: a county-wide program. A township: its own program."),
    )
    start_on = models.DateField(_("start date"))
    end_on = models.DateField(_("end date"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    target_group = models.CharField(_("target group"), max_length=200, blank=True,
                                    help_text=_("e.g. newly promoted township cadres"))
    topics = models.ManyToManyField(TrainingTopic, verbose_name=_("topics"), blank=True, related_name="programs")
    description = models.TextField(_("description"), blank=True)

    scope = Scope(township="organizer__township", cadre="enrollments__cadre")
    county_wide_lookup = "organizer__township"
    objects = TrainingQuerySet.as_manager()

    class Meta:
        verbose_name = _("training program")
        verbose_name_plural = _("training programs")
        ordering = ["-start_on", "-id"]
        indexes = [models.Index(fields=["start_on"])]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.start_on and self.end_on and self.end_on < self.start_on:
            raise ValidationError({"end_on": ValidationError(_("The end date cannot be before the start date; a one-day program "
                                                               "ends on the day it starts."), code=Code.DATE_ORDER)})
        if self.organizer_id and self.organizer.kind not in (
            Organization.Kind.COUNTY, Organization.Kind.TOWNSHIP, Organization.Kind.DEPARTMENT
        ):
            raise ValidationError({"organizer": ValidationError(_("A program is organized by the county, a county department or a "
                                                                  "township."), code=Code.WRONG_KIND)})
        if self.pk and self.start_on and self.end_on:
            outside = self.sessions.exclude(held_on__range=(self.start_on, self.end_on)).order_by("held_on").first()
            if outside is not None:
                raise ValidationError({"end_on": ValidationError(_(
                    "The session “%(session)s” on %(date)s would fall outside the program's dates; move or delete "
                    "it first.") % {"session": outside.title, "date": outside.held_on.isoformat()},
                    code=Code.OUTSIDE_PERIOD)})

    @property
    def is_county_wide(self):
        return self.organizer_id is not None and self.organizer.township_id is None

    @property
    def days(self):
        return (self.end_on - self.start_on).days + 1 if self.start_on and self.end_on else 0


class TrainingSession(BaseModel):
    """A session (lecture) of a program: its lecturer, topic, date and time, and credit hours."""

    program = models.ForeignKey(TrainingProgram, verbose_name=_("training program"), on_delete=models.CASCADE,
                                related_name="sessions")
    title = models.CharField(_("lecture title"), max_length=200)
    topic = models.ForeignKey(TrainingTopic, verbose_name=_("topic"), on_delete=models.PROTECT,
                              related_name="sessions")
    lecturer = models.ForeignKey(Lecturer, verbose_name=_("lecturer"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="sessions")
    held_on = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"), null=True, blank=True)
    ends_at = models.TimeField(_("ends at"), null=True, blank=True)
    credit_hours = models.DecimalField(
        _("credit hours"), max_digits=4, decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("12"))],
        help_text=_("Between 0.5 and 12 for one session."),
    )
    location = models.CharField(_("location"), max_length=200, blank=True)

    scope = Scope(township="program__organizer__township", cadre="program__enrollments__cadre")
    county_wide_lookup = "program__organizer__township"
    objects = TrainingQuerySet.as_manager()

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["held_on", "starts_at", "id"]
        indexes = [models.Index(fields=["held_on"])]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.title}" if self.held_on else self.title

    def clean(self):
        super().clean()
        if self.program_id and self.held_on and not (self.program.start_on <= self.held_on <= self.program.end_on):
            raise ValidationError({"held_on": ValidationError(_(
                "The session must fall within the program's dates, %(start)s to %(end)s.") % {
                "start": self.program.start_on.isoformat(), "end": self.program.end_on.isoformat()},
                code=Code.OUTSIDE_PERIOD)})
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": ValidationError(_("The session must end after it starts."), code=Code.DATE_ORDER)})


class Enrollment(BaseModel):
    """A cadre enrolled in a program (参训学员). The organizer enrolls only cadres within its reach:
    a township its own cadres, the county anyone in the county."""

    program = models.ForeignKey(TrainingProgram, verbose_name=_("training program"), on_delete=models.CASCADE,
                                related_name="enrollments")
    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT,
                              related_name="training_enrollments")
    note = models.CharField(_("note"), max_length=200, blank=True)

    scope = Scope(township="program__organizer__township", cadre="cadre")
    objects = OwnCadresQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        ordering = ["program", "cadre__name_pinyin", "id"]
        constraints = [models.UniqueConstraint(
            fields=["program", "cadre"], name="training_enrollment_once",
            violation_error_code=Code.UNIQUE,
            violation_error_message=_("This cadre is already enrolled in the program."))]

    def __str__(self):
        return f"{self.program} · {self.cadre}"

    def clean(self):
        super().clean()
        if not (self.program_id and self.cadre_id):
            return
        township_id = self.program.organizer.township_id
        if township_id is not None and self.cadre.organization.township_id != township_id:
            raise ValidationError({"cadre": ValidationError(_(
                "%(cadre)s does not work in %(organizer)s; a township enrolls only its own cadres.") % {
                "cadre": self.cadre, "organizer": self.program.organizer}, code=Code.OTHER_TOWNSHIP)})
        if self._state.adding and self.cadre.status != Cadre.Status.ACTIVE:
            raise ValidationError({"cadre": ValidationError(_("%(cadre)s is archived and cannot be enrolled.") % {
                "cadre": self.cadre}, code=Code.CADRE_ARCHIVED)})



class Attendance(BaseModel):
    """A cadre's attendance at one session: present, absent or excused (leave approved). Only
    present attendances count towards person-times, training days and credit hours."""

    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")
        EXCUSED = "excused", _("Excused")

    session = models.ForeignKey(TrainingSession, verbose_name=_("training session"), on_delete=models.CASCADE,
                                related_name="attendances")
    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT,
                              related_name="training_attendances")
    status = models.CharField(_("attendance"), max_length=10, choices=Status.choices, default=Status.PRESENT)
    note = models.CharField(_("note"), max_length=200, blank=True)

    scope = Scope(township="session__program__organizer__township", cadre="cadre")
    objects = OwnCadresQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["session", "cadre__name_pinyin", "id"]
        constraints = [models.UniqueConstraint(
            fields=["session", "cadre"], name="training_attendance_once",
            violation_error_code=Code.UNIQUE,
            violation_error_message=_("This cadre's attendance at the session is already recorded."))]
        indexes = [models.Index(fields=["cadre", "status"])]

    def __str__(self):
        return f"{self.session} · {self.cadre} · {self.get_status_display()}"

    def clean(self):
        super().clean()
        if self.session_id and self.cadre_id and not Enrollment.objects.filter(
            program_id=self.session.program_id, cadre_id=self.cadre_id
        ).exists():
            raise ValidationError({"cadre": ValidationError(_("%(cadre)s is not enrolled in “%(program)s”; enroll them first.") % {
                "cadre": self.cadre, "program": self.session.program}, code=Code.NOT_ENROLLED)})



class TrainingNeed(BaseModel):
    """A training need ("what the work needs, what the cadre lacks"): for a cadre or a whole
    organization, on a topic, from the cadre themselves, the committee or an assessment. It stays
    open until a program meets it."""

    class Source(models.TextChoices):
        SELF = "self", _("The cadre themselves")
        COMMITTEE = "committee", _("Party committee")
        ASSESSMENT = "assessment", _("Assessment")

    class Status(models.TextChoices):
        OPEN = "open", _("Not yet met")
        MET = "met", _("Met")

    organization = models.ForeignKey(Organization, verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="training_needs")
    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="training_needs", help_text=_("Leave empty for a need of the whole "
                                                                         "organization."))
    topic = models.ForeignKey(TrainingTopic, verbose_name=_("topic"), on_delete=models.PROTECT,
                              related_name="needs")
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.COMMITTEE)
    note = models.TextField(_("note"), blank=True)
    raised_on = models.DateField(_("raised on"), default=clock.today)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    met_by = models.ForeignKey(TrainingProgram, verbose_name=_("met by"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="needs_met")

    scope = Scope(township="organization__township", cadre="cadre")

    class Meta:
        verbose_name = _("training need")
        verbose_name_plural = _("training needs")
        ordering = ["status", "-raised_on", "-id"]

    def __str__(self):
        who = self.cadre if self.cadre_id else self.organization
        return f"{who} · {self.topic}"

    def clean(self):
        super().clean()
        if self.cadre_id and self.organization_id and self.cadre.organization.township_id != self.organization.township_id:
            raise ValidationError({"cadre": ValidationError(_("The cadre does not work in this organization's township."),
                                                           code=Code.OTHER_TOWNSHIP)})
        if self.status == self.Status.MET and not self.met_by_id:
            raise ValidationError({"met_by": ValidationError(_("Choose the program that met the need."), code=Code.REQUIRED)})
        if self.status == self.Status.OPEN and self.met_by_id:
            raise ValidationError({"status": ValidationError(_("A need met by a program is no longer open; set it to met."),
                                                            code=Code.STATUS_MISMATCH)})
