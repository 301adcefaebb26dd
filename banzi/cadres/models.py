"""The cadre's file (干部档案): what the 干部任免审批表 holds beyond the cadre's record in `banzi.org` —
the profile (birthplace, health, professional title, speciality, photo), the résumé entries, the
full-time and in-service education, family members and important social relations, rewards and
punishments, and the annual assessment results of years the assessment module holds no records of.

Every record belongs to one cadre and is scoped through the cadre's unit (a cadre sees their own).
Months are stored as the first day of the month (the form and the .lrmx file speak in yyyy.mm)."""
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from banzi.core.errors import Code
from banzi.core.models import BaseModel
from banzi.core.scoping import Scope
from banzi.org.models import Cadre

CADRE_SCOPE = Scope(township="cadre__organization__township", cadre="cadre")


def first_of_month(day):
    """The month of a day, stored as its first day (the form and the .lrmx file speak in yyyy.mm)."""
    return day.replace(day=1) if day else day


def photo_path(instance, filename):
    return f"cadres/photos/{instance.cadre_id}/{filename}"


class CadreProfile(BaseModel):
    """The parts of the form that are one per cadre and not on the cadre's record."""

    cadre = models.OneToOneField(Cadre, verbose_name=_("cadre"), on_delete=models.CASCADE, related_name="profile")
    birthplace = models.CharField(_("birthplace"), max_length=100, blank=True)
    health = models.CharField(_("health"), max_length=50, blank=True, default="健康")
    professional_title = models.CharField(_("professional title"), max_length=100, blank=True)
    speciality = models.CharField(_("familiar field and speciality"), max_length=200, blank=True)
    # A democratic party (九三学社, 民盟 …) as the form writes it where a Party member's joining month would
    # be (RuDangShiJian); the cadre's record holds only the Party joining date (migration 0002, .lrmx).
    party_affiliation = models.CharField(_("democratic party or other affiliation"), max_length=50, blank=True)
    photo = models.FileField(_("photo"), upload_to=photo_path, blank=True)
    # The appointment form's own entries (拟任 / 拟免 / 任免理由 / 呈报单位 / 填表), kept so that a form
    # read from a .lrmx file is written back unchanged.
    proposed_post = models.CharField(_("proposed post"), max_length=200, blank=True)
    proposed_removal = models.CharField(_("post proposed for removal"), max_length=200, blank=True)
    appointment_reason = models.TextField(_("reason for appointment or removal"), blank=True)
    reporting_unit = models.CharField(_("reporting unit"), max_length=100, blank=True)
    age_reference_date = models.DateField(_("age computed on"), null=True, blank=True)
    form_filled_on = models.DateField(_("form filled on"), null=True, blank=True)
    form_filled_by = models.CharField(_("form filled by"), max_length=50, blank=True)
    # The form's text of rewards and punishments and of the annual results, where a file brought
    # them as text that does not break down into records.
    rewards_text = models.TextField(_("rewards and punishments (as on the form)"), blank=True)
    assessment_text = models.TextField(_("annual assessment results (as on the form)"), blank=True)

    scope = CADRE_SCOPE

    class Meta:
        verbose_name = _("cadre profile")
        verbose_name_plural = _("cadre profiles")
        ordering = ["cadre__name_pinyin", "id"]

    def __str__(self):
        return str(self.cadre)


class ResumeEntry(BaseModel):
    """One line of the résumé (简历): from month to month (open: to date), the unit and post. Entries of
    a cadre do not overlap, except those marked concurrent (兼任)."""

    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.CASCADE, related_name="resume_entries")
    starts_on = models.DateField(_("from (month)"))
    ends_on = models.DateField(_("to (month)"), null=True, blank=True, help_text=_("Leave empty for to date."))
    text = models.CharField(_("unit and post"), max_length=300)
    concurrent = models.BooleanField(_("concurrent post"), default=False)

    scope = CADRE_SCOPE

    class Meta:
        verbose_name = _("résumé entry")
        verbose_name_plural = _("résumé entries")
        ordering = ["cadre", "starts_on", "id"]

    def __str__(self):
        return self.text

    def clean(self):
        super().clean()
        self.starts_on, self.ends_on = first_of_month(self.starts_on), first_of_month(self.ends_on)
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": ValidationError(_("The end month cannot be before the start month."),
                                                              code=Code.DATE_ORDER)})


class EducationRecord(BaseModel):
    """A full-time or in-service education (学历 and 学位, school and major)."""

    class Kind(models.TextChoices):
        FULLTIME = "fulltime", _("Full-time education")
        INSERVICE = "inservice", _("In-service education")

    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.CASCADE,
                              related_name="education_records")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    level = models.CharField(_("education level"), max_length=20, choices=Cadre.Education.choices)
    degree = models.CharField(_("degree"), max_length=50, blank=True)
    school = models.CharField(_("school"), max_length=100, blank=True)
    major = models.CharField(_("major"), max_length=100, blank=True)
    graduated_on = models.DateField(_("graduated (month)"), null=True, blank=True)

    scope = CADRE_SCOPE

    class Meta:
        verbose_name = _("education record")
        verbose_name_plural = _("education records")
        ordering = ["cadre", "kind", "graduated_on", "id"]

    def __str__(self):
        return f"{self.get_level_display()} {self.school} {self.major}".strip()

    def clean(self):
        super().clean()
        self.graduated_on = first_of_month(self.graduated_on)


class FamilyMember(BaseModel):
    """A family member or important social relation (家庭主要成员及重要社会关系)."""

    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.CASCADE, related_name="family_members")
    relation = models.CharField(_("relation"), max_length=20)
    name = models.CharField(_("full name"), max_length=50)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    political_status = models.CharField(_("political status"), max_length=30, blank=True)
    unit_and_post = models.CharField(_("work unit and post"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    scope = CADRE_SCOPE

    class Meta:
        verbose_name = _("family member")
        verbose_name_plural = _("family members")
        ordering = ["cadre", "sort_order", "id"]

    def __str__(self):
        return f"{self.relation} {self.name}"


class RewardPunishment(BaseModel):
    """A reward or a punishment (奖惩情况), with the deciding body and document."""

    class Kind(models.TextChoices):
        REWARD = "reward", _("Reward")
        PUNISHMENT = "punishment", _("Punishment")

    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.CASCADE,
                              related_name="rewards_punishments")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    decided_on = models.DateField(_("decided on"))
    decided_by = models.CharField(_("decided by"), max_length=100, blank=True)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)

    scope = CADRE_SCOPE

    class Meta:
        verbose_name = _("reward or punishment")
        verbose_name_plural = _("rewards and punishments")
        ordering = ["cadre", "decided_on", "id"]

    def __str__(self):
        return self.title


class EarlierAssessmentResult(BaseModel):
    """An annual assessment result of a year the assessment module holds no assessment of (entered
    from the archive or an imported form); the module's own results take precedence."""

    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.CASCADE,
                              related_name="earlier_assessment_results")
    year = models.PositiveIntegerField(_("year"))
    result = models.CharField(_("assessment result"), max_length=50, help_text=_("For example 优秀, 称职."))

    scope = CADRE_SCOPE

    class Meta:
        verbose_name = _("earlier assessment result")
        verbose_name_plural = _("earlier assessment results")
        ordering = ["cadre", "year"]
        constraints = [models.UniqueConstraint(
            fields=["cadre", "year"], name="earlierresult_once_per_year", violation_error_code=Code.UNIQUE,
            violation_error_message=_("This cadre already has a result for this year."))]

    def __str__(self):
        return f"{self.year} {self.result}"
