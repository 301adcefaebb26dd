"""Forms of the study pages. Choices are limited to what the user may see; the rules live in
`services.py`. A cadre writing their own records gets a form whose cadre is theirs alone."""
from django import forms
from django.utils.translation import gettext_lazy as _

from banzi.core import clock
from banzi.core.forms import BaseModelForm, DateInput
from banzi.core.uploads import FileContentValidator
from banzi.org.models import Cadre

from .models import LeadDuty, LeadDutyEvidence, LeadDutyRecord, StudyAttendance, StudyRecord, StudySession


def _active_cadres(field):
    field.queryset = field.queryset.filter(status=Cadre.Status.ACTIVE)


class OwnRecordForm(BaseModelForm):
    """A form with a `cadre` field: a cadre user may only name themselves, so the field is hidden
    and preset; anyone else chooses among the cadres they manage."""

    takes_user = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.user
        if user is not None and getattr(user, "cadre_id", None) and user.role == "cadre":
            self.fields["cadre"].widget = forms.HiddenInput()
            self.fields["cadre"].initial = user.cadre_id

    def is_owner(self):
        return self.user is not None and self.instance.cadre_id and self.instance.cadre_id == getattr(
            self.user, "cadre_id", None)


class StudySessionForm(BaseModelForm):
    takes_user = True
    attendees = forms.ModelMultipleChoiceField(
        label=_("present"), queryset=Cadre.objects.all(), required=False,
        help_text=_("The cadres present; absences, guiding leaders and a sign-in sheet can be added afterwards."))

    class Meta:
        model = StudySession
        fields = ["organization", "kind", "held_on", "minutes", "topic", "materials", "lecturer", "lecturer_name",
                  "notes"]
        widgets = {"materials": forms.Textarea(attrs={"rows": 3}), "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _active_cadres(self.fields["attendees"])
        self.fields["attendees"].widget.attrs["size"] = 10
        if self.instance.pk:
            del self.fields["attendees"]


class StudyAttendanceForm(BaseModelForm):
    takes_user = True

    class Meta:
        model = StudyAttendance
        fields = ["session", "cadre", "role", "status", "absence_reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = self.fields["session"].queryset.select_related("organization")


class StudyRecordForm(OwnRecordForm):
    class Meta:
        model = StudyRecord
        fields = ["cadre", "studied_on", "minutes", "material", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["studied_on"].initial = clock.today()  # most study is recorded the day it is done
        # The material and note are the cadre's own: a committee correcting a record sees neither.
        if self.instance.pk and not self.is_owner():
            del self.fields["material"]
            del self.fields["note"]


class MyStudyForm(forms.Form):
    """The phone page's quick entry: a day, minutes, material and a short note."""

    studied_on = forms.DateField(label=_("date"), widget=DateInput(attrs={"class": "form-control"}))
    minutes = forms.IntegerField(label=_("minutes"), widget=forms.NumberInput(
        attrs={"class": "form-control", "inputmode": "numeric", "min": 1, "max": 1440}))
    material = forms.CharField(label=_("material"), max_length=200,
                               widget=forms.TextInput(attrs={"class": "form-control"}))
    note = forms.CharField(label=_("note"), max_length=1000, required=False,
                           widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["studied_on"].initial = clock.today()
        self.fields["minutes"].initial = 30


class LeadDutyForm(BaseModelForm):
    class Meta:
        model = LeadDuty
        fields = ["name", "description", "sort_order", "is_active"]


class LeadDutyRecordForm(OwnRecordForm):
    evidence_file = forms.FileField(
        label=_("evidence"), required=False, validators=[FileContentValidator()],
        help_text=_("Optional: a photo, PDF or Office file; more files can be added on the record's page."))

    class Meta:
        model = LeadDutyRecord
        fields = ["cadre", "duty", "done_on", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].label = _("leader")
        _active_cadres(self.fields["cadre"])
        duties = LeadDuty.objects.filter(is_active=True)
        if self.instance.pk:
            duties = duties | LeadDuty.objects.filter(pk=self.instance.duty_id)
        self.fields["duty"].queryset = duties
        self.fields["evidence_file"].widget.attrs["class"] = "form-control"
        if self.instance.pk:
            del self.fields["evidence_file"]


class LeadDutyEvidenceForm(BaseModelForm):
    takes_user = True

    class Meta:
        model = LeadDutyEvidence
        fields = ["record", "file", "caption"]

    def limit_to_user(self, user):
        super().limit_to_user(user)
        self.fields["record"].queryset = LeadDutyRecord.objects.editable_by(user).select_related("cadre", "duty")
