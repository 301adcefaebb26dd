"""Forms of the report pages: the report's scope and period, and a paragraph template."""
from django import forms
from django.utils.translation import gettext_lazy as _

from banzi.core.forms import BaseModelForm

from . import report
from .models import ReportTemplate


class ReportForm(forms.Form):
    """The scope and period of the report (the choices are the user's own)."""

    scope = forms.ChoiceField(label=_("Scope"), widget=forms.Select(attrs={"class": "form-select"}))
    period = forms.ChoiceField(label=_("Report period"), widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = report.scope_choices(user)
        self.fields["period"].choices = report.period_choices()


class ReportTemplateForm(BaseModelForm):
    class Meta:
        model = ReportTemplate
        fields = ["part", "sort_order", "title", "text", "empty_text", "is_active"]
        widgets = {"text": forms.Textarea(attrs={"rows": 6}), "empty_text": forms.Textarea(attrs={"rows": 3})}
