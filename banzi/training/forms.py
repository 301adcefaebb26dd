"""Forms of the training pages. Choices are limited to what the user may use: programs and
sessions they may change (a township cannot add sessions to a county program), active cadres
they manage, organizers of the right kind."""
from django import forms
from django.utils.translation import gettext_lazy as _

from banzi.core.errors import Code
from banzi.core.forms import BaseModelForm, use_pickers
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
    """Enroll several cadres at once, from the program's page: chosen one by one, or a whole group
    (every newly promoted cadre, every section-level cadre, every cadre of a township), or both."""

    GROUPS = [
        ("", "—"),
        ("newly_promoted", _("Every newly promoted cadre")),
        ("section_level", _("Every section-level cadre")),
        ("all", _("Every cadre")),
    ]
    SECTION_LEVEL = [Cadre.Rank.SECTION_CHIEF, Cadre.Rank.DEPUTY_SECTION_CHIEF]

    cadres = forms.ModelMultipleChoiceField(
        queryset=Cadre.objects.none(), label=_("cadres"), required=False,
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 8}))
    group = forms.ChoiceField(choices=GROUPS, label=_("or a whole group"), required=False,
                              widget=forms.Select(attrs={"class": "form-select"}))
    township = forms.ModelChoiceField(queryset=Organization.objects.none(), label=_("of the township"),
                                      required=False, empty_label=_("the whole county"),
                                      widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, user=None, program=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Cadre.objects.visible_to(user).filter(status=Cadre.Status.ACTIVE).select_related("organization")
        if program is not None and program.organizer.township_id is not None:
            qs = qs.filter(organization__township=program.organizer.township_id)
        if program is not None:
            qs = qs.exclude(training_enrollments__program=program)
        self.available = qs
        self.fields["cadres"].queryset = qs.order_by("organization__name", "name_pinyin")
        self.fields["township"].queryset = Organization.objects.visible_to(user).filter(
            kind=Organization.Kind.TOWNSHIP, is_active=True)
        use_pickers(self, user=user)  # searchable, with pinyin: chosen one by one without Ctrl-click

    def clean(self):
        data = super().clean()
        if not data.get("cadres") and not data.get("group") and "cadres" not in self.errors:
            raise forms.ValidationError(_("Choose cadres, or a whole group."), code=Code.REQUIRED)
        return data

    def chosen(self):
        """The cadres to enroll: those chosen one by one and the group's, each once, in name order."""
        data = self.cleaned_data
        chosen = {c.pk: c for c in data.get("cadres") or []}
        group = data.get("group")
        if group:
            qs = self.available
            if group == "newly_promoted":
                qs = qs.filter(is_newly_promoted=True)
            elif group == "section_level":
                qs = qs.filter(rank__in=self.SECTION_LEVEL)
            if data.get("township"):
                qs = qs.filter(organization__township=data["township"])
            chosen.update({c.pk: c for c in qs})
        return sorted(chosen.values(), key=lambda c: (c.name_pinyin, c.pk))
