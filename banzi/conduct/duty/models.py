"""Models of overnight duty and attendance (imported into `banzi.conduct.models`).

Overnight duty (住夜值班): a township's roster for a month (`DutyRoster`), one shift a night
(`DutyShift`: the leader on duty, a current team member, and the staff member on duty, a cadre of
the township), swaps the cadre on duty asks for and the township approves (`DutySwap`), the on-duty
cadre's check-in (`DutyCheckIn`) and spot checks by the county (`SpotCheck`).

Attendance (考勤): one record per cadre and day (`AttendanceRecord`), entered or imported. Leave and
outings are not copied into it: the monthly summary derives those days from the approved leave
requests and outing reports (see `duty/attendance.py`).
"""
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from banzi.core import clock
from banzi.core.errors import Code
from banzi.core.models import BaseModel
from banzi.core.roles import Role
from banzi.core.scoping import Scope, ScopedQuerySet
from banzi.org.models import Cadre, Organization, TeamMembership

__all__ = ["AttendanceRecord", "DutyCheckIn", "DutyRoster", "DutyShift", "DutySwap", "SpotCheck"]

EVERYONE_WRITES = frozenset({Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN, Role.CADRE})
# A night's duty runs from the evening of its date into the next morning; a check-in or a spot
# check belongs to the night if it falls between noon that day and noon the next day.
NIGHT_ENDS = datetime.time(12, 0)


def duty_window(day):
    """The (start, end) local times within which a check-in or spot check belongs to the night of `day`."""
    start = timezone.make_aware(datetime.datetime.combine(day, NIGHT_ENDS))
    end = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), NIGHT_ENDS))
    return start, end


def current_night(now=None):
    """The night on duty now: today's from noon on, and until noon still last night's, so that a
    spot check at two in the morning is of the night that began the evening before."""
    local = timezone.localtime(now)
    return local.date() if local.time() >= NIGHT_ENDS else local.date() - datetime.timedelta(days=1)


def township_of(cadre):
    return cadre.organization.township_id if cadre is not None and cadre.organization_id else None


def is_team_member(cadre, township_id, day):
    """Whether the cadre holds a team position in the township's leadership team, within its term, on `day`."""
    return TeamMembership.objects.serving(day).filter(cadre=cadre, team__township_id=township_id).exists()


