"""Meetings, collective decisions under democratic centralism, organizational-life compliance and
democratic life meetings (the article's paragraph 二).

A meeting is recorded once: its attendance counts as group study (study kinds), as organizational
life for the branch (compliance in `metrics.py`) and as lead-by-example duties of the cadres who
attended (`metrics.py` registers both with the study app). Rules that span records (quorum, the
order of opinions, who may attend) live in `services.py`; attendance and opinions are parts of a
meeting and an agenda item, written only by those services, each change kept in their history."""
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from banzi.core import clock
from banzi.core.errors import Code
from banzi.core.models import BaseModel
from banzi.core.scoping import CATALOG, Scope
from banzi.core.uploads import FileContentValidator
from banzi.org.models import Cadre, Organization


class MeetingKind(models.TextChoices):
    """The kinds of meetings of the article: the Party committee meeting, the three meetings and a
    lecture (三会一课), theme Party day, organizational life meeting, democratic appraisal, the team's
    democratic life meeting and the committee's central-group study."""

    COMMITTEE = "committee", _("Party committee meeting")
    BRANCH_GENERAL = "branch_general", _("Branch general meeting")
    BRANCH_COMMITTEE = "branch_committee", _("Branch committee meeting")
    PARTY_GROUP = "party_group", _("Party group meeting")
    PARTY_LECTURE = "party_lecture", _("Party lecture")
    THEME_PARTY_DAY = "theme_party_day", _("Theme Party day")
    ORG_LIFE = "org_life", _("Organizational life meeting")
    DEMOCRATIC_APPRAISAL = "democratic_appraisal", _("Democratic appraisal of members")
    LIFE_MEETING = "life_meeting", _("Democratic life meeting")
    CENTRAL_GROUP = "central_group", _("Central-group study")


# Meetings of the township Party committee and its leadership team; the rest are branch meetings.
TEAM_KINDS = {MeetingKind.COMMITTEE, MeetingKind.LIFE_MEETING, MeetingKind.CENTRAL_GROUP}
BRANCH_KINDS = {k for k in MeetingKind.values if k not in TEAM_KINDS}
# Kinds whose members due are, by default, the township's current team members.
TEAM_MEMBER_KINDS = TEAM_KINDS
LOWER_LEVEL_ORG_KINDS = {Organization.Kind.VILLAGE, Organization.Kind.COMMUNITY, Organization.Kind.DEPARTMENT,
                         Organization.Kind.ENTERPRISE, Organization.Kind.OTHER}


def meeting_attachment_path(instance, filename):
    return f"governance/meetings/{clock.now():%Y/%m}/{filename}"


