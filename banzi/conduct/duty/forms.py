"""Forms of the overnight duty and attendance pages. Choices are limited to what the user may see;
the rules live in the models' `clean()` and in `services.py`."""
from django import forms
from django.utils.translation import gettext_lazy as _

from banzi.core.forms import BaseModelForm
from banzi.core.roles import Role
from banzi.org.models import Cadre, Organization

from .models import AttendanceRecord, DutyCheckIn, DutyRoster, DutyShift, DutySwap, SpotCheck


class DateTimeInput(forms.DateTimeInput):
    """A date-time picker to the minute, the precision of a check-in or a spot check."""

    input_type = "datetime-local"

    def __init__(self, attrs=None, format="%Y-%m-%dT%H:%M"):  # noqa: A002 - Django's name
        super().__init__(attrs=attrs, format=format)


class DutyModelForm(BaseModelForm):
    takes_user = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateTimeField):
                field.widget = DateTimeInput(attrs={"class": "form-control"})
            if isinstance(field, forms.ModelChoiceField) and field.queryset.model is Cadre:
                field.queryset = field.queryset.filter(status=Cadre.Status.ACTIVE).select_related("organization")
            if isinstance(field, forms.ModelChoiceField) and field.queryset.model is Organization:
                field.queryset = field.queryset.filter(kind=Organization.Kind.TOWNSHIP)


class DutyRosterForm(DutyModelForm):
    class Meta:
        model = DutyRoster
        fields = ["township", "year", "month", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class DutyShiftForm(DutyModelForm):
    class Meta:
        model = DutyShift
        fields = ["roster", "date", "leader", "staff", "notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roster"].queryset = self.fields["roster"].queryset.select_related("township")


class DutySwapForm(DutyModelForm):
    """The cadre on duty names a replacement among the cadres of their township."""

    class Meta:
        model = DutySwap
        fields = ["shift", "requested_by", "replacement", "reason"]

    def limit_to_user(self, user):
        super().limit_to_user(user)
        self.fields["shift"].queryset = self.fields["shift"].queryset.select_related("roster__township")
        if getattr(user, "role", None) == Role.CADRE and user.cadre_id:
            # A cadre sees only their own record, but the replacement is a colleague of the township.
            township_id = user.cadre.organization.township_id
            self.fields["replacement"].queryset = Cadre.objects.filter(
                organization__township_id=township_id, status=Cadre.Status.ACTIVE).exclude(pk=user.cadre_id)
            self.fields["requested_by"].initial = user.cadre_id


class DutyCheckInForm(DutyModelForm):
    class Meta:
        model = DutyCheckIn
        fields = ["shift", "cadre", "checked_in_at", "location", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shift"].queryset = self.fields["shift"].queryset.select_related("roster__township")


class SpotCheckForm(DutyModelForm):
    class Meta:
        model = SpotCheck
        fields = ["township", "duty_date", "cadre", "checked_at", "method", "result", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class AttendanceRecordForm(DutyModelForm):
    class Meta:
        model = AttendanceRecord
        fields = ["cadre", "date", "status", "note"]


class CheckInStepForm(forms.Form):
    """The cadre's check-in from a phone: where they are and an optional note."""

    location = forms.CharField(label=_("location"), max_length=100, required=False,
                               widget=forms.TextInput(attrs={"class": "form-control", "placeholder": _("e.g. duty room")}))
    note = forms.CharField(label=_("note"), max_length=200, required=False,
                           widget=forms.TextInput(attrs={"class": "form-control"}))


class DecisionStepForm(forms.Form):
    note = forms.CharField(label=_("decision note"), max_length=300, required=False,
                           widget=forms.TextInput(attrs={"class": "form-control"}))
