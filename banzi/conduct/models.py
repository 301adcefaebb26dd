"""Strict management: discipline rules, commitments, concurrent-post declarations and violations,
leave with approval and its ledger, outing reports. Overnight duty and attendance live in
`duty/models.py` and are imported at the end of this module so that Django finds them.

Rules that span records (the leave lifecycle, approvers, the annual-leave ledger, decisions) live in
`services.py`; a model's `clean()` checks only the record itself."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from banzi.core import clock
from banzi.core.errors import Code
from banzi.core.fields import EncryptedCharField
from banzi.core.models import BaseModel
from banzi.core.roles import Role
from banzi.core.scoping import CATALOG, Scope, ScopedQuerySet
from banzi.core.uploads import FileContentValidator
from banzi.core.validators import validate_phone
from banzi.org.models import Cadre

WRITERS_AND_CADRE = frozenset({Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN, Role.CADRE})
CADRE_TOWNSHIP = "cadre__organization__township"


def _check_year(year, field="year"):
    this_year = clock.today().year
    if year and not (2000 <= year <= this_year + 1):
        raise ValidationError({field: ValidationError(_("Enter a year between 2000 and next year."), code=Code.YEAR_OUT_OF_RANGE)})


class DisciplineRule(BaseModel):
    """A discipline rule (纪律规定) in the county's catalog, seeded from the article's paragraph 三."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    scope = CATALOG

    class Meta:
        verbose_name = _("discipline rule")
        verbose_name_plural = _("discipline rules")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.title


def commitment_scan_path(instance, filename):
    return f"conduct/commitments/{clock.now():%Y/%m}/{filename}"


class CommitmentLetter(BaseModel):
    """A cadre's signed commitment letter (承诺书) for a year, with its scanned copy."""

    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="commitments")
    year = models.PositiveIntegerField(_("year"))
    signed_on = models.DateField(_("signed on"))
    scan = models.FileField(_("scanned letter"), upload_to=commitment_scan_path, blank=True,
                            validators=[FileContentValidator(kinds=("pdf", "image"))])
    notes = models.TextField(_("notes"), blank=True)

    scope = Scope(township=CADRE_TOWNSHIP, cadre="cadre")

    class Meta:
        verbose_name = _("commitment letter")
        verbose_name_plural = _("commitment letters")
        ordering = ["-year", "cadre__name_pinyin", "id"]
        constraints = [models.UniqueConstraint(fields=["cadre", "year"], name="commitment_one_per_cadre_year",
                                               violation_error_code=Code.UNIQUE, violation_error_message=_("This cadre already signed a commitment letter for this year."))]

    def __str__(self):
        return _("%(cadre)s's commitment letter for %(year)s") % {"cadre": self.cadre, "year": self.year}

    def clean(self):
        super().clean()
        _check_year(self.year)
        if self.signed_on and self.signed_on > clock.today():
            raise ValidationError({"signed_on": ValidationError(_("The signing date cannot be in the future."), code=Code.FUTURE_DATE)})
        if self.signed_on and self.year and abs(self.signed_on.year - self.year) > 1:
            raise ValidationError({"signed_on": ValidationError(_("The letter must be signed in its year or the year around it."), code=Code.OUTSIDE_PERIOD)})