class DutyRoster(BaseModel):
    """A township's overnight duty roster for one month: drafted, then published to the cadres."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    township = models.ForeignKey(
        Organization, verbose_name=_("township"), on_delete=models.PROTECT, related_name="duty_rosters",
        limit_choices_to={"kind": Organization.Kind.TOWNSHIP},
    )
    year = models.PositiveIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT,
                              editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True)

    scope = Scope(township="township")

    class Meta:
        verbose_name = _("duty roster")
        verbose_name_plural = _("duty rosters")
        ordering = ["-year", "-month", "township__sort_order", "township__name"]
        constraints = [
            models.UniqueConstraint(fields=["township", "year", "month"], name="dutyroster_one_per_month",
                                    violation_error_code=Code.UNIQUE, violation_error_message=_("This township already has a roster for this month.")),
        ]

    def __str__(self):
        return _("%(township)s duty roster %(year)s-%(month)02d") % {
            "township": self.township if self.township_id else "", "year": self.year, "month": self.month or 0}

    def clean(self):
        super().clean()
        if self.township_id and self.township.kind != Organization.Kind.TOWNSHIP:
            raise ValidationError({"township": ValidationError(_("A duty roster belongs to a township."), code=Code.WRONG_KIND)})
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValidationError({"month": ValidationError(_("Enter a month between 1 and 12."), code=Code.OUT_OF_RANGE)})
        if self.year is not None and not 2000 <= self.year <= 2100:
            raise ValidationError({"year": ValidationError(_("Enter a year between 2000 and 2100."), code=Code.YEAR_OUT_OF_RANGE)})

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    @property
    def first_day(self):
        return datetime.date(self.year, self.month, 1)

    @property
    def last_day(self):
        next_month = datetime.date(self.year + self.month // 12, self.month % 12 + 1, 1)
        return next_month - datetime.timedelta(days=1)


class DutyShiftQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """A cadre sees the published shifts they are on, as leader or as staff."""
        if getattr(user, "role", None) == Role.CADRE and user.is_authenticated:
            if not user.is_active or not user.cadre_id:
                return self.none()
            return self.filter(Q(staff_id=user.cadre_id) | Q(leader_id=user.cadre_id),
                               roster__status=DutyRoster.Status.PUBLISHED)
        return super().visible_to(user)


class DutyShift(BaseModel):
    """One night of a roster: the leader on duty (带班领导) and the staff member on duty (值班人员)."""

    roster = models.ForeignKey(DutyRoster, verbose_name=_("duty roster"), on_delete=models.CASCADE,
                               related_name="shifts")
    date = models.DateField(_("date"))
    leader = models.ForeignKey(Cadre, verbose_name=_("leader on duty"), on_delete=models.PROTECT,
                               related_name="duty_shifts_led")
    staff = models.ForeignKey(Cadre, verbose_name=_("staff on duty"), on_delete=models.PROTECT,
                              related_name="duty_shifts")
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    objects = DutyShiftQuerySet.as_manager()
    scope = Scope(township="roster__township", cadre="staff")

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")
        ordering = ["-date", "roster__township__sort_order", "roster__township__name"]
        constraints = [
            models.UniqueConstraint(fields=["roster", "date"], name="dutyshift_one_per_night",
                                    violation_error_code=Code.UNIQUE, violation_error_message=_("This roster already has a shift on this date.")),
        ]
        indexes = [models.Index(fields=["date"])]

    def __str__(self):
        township = self.roster.township if self.roster_id else ""
        return f"{township} {self.date:%Y-%m-%d}" if self.date else str(township)

    def clean(self):
        super().clean()
        if not (self.roster_id and self.date):
            return
        self.validate_date_in_month()
        self.validate_cadres()

    def validate_date_in_month(self):
        roster = self.roster
        if (self.date.year, self.date.month) != (roster.year, roster.month):
            raise ValidationError({"date": ValidationError(_("The date must fall in the roster's month (%(year)s-%(month)02d).")
                                   % {"year": roster.year, "month": roster.month}, code=Code.OUTSIDE_PERIOD)})

    def validate_cadres(self):
        township_id = self.roster.township_id
        errors = {}
        for name in ("leader", "staff"):
            cadre = getattr(self, name) if getattr(self, f"{name}_id") else None
            if cadre is None:
                continue
            if township_of(cadre) != township_id:
                errors[name] = ValidationError(_("%(name)s is not a cadre of %(township)s; only the township's own cadres are on "
                                 "its duty roster.") % {"name": cadre, "township": self.roster.township}, code=Code.OTHER_TOWNSHIP)
            elif cadre.status != Cadre.Status.ACTIVE:
                errors[name] = ValidationError(_("%(name)s is archived and cannot be on duty.") % {"name": cadre},
                                               code=Code.CADRE_ARCHIVED)
        if "leader" not in errors and self.leader_id and not is_team_member(self.leader, township_id, self.date):
            errors["leader"] = ValidationError(_("%(name)s is not a member of the township's leadership team on %(date)s; the leader "
                                 "on duty is a team member.") % {"name": self.leader, "date": self.date.isoformat()},
                                               code=Code.NOT_TEAM_MEMBER)
        if not errors and self.leader_id and self.leader_id == self.staff_id:
            errors["staff"] = ValidationError(_("The staff member on duty must be someone other than the leader on duty."),
                                              code=Code.SAME_PERSON)
        if errors:
            raise ValidationError(errors)

    def on_duty(self):
        """The cadres on duty this night."""
        return [self.leader, self.staff]

    def is_on_duty(self, cadre_id):
        return cadre_id is not None and cadre_id in (self.leader_id, self.staff_id)


class DutySwap(BaseModel):
    """A swap the cadre on duty asks for: someone else takes their place that night, once the
    township approves."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    shift = models.ForeignKey(DutyShift, verbose_name=_("duty shift"), on_delete=models.PROTECT, related_name="swaps")
    requested_by = models.ForeignKey(Cadre, verbose_name=_("cadre on duty"), on_delete=models.PROTECT,
                                     related_name="duty_swaps_requested")
    replacement = models.ForeignKey(Cadre, verbose_name=_("replacement"), on_delete=models.PROTECT,
                                    related_name="duty_swaps_taken")
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED,
                              editable=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   editable=False, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True, editable=False)

    scope = Scope(township="shift__roster__township", cadre="requested_by", write_roles=EVERYONE_WRITES)

    class Meta:
        verbose_name = _("duty swap")
        verbose_name_plural = _("duty swaps")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return _("%(cadre)s → %(replacement)s on %(date)s") % {
            "cadre": self.requested_by if self.requested_by_id else "",
            "replacement": self.replacement if self.replacement_id else "",
            "date": f"{self.shift.date:%Y-%m-%d}" if self.shift_id else ""}

    def clean(self):
        super().clean()
        # A decided swap has already changed the night; its checks held when it was asked for.
        if self.status != self.Status.REQUESTED or not (self.shift_id and self.requested_by_id and self.replacement_id):
            return
        shift = self.shift
        if not shift.is_on_duty(self.requested_by_id):
            raise ValidationError({"requested_by": ValidationError(_("%(name)s is not on duty that night; only the cadre on duty "
                                                     "asks for a swap.") % {"name": self.requested_by}, code=Code.NOT_ON_DUTY)})
        if self.replacement_id == self.requested_by_id or shift.is_on_duty(self.replacement_id):
            raise ValidationError({"replacement": ValidationError(_("%(name)s is already on duty that night; choose someone else.")
                                   % {"name": self.replacement}, code=Code.ALREADY_ON_DUTY)})
        if township_of(self.replacement) != shift.roster.township_id:
            raise ValidationError({"replacement": ValidationError(_("%(name)s is not a cadre of %(township)s.") % {
                "name": self.replacement, "township": shift.roster.township}, code=Code.OTHER_TOWNSHIP)})
        if self.replacement.status != Cadre.Status.ACTIVE:
            raise ValidationError({"replacement": ValidationError(_("%(name)s is archived and cannot be on duty.")
                                   % {"name": self.replacement}, code=Code.CADRE_ARCHIVED)})
        if self.requested_by_id == shift.leader_id and not is_team_member(
                self.replacement, shift.roster.township_id, shift.date):
            raise ValidationError({"replacement": ValidationError(_("The leader on duty can only be replaced by another member of the "
                                                    "leadership team."), code=Code.NOT_TEAM_MEMBER)})

    @property
    def is_open(self):
        return self.status == self.Status.REQUESTED