class Meeting(BaseModel):
    """A meeting held by an organization: kind, date, chair, recorder, members due and their
    attendance, minutes and an attachment. A democratic life meeting also keeps its theme, the
    opinions solicited beforehand and the talks held beforehand."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=MeetingKind.choices)
    held_on = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=200, help_text=_("For a democratic life meeting: its theme."))
    chair = models.ForeignKey(
        Cadre, verbose_name=_("chair"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text=_("Required for the team's meetings; a branch's secretary may not be a cadre in the registry."),
    )
    recorder = models.ForeignKey(
        Cadre, verbose_name=_("recorder"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lecturer = models.ForeignKey(
        Cadre, verbose_name=_("lecturer"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text=_("Who gave the Party lecture or led the study."),
    )
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), default=120)
    other_members_due = models.PositiveIntegerField(
        _("other members due"), default=0,
        help_text=_("Party members due to attend who are not cadres in the registry (e.g. a village branch's members)."),
    )
    other_members_present = models.PositiveIntegerField(_("other members present"), default=0)
    minutes = models.TextField(_("meeting minutes"), blank=True)
    attachment = models.FileField(_("attachment"), upload_to=meeting_attachment_path, blank=True,
                                  validators=[FileContentValidator()])
    opinions_solicited = models.PositiveIntegerField(
        _("opinions solicited beforehand"), default=0, help_text=_("Democratic life meeting: how many opinions were gathered."),
    )
    opinions_solicited_from = models.CharField(
        _("opinions solicited from"), max_length=300, blank=True,
        help_text=_("Democratic life meeting: e.g. village cadres, Party representatives, the public."),
    )
    talks = models.ManyToManyField(
        "talks.Talk", verbose_name=_("talks held beforehand"), blank=True, related_name="life_meetings",
        help_text=_("Democratic life meeting: the heart-to-heart talks held in preparation."),
    )
    rectifications = models.ManyToManyField(
        "tasks.Problem", verbose_name=_("rectification measures"), blank=True, related_name="life_meetings",
    )

    # A cadre sees the meetings they were due at or attended.
    scope = Scope(township="organization__township", cadre="attendances__cadre")

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["organization", "kind", "held_on"]), models.Index(fields=["kind", "held_on"])]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.get_kind_display()}：{self.topic}"

    def clean(self):
        super().clean()
        if self.other_members_present is not None and self.other_members_due is not None \
                and self.other_members_present > self.other_members_due:
            raise ValidationError({"other_members_present": ValidationError(_(
                "More other members cannot be present than were due to attend."), code=Code.OUT_OF_RANGE)})

    @property
    def is_life_meeting(self):
        return self.kind == MeetingKind.LIFE_MEETING

    @property
    def is_committee(self):
        return self.kind == MeetingKind.COMMITTEE


class Attendance(models.Model):
    """One cadre at a meeting: a member due (present, or absent with a reason) or a leader from the
    level above attending a lower-level branch's meeting. At a democratic life meeting it also holds
    the member's self-criticism and the criticism they received. Written by `services` only."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member due")
        LEADER = "leader", _("Attending leader")

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE,
                                related_name="attendances")
    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="meeting_attendances")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    present = models.BooleanField(_("present"), null=True, blank=True, help_text=_("Empty until the attendance is recorded."))
    absence_reason = models.CharField(_("reason for absence"), max_length=200, blank=True)
    self_criticism = models.TextField(_("self-criticism points"), blank=True)
    criticism_received = models.TextField(_("criticism received"), blank=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["meeting", "role", "sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "cadre"], name="attendance_once_per_meeting")]

    def __str__(self):
        return f"{self.meeting} · {self.cadre}"


class AgendaItem(BaseModel):
    """An agenda item (议题) of a meeting and, once decided, its decision: each present member's
    opinion in order, the votes and the outcome. A decided item is never edited; it is reconsidered
    only by a new item that refers to it."""

    class Category(models.TextChoices):
        MAJOR_DECISION = "major_decision", _("Major decision")
        APPOINTMENT = "appointment", _("Important appointment or removal")
        MAJOR_PROJECT = "major_project", _("Major project")
        LARGE_SUM = "large_sum", _("Use of a large sum")
        ORDINARY = "ordinary", _("Ordinary matter")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Not yet decided")
        PASSED = "passed", _("Passed")
        REJECTED = "rejected", _("Not passed")
        DEFERRED = "deferred", _("Deferred")

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="items")
    sort_order = models.PositiveIntegerField(_("item number"), default=1)
    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, default=Category.ORDINARY)
    proposer = models.ForeignKey(
        Cadre, verbose_name=_("proposer"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(_("description"), blank=True)
    reconsiders = models.ForeignKey(
        "self", verbose_name=_("reconsiders"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="reconsiderations", help_text=_("A decided item is reconsidered only by a new item referring to it."),
    )
    votes_for = models.PositiveIntegerField(_("votes for"), null=True, blank=True, editable=False)
    votes_against = models.PositiveIntegerField(_("votes against"), null=True, blank=True, editable=False)
    votes_abstain = models.PositiveIntegerField(_("abstentions"), null=True, blank=True, editable=False)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING,
                               editable=False)
    decided_on = models.DateField(_("decided on"), null=True, blank=True, editable=False)
    decision = models.TextField(_("decision"), blank=True, editable=False)

    scope = Scope(township="meeting__organization__township", cadre="meeting__attendances__cadre")

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["-meeting__held_on", "meeting_id", "sort_order", "id"]

    def __str__(self):
        return self.title

    @property
    def is_major(self):
        return self.category != self.Category.ORDINARY

    @property
    def is_decided(self):
        return self.outcome != self.Outcome.PENDING


class Opinion(models.Model):
    """A present member's stated opinion (表态) on an agenda item, in speaking order. Written by
    `services.record_decision` only, together with the item's outcome."""

    class Stance(models.TextChoices):
        AGREE = "agree", _("Agree")
        DISAGREE = "disagree", _("Disagree")
        DEFER = "defer", _("Defer")

    item = models.ForeignKey(AgendaItem, verbose_name=_("agenda item"), on_delete=models.CASCADE,
                             related_name="opinions")
    cadre = models.ForeignKey(Cadre, verbose_name=_("member"), on_delete=models.PROTECT, related_name="+")
    order = models.PositiveIntegerField(_("speaking order"))
    stance = models.CharField(_("opinion"), max_length=10, choices=Stance.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        ordering = ["item", "order"]
        constraints = [
            models.UniqueConstraint(fields=["item", "cadre"], name="opinion_once_per_member"),
            models.UniqueConstraint(fields=["item", "order"], name="opinion_order_unique"),
        ]

    def __str__(self):
        return f"{self.cadre} {self.get_stance_display()}"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Half-yearly")
    YEARLY = "yearly", _("Yearly")


class Threshold(models.TextChoices):
    """A share of members: used for quorums, passing and minimum attendance."""

    MORE_THAN_HALF = "more_than_half", _("more than half")
    TWO_THIRDS = "two_thirds", _("at least two thirds")
    THREE_QUARTERS = "three_quarters", _("at least three quarters")
    ALL = "all", _("all")


class OrgLifeRule(BaseModel):
    """How often an organization of a kind must hold a kind of meeting, and the minimum share of
    its members due who must attend (三会一课 and the rest). A county-wide table, seeded with the
    article's defaults and kept by the county."""

    organization_kind = models.CharField(_("organization kind"), max_length=20, choices=Organization.Kind.choices)
    meeting_kind = models.CharField(_("meeting kind"), max_length=30, choices=MeetingKind.choices)
    frequency = models.CharField(_("frequency"), max_length=20, choices=Frequency.choices)
    min_attendance = models.CharField(_("minimum attendance"), max_length=20, choices=Threshold.choices, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    scope = CATALOG

    class Meta:
        verbose_name = _("organizational-life rule")
        verbose_name_plural = _("organizational-life rules")
        ordering = ["organization_kind", "meeting_kind"]
        constraints = [
            models.UniqueConstraint(fields=["organization_kind", "meeting_kind"], name="orglife_rule_unique",
                                    violation_error_code="unique",
                                    violation_error_message=_("There is already a rule for this organization kind and meeting kind.")),
        ]

    def __str__(self):
        return f"{self.get_organization_kind_display()} · {self.get_meeting_kind_display()} · {self.get_frequency_display()}"
