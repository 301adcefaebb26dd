"""Forms of the assessment pages. Choices are limited to what the user may see; the rules live in
`services.py`. Grades are not fields of these forms: they are proposed and confirmed a unit at a
time on the grade entry page."""
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from banzi.core.errors import Code
from banzi.core.forms import BaseModelForm
from banzi.org.models import Cadre, Organization, Team

from .models import (
    Assessee,
    Assessment,
    AssessmentGroup,
    Award,
    Consequence,
    EvaluationGroup,
    Grade,
    QuotaApproval,
)


class AssessmentModelForm(BaseModelForm):
    takes_user = True

    def townships_only(self, *names):
        for name in names:
            if name in self.fields:
                self.fields[name].queryset = self.fields[name].queryset.filter(kind=Organization.Kind.TOWNSHIP)


class AssessmentForm(AssessmentModelForm):
    class Meta:
        model = Assessment
        fields = ["kind", "title", "year", "quarter", "starts_on", "ends_on", "organization"]

    def limit_to_user(self, user):
        super().limit_to_user(user)
        self.fields["organization"].queryset = self.fields["organization"].queryset.filter(
            kind__in=[Organization.Kind.COUNTY, Organization.Kind.TOWNSHIP])


class AssesseeForm(AssessmentModelForm):
    class Meta:
        model = Assessee
        fields = ["assessment", "category", "team", "cadre", "unit", "report", "report_file"]

    def limit_to_user(self, user):
        super().limit_to_user(user)
        self.townships_only("unit")
        self.fields["cadre"].queryset = Cadre.objects.visible_to(user).filter(
            status=Cadre.Status.ACTIVE).select_related("organization")
        self.fields["team"].queryset = Team.objects.visible_to(user).select_related("township")


class QuotaApprovalForm(AssessmentModelForm):
    class Meta:
        model = QuotaApproval
        fields = ["assessment", "unit", "document_number", "approved_on"]

    def limit_to_user(self, user):
        super().limit_to_user(user)
        self.townships_only("unit")


class AssessmentGroupForm(AssessmentModelForm):
    """An assessment group: its leader and members among the active cadres the user sees, shown with
    their unit; the townships among those the user manages."""

    class Meta:
        model = AssessmentGroup
        fields = ["assessment", "name", "leader", "members", "units", "note"]

    def limit_to_user(self, user):
        super().limit_to_user(user)
        self.townships_only("units")
        cadres = Cadre.objects.visible_to(user).filter(status=Cadre.Status.ACTIVE).select_related("organization")
        for name in ("leader", "members"):
            self.fields[name].queryset = cadres
        self.fields["members"].widget.attrs["size"] = 8
        self.fields["units"].widget.attrs["size"] = 8


class AwardForm(AssessmentModelForm):
    """A nomination: the assessee chosen among the confirmed results the user may see."""

    class Meta:
        model = Award
        fields = ["kind", "assessee", "reason"]

    def limit_to_user(self, user):
        super().limit_to_user(user)
        self.fields["assessee"].queryset = Assessee.objects.visible_to(user).filter(
            assessment__kind=Assessment.Kind.ANNUAL).exclude(confirmed_grade="").select_related(
            "assessment", "cadre", "team__township")
        self.fields["assessee"].label_from_instance = lambda a: (
            f"{a}（{a.assessment}，{a.get_category_display()}，{a.get_confirmed_grade_display()}）")


class EvaluationGroupForm(AssessmentModelForm):
    class Meta:
        model = EvaluationGroup
        fields = ["assessment", "unit", "kind", "weight"]

    def limit_to_user(self, user):
        super().limit_to_user(user)
        self.townships_only("unit")


class ReopenForm(forms.Form):
    """Why confirmed results are reopened (kept in the history)."""

    reason = forms.CharField(label=_("reason for reopening"), widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))


DOCUMENT_NUMBER_MAX = 40
# 发文字号 (GB/T 9704-2012, 7.2.4): the issuing body's code, the year in 〔〕 and the serial number, 襄组字〔2026〕12号.
DOCUMENT_NUMBER = re.compile(r"^[\u4e00-\u9fffA-Za-z]{1,20}〔(\d{4})〕([1-9]\d{0,4})号$")
_BRACKETS = str.maketrans({"[": "〔", "［": "〔", "(": "〔", "（": "〔", "【": "〔", "]": "〕", "］": "〕", ")": "〕",
                           "）": "〕", "】": "〕"})


def clean_document_number(value):
    """A document number as GB/T 9704 writes it: the brackets people type ([] () 【】) made 〔〕, spaces
    removed; refused unless it reads body code〔year〕number号."""
    text = "".join((value or "").split()).translate(_BRACKETS)
    if not text:
        return ""
    if len(text) > DOCUMENT_NUMBER_MAX:
        raise ValidationError(_("The document number has %(length)d characters; at most %(max)d.")
                              % {"length": len(text), "max": DOCUMENT_NUMBER_MAX}, code=Code.TOO_LONG)
    match = DOCUMENT_NUMBER.match(text)
    if not match or not 2000 <= int(match.group(1)) <= 2100:
        raise ValidationError(_("Write the document number as the issuing body's code, the year in 〔〕 and the "
                                "serial number, e.g. 襄组字〔2026〕12号."), code=Code.INVALID)
    return text