class DutyCheckIn(BaseModel):
    """The cadre on duty reporting in for the night (from a phone, or entered by the township)."""

    shift = models.ForeignKey(DutyShift, verbose_name=_("duty shift"), on_delete=models.PROTECT,
                              related_name="check_ins")
    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="duty_check_ins")
    checked_in_at = models.DateTimeField(_("checked in at"))
    location = models.CharField(_("location"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    scope = Scope(township="shift__roster__township", cadre="cadre", write_roles=EVERYONE_WRITES)

    class Meta:
        verbose_name = _("duty check-in")
        verbose_name_plural = _("duty check-ins")
        ordering = ["-checked_in_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["shift", "cadre"], name="dutycheckin_once_per_night",
                                    violation_error_code=Code.UNIQUE, violation_error_message=_("This cadre has already checked in for this night.")),
        ]

    def __str__(self):
        cadre = self.cadre if self.cadre_id else ""
        return f"{cadre} {timezone.localtime(self.checked_in_at):%Y-%m-%d %H:%M}" if self.checked_in_at else str(cadre)

    def clean(self):
        super().clean()
        if not (self.shift_id and self.cadre_id):
            return
        if not self.shift.is_on_duty(self.cadre_id):
            raise ValidationError({"cadre": ValidationError(_("%(name)s is not on duty that night.") % {"name": self.cadre}, code=Code.NOT_ON_DUTY)})
        if self.checked_in_at:
            start, end = duty_window(self.shift.date)
            if not start <= self.checked_in_at < end:
                raise ValidationError({"checked_in_at": ValidationError(_(
                    "A check-in for the night of %(date)s falls between noon that day and noon the next day.")
                    % {"date": self.shift.date.isoformat()}, code=Code.OUTSIDE_PERIOD)})
            if self.checked_in_at > clock.now() + datetime.timedelta(minutes=5):
                raise ValidationError({"checked_in_at": ValidationError(_("A check-in cannot be in the future."), code=Code.FUTURE_DATE)})


class SpotCheck(BaseModel):
    """A spot check (抽查) of a township's overnight duty: when, how and whether the cadre on duty
    was there. An absence becomes a violation candidate for the department to decide."""

    class Method(models.TextChoices):
        PHONE = "phone", _("Phone call")
        VIDEO = "video", _("Video call")
        ON_SITE = "on_site", _("On site")

    class Result(models.TextChoices):
        PRESENT = "present", _("At the post")
        UNREACHABLE = "unreachable", _("Unreachable")
        ABSENT = "absent", _("Absent from the post")

    township = models.ForeignKey(
        Organization, verbose_name=_("township"), on_delete=models.PROTECT, related_name="duty_spot_checks",
        limit_choices_to={"kind": Organization.Kind.TOWNSHIP},
    )
    duty_date = models.DateField(_("duty date"))
    shift = models.ForeignKey(DutyShift, verbose_name=_("duty shift"), null=True, blank=True, editable=False,
                              on_delete=models.PROTECT, related_name="spot_checks")
    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre checked"), on_delete=models.PROTECT,
                              related_name="duty_spot_checks")
    checked_at = models.DateTimeField(_("checked at"))
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    result = models.CharField(_("result"), max_length=12, choices=Result.choices)
    notes = models.TextField(_("notes"), blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("checked by"), null=True, blank=True,
                                   editable=False, on_delete=models.SET_NULL, related_name="+")
    violation = models.ForeignKey("conduct.Violation", verbose_name=_("violation candidate"), null=True, blank=True,
                                  editable=False, on_delete=models.SET_NULL, related_name="spot_checks")

    # The county department checks the townships (a township does not spot-check itself); the
    # township and the cadre checked read the result.
    scope = Scope(township="township", cadre="cadre", write_roles=frozenset({Role.COUNTY_ADMIN}))

    class Meta:
        verbose_name = _("spot check")
        verbose_name_plural = _("spot checks")
        ordering = ["-checked_at", "-id"]
        indexes = [models.Index(fields=["township", "duty_date"])]

    def __str__(self):
        cadre = self.cadre if self.cadre_id else ""
        return _("Spot check of %(cadre)s on %(date)s") % {
            "cadre": cadre, "date": self.duty_date.isoformat() if self.duty_date else ""}

    def clean(self):
        super().clean()
        if not (self.township_id and self.duty_date):
            return
        self.shift = self.find_shift()
        if self.cadre_id and not self.shift.is_on_duty(self.cadre_id):
            raise ValidationError({"cadre": ValidationError(_("%(name)s is not on duty in %(township)s on %(date)s; the roster has "
                                              "%(leader)s and %(staff)s.") % {
                "name": self.cadre, "township": self.township, "date": self.duty_date.isoformat(),
                "leader": self.shift.leader, "staff": self.shift.staff}, code=Code.NOT_ON_DUTY)})
        if self.checked_at:
            start, end = duty_window(self.duty_date)
            if not start <= self.checked_at < end:
                raise ValidationError({"checked_at": ValidationError(_(
                    "A spot check of the night of %(date)s falls between noon that day and noon the next day.")
                    % {"date": self.duty_date.isoformat()}, code=Code.OUTSIDE_PERIOD)})
            if self.checked_at > clock.now() + datetime.timedelta(minutes=5):
                raise ValidationError({"checked_at": ValidationError(_("A spot check cannot be in the future."), code=Code.FUTURE_DATE)})

    def find_shift(self):
        shift = (DutyShift.objects.filter(roster__township_id=self.township_id, date=self.duty_date)
                 .select_related("roster", "leader", "staff").first())
        if shift is None:
            raise ValidationError({"duty_date": ValidationError(_("%(township)s has no duty roster shift on %(date)s; a spot check "
                                                  "needs the roster's night.") % {
                "township": self.township, "date": self.duty_date.isoformat()}, code=Code.NO_SHIFT)})
        if not shift.roster.is_published:
            raise ValidationError({"duty_date": ValidationError(_("The roster of %(township)s for that month is not published yet.")
                                   % {"township": self.township}, code=Code.ROSTER_NOT_PUBLISHED)})
        return shift

    @property
    def is_absence(self):
        return self.result == self.Result.ABSENT


