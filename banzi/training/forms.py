"""Forms of the training pages. Choices are limited to what the user may use: programs and
sessions they may change (a township cannot add sessions to a county program), active cadres
they manage, organizers of the right kind."""
from django import forms
from django.utils.translation import gettext_lazy as _

from banzi.core.forms import BaseModelForm
from banzi.org.models import Cadre, Organization

from .models import (
    Attendance,
    Enrollment,
    Lecturer,
    TrainingNeed,
    TrainingProgram,
    TrainingSession,
    TrainingTopic,
)

ORGANIZER_KINDS = [Organization.Kind.COUNTY, Organization.Kind.TOWNSHIP, Organization.Kind.DEPARTMENT]


class TrainingForm(BaseModelForm):
    takes_user = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.setdefault("rows", 3)

    def editable(self, name, model):
        """Offer only records of `model` the user may change (the field keeps its current value)."""
        if name in self.fields and self.user is not None:
            self.fields[name].queryset = model.objects.editable_by(self.user)

    def active_cadres(self, name):
        if name in self.fields:
            self.fields[name].queryset = self.fields[name].queryset.filter(
                status=Cadre.Status.ACTIVE).select_related("organization")

    def organizers(self, name):
        if name in self.fields:
            self.fields[name].queryset = self.fields[name].queryset.filter(kind__in=ORGANIZER_KINDS, is_active=True)


class TrainingTopicForm(TrainingForm):
    class Meta:
        model = TrainingTopic
        fields = ["name", "description", "sort_order", "is_active"]


class LecturerForm(TrainingForm):
    class Meta:
        model = Lecturer
        fields = ["name", "affiliation_kind", "affiliation", "title", "organization"]

    def limit_to_user(self, user):
        super().limit_to_user(user)
        self.organizers("organization")


class TrainingProgramForm(TrainingForm):
    class Meta:
        model = TrainingProgram
        fields = ["name", "kind", "organizer", "start_on", "end_on", "location", "target_group", "topics",
                  "description"]
        widgets = {"topics": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].widget.attrs["class"] = "form-check-input"
        self.fields["topics"].queryset = TrainingTopic.objects.filter(is_active=True) | TrainingTopic.objects.filter(
            pk__in=self.instance.topics.values("pk") if self.instance.pk else [])

    def limit_to_user(self, user):
        super().limit_to_user(user)
        self.organizers("organizer")


class TrainingSessionForm(TrainingForm):
    class Meta:
        model = TrainingSession
        fields = ["program", "title", "topic", "lecturer", "held_on", "starts_at", "ends_at", "credit_hours",
                  "location"]
        widgets = {"starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                   "ends_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}

    def limit_to_user(self, user):
        super().limit_to_user(user)
        self.editable("program", TrainingProgram)
        self.fields["topic"].queryset = TrainingTopic.objects.filter(is_active=True)


class EnrollmentForm(TrainingForm):
    class Meta:
        model = Enrollment
        fields = ["program", "cadre", "note"]

    def limit_to_user(self, user):
        super().limit_to_user(user)
        self.editable("program", TrainingProgram)
        self.active_cadres("cadre")


class AttendanceForm(TrainingForm):
    class Meta:
        model = Attendance
        fields = ["session", "cadre", "status", "note"]

    def limit_to_user(self, user):
        super().limit_to_user(user)
        self.editable("session", TrainingSession)
        if "session" in self.fields:
            self.fields["session"].queryset = self.fields["session"].queryset.select_related("program")
        self.active_cadres("cadre")


class TrainingNeedForm(TrainingForm):
    class Meta:
        model = TrainingNeed
        fields = ["organization", "cadre", "topic", "source", "note", "raised_on", "status", "met_by"]

    def limit_to_user(self, user):
        super().limit_to_user(user)
        self.active_cadres("cadre")
        self.fields["topic"].queryset = TrainingTopic.objects.filter(is_active=True)
        self.fields["organization"].queryset = self.fields["organization"].queryset.filter(is_active=True)


class EnrollCadresForm(forms.Form):
    """Enroll several cadres at once, from the program's page."""

    cadres = forms.ModelMultipleChoiceField(queryset=Cadre.objects.none(), label=_("cadres"),
                                            widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 10}))

    def __init__(self, *args, user=None, program=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Cadre.objects.visible_to(user).filter(status=Cadre.Status.ACTIVE).select_related("organization")
        if program is not None and program.organizer.township_id is not None:
            qs = qs.filter(organization__township=program.organizer.township_id)
        if program is not None:
            qs = qs.exclude(training_enrollments__program=program)
        self.fields["cadres"].queryset = qs.order_by("organization__name", "name_pinyin")
