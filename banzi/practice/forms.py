"""Forms of the frontline-practice pages. Choices are limited to what the user may see; the rules
live in `services.py`."""
from django import forms

from banzi.core.forms import BaseModelForm
from banzi.org.models import Cadre, Organization, VillageDesignation

from .models import (
    HARD_CATEGORIES,
    Mentorship,
    MentorshipMeeting,
    Posting,
    RectificationGroup,
    StudyVisit,
    VillageRectification,
    WorkLog,
)


class PracticeForm(BaseModelForm):
    """Active cadres only in cadre choices; short text areas."""

    takes_user = True
    cadre_fields = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.setdefault("rows", 3)

    def limit_to_user(self, user):
        super().limit_to_user(user)
        for name in self.cadre_fields:
            self.fields[name].queryset = self.fields[name].queryset.filter(status=Cadre.Status.ACTIVE)


class VillageRectificationForm(PracticeForm):
    class Meta:
        model = VillageRectification
        fields = ["designation", "target", "measures", "due_on", "progress", "progress_note", "reported_on"]

    def limit_to_user(self, user):
        super().limit_to_user(user)
        self.fields["designation"].queryset = self.fields["designation"].queryset.filter(
            category__in=HARD_CATEGORIES).select_related("organization")


class RectificationGroupForm(PracticeForm):
    cadre_fields = ("leader",)

    class Meta:
        model = RectificationGroup
        fields = ["township", "campaign", "year", "leader", "started_on", "ended_on", "tasks", "summary"]


class PostingForm(PracticeForm):
    cadre_fields = ("cadre",)

    class Meta:
        model = Posting
        fields = ["cadre", "kind", "organization", "group", "started_on", "ended_on", "goals", "result", "result_note"]

    def limit_to_user(self, user):
        super().limit_to_user(user)
        self.fields["organization"].queryset = self.fields["organization"].queryset.filter(
            is_active=True, kind__in=[Organization.Kind.VILLAGE, Organization.Kind.COMMUNITY,
                                      Organization.Kind.ENTERPRISE, Organization.Kind.TOWNSHIP,
                                      Organization.Kind.OTHER]).select_related("parent")
        self.fields["group"].queryset = self.fields["group"].queryset.select_related("township")


class WorkLogForm(PracticeForm):
    class Meta:
        model = WorkLog
        fields = ["posting", "logged_on", "visits", "problems_found", "problems_solved", "content"]

    def limit_to_user(self, user):
        super().limit_to_user(user)
        self.fields["posting"].queryset = self.fields["posting"].queryset.select_related("cadre", "organization")


class MentorshipForm(PracticeForm):
    cadre_fields = ("mentor", "mentee")

    class Meta:
        model = Mentorship
        fields = ["mentor", "mentee", "started_on", "ended_on", "goals", "mentor_evaluation", "mentee_evaluation"]


class MentorshipMeetingForm(PracticeForm):
    class Meta:
        model = MentorshipMeeting
        fields = ["mentorship", "met_on", "topic", "notes"]

    def limit_to_user(self, user):
        super().limit_to_user(user)
        self.fields["mentorship"].queryset = self.fields["mentorship"].queryset.select_related("mentor", "mentee")


class StudyVisitForm(PracticeForm):
    cadre_fields = ("participants",)

    class Meta:
        model = StudyVisit
        fields = ["title", "organization", "host", "visited_on", "participants", "learned"]

    def limit_to_user(self, user):
        super().limit_to_user(user)
        self.fields["organization"].queryset = self.fields["organization"].queryset.filter(
            kind__in=[Organization.Kind.COUNTY, Organization.Kind.TOWNSHIP, Organization.Kind.DEPARTMENT])
        # Any model unit of the county may be visited, whichever township it is in.
        self.fields["host"].queryset = Organization.objects.filter(
            designations__category=VillageDesignation.Category.MODEL_UNIT).distinct()
        self.fields["participants"].widget.attrs["size"] = 10