class AttendanceRecord(BaseModel):
    """A cadre's attendance (考勤) on one day, entered or imported. Leave and outings need no record:
    the summary derives their days from the approved requests and reports."""

    class Status(models.TextChoices):
        PRESENT = "present", _("At work")
        LEAVE = "leave", _("On leave")
        BUSINESS_TRIP = "business_trip", _("Business trip")
        OUTING = "outing", _("Outing")
        ABSENT = "absent", _("Absent from work")

    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT,
                              related_name="attendance_records")
    organization = models.ForeignKey(Organization, verbose_name=_("unit"), on_delete=models.PROTECT,
                                     editable=False, related_name="attendance_records")
    date = models.DateField(_("date"))
    status = models.CharField(_("attendance status"), max_length=16, choices=Status.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    scope = Scope(township="organization__township", cadre="cadre")

    class Meta:
        verbose_name = _("attendance record")
        verbose_name_plural = _("attendance records")
        ordering = ["-date", "organization__name", "cadre__name_pinyin"]
        constraints = [
            models.UniqueConstraint(fields=["cadre", "date"], name="attendance_once_per_day",
                                    violation_error_code=Code.UNIQUE, violation_error_message=_("This cadre already has an attendance record on this "
                                                              "date.")),
        ]
        indexes = [models.Index(fields=["organization", "date"])]

    def __str__(self):
        cadre = self.cadre if self.cadre_id else ""
        return f"{cadre} {self.date:%Y-%m-%d}" if self.date else str(cadre)

    def clean(self):
        super().clean()
        if self.cadre_id:
            # The record sits in the cadre's unit (and so in that township's scope).
            self.organization = self.cadre.organization
            if self._state.adding and self.cadre.status != Cadre.Status.ACTIVE:
                raise ValidationError({"cadre": ValidationError(_("%(name)s is archived; attendance is kept for active cadres.")
                                       % {"name": self.cadre}, code=Code.CADRE_ARCHIVED)})
        if self.date and self.date > clock.today():
            raise ValidationError({"date": ValidationError(_("Attendance is recorded for days that have passed, not for %(date)s.")
                                   % {"date": self.date.isoformat()}, code=Code.FUTURE_DATE)})
