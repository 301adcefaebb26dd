"""Frontline practice (一线历练) and mentoring (传帮带学): the rectification target and progress of a
designated village, postings of cadres (first secretary, rectification working group member,
enterprise service, other hard assignments) with their work logs, the township rectification
working groups, mentoring pairs with their meetings, and study visits to model units.

Village designations themselves are the registry's (`org.VillageDesignation`); rules that span
records (a first secretary goes to a designated village, one first-secretary posting at a time, a
group led by a member of the township's team, one active mentor per mentee) live in `services.py`.
"""
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from banzi.core import clock
from banzi.core.errors import Code
from banzi.core.models import BaseModel
from banzi.core.roles import Role
from banzi.core.scoping import Scope
from banzi.org.models import Cadre, Organization, VillageDesignation

# The designations that make a village a "hard place" (not the model units it learns from).
HARD_CATEGORIES = (
    VillageDesignation.Category.WEAK_LAX,
    VillageDesignation.Category.DISPUTE_HEAVY,
    VillageDesignation.Category.WEAK_ECONOMY,
    VillageDesignation.Category.REGISTERED_POOR,
)


def _check_order(start, end, field="ended_on"):
    if start and end and end < start:
        raise ValidationError({field: ValidationError(_("The end date cannot be before the start date."), code=Code.DATE_ORDER)})


