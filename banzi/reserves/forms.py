"""Forms of the reserve pool's pages: the nomination, the county's step forms, reviews and measures.
Choices are limited to what the user may see; the rules live in `services.py`."""
from django import forms
from django.utils.translation import gettext_lazy as _

from banzi.core.forms import BaseModelForm, DateInput
from banzi.org.models import Cadre

from .models import DevelopmentMeasure, ReserveEntry, ReserveReview


class ReserveEntryForm(BaseModelForm):
    """A nomination: the township nominates its own cadres, the county anyone."""

    takes_user = True

    class Meta:
        model = ReserveEntry
        fields = ["cadre", "nominated_on", "source", "recommendation", "recommendation_file", "votes_for",
                  "votes_total", "note"]

    def limit_to_user(self, user):
        super().limit_to_user(user)
        self.fields["cadre"].queryset = self.fields["cadre"].queryset.filter(status=Cadre.Status.ACTIVE)


class ReserveReviewForm(BaseModelForm):
    takes_user = True

    class Meta:
        model = ReserveReview
        fields = ["entry", "year", "conclusion", "note"]

    def limit_to_user(self, user):
        super().limit_to_user(user)
        self.fields["entry"].queryset = self.fields["entry"].queryset.filter(
            status=ReserveEntry.Status.IN_POOL).select_related("cadre")


class DevelopmentMeasureForm(BaseModelForm):
    takes_user = True

    class Meta:
        model = DevelopmentMeasure
        fields = ["entry", "kind", "description", "posting", "enrollment", "due_on", "done_on"]

    def limit_to_user(self, user):
        super().limit_to_user(user)
        fields = self.fields
        fields["entry"].queryset = fields["entry"].queryset.filter(
            status__in=(ReserveEntry.Status.VETTED, ReserveEntry.Status.IN_POOL)).select_related("cadre")
        fields["posting"].queryset = fields["posting"].queryset.select_related("cadre", "organization")
        fields["enrollment"].queryset = fields["enrollment"].queryset.select_related("cadre", "program")


def _text(label, required=True):
    return forms.CharField(label=label, required=required,
                           widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))


def _date(label):
    return forms.DateField(label=label, required=False, widget=DateInput(attrs={"class": "form-control"}))


class VetForm(forms.Form):
    vetted_on = _date(_("vetted on"))
    result = _text(_("vetting result"), required=False)


class RejectForm(forms.Form):
    rejected_on = _date(_("rejected on"))
    reason = _text(_("reason for rejection"))


class EnterForm(forms.Form):
    entered_on = _date(_("entered the pool on"))
    development_plan = _text(_("development plan"))


class ExitForm(forms.Form):
    exited_on = _date(_("left the pool on"))
    reason = forms.ChoiceField(label=_("reason for leaving"), choices=ReserveEntry.ExitReason.choices,
                               widget=forms.Select(attrs={"class": "form-select"}))
    note = _text(_("exit note"), required=False)


class ReviewForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100,
                              widget=forms.NumberInput(attrs={"class": "form-control"}))
    conclusion = forms.ChoiceField(label=_("conclusion"), choices=ReserveReview.Conclusion.choices,
                                   widget=forms.Select(attrs={"class": "form-select"}))
    note = _text(_("note"), required=False)
