"""Assessments of the township teams and their cadres (年度考核 / 平时考核), their grades under quota,
the quota approvals, and the democratic evaluation (民主测评) with one-time ballot codes.

An assessment lists who is assessed (`Assessee`: a township's team, or one cadre in one unit). A
grade is proposed (the township for its own cadres' day-to-day grades, the county for all) and
confirmed by the county unit by unit under the quota (`services.confirm_unit`). Ballots are
anonymous by construction: a `BallotCode` keeps only a keyed hash and whether it was used, a
`Ballot` has a random id, no timestamp and no link to its code, and neither keeps a change history
(a history row's time would tie a code's use to its ballot). Issuing codes and entering paper
ballots are audit events of the evaluation group; the tallies are computed in `metrics.py`.
"""
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from banzi.core import clock
from banzi.core.errors import Code
from banzi.core.models import BaseModel
from banzi.core.roles import Role
from banzi.core.scoping import Scope, ScopedQuerySet
from banzi.core.uploads import FileContentValidator
from banzi.core.validators import check_date_order
from banzi.org.models import Cadre, Organization, Team

COUNTY_ONLY = frozenset({Role.COUNTY_ADMIN})


class Grade(models.TextChoices):
    """Every grade an assessee can get: the individual grades of annual, term and special
    assessments, and the four-level grades of teams and of quarterly day-to-day assessments."""

    EXCELLENT = "excellent", _("Excellent")
    COMPETENT = "competent", _("Competent")
    BASICALLY_COMPETENT = "basically_competent", _("Basically competent")
    INCOMPETENT = "incompetent", _("Incompetent")
    GOOD = "good", pgettext_lazy("grade", "Good")
    FAIRLY_GOOD = "fairly_good", _("Fairly good")
    AVERAGE = "average", _("Average")
    POOR = "poor", _("Poor")


# The two scales, best first. The third grade of each is the cap of the one-third rule.
INDIVIDUAL_SCALE = (Grade.EXCELLENT, Grade.COMPETENT, Grade.BASICALLY_COMPETENT, Grade.INCOMPETENT)
FOUR_LEVEL_SCALE = (Grade.GOOD, Grade.FAIRLY_GOOD, Grade.AVERAGE, Grade.POOR)


def _check_year(year, field="year"):
    if year is not None and not 2000 <= year <= 2100:
        raise ValidationError({field: ValidationError(_("The year must fall between 2000 and 2100."),
                                                      code=Code.YEAR_OUT_OF_RANGE)})


class Assessment(BaseModel):
    """One assessment: its kind, period, the organization running it and its status
    (planning → collecting → confirmed → published; reopened with a reason)."""

    class Kind(models.TextChoices):
        QUARTERLY = "quarterly", _("Day-to-day assessment (quarterly)")
        ANNUAL = "annual", _("Annual assessment")
        TERM = "term", _("Term assessment")
        SPECIAL = "special", _("Special assessment")

    class Status(models.TextChoices):
        PLANNING = "planning", _("Planning")
        COLLECTING = "collecting", _("Collecting")
        CONFIRMED = "confirmed", pgettext_lazy("assessment status", "Confirmed")
        PUBLISHED = "published", pgettext_lazy("assessment status", "Published")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ANNUAL)
    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), null=True, blank=True,
                                               validators=[MinValueValidator(1), MaxValueValidator(4)])
    starts_on = models.DateField(_("period start"))
    ends_on = models.DateField(_("period end"))
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization running it"), on_delete=models.PROTECT, related_name="assessments",
        help_text=_("The county, or a township for its own day-to-day assessments."))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNING,
                              editable=False)
    reopen_reason = models.TextField(_("reason for reopening"), blank=True, editable=False)

    scope = Scope(township="organization__township")

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-year", "-quarter", "-id"]

    def __str__(self):
        return self.title

    @property
    def is_quarterly(self):
        return self.kind == self.Kind.QUARTERLY

    def clean(self):
        super().clean()
        _check_year(self.year)
        check_date_order(self.starts_on, self.ends_on, end_field="ends_on")
        if self.is_quarterly and not self.quarter:
            raise ValidationError({"quarter": ValidationError(_("A quarterly assessment names its quarter."),
                                                              code=Code.REQUIRED)})
        if not self.is_quarterly and self.quarter:
            raise ValidationError({"quarter": ValidationError(_("Only a quarterly assessment has a quarter."),
                                                              code=Code.NOT_APPLICABLE)})
        if self.organization_id:
            kind = self.organization.kind
            if kind not in (Organization.Kind.COUNTY, Organization.Kind.TOWNSHIP):
                raise ValidationError({"organization": ValidationError(
                    _("An assessment is run by the county or by a township."), code=Code.WRONG_KIND)})
            if kind == Organization.Kind.TOWNSHIP and not self.is_quarterly:
                raise ValidationError({"organization": ValidationError(
                    _("A township runs only its own day-to-day assessments; the county runs the others."),
                    code=Code.WRONG_KIND)})

    def individual_scale(self):
        """The grades of an individual in this assessment, best first."""
        return FOUR_LEVEL_SCALE if self.is_quarterly else INDIVIDUAL_SCALE


