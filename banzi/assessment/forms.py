"""Forms of the assessment pages. Choices are limited to what the user may see; the rules live in
`services.py`. Grades are not fields of these forms: they are proposed and confirmed a unit at a
time on the grade entry page."""
from django import forms
from django.utils.translation import gettext_lazy as _

from banzi.core.forms import BaseModelForm
from banzi.org.models import Cadre, Organization, Team

from .models import Assessee, Assessment, EvaluationGroup, QuotaApproval


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
        self.fields["cadre"].label_from_instance = lambda c: f"{c.name}（{c.organization}）"
        self.fields["team"].queryset = Team.objects.visible_to(user).select_related("township")


class QuotaApprovalForm(AssessmentModelForm):
    class Meta:
        model = QuotaApproval
        fields = ["assessment", "unit", "document_number", "approved_on"]

    def limit_to_user(self, user):
        super().limit_to_user(user)
        self.townships_only("unit")


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
