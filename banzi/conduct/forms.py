"""Forms of the strict-management pages. Choices are limited to what the user may see; the rules
live in `services.py`. The small forms of the workflow steps (approve, reject, cancel, return,
decide) are plain forms whose cleaned data is handed to the matching service."""
from django import forms
from django.utils.translation import gettext_lazy as _

from banzi.core import clock
from banzi.core.forms import BaseModelForm, DateInput
from banzi.org.models import Cadre

from .models import (
    CommitmentLetter,
    ConcurrentPostDeclaration,
    DisciplineRule,
    LeaveLedgerEntry,
    LeaveRequest,
    OutingReport,
    Violation,
)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None, format="%Y-%m-%dT%H:%M"):  # noqa: A002 - Django's name
        super().__init__(attrs=attrs, format=format)


def style(form):
    """Bootstrap classes and HTML pickers for a step form (text, choices, dates and times only)."""
    for field in form.fields.values():
        if isinstance(field, forms.DateTimeField):
            field.widget = DateTimeInput()
        elif isinstance(field, forms.DateField):
            field.widget = DateInput()
        field.widget.attrs.setdefault("class", "form-select" if isinstance(field.widget, forms.Select) else "form-control")
        if isinstance(field.widget, forms.Textarea):
            field.widget.attrs.setdefault("rows", 3)


class ConductModelForm(BaseModelForm):
    """Cadre choices are active cadres the user may see; a cadre filing for themselves sees only
    themselves; date-times get a picker; text areas stay short."""

    takes_user = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateTimeField):
                field.widget = DateTimeInput(attrs={"class": "form-control"})
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.setdefault("rows", 3)

    def limit_to_user(self, user):
        super().limit_to_user(user)
        if "cadre" in self.fields:
            queryset = self.fields["cadre"].queryset.filter(status=Cadre.Status.ACTIVE).select_related("organization")
            if self.instance.pk:
                queryset = queryset | Cadre.objects.visible_to(user).filter(pk=self.instance.cadre_id)
            self.fields["cadre"].queryset = queryset
            if getattr(user, "cadre_id", None) and not user.is_county_admin and user.role == "cadre":
                self.fields["cadre"].initial = user.cadre_id


class DisciplineRuleForm(ConductModelForm):
    class Meta:
        model = DisciplineRule
        fields = ["code", "title", "description", "source", "sort_order", "is_active"]


class CommitmentLetterForm(ConductModelForm):
    class Meta:
        model = CommitmentLetter
        fields = ["cadre", "year", "signed_on", "scan", "notes"]
        help_texts = {"scan": _("The signed letter as a PDF or image.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = clock.today().year


class ConcurrentPostDeclarationForm(ConductModelForm):
    class Meta:
        model = ConcurrentPostDeclaration
        fields = ["cadre", "year", "declared_on", "has_post", "post_organization", "post_role", "is_paid", "pay"]
        help_texts = {"has_post": _("Leave unticked to declare that the cadre holds no concurrent post.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = clock.today().year
        self.fields["declared_on"].initial = clock.today()


class ViolationForm(ConductModelForm):
    class Meta:
        model = Violation
        fields = ["cadre", "rule", "occurred_on", "facts", "source"]

    def limit_to_user(self, user):
        super().limit_to_user(user)
        rules = self.fields["rule"].queryset.filter(is_active=True)
        if self.instance.pk and self.instance.rule_id:
            rules = rules | DisciplineRule.objects.filter(pk=self.instance.rule_id)
        self.fields["rule"].queryset = rules


class LeaveRequestForm(ConductModelForm):
    class Meta:
        model = LeaveRequest
        fields = ["cadre", "kind", "starts_on", "ends_on", "reason", "amends"]

    def limit_to_user(self, user):
        super().limit_to_user(user)
        self.fields["amends"].queryset = (LeaveRequest.objects.visible_to(user)
                                          .filter(status=LeaveRequest.Status.APPROVED, returned_on__isnull=True)
                                          .select_related("cadre"))
        self.fields["amends"].help_text = _("To change approved leave, pick it here: once this request is approved, "
                                            "it replaces the original.")


class LeaveLedgerEntryForm(ConductModelForm):
    class Meta:
        model = LeaveLedgerEntry
        fields = ["cadre", "year", "kind", "days", "entry_on", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.value, k.label) for k in LeaveLedgerEntry.MANUAL_KINDS]
        self.fields["year"].initial = clock.today().year
        self.fields["entry_on"].initial = clock.today()


class OutingReportForm(ConductModelForm):
    class Meta:
        model = OutingReport
        fields = ["cadre", "destination", "reason", "departs_at", "planned_return_at", "contact"]


# --- workflow steps ----------------------------------------------------------------------------

class StepForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class NoteStepForm(StepForm):
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea)


class RejectStepForm(StepForm):
    note = forms.CharField(label=_("reason for rejecting"), widget=forms.Textarea)


class CancelStepForm(StepForm):
    reason = forms.CharField(label=_("reason for cancelling"), required=False, widget=forms.Textarea)


class ReturnStepForm(StepForm):
    returned_on = forms.DateField(label=_("back at work on"), initial=clock.today)


class OutingReturnStepForm(StepForm):
    returned_at = forms.DateTimeField(label=_("returned at"), required=False,
                                      help_text=_("Leave blank for now."))


class ViolationDecisionForm(StepForm):
    status = forms.ChoiceField(label=_("decision"), choices=[
        (Violation.Status.CONFIRMED.value, _("Confirm the violation")),
        (Violation.Status.DISMISSED.value, _("Dismiss it")),
    ])
    decision = forms.CharField(label=_("decision taken"), required=False, widget=forms.Textarea,
                               help_text=_("E.g. admonishment talk, written criticism, referred to the discipline commission."))
    decision_body = forms.CharField(label=_("decision body"), required=False, max_length=100)
    decided_on = forms.DateField(label=_("decided on"), initial=clock.today)


class DeclarationDecisionForm(StepForm):
    decision = forms.ChoiceField(label=_("decision"), choices=[
        (ConcurrentPostDeclaration.Decision.APPROVED.value, ConcurrentPostDeclaration.Decision.APPROVED.label),
        (ConcurrentPostDeclaration.Decision.REFUSED.value, ConcurrentPostDeclaration.Decision.REFUSED.label),
        (ConcurrentPostDeclaration.Decision.MUST_RESIGN.value, ConcurrentPostDeclaration.Decision.MUST_RESIGN.label),
    ])
    resign_by = forms.DateField(label=_("resign by"), required=False)
    note = forms.CharField(label=_("decision note"), required=False, widget=forms.Textarea)
