"""Heart-to-heart talks (谈心谈话), talk plans (谈话计划) and their coverage.

A talk's summary and follow-up are confidential: only the talker and the county organization
department read them (see `Talk.summary_visible_to`); everyone else in scope sees who talked with
whom, when and of what kind. The confidential fields are kept out of the change history, so the
history tab and the audit trail never hold them in clear; every read of them is an audit event.
Coverage of a plan is computed from the talks in `metrics.py`.
"""
from django.core.exceptions import ValidationError
from django.db import models
from django.dispatch import receiver
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from simple_history.signals import pre_create_historical_record

from banzi.core.errors import Code
from banzi.core.fields import EncryptedTextField
from banzi.core.models import BaseModel
from banzi.core.roles import Role
from banzi.core.scoping import Scope
from banzi.core.validators import check_date_order, validate_not_future
from banzi.org.models import Cadre, Organization

# The fields nobody but the talker and the county department may read.
CONFIDENTIAL_FIELDS = ("summary", "follow_up")


class Talk(BaseModel):
    """A talk held by a talker with a talkee: its kind, the reasons for it, and (confidential) what was said."""

    class Kind(models.TextChoices):
        HEART_TO_HEART = "heart_to_heart", _("Heart-to-heart talk")
        INTEGRITY = "integrity", _("Integrity talk")
        REMINDER = "reminder", _("Reminder talk")
        ADMONISHMENT = "admonishment", _("Admonishment talk")
        COUNSELLING = "counselling", _("Counselling talk")
        POLICY = "policy", _("Policy explanation talk")

    # The reasons a talk was held, several of which may apply: (field, label).
    REASONS = (
        ("reason_newly_appointed", _("Newly appointed")),
        ("reason_key_position", _("Key position")),
        ("reason_problem_reported", _("Problem reported")),
        ("reason_post_adjusted", _("Post adjusted or leaving the team")),
        ("reason_difficulty", _("Emotional or cognitive difficulty")),
    )

    talker = models.ForeignKey(Cadre, verbose_name=_("talker"), on_delete=models.PROTECT, related_name="talks_held")
    talkee = models.ForeignKey(Cadre, verbose_name=_("talkee"), on_delete=models.PROTECT, related_name="talks_received")
    # The talkee's unit when the talk was held: the talk belongs to that unit's township.
    organization = models.ForeignKey(
        Organization, verbose_name=_("talkee's unit"), on_delete=models.PROTECT, related_name="talks", editable=False
    )
    held_on = models.DateField(_("date"), validators=[validate_not_future])
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.HEART_TO_HEART)
    reason_newly_appointed = models.BooleanField(_("newly appointed"), default=False)
    reason_key_position = models.BooleanField(_("key position"), default=False)
    reason_problem_reported = models.BooleanField(_("problem reported"), default=False)
    reason_post_adjusted = models.BooleanField(_("post adjusted or leaving the team"), default=False)
    reason_difficulty = models.BooleanField(_("emotional or cognitive difficulty"), default=False)
    place = models.CharField(_("place"), max_length=100, blank=True)
    # Sealed at rest (SM4), like the cadres' ID numbers and phones.
    summary = EncryptedTextField(_("talk summary"), blank=True, help_text=_("Confidential: only the talker and the county "
                                                                     "organization department can read it."))
    follow_up = EncryptedTextField(_("follow-up"), blank=True, help_text=_("Confidential, like the summary."))

    # The talker records their own talks; a cadre sees the talks they held.
    scope = Scope(township="organization__township", cadre="talker",
                  write_roles=frozenset({Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN, Role.CADRE}))

    class Meta:
        verbose_name = _("talk")
        verbose_name_plural = _("talks")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["talkee", "held_on"]), models.Index(fields=["organization", "held_on"])]

    def __str__(self):
        return _("%(talker)s with %(talkee)s on %(date)s") % {
            "talker": self.talker, "talkee": self.talkee, "date": f"{self.held_on:%Y-%m-%d}" if self.held_on else ""}

    def clean(self):
        super().clean()
        if self.talker_id and self.talker_id == self.talkee_id:
            raise ValidationError({"talkee": ValidationError(_("A talk is held with someone else: the talker and the talkee are the "
                                                               "same cadre."), code=Code.SAME_PERSON)})
        if self.talkee_id:
            self.organization_id = self.talkee.organization_id

    def save(self, *args, **kwargs):
        if self.talkee_id and not self.organization_id:
            self.organization_id = self.talkee.organization_id
        super().save(*args, **kwargs)

    @property
    def reasons(self):
        return [label for field, label in self.REASONS if getattr(self, field)]

    def summary_visible_to(self, user):
        """Whether the user may read the summary and follow-up: the talker and the county department only."""
        if not user or not user.is_authenticated or not user.is_active:
            return False
        if getattr(user, "role", None) == Role.COUNTY_ADMIN:
            return True
        return bool(user.cadre_id) and user.cadre_id == self.talker_id