class ConcurrentPostDeclaration(BaseModel):
    """A cadre's yearly declaration of concurrent posts (兼职) in enterprises or social organizations:
    none, or one post with its organization, role and pay, and the department's decision on it."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Awaiting decision")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        MUST_RESIGN = "must_resign", _("Must resign by a date")
        NOT_NEEDED = "not_needed", _("No decision needed")

    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="declarations")
    year = models.PositiveIntegerField(_("year"))
    declared_on = models.DateField(_("declared on"))
    has_post = models.BooleanField(_("holds a concurrent post"), default=False)
    post_organization = models.CharField(_("organization of the post"), max_length=200, blank=True)
    post_role = models.CharField(_("role in the post"), max_length=100, blank=True)
    is_paid = models.BooleanField(_("paid"), default=False)
    pay = models.DecimalField(_("yearly pay (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, default=Decision.PENDING,
                                editable=False)
    resign_by = models.DateField(_("resign by"), null=True, blank=True, editable=False)
    decision_note = models.TextField(_("decision note"), blank=True, editable=False)
    decided_on = models.DateField(_("decided on"), null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+", editable=False)

    scope = Scope(township=CADRE_TOWNSHIP, cadre="cadre", write_roles=WRITERS_AND_CADRE)

    class Meta:
        verbose_name = _("concurrent-post declaration")
        verbose_name_plural = _("concurrent-post declarations")
        ordering = ["-year", "cadre__name_pinyin", "id"]
        indexes = [models.Index(fields=["year", "decision"])]

    def __str__(self):
        if not self.has_post:
            return _("%(cadre)s %(year)s: no concurrent post") % {"cadre": self.cadre, "year": self.year}
        return f"{self.cadre} {self.year}: {self.post_organization} {self.post_role}"

    def clean(self):
        super().clean()
        _check_year(self.year)
        if self.has_post:
            errors = {}
            if not self.post_organization.strip():
                errors["post_organization"] = ValidationError(_("Enter the enterprise or organization of the concurrent post."), code=Code.REQUIRED)
            if not self.post_role.strip():
                errors["post_role"] = ValidationError(_("Enter the role held in the concurrent post."), code=Code.REQUIRED)
            if self.is_paid and not self.pay:
                errors["pay"] = ValidationError(_("Enter the yearly pay of a paid concurrent post."), code=Code.REQUIRED)
            if errors:
                raise ValidationError(errors)
        else:
            self.post_organization = self.post_role = ""
            self.is_paid = False
            self.pay = None
        if self.pay is not None and not self.is_paid:
            raise ValidationError({"pay": ValidationError(_("Tick “paid” when the post is paid, or leave the pay empty."), code=Code.NOT_APPLICABLE)})


# Decisions under which a declaration may still be corrected by the one who filed it.
DECISION_OPEN = (ConcurrentPostDeclaration.Decision.PENDING, ConcurrentPostDeclaration.Decision.NOT_NEEDED)


class Violation(BaseModel):
    """A breach of discipline (违纪记录): the rule, when, the facts and the decision with the body that
    took it. A `candidate` comes from a check (e.g. a spot check finding someone absent) and waits for
    the department to confirm or dismiss it.

    Visible only to the county department, the auditor and the Party committee of the cadre's
    township; never to cadres, not even the cadre concerned (`Scope.cadre=None`): the decision is
    communicated to them formally, outside this record."""

    class Status(models.TextChoices):
        CANDIDATE = "candidate", _("Candidate, awaiting decision")
        CONFIRMED = "confirmed", _("Confirmed")
        DISMISSED = "dismissed", _("Dismissed")

    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="violations")
    rule = models.ForeignKey(DisciplineRule, verbose_name=_("discipline rule"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="violations")
    occurred_on = models.DateField(_("occurred on"))
    facts = models.TextField(_("facts"))
    source = models.CharField(_("source"), max_length=100, blank=True,
                              help_text=_("How it came to light, e.g. spot check, report, inspection."))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CANDIDATE,
                              editable=False)
    decision = models.TextField(_("decision"), blank=True, editable=False)
    decision_body = models.CharField(_("decision body"), max_length=100, blank=True, editable=False)
    decided_on = models.DateField(_("decided on"), null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+", editable=False)

    scope = Scope(township=CADRE_TOWNSHIP, cadre=None)

    class Meta:
        verbose_name = _("violation")
        verbose_name_plural = _("violations")
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["status", "occurred_on"])]

    def __str__(self):
        return f"{self.cadre} {self.occurred_on:%Y-%m-%d} {self.rule or self.source}".strip()

    def clean(self):
        super().clean()
        if self.occurred_on and self.occurred_on > clock.today():
            raise ValidationError({"occurred_on": ValidationError(_("A violation cannot have occurred in the future."), code=Code.FUTURE_DATE)})


class LeaveKind(models.TextChoices):
    SICK = "sick", _("Sick leave")
    PERSONAL = "personal", _("Personal leave")
    ANNUAL = "annual", _("Annual leave")
    MARRIAGE = "marriage", _("Marriage leave")
    MATERNITY = "maternity", _("Maternity leave")
    PATERNITY = "paternity", _("Paternity leave")
    BEREAVEMENT = "bereavement", _("Bereavement leave")
    FAMILY_VISIT = "family_visit", _("Family visit leave")
    OTHER = "other", _("Other leave")


class LeaveRequestQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """Those in scope see a request as for any record; its approver sees it too, wherever they
        sit (e.g. an organization committee member signed in as a cadre)."""
        base = super().visible_to(user)
        if not user or not user.is_authenticated or not user.is_active:
            return base
        return base | self.filter(approver=user)

    def active(self):
        """Requests that hold days: submitted or approved."""
        return self.filter(status__in=(LeaveRequest.Status.SUBMITTED, LeaveRequest.Status.APPROVED))

    def overlapping(self, start, end):
        return self.filter(starts_on__lte=end, ends_on__gte=start)


class LeaveRequest(BaseModel):
    """A leave request (请假) through draft → submitted → approved / rejected → cancelled, with the
    return (销假). An approved request is never edited: it is cancelled, or amended by a new request
    that refers to it (`amends`) and replaces it once approved."""

    Kind = LeaveKind

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")

    class ApproverKind(models.TextChoices):
        SECRETARY = "secretary", _("Township Party secretary")
        COUNTY = "county", _("County organization department")
        ORGANIZATION_MEMBER = "organization_member", _("Township organization committee member")

    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="leave_requests")
    kind = models.CharField(_("kind of leave"), max_length=20, choices=LeaveKind.choices)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    days = models.PositiveIntegerField(_("days"), default=0, editable=False,
                                       help_text=_("Working days for annual leave, calendar days otherwise."))
    reason = models.TextField(_("reason"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT,
                              editable=False)
    amends = models.ForeignKey("self", verbose_name=_("amends"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="amendments")
    approver_kind = models.CharField(_("approved by"), max_length=30, choices=ApproverKind.choices, blank=True,
                                     editable=False)
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approver"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="leave_to_approve", editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+", editable=False)
    decision_note = models.TextField(_("decision note"), blank=True, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True, editable=False)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True, editable=False)
    returned_on = models.DateField(_("actual return date"), null=True, blank=True, editable=False)

    objects = LeaveRequestQuerySet.as_manager()
    scope = Scope(township=CADRE_TOWNSHIP, cadre="cadre", write_roles=WRITERS_AND_CADRE)

    class Meta:
        verbose_name = _("leave request")
        verbose_name_plural = _("leave requests")
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["cadre", "status", "starts_on"]), models.Index(fields=["status", "ends_on"])]

    def __str__(self):
        return _("%(cadre)s %(kind)s %(start)s–%(end)s") % {
            "cadre": self.cadre, "kind": self.get_kind_display(),
            "start": f"{self.starts_on:%Y-%m-%d}" if self.starts_on else "",
            "end": f"{self.ends_on:%Y-%m-%d}" if self.ends_on else ""}

    def clean(self):
        super().clean()
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": ValidationError(_("The leave cannot end before it starts."), code=Code.DATE_ORDER)})

    @property
    def is_editable(self):
        return self.status == self.Status.DRAFT

    @property
    def is_away(self):
        """Approved and not yet back."""
        return self.status == self.Status.APPROVED and self.returned_on is None


class LeaveLedgerEntry(BaseModel):
    """A row of a cadre's annual-leave ledger for a year: the entitlement (+), leave taken (−) when a
    request is approved, its reversal (+) when cancelled, or a manual adjustment. The balance is the
    sum of the rows; no row is ever changed to move the balance."""

    class Kind(models.TextChoices):
        ENTITLEMENT = "entitlement", _("Entitlement")
        TAKEN = "taken", _("Leave taken")
        REVERSAL = "reversal", _("Reversal on cancellation")
        ADJUSTMENT = "adjustment", _("Adjustment")

    # Rows written by the services; people add only these by hand.
    MANUAL_KINDS = (Kind.ENTITLEMENT, Kind.ADJUSTMENT)

    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="leave_ledger")
    year = models.PositiveIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    days = models.IntegerField(_("days"), help_text=_("Positive adds to the balance, negative takes from it."))
    leave = models.ForeignKey(LeaveRequest, verbose_name=_("leave request"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="ledger_entries", editable=False)
    entry_on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    scope = Scope(township=CADRE_TOWNSHIP, cadre="cadre")

    class Meta:
        verbose_name = _("annual leave ledger entry")
        verbose_name_plural = _("annual leave ledger")
        ordering = ["-year", "cadre__name_pinyin", "entry_on", "id"]
        indexes = [models.Index(fields=["cadre", "year"])]
        constraints = [
            models.UniqueConstraint(fields=["cadre", "year"], condition=Q(kind="entitlement"),
                                    name="leave_one_entitlement_per_year",
                                    violation_error_code=Code.UNIQUE, violation_error_message=_("This cadre already has an entitlement row for this year.")),
        ]

    def __str__(self):
        return f"{self.cadre} {self.year} {self.get_kind_display()} {self.days:+d}"

    def clean(self):
        super().clean()
        _check_year(self.year)
        if self.days == 0:
            raise ValidationError({"days": ValidationError(_("A ledger row moves the balance: enter a number of days other than 0."), code=Code.OUT_OF_RANGE)})
        if self.kind == self.Kind.ENTITLEMENT and self.days is not None and self.days < 0:
            raise ValidationError({"days": ValidationError(_("An entitlement cannot be negative."), code=Code.OUT_OF_RANGE)})


class OutingReport(BaseModel):
    """An outing report (外出报备) filed before a cadre leaves the jurisdiction; one filed after the
    departure is accepted and marked late."""

    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="outing_reports")
    destination = models.CharField(_("destination"), max_length=200)
    reason = models.TextField(_("reason"))
    departs_at = models.DateTimeField(_("planned departure"))
    planned_return_at = models.DateTimeField(_("planned return"))
    contact = EncryptedCharField(_("contact while away"), max_length=20, validators=[validate_phone])  # sealed (SM4)
    returned_at = models.DateTimeField(_("actual return"), null=True, blank=True, editable=False)
    filed_at = models.DateTimeField(_("filed at"), editable=False, default=clock.now)
    is_late = models.BooleanField(_("filed late"), default=False, editable=False)

    scope = Scope(township=CADRE_TOWNSHIP, cadre="cadre", write_roles=WRITERS_AND_CADRE)

    class Meta:
        verbose_name = _("outing report")
        verbose_name_plural = _("outing reports")
        ordering = ["-departs_at", "-id"]
        indexes = [models.Index(fields=["departs_at", "returned_at"])]

    def __str__(self):
        when = timezone.localtime(self.departs_at).strftime("%Y-%m-%d") if self.departs_at else ""
        return f"{self.cadre} {when} {self.destination}"

    def clean(self):
        super().clean()
        if self.departs_at and self.planned_return_at and self.planned_return_at <= self.departs_at:
            raise ValidationError({"planned_return_at": ValidationError(_("The planned return must be after the departure."), code=Code.DATE_ORDER)})
        if self.returned_at and self.departs_at and self.returned_at < self.departs_at:
            raise ValidationError({"returned_at": ValidationError(_("The return cannot be before the departure."), code=Code.DATE_ORDER)})


from .duty.models import *  # noqa: E402,F401,F403