class AwardNoticeForm(forms.Form):
    """The notice of the decided awards to download: its document number (发文字号, optional) and
    whether the red band is printed."""

    number = forms.CharField(label=_("document number"), required=False, strip=True, widget=forms.TextInput(attrs={
        "class": "form-control", "placeholder": "襄组字〔2026〕12号", "maxlength": DOCUMENT_NUMBER_MAX}))
    red_band = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_number(self):
        return clean_document_number(self.cleaned_data.get("number"))


class IssueCodesForm(forms.Form):
    count = forms.IntegerField(label=_("number of codes"), min_value=1, max_value=500,
                               widget=forms.NumberInput(attrs={"class": "form-control"}),
                               help_text=_("One for each voter of the group at the meeting."))


class PaperBallotForm(forms.Form):
    """One paper ballot: a grade for each assessee of the group's unit (left empty where the voter
    graded nobody)."""

    def __init__(self, *args, group=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.assessees = []
        if group is not None:
            self.assessees = list(Assessee.objects.filter(assessment=group.assessment_id, unit=group.unit_id)
                                  .select_related("assessment", "cadre", "team__township").order_by("category", "pk"))
        labels = dict(Grade.choices)
        for assessee in self.assessees:
            self.fields[f"a{assessee.pk}"] = forms.ChoiceField(
                label=str(assessee), required=False, widget=forms.Select(attrs={"class": "form-select"}),
                choices=[("", "—"), *((g, labels[g]) for g in assessee.scale())])

    def votes(self):
        return {a.pk: self.cleaned_data[f"a{a.pk}"] for a in self.assessees if self.cleaned_data.get(f"a{a.pk}")}


class BallotCodeForm(forms.Form):
    """The one-time code handed out at the meeting, as printed (a dash and spaces are ignored)."""

    code = forms.CharField(label=_("ballot code"), max_length=30, strip=True, widget=forms.TextInput(attrs={
        "class": "form-control form-control-lg text-center font-monospace", "autocomplete": "off",
        "autocapitalize": "characters", "spellcheck": "false", "inputmode": "text"}))


class PhoneBallotForm(forms.Form):
    """A ballot on a phone: the code (carried in the form, never in the address or the session) and a
    grade for each assessee of the code's group, as large radio buttons."""

    code = forms.CharField(max_length=30, widget=forms.HiddenInput)

    def __init__(self, *args, assessees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.assessees = list(assessees)
        labels = dict(Grade.choices)
        for assessee in self.assessees:
            self.fields[f"a{assessee.pk}"] = forms.ChoiceField(
                label=str(assessee), required=False, widget=forms.RadioSelect,
                choices=[(g, labels[g]) for g in assessee.scale()])

    def rows(self):
        return [(assessee, self[f"a{assessee.pk}"]) for assessee in self.assessees]

    def votes(self):
        return {a.pk: self.cleaned_data[f"a{a.pk}"] for a in self.assessees if self.cleaned_data.get(f"a{a.pk}")}


class ReportForm(forms.ModelForm):
    """The 述职述廉 report of one assessee: text, a PDF / Office attachment, or both."""

    class Meta:
        model = Assessee
        fields = ["report", "report_file"]
        widgets = {"report": forms.Textarea(attrs={"rows": 14, "class": "form-control"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report_file"].widget.attrs["class"] = "form-control"

    def file_change(self):
        """The attachment for `services.save_report`: a new file, False to remove it, None to keep it."""
        value = self.cleaned_data.get("report_file")
        if value is False:
            return False
        return value if "report_file" in self.changed_data and value else None


class FillFromTeamsForm(forms.Form):
    """Add the teams of the assessed townships and their members; the other cadres only when asked."""

    general_cadres = forms.BooleanField(
        label=_("also the townships' other active cadres, as general cadres"), required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))


class ConsequenceForm(AssessmentModelForm):
    """A consequence added by hand, or its note: the assessee chosen among the confirmed results."""

    class Meta:
        model = Consequence
        fields = ["assessee", "kind", "note"]

    def limit_to_user(self, user):
        super().limit_to_user(user)
        self.fields["assessee"].queryset = Assessee.objects.visible_to(user).exclude(confirmed_grade="").filter(
            assessment__status__in=[Assessment.Status.CONFIRMED, Assessment.Status.PUBLISHED]).select_related(
            "assessment", "cadre", "team__township")
        self.fields["assessee"].label_from_instance = lambda a: (
            f"{a}（{a.assessment}，{a.get_confirmed_grade_display()}）")


class DismissForm(forms.Form):
    """Why an open consequence is dismissed (kept in the history)."""

    reason = forms.CharField(label=_("reason for dismissal"),
                             widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))