def report_path(instance, filename):
    return f"assessment/reports/{clock.now():%Y/%m}/{filename}"


class Assessee(BaseModel):
    """One team or one cadre assessed in one unit (the township), with the proposed and confirmed
    grades and the 述职述廉 report."""

    class Category(models.TextChoices):
        TEAM = "team", _("Leadership team")
        TEAM_HEAD = "team_head", _("Team head")
        TEAM_MEMBER = "team_member", _("Team member")
        GENERAL_CADRE = "general_cadre", _("General cadre")

    assessment = models.ForeignKey(Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE,
                                   related_name="assessees")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    team = models.ForeignKey(Team, verbose_name=_("leadership team"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="assessments")
    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="assessments")
    unit = models.ForeignKey(Organization, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="assessees",
                             limit_choices_to={"kind": Organization.Kind.TOWNSHIP},
                             help_text=_("The township the team or cadre is assessed in."))
    proposed_grade = models.CharField(_("proposed grade"), max_length=20, choices=Grade.choices, blank=True,
                                      editable=False)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+", editable=False)
    confirmed_grade = models.CharField(_("confirmed grade"), max_length=20, choices=Grade.choices, blank=True,
                                       editable=False)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+", editable=False)
    confirmed_on = models.DateField(_("confirmed on"), null=True, blank=True, editable=False)
    report = models.TextField(_("report on duties and integrity"), blank=True,
                              help_text=_("The 述职述廉 report, as text or as an attachment."))
    report_file = models.FileField(_("report attachment"), upload_to=report_path, blank=True,
                                   validators=[FileContentValidator(kinds=("pdf", "office"))])

    scope = Scope(township="unit__township", cadre="cadre")

    class Meta:
        verbose_name = _("assessee")
        verbose_name_plural = _("assessees")
        ordering = ["assessment", "unit__sort_order", "category", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "cadre"], condition=models.Q(cadre__isnull=False),
                                    name="assessee_once_per_cadre", violation_error_code=Code.UNIQUE,
                                    violation_error_message=_("This cadre is already assessed in this assessment.")),
            models.UniqueConstraint(fields=["assessment", "team"], condition=models.Q(team__isnull=False),
                                    name="assessee_once_per_team", violation_error_code=Code.UNIQUE,
                                    violation_error_message=_("This team is already assessed in this assessment.")),
        ]

    def __str__(self):
        return str(self.team if self.category == self.Category.TEAM else self.cadre)

    @property
    def is_team(self):
        return self.category == self.Category.TEAM

    def scale(self):
        """The grades this assessee may get, best first."""
        return FOUR_LEVEL_SCALE if self.is_team else self.assessment.individual_scale()

    def clean(self):
        super().clean()
        if self.is_team:
            if not self.team_id:
                raise ValidationError({"team": ValidationError(_("Choose the leadership team assessed."),
                                                               code=Code.REQUIRED)})
            if self.cadre_id:
                raise ValidationError({"cadre": ValidationError(_("A team's assessment names no cadre."),
                                                                code=Code.NOT_APPLICABLE)})
            if self.unit_id is None:
                self.unit_id = self.team.township_id
            if self.team.township_id != self.unit_id:
                raise ValidationError({"team": ValidationError(_("The team belongs to another township than the unit."),
                                                               code=Code.OTHER_TOWNSHIP)})
        elif self.category:
            if not self.cadre_id:
                raise ValidationError({"cadre": ValidationError(_("Choose the cadre assessed."), code=Code.REQUIRED)})
            if self.team_id:
                raise ValidationError({"team": ValidationError(_("A cadre's assessment names no team."),
                                                               code=Code.NOT_APPLICABLE)})
            if self.unit_id is None:
                self.unit_id = self.cadre.organization.township_id
            if self.cadre.organization.township_id != self.unit_id:
                raise ValidationError({"cadre": ValidationError(_("The cadre works in another township than the unit."),
                                                                code=Code.OTHER_TOWNSHIP)})
        if self.unit_id and self.unit.kind != Organization.Kind.TOWNSHIP:
            raise ValidationError({"unit": ValidationError(_("The unit of an assessee is a township."),
                                                           code=Code.WRONG_KIND)})
        if self.assessment_id and self.unit_id and self.assessment.organization.kind == Organization.Kind.TOWNSHIP \
                and self.assessment.organization_id != self.unit_id:
            raise ValidationError({"unit": ValidationError(_("A township's own assessment assesses only its own cadres."),
                                                           code=Code.OTHER_TOWNSHIP)})


