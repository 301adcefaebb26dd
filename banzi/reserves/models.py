"""The reserve-cadre pool (后备干部): a cadre nominated by the township committee or by democratic
recommendation, vetted by the county against the disqualifiers, entered into the pool with a
development plan, reviewed every year, and leaving it (promoted, removed, aged out) — or rejected at
vetting. `Cadre.is_reserve` is the pool's state, kept by `services.py` in the same transaction.

Rules that span records (one open entry per cadre, the disqualifiers, the pool's size) live in
`services.py` and `checks.py`; the lifecycle in `workflow.py`."""
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from banzi.core import clock
from banzi.core.errors import Code
from banzi.core.models import BaseModel
from banzi.core.scoping import Scope
from banzi.core.uploads import FileContentValidator
from banzi.org.models import Cadre, Organization


def _not_future(value, field):
    if value and value > clock.today():
        raise ValidationError({field: ValidationError(_("This date cannot be in the future."), code=Code.FUTURE_DATE)})


def recommendation_path(instance, filename):
    return f"reserves/recommendations/{clock.today():%Y/%m}/{filename}"


class ReserveEntry(BaseModel):
    """One nomination of a cadre to the reserve pool and what became of it: nominated → vetted (by
    the county, with the checks it saw) → in the pool (with a development plan) → exited (promoted,
    removed, aged out), or rejected at vetting."""

    class Source(models.TextChoices):
        COMMITTEE = "committee", _("Township Party committee")
        DEMOCRATIC = "democratic", _("Democratic recommendation")

    class Status(models.TextChoices):
        NOMINATED = "nominated", _("Nominated")
        VETTED = "vetted", _("Vetted")
        IN_POOL = "in_pool", _("In the pool")
        EXITED = "exited", _("Exited")
        REJECTED = "rejected", _("Rejected at vetting")

    class ExitReason(models.TextChoices):
        PROMOTED = "promoted", _("Promoted")
        REMOVED = "removed", _("Removed")
        AGED_OUT = "aged_out", _("Aged out")
        OTHER = "other", _("Other")

    OPEN = (Status.NOMINATED, Status.VETTED, Status.IN_POOL)

    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="reserve_entries")
    unit = models.ForeignKey(Organization, verbose_name=_("nominating township"), on_delete=models.PROTECT,
                             related_name="reserve_entries", editable=False)
    nominated_on = models.DateField(_("nominated on"))
    source = models.CharField(_("nominated by"), max_length=20, choices=Source.choices)
    recommendation = models.TextField(_("recommendation record"), blank=True,
                                      help_text=_("The committee's minutes or the recommendation meeting's record."))
    recommendation_file = models.FileField(_("recommendation attachment"), upload_to=recommendation_path, blank=True,
                                           validators=[FileContentValidator()])
    votes_for = models.PositiveIntegerField(_("votes for"), null=True, blank=True)
    votes_total = models.PositiveIntegerField(_("votes cast"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NOMINATED,
                              editable=False, db_index=True)
    vetted_on = models.DateField(_("vetted on"), null=True, blank=True, editable=False)
    vetting_result = models.TextField(_("vetting result"), blank=True, editable=False)
    vetting_checks = models.JSONField(_("checks at vetting"), default=list, blank=True, editable=False)
    rejected_on = models.DateField(_("rejected on"), null=True, blank=True, editable=False)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True, editable=False)
    entered_on = models.DateField(_("entered the pool on"), null=True, blank=True, editable=False)
    development_plan = models.TextField(_("development plan"), blank=True, editable=False)
    exited_on = models.DateField(_("left the pool on"), null=True, blank=True, editable=False)
    exit_reason = models.CharField(_("reason for leaving"), max_length=20, choices=ExitReason.choices, blank=True,
                                   editable=False)
    exit_note = models.TextField(_("exit note"), blank=True, editable=False)

    scope = Scope(township="unit__township", cadre="cadre")

    class Meta:
        verbose_name = _("reserve cadre entry")
        verbose_name_plural = _("reserve cadre entries")
        ordering = ["-nominated_on", "-id"]
        indexes = [models.Index(fields=["status", "unit"])]

    def __str__(self):
        return _("%(cadre)s, nominated %(date)s") % {
            "cadre": self.cadre if self.cadre_id else "", "date": self.nominated_on.isoformat() if self.nominated_on else ""}

    def clean(self):
        super().clean()
        _not_future(self.nominated_on, "nominated_on")
        if self.cadre_id:
            self.unit_id = self.cadre.organization.township_id or self.cadre.organization_id
        errors = {}
        if self.votes_for is not None and self.votes_total is not None and self.votes_for > self.votes_total:
            errors["votes_for"] = ValidationError(_("There cannot be more votes for than votes cast."),
                                                  code=Code.OUT_OF_RANGE)
        if (self.votes_for is None) != (self.votes_total is None):
            errors["votes_total"] = ValidationError(_("Enter both the votes for and the votes cast, or neither."),
                                                    code=Code.REQUIRED)
        has_record = bool((self.recommendation or "").strip() or self.recommendation_file)
        if self.source == self.Source.DEMOCRATIC and not (has_record or self.votes_total is not None):
            errors["votes_for"] = ValidationError(_(
                "A democratic recommendation needs its record or its votes."), code=Code.REQUIRED)
        elif self.source == self.Source.COMMITTEE and not has_record:
            errors["recommendation"] = ValidationError(_(
                "Enter the committee's recommendation record or attach it."), code=Code.REQUIRED)
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self):
        return self.status in self.OPEN