class VillageRectification(BaseModel):
    """The rectification of one designated village: the target to reach, by when, and how far it
    has come. The designation (and its lifting) stays in the registry."""

    designation = models.OneToOneField(
        VillageDesignation, verbose_name=_("village designation"), on_delete=models.PROTECT,
        related_name="rectification",
    )
    target = models.TextField(_("rectification target"))
    measures = models.TextField(_("measures"), blank=True)
    due_on = models.DateField(_("target date"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    progress_note = models.TextField(_("latest progress"), blank=True)
    reported_on = models.DateField(_("progress reported on"), null=True, blank=True)

    scope = Scope(township="designation__organization__township")

    class Meta:
        verbose_name = _("village rectification")
        verbose_name_plural = _("village rectifications")
        ordering = ["-designation__year", "designation__organization__name"]

    def __str__(self):
        return _("Rectification of %(designation)s") % {"designation": self.designation}

    def clean(self):
        super().clean()
        if self.progress is not None and self.progress > 100:
            raise ValidationError({"progress": ValidationError(_("Progress is a percentage between 0 and 100."), code=Code.OUT_OF_RANGE)})
        if self.designation_id and self.designation.category not in HARD_CATEGORIES:
            raise ValidationError({"designation": ValidationError(_("A model unit is learned from, not rectified."), code=Code.WRONG_KIND)})


class RectificationGroup(BaseModel):
    """A township's rectification working group (集中整顿工作组) for one campaign, led by a member of
    the township's leadership team. It covers the township's designated villages of its year."""

    township = models.ForeignKey(
        Organization, verbose_name=_("township"), on_delete=models.PROTECT, related_name="rectification_groups",
        limit_choices_to={"kind": Organization.Kind.TOWNSHIP},
    )
    campaign = models.CharField(_("campaign"), max_length=100)
    year = models.PositiveIntegerField(_("year"))
    leader = models.ForeignKey(
        Cadre, verbose_name=_("group leader"), on_delete=models.PROTECT, related_name="led_rectification_groups"
    )
    started_on = models.DateField(_("start date"))
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    tasks = models.TextField(_("tasks of the group"), blank=True)
    summary = models.TextField(_("summary"), blank=True)

    scope = Scope(township="township", cadre="leader")

    class Meta:
        verbose_name = _("rectification working group")
        verbose_name_plural = _("rectification working groups")
        ordering = ["-year", "township__sort_order", "township__name"]
        constraints = [
            models.UniqueConstraint(fields=["township", "campaign"], name="rectification_group_one_per_campaign",
                                    violation_error_code=Code.UNIQUE,
                                    violation_error_message=_("This township already has a group for this campaign.")),
        ]

    def __str__(self):
        return _("%(township)s rectification working group (%(campaign)s)") % {
            "township": self.township, "campaign": self.campaign}

    def clean(self):
        super().clean()
        _check_order(self.started_on, self.ended_on)
        if self.township_id and self.township.kind != Organization.Kind.TOWNSHIP:
            raise ValidationError({"township": ValidationError(_("A rectification working group belongs to a township."), code=Code.WRONG_KIND)})

    def covered_designations(self):
        return VillageDesignation.objects.filter(
            organization__township_id=self.township_id, year=self.year, category__in=HARD_CATEGORIES)


class Posting(BaseModel):
    """A cadre sent to the front line (一线历练): as first secretary of a designated village, as a
    member of a rectification working group, to serve an enterprise, or to another hard assignment
    (急难险重), with goals, work logs and an end-of-posting result."""

    class Kind(models.TextChoices):
        FIRST_SECRETARY = "first_secretary", _("First secretary")
        RECTIFICATION = "rectification", _("Rectification working group member")
        ENTERPRISE = "enterprise", _("Enterprise service")
        OTHER = "other", _("Other frontline tempering")

    class Result(models.TextChoices):
        EXCELLENT = "excellent", _("Excellent")
        GOOD = "good", _("Good")
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Failed")

    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="postings")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    organization = models.ForeignKey(
        Organization, verbose_name=_("posted to"), on_delete=models.PROTECT, related_name="postings",
        help_text=_("A village for a first secretary, an enterprise for enterprise service."),
    )
    group = models.ForeignKey(
        RectificationGroup, verbose_name=_("rectification working group"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="postings",
    )
    started_on = models.DateField(_("start date"))
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    goals = models.TextField(_("goals"), blank=True)
    result = models.CharField(_("end-of-posting result"), max_length=10, choices=Result.choices, blank=True)
    result_note = models.TextField(_("end-of-posting assessment"), blank=True)

    scope = Scope(township="organization__township", cadre="cadre")

    class Meta:
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        ordering = ["-started_on", "-id"]
        indexes = [models.Index(fields=["kind", "started_on"]), models.Index(fields=["cadre", "kind"])]

    def __str__(self):
        return f"{self.cadre} · {self.get_kind_display()} · {self.organization}"

    def clean(self):
        super().clean()
        _check_order(self.started_on, self.ended_on)
        if self.result and not self.ended_on:
            raise ValidationError({"result": ValidationError(
                _("Record the result when the posting has ended (enter the end date)."), code=Code.NOT_APPLICABLE)})

    def is_active_on(self, day):
        return self.started_on <= day and (self.ended_on is None or self.ended_on >= day)

    @property
    def is_active(self):
        return self.is_active_on(clock.today())


class WorkLog(BaseModel):
    """A day's work on a posting: whom the cadre visited, the problems found and those solved."""

    posting = models.ForeignKey(Posting, verbose_name=_("posting"), on_delete=models.CASCADE, related_name="logs")
    logged_on = models.DateField(_("date"))
    visits = models.PositiveIntegerField(_("visits"), default=0, help_text=_("Households or units visited."))
    problems_found = models.PositiveIntegerField(_("problems found"), default=0)
    problems_solved = models.PositiveIntegerField(_("problems solved"), default=0)
    content = models.TextField(_("work done"))

    # The posted cadre keeps the log of their own posting.
    scope = Scope(township="posting__organization__township", cadre="posting__cadre",
                  write_roles=frozenset({Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN, Role.CADRE}))

    class Meta:
        verbose_name = _("work log")
        verbose_name_plural = _("work logs")
        ordering = ["-logged_on", "-id"]

    def __str__(self):
        return f"{self.posting.cadre} {self.logged_on:%Y-%m-%d}" if self.logged_on else str(self.posting.cadre)


class Mentorship(BaseModel):
    """A mentoring pair (传帮带, 结对子): an experienced cadre guides a newer one, one to one, with
    goals, meetings and an evaluation by both at the end."""

    mentor = models.ForeignKey(Cadre, verbose_name=_("mentor"), on_delete=models.PROTECT, related_name="mentees_as_mentor")
    mentee = models.ForeignKey(Cadre, verbose_name=_("mentee"), on_delete=models.PROTECT, related_name="mentorships")
    started_on = models.DateField(_("start date"))
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    goals = models.TextField(_("goals"))
    mentor_evaluation = models.TextField(_("mentor's evaluation"), blank=True)
    mentee_evaluation = models.TextField(_("mentee's evaluation"), blank=True)

    # Both sides of a pair see it (and its meetings) among their own records.
    scope = Scope(township="mentee__organization__township", cadre=("mentee", "mentor"))

    class Meta:
        verbose_name = _("mentoring pair")
        verbose_name_plural = _("mentoring pairs")
        ordering = ["-started_on", "-id"]

    def __str__(self):
        return _("%(mentor)s mentors %(mentee)s") % {"mentor": self.mentor, "mentee": self.mentee}

    def clean(self):
        super().clean()
        _check_order(self.started_on, self.ended_on)
        if self.mentor_id and self.mentor_id == self.mentee_id:
            raise ValidationError({"mentee": ValidationError(_("A cadre cannot be their own mentor."), code=Code.SAME_PERSON)})
        if self.ended_on and self.ended_on <= clock.today() and not (
                (self.mentor_evaluation or "").strip() and (self.mentee_evaluation or "").strip()):
            raise ValidationError({"mentor_evaluation": ValidationError(_(
                "A pair that has ended needs the evaluation of both the mentor and the mentee."), code=Code.REQUIRED)})

    def is_active_on(self, day):
        return self.started_on <= day and (self.ended_on is None or self.ended_on > day)

    @property
    def is_active(self):
        return self.is_active_on(clock.today())


class MentorshipMeeting(BaseModel):
    """A meeting of a mentoring pair: when, what about, and the notes."""

    mentorship = models.ForeignKey(Mentorship, verbose_name=_("mentoring pair"), on_delete=models.CASCADE,
                                   related_name="meetings")
    met_on = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)

    scope = Scope(township="mentorship__mentee__organization__township",
                  cadre=("mentorship__mentee", "mentorship__mentor"))

    class Meta:
        verbose_name = _("mentoring meeting")
        verbose_name_plural = _("mentoring meetings")
        ordering = ["-met_on", "-id"]

    def __str__(self):
        return f"{self.mentorship} · {self.topic}"


class StudyVisit(BaseModel):
    """A group's study visit (观摩学习) to a model unit: where, when, who went and what was learned."""

    title = models.CharField(_("title"), max_length=200)
    organization = models.ForeignKey(
        Organization, verbose_name=_("organizing unit"), on_delete=models.PROTECT, related_name="organized_visits",
    )
    host = models.ForeignKey(
        Organization, verbose_name=_("model unit visited"), on_delete=models.PROTECT, related_name="hosted_visits",
    )
    visited_on = models.DateField(_("date"))
    participants = models.ManyToManyField(Cadre, verbose_name=_("participants"), related_name="study_visits")
    learned = models.TextField(_("what was learned"))

    scope = Scope(township="organization__township")

    class Meta:
        verbose_name = _("study visit")
        verbose_name_plural = _("study visits")
        ordering = ["-visited_on", "-id"]

    def __str__(self):
        return self.title