class QuotaApproval(BaseModel):
    """The county's approval that a unit may grade more of its cadres excellent in one assessment
    (25 % instead of 20 % by default), with the document that approves it."""

    assessment = models.ForeignKey(Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE,
                                   related_name="quota_approvals")
    unit = models.ForeignKey(Organization, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+",
                             limit_choices_to={"kind": Organization.Kind.TOWNSHIP})
    document_number = models.CharField(_("document number"), max_length=100)
    approved_on = models.DateField(_("approved on"))

    scope = Scope(township="unit__township", write_roles=COUNTY_ONLY)

    class Meta:
        verbose_name = _("quota approval")
        verbose_name_plural = _("quota approvals")
        ordering = ["assessment", "unit__sort_order", "id"]
        constraints = [models.UniqueConstraint(
            fields=["assessment", "unit"], name="quotaapproval_once_per_unit", violation_error_code=Code.UNIQUE,
            violation_error_message=_("This unit already has a quota approval in this assessment."))]

    def __str__(self):
        return f"{self.unit} · {self.document_number}"

    def clean(self):
        super().clean()
        if not (self.document_number or "").strip():
            raise ValidationError({"document_number": ValidationError(
                _("Enter the number of the county's approving document."), code=Code.REQUIRED)})
        if self.unit_id and self.unit.kind != Organization.Kind.TOWNSHIP:
            raise ValidationError({"unit": ValidationError(_("The unit of an assessee is a township."),
                                                           code=Code.WRONG_KIND)})