class ReserveReview(BaseModel):
    """The yearly review of a cadre in the pool (年度考察): the year, the conclusion and a note."""

    class Conclusion(models.TextChoices):
        KEEP = "keep", _("Stays in the pool")
        WATCH = "watch", _("Stays, with shortcomings to address")
        EXIT = "exit", _("Recommended to leave the pool")

    entry = models.ForeignKey(ReserveEntry, verbose_name=_("reserve cadre entry"), on_delete=models.CASCADE,
                              related_name="reviews")
    year = models.PositiveIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    conclusion = models.CharField(_("conclusion"), max_length=10, choices=Conclusion.choices)
    note = models.TextField(_("note"), blank=True)

    scope = Scope(township="entry__unit__township", cadre="entry__cadre")

    class Meta:
        verbose_name = _("reserve cadre review")
        verbose_name_plural = _("reserve cadre reviews")
        ordering = ["-year", "-id"]
        constraints = [models.UniqueConstraint(
            fields=["entry", "year"], name="reserve_review_once_a_year", violation_error_code=Code.UNIQUE,
            violation_error_message=_("This reserve cadre is already reviewed for that year."))]

    def __str__(self):
        return _("%(entry)s: review %(year)s") % {"entry": self.entry.cadre if self.entry_id else "", "year": self.year}


class DevelopmentMeasure(BaseModel):
    """One measure of a reserve cadre's development plan: training, enterprise service, a frontline
    posting or another measure, optionally linked to the posting or training enrollment that carries
    it out, with a due date and the date it was done."""

    class Kind(models.TextChoices):
        TRAINING = "training", _("Training")
        ENTERPRISE = "enterprise", _("Enterprise service")
        FRONTLINE = "frontline", _("Frontline posting")
        OTHER = "other", _("Other measure")

    entry = models.ForeignKey(ReserveEntry, verbose_name=_("reserve cadre entry"), on_delete=models.CASCADE,
                              related_name="measures")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("description"))
    posting = models.ForeignKey("practice.Posting", verbose_name=_("posting"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="reserve_measures")
    enrollment = models.ForeignKey("training.Enrollment", verbose_name=_("training enrollment"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="reserve_measures")
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    scope = Scope(township="entry__unit__township", cadre="entry__cadre")

    class Meta:
        verbose_name = _("development measure")
        verbose_name_plural = _("development measures")
        ordering = ["entry", "due_on", "id"]

    def __str__(self):
        return f"{self.entry.cadre if self.entry_id else ''} · {self.get_kind_display()}"

    def clean(self):
        super().clean()
        _not_future(self.done_on, "done_on")
        if not self.entry_id:
            return
        cadre_id = self.entry.cadre_id
        if self.posting_id and self.posting.cadre_id != cadre_id:
            raise ValidationError({"posting": ValidationError(_("The posting is another cadre's."),
                                                              code=Code.OTHER_CADRE)})
        if self.enrollment_id and self.enrollment.cadre_id != cadre_id:
            raise ValidationError({"enrollment": ValidationError(_("The enrollment is another cadre's."),
                                                                 code=Code.OTHER_CADRE)})
        if self.posting_id and self.kind not in (self.Kind.ENTERPRISE, self.Kind.FRONTLINE, self.Kind.OTHER):
            raise ValidationError({"posting": ValidationError(_("A posting carries out enterprise service or a "
                                                                "frontline posting."), code=Code.WRONG_KIND)})
        if self.enrollment_id and self.kind != self.Kind.TRAINING:
            raise ValidationError({"enrollment": ValidationError(_("A training enrollment carries out a training "
                                                                   "measure."), code=Code.WRONG_KIND)})