class TalkPlan(BaseModel):
    """A plan of talks (谈话计划), e.g. after an election: who must be talked with, by whom, by when."""

    title = models.CharField(_("title"), max_length=200)
    organization = models.ForeignKey(
        Organization, verbose_name=_("planning organization"), on_delete=models.PROTECT, related_name="talk_plans",
        help_text=_("The county (for the department's talks) or a township committee."),
    )
    starts_on = models.DateField(_("start date"), help_text=_("Talks held from this date count towards the plan."))
    due_on = models.DateField(_("due date"))
    description = models.TextField(_("description"), blank=True)

    scope = Scope(township="organization__township")

    class Meta:
        verbose_name = _("talk plan")
        verbose_name_plural = _("talk plans")
        ordering = ["-starts_on", "-id"]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        check_date_order(self.starts_on, self.due_on, end_field="due_on")


class TalkPlanEntry(BaseModel):
    """One cadre a plan must cover: the expected talker (a cadre or an organization), the due date
    and the priority group. Covered when a talk with the talkee by the expected side is on record."""

    class PriorityGroup(models.TextChoices):
        NONE = "", _("None")
        NEWLY_APPOINTED = "newly_appointed", _("Newly appointed")
        KEY_POSITION = "key_position", _("Key position")
        REPORTED_PROBLEMS = "reported_problems", _("Reported problems")
        LEAVING = "leaving", _("Leaving the team")

    plan = models.ForeignKey(TalkPlan, verbose_name=_("talk plan"), on_delete=models.CASCADE, related_name="entries")
    talkee = models.ForeignKey(Cadre, verbose_name=_("talkee"), on_delete=models.PROTECT, related_name="+")
    expected_talker = models.ForeignKey(
        Cadre, verbose_name=_("expected talker"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    talker_organization = models.ForeignKey(
        Organization, verbose_name=_("talker organization"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text=_("Any cadre of this organization may hold the talk."),
    )
    due_on = models.DateField(_("due date"))
    priority_group = models.CharField(
        _("priority group"), max_length=20, choices=PriorityGroup.choices, blank=True, default=PriorityGroup.NONE
    )
    kind = models.CharField(_("kind of talk"), max_length=20, choices=Talk.Kind.choices, blank=True,
                            help_text=_("The kind of talk due, e.g. an admonishment talk on an assessment result; "
                                        "empty for any talk."))

    scope = Scope(township="plan__organization__township")

    class Meta:
        verbose_name = _("talk plan entry")
        verbose_name_plural = _("talk plan entries")
        ordering = ["plan", "due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "talkee"], name="talkplanentry_once_per_talkee")]

    def __str__(self):
        return f"{self.plan} · {self.talkee}"

    def clean(self):
        super().clean()
        if not self.expected_talker_id and not self.talker_organization_id:
            raise ValidationError({"expected_talker": ValidationError(
                _("Choose the expected talker or the talker organization."), code=Code.REQUIRED)})
        if self.expected_talker_id and self.expected_talker_id == self.talkee_id:
            raise ValidationError({"expected_talker": ValidationError(_("The expected talker cannot be the talkee."),
                                                                      code=Code.SAME_PERSON)})
        if self.plan_id and self.due_on and self.plan.starts_on and self.due_on < self.plan.starts_on:
            raise ValidationError({"due_on": ValidationError(_("The due date cannot be before the plan starts."),
                                                             code=Code.OUTSIDE_PERIOD)})


def confidential_marker(value):
    """What the history keeps of a confidential text: whether it is empty and, if not, a keyed digest
    that shows a change happened without disclosing (or allowing anyone to guess) the content."""
    if not value:
        return ""
    digest = salted_hmac("banzi.talks.confidential", value).hexdigest()[:10]
    return f"[{_('confidential')} {digest}]"


@receiver(pre_create_historical_record)
def mask_confidential_history(sender, instance, history_instance, **kwargs):
    """What was said never enters the history tables, and so never the history tab or the audit trail."""
    if isinstance(instance, Talk):
        for name in CONFIDENTIAL_FIELDS:
            setattr(history_instance, name, confidential_marker(getattr(instance, name)))