class AssessmentGroup(BaseModel):
    """An assessment group (考核组) that the organization running an assessment sends to the units it
    assesses: its leader, its members and the townships it covers. In the county's assessments nobody
    on a group works in a township the group assesses (回避); each township is covered by one group of
    an assessment (`services.save_assessment_group`)."""

    assessment = models.ForeignKey(Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE,
                                   related_name="assessment_groups")
    name = models.CharField(_("name"), max_length=100, help_text=_("For example 第一考核组."))
    leader = models.ForeignKey(Cadre, verbose_name=_("group leader"), on_delete=models.PROTECT, related_name="+")
    members = models.ManyToManyField(Cadre, verbose_name=_("group members"), blank=True,
                                     related_name="assessment_groups")
    units = models.ManyToManyField(Organization, verbose_name=_("townships assessed"), related_name="+",
                                   limit_choices_to={"kind": Organization.Kind.TOWNSHIP})
    note = models.TextField(_("note"), blank=True)

    scope = Scope(township="assessment__organization__township")

    class Meta:
        verbose_name = _("assessment group")
        verbose_name_plural = _("assessment groups")
        ordering = ["assessment", "id"]
        constraints = [models.UniqueConstraint(
            fields=["assessment", "name"], name="assessmentgroup_name_once", violation_error_code=Code.UNIQUE,
            violation_error_message=_("This assessment already has a group of this name."))]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if not (self.name or "").strip():
            raise ValidationError({"name": ValidationError(_("Name the assessment group."), code=Code.REQUIRED)})
        self.name = self.name.strip()


class EvaluationGroup(BaseModel):
    """One group of voters in a unit's democratic evaluation, with its local weight (the weights of
    a unit's groups sum to 100)."""

    class Kind(models.TextChoices):
        TEAM_MEMBERS = "team_members", _("Team members")
        SUBORDINATE_HEADS = "subordinate_heads", _("Heads of subordinate units")
        CADRE_REPRESENTATIVES = "cadre_representatives", _("Cadre representatives")
        PUBLIC_REPRESENTATIVES = "public_representatives", _("Public representatives")

    assessment = models.ForeignKey(Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE,
                                   related_name="evaluation_groups")
    unit = models.ForeignKey(Organization, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+",
                             limit_choices_to={"kind": Organization.Kind.TOWNSHIP})
    kind = models.CharField(_("group"), max_length=30, choices=Kind.choices)
    weight = models.PositiveSmallIntegerField(_("weight (%)"), validators=[MaxValueValidator(100)])

    scope = Scope(township="unit__township", write_roles=COUNTY_ONLY)

    class Meta:
        verbose_name = _("evaluation group")
        verbose_name_plural = _("evaluation groups")
        ordering = ["assessment", "unit__sort_order", "kind", "id"]
        constraints = [models.UniqueConstraint(
            fields=["assessment", "unit", "kind"], name="evaluationgroup_once_per_kind", violation_error_code=Code.UNIQUE,
            violation_error_message=_("This unit already has this evaluation group in this assessment."))]

    def __str__(self):
        return f"{self.unit} · {self.get_kind_display()}"

    def clean(self):
        super().clean()
        if self.unit_id and self.unit.kind != Organization.Kind.TOWNSHIP:
            raise ValidationError({"unit": ValidationError(_("The unit of an assessee is a township."),
                                                           code=Code.WRONG_KIND)})


class BallotCode(models.Model):
    """A one-time ballot code handed out at the meeting: only a keyed hash (HMAC-SM3) of the code is
    kept, and whether it was used, never when, and no change history."""

    group = models.ForeignKey(EvaluationGroup, verbose_name=_("evaluation group"), on_delete=models.CASCADE,
                              related_name="codes")
    code_hash = models.CharField(_("code fingerprint"), max_length=64, unique=True)
    used = models.BooleanField(_("used"), default=False)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(township="group__unit__township", write_roles=COUNTY_ONLY)

    class Meta:
        verbose_name = _("ballot code")
        verbose_name_plural = _("ballot codes")

    def __str__(self):
        return f"{self.group} · {self.code_hash[:8]}"


class Ballot(models.Model):
    """One anonymous ballot of an evaluation group, cast on a phone with a code or entered from
    paper. Its id is random and it carries no time and no link to a code."""

    class Source(models.TextChoices):
        PHONE = "phone", _("Phone")
        PAPER = "paper", _("Paper")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    group = models.ForeignKey(EvaluationGroup, verbose_name=_("evaluation group"), on_delete=models.CASCADE,
                              related_name="ballots")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(township="group__unit__township", write_roles=COUNTY_ONLY)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")

    def __str__(self):
        return f"{self.group} · {self.get_source_display()}"


