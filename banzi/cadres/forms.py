"""Forms of the cadre-file pages. The cadre is one the user may see (and active); months are entered
as a month; the rules live in `services.py`."""
from django import forms
from django.utils.translation import gettext_lazy as _

from banzi.core.forms import BaseModelForm
from banzi.org.models import Cadre

from .models import (
    CadreProfile,
    EarlierAssessmentResult,
    EducationRecord,
    FamilyMember,
    ResumeEntry,
    RewardPunishment,
)


class MonthInput(forms.DateInput):
    """A month picker; the browser posts yyyy-mm, which the field reads as the month's first day."""

    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m")


class MonthField(forms.DateField):
    input_formats = ["%Y-%m", "%Y.%m", "%Y-%m-%d"]
    widget = MonthInput


class CadreFileForm(BaseModelForm):
    """The cadre among the active cadres the user manages; short text areas; months as months."""

    takes_user = True
    month_fields = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.month_fields:
            field = self.fields[name]
            replacement = MonthField(label=field.label, required=field.required, help_text=field.help_text)
            replacement.widget.attrs["class"] = "form-control"
            self.fields[name] = replacement
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.setdefault("rows", 3)

    def limit_to_user(self, user):
        super().limit_to_user(user)
        if "cadre" in self.fields:
            self.fields["cadre"].queryset = self.fields["cadre"].queryset.filter(status=Cadre.Status.ACTIVE)


class CadreProfileForm(CadreFileForm):
    class Meta:
        model = CadreProfile
        fields = ["cadre", "birthplace", "health", "professional_title", "speciality", "photo", "proposed_post",
                  "proposed_removal", "appointment_reason", "reporting_unit", "age_reference_date", "form_filled_on",
                  "form_filled_by", "rewards_text", "assessment_text"]
        widgets = {"photo": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"})}


class ResumeEntryForm(CadreFileForm):
    month_fields = ("starts_on", "ends_on")

    class Meta:
        model = ResumeEntry
        fields = ["cadre", "starts_on", "ends_on", "text", "concurrent"]


class EducationRecordForm(CadreFileForm):
    month_fields = ("graduated_on",)

    class Meta:
        model = EducationRecord
        fields = ["cadre", "kind", "level", "degree", "school", "major", "graduated_on"]


class FamilyMemberForm(CadreFileForm):
    class Meta:
        model = FamilyMember
        fields = ["cadre", "relation", "name", "birth_date", "political_status", "unit_and_post", "sort_order"]


class RewardPunishmentForm(CadreFileForm):
    class Meta:
        model = RewardPunishment
        fields = ["cadre", "kind", "title", "decided_on", "decided_by", "document_number"]
        labels = {"decided_by": _("deciding body")}


class EarlierAssessmentResultForm(CadreFileForm):
    class Meta:
        model = EarlierAssessmentResult
        fields = ["cadre", "year", "result"]