class Vote(models.Model):
    """One ballot's grade for one assessee."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, verbose_name=_("ballot"), on_delete=models.CASCADE, related_name="votes")
    assessee = models.ForeignKey(Assessee, verbose_name=_("assessee"), on_delete=models.CASCADE, related_name="votes")
    grade = models.CharField(_("grade"), max_length=20, choices=Grade.choices)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(township="assessee__unit__township", write_roles=COUNTY_ONLY)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [models.UniqueConstraint(fields=["ballot", "assessee"], name="vote_once_per_assessee",
                                               violation_error_code=Code.UNIQUE,
                                               violation_error_message=_("A ballot grades each assessee once."))]
        indexes = [models.Index(fields=["assessee", "grade"])]

    def __str__(self):
        return f"{self.assessee} · {self.get_grade_display()}"


class Award(BaseModel):
    """One of the four awards (好班子、好班长、好成员、好骨干) nominated from an annual assessment's
    confirmed result, with its reason, and decided by the county (nominated → decided)."""

    class Kind(models.TextChoices):
        GOOD_TEAM = "good_team", _("Good team")
        GOOD_HEAD = "good_head", _("Good team head")
        GOOD_MEMBER = "good_member", _("Good team member")
        GOOD_BACKBONE = "good_backbone", _("Good backbone")

    class Status(models.TextChoices):
        NOMINATED = "nominated", _("Nominated")
        DECIDED = "decided", pgettext_lazy("award status", "Decided")

    # The category of assessee each kind is for, and the grade it needs.
    CATEGORY = {
        Kind.GOOD_TEAM: Assessee.Category.TEAM,
        Kind.GOOD_HEAD: Assessee.Category.TEAM_HEAD,
        Kind.GOOD_MEMBER: Assessee.Category.TEAM_MEMBER,
        Kind.GOOD_BACKBONE: Assessee.Category.GENERAL_CADRE,
    }

    assessment = models.ForeignKey(Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE,
                                   related_name="awards", editable=False)
    kind = models.CharField(_("award"), max_length=20, choices=Kind.choices)
    assessee = models.ForeignKey(Assessee, verbose_name=_("assessee"), on_delete=models.PROTECT,
                                 related_name="awards")
    reason = models.TextField(_("reason"), help_text=_("Why the team or cadre is nominated: the deeds behind the "
                                                       "result."))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NOMINATED,
                              editable=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+", editable=False)
    decided_on = models.DateField(_("decided on"), null=True, blank=True, editable=False)

    scope = Scope(township="assessee__unit__township", cadre="assessee__cadre")

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["assessment", "kind", "assessee__unit__sort_order", "id"]
        constraints = [models.UniqueConstraint(
            fields=["assessee", "kind"], name="award_once_per_assessee", violation_error_code=Code.UNIQUE,
            violation_error_message=_("This assessee is already nominated for this award."))]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.assessee}"

    @property
    def is_decided(self):
        return self.status == self.Status.DECIDED

    def clean(self):
        super().clean()
        if not self.assessee_id:
            return
        assessee = self.assessee
        self.assessment_id = assessee.assessment_id
        assessment = assessee.assessment
        if assessment.kind != Assessment.Kind.ANNUAL:
            raise ValidationError({"assessee": ValidationError(
                _("Awards are nominated from the results of an annual assessment; %(obj)s is not one.")
                % {"obj": assessment}, code=Code.AWARD_NOT_EARNED)})
        if self.kind and self.CATEGORY.get(self.kind) != assessee.category:
            raise ValidationError({"kind": ValidationError(
                _("%(award)s is for a %(needed)s; %(name)s is assessed as a %(category)s.") % {
                    "award": self.get_kind_display(),
                    "needed": Assessee.Category(self.CATEGORY[self.kind]).label,
                    "name": assessee, "category": assessee.get_category_display()},
                code=Code.AWARD_KIND_MISMATCH)})
        needed = Grade.GOOD if assessee.is_team else Grade.EXCELLENT
        if assessee.confirmed_grade != needed:
            raise ValidationError({"assessee": ValidationError(
                _("%(name)s's confirmed result is %(grade)s: an award needs a confirmed %(needed)s.") % {
                    "name": assessee,
                    "grade": assessee.get_confirmed_grade_display() if assessee.confirmed_grade else _("not confirmed"),
                    "needed": Grade(needed).label}, code=Code.AWARD_NOT_EARNED)})


class Consequence(BaseModel):
    """A result put to use (结果运用): what a published annual result leads to for one assessee, with
    the record it created in another module (an admonishment talk on the talk plan, a rectification
    problem, a training need), and whether it is done or dismissed (with the reason). Made by
    `consequences.apply` once for each assessee, kind and topic; the county may add one by hand."""

    class Kind(models.TextChoices):
        ADMONISHMENT = "admonishment", _("Admonishment talk and rectification")
        ADJUSTMENT = "adjustment", _("Flagged for adjustment")
        DEMOTION = "demotion", _("Flagged for demotion or removal")
        COMMENDATION = "commendation", _("Commendation and promotion priority")
        TEAM_RECTIFICATION = "team_rectification", _("Rectification of the team")
        TRAINING = "training", _("Training need")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("consequence status", "Open")
        DONE = "done", pgettext_lazy("consequence status", "Done")
        DISMISSED = "dismissed", pgettext_lazy("consequence status", "Dismissed")

    assessment = models.ForeignKey(Assessment, verbose_name=_("assessment"), on_delete=models.PROTECT,
                                   related_name="consequences", editable=False)
    assessee = models.ForeignKey(Assessee, verbose_name=_("assessee"), on_delete=models.PROTECT,
                                 related_name="consequences")
    kind = models.CharField(_("consequence"), max_length=20, choices=Kind.choices)
    topic = models.CharField(_("indicator"), max_length=200, blank=True, editable=False,
                             help_text=_("The indicator below its threshold, for a training need."))
    talk_entry = models.ForeignKey("talks.TalkPlanEntry", verbose_name=_("talk plan entry"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False)
    problem = models.ForeignKey("tasks.Problem", verbose_name=_("rectification problem"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+", editable=False)
    training_need = models.ForeignKey("training.TrainingNeed", verbose_name=_("training need"), null=True,
                                      blank=True, on_delete=models.SET_NULL, related_name="+", editable=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN,
                              editable=False)
    reason = models.TextField(_("reason for dismissal"), blank=True, editable=False)
    note = models.TextField(_("note"), blank=True)

    scope = Scope(township="assessee__unit__township", cadre="assessee__cadre", write_roles=COUNTY_ONLY)

    class Meta:
        verbose_name = _("consequence")
        verbose_name_plural = _("consequences")
        ordering = ["-assessment__year", "assessment", "assessee__unit__sort_order", "kind", "id"]
        constraints = [models.UniqueConstraint(
            fields=["assessee", "kind", "topic"], name="consequence_once_per_assessee", violation_error_code=Code.UNIQUE,
            violation_error_message=_("This assessee already has this consequence."))]

    def __str__(self):
        text = f"{self.get_kind_display()} · {self.assessee}" if self.assessee_id else str(self.get_kind_display())
        return f"{text} · {self.topic}" if self.topic else text

    @property
    def is_open(self):
        return self.status == self.Status.OPEN

    def clean(self):
        super().clean()
        if not self.assessee_id:
            return
        self.assessment_id = self.assessee.assessment_id
        team_kind = self.kind == self.Kind.TEAM_RECTIFICATION
        if self.kind and self.kind != self.Kind.TRAINING and team_kind != self.assessee.is_team:
            raise ValidationError({"kind": ValidationError(
                _("%(kind)s is for a %(needed)s; %(name)s is assessed as a %(category)s.") % {
                    "kind": self.get_kind_display(),
                    "needed": _("leadership team") if team_kind else _("cadre"),
                    "name": self.assessee, "category": self.assessee.get_category_display()},
                code=Code.WRONG_KIND)})
