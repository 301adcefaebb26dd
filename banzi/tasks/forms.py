"""Forms of the work-implementation pages. Choices are limited to what the user may see; the rules
live in `services.py`. The small forms of the workflow steps (report progress, close out, verify …)
are plain forms whose cleaned data is handed to the matching service."""
from django import forms
from django.utils.translation import gettext_lazy as _

from banzi.core.errors import Code
from banzi.core.forms import BaseModelForm, DateInput, use_pickers
from banzi.org.models import Cadre, Organization

from .models import (
    Bulletin,
    Inspection,
    Milestone,
    Problem,
    ProgressReport,
    SupervisedItem,
    SupervisedReopening,
    SupervisedReport,
    Task,
    TaskReview,
    WorkList,
)
from .services import BY_DAYS, BY_WEIGHT


class DateTimeInput(forms.DateTimeInput):
    """A date-time picker to the second: the 13710 clock's times are kept to the second, and an
    edit must not change a time it did not touch."""

    input_type = "datetime-local"

    def __init__(self, attrs=None, format="%Y-%m-%dT%H:%M:%S"):  # noqa: A002 - Django's name
        super().__init__(attrs={"step": "1", **(attrs or {})}, format=format)


def _style(form):
    """Bootstrap classes and HTML date pickers for a plain (non-model) workflow form."""
    for field in form.fields.values():
        if isinstance(field, forms.DateTimeField):
            field.widget = DateTimeInput()
        elif isinstance(field, forms.DateField):
            field.widget = DateInput()
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")
        if isinstance(widget, forms.Textarea):
            widget.attrs.setdefault("rows", 3)


class TasksModelForm(BaseModelForm):
    """Date-time fields get a date-time picker; text areas stay short."""

    takes_user = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateTimeField):
                field.widget = DateTimeInput(attrs={"class": "form-control"})
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.setdefault("rows", 3)

    def limit_cadres(self, *names):
        for name in names:
            if name in self.fields:
                self.fields[name].queryset = self.fields[name].queryset.filter(
                    status=Cadre.Status.ACTIVE).select_related("organization")


class WorkListForm(TasksModelForm):
    class Meta:
        model = WorkList
        fields = ["cadre", "organization", "year", "responsibilities"]

    def limit_to_user(self, user):
        super().limit_to_user(user)
        self.limit_cadres("cadre")
        self.fields["organization"].queryset = self.fields["organization"].queryset.filter(
            kind__in=[Organization.Kind.TOWNSHIP, Organization.Kind.COUNTY])


class TaskForm(TasksModelForm):
    narrow = {"responsible": "organization"}  # the responsible cadre among the owner unit's people

    class Meta:
        model = Task
        fields = ["work_list", "title", "organization", "responsible", "source", "target", "measures", "start_on",
                  "deadline", "status", "completed_on"]

    def limit_to_user(self, user):
        super().limit_to_user(user)
        self.limit_cadres("responsible")
        self.fields["work_list"].queryset = self.fields["work_list"].queryset.select_related("cadre")


class MilestoneForm(TasksModelForm):
    class Meta:
        model = Milestone
        fields = ["task", "title", "days_before_deadline", "weight", "due_on", "done_on"]
        help_texts = {"due_on": _("Leave blank to compute it from the days before the deadline or the share.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["due_on"].required = False


class ProgressReportForm(TasksModelForm):
    class Meta:
        model = ProgressReport
        fields = ["task", "reported_on", "percent", "narrative", "effect", "attachment"]

    def limit_to_user(self, user):
        super().limit_to_user(user)
        self.fields["task"].queryset = self.fields["task"].queryset.exclude(
            status__in=[Task.Status.DONE, Task.Status.CANCELLED]) | self._current_task()

    def _current_task(self):
        task_id = self.instance.task_id if self.instance and self.instance.pk else None
        return Task.objects.filter(pk=task_id)


class SupervisedItemForm(TasksModelForm):
    narrow = {"assignee": "organization"}  # 责任人 among the 承办单位's people

    class Meta:
        model = SupervisedItem
        fields = ["title", "description", "item_class", "assigner_name", "organization", "assignee", "task",
                  "assigned_at"]
        help_texts = {"assigned_at": _("Leave blank for now; the 13710 clock starts from this time.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_at"].required = False

    def limit_to_user(self, user):
        super().limit_to_user(user)
        self.limit_cadres("assignee")


class SupervisedReportForm(TasksModelForm):
    class Meta:
        model = SupervisedReport
        fields = ["item", "kind", "reported_at", "content", "percent"]

    def limit_to_user(self, user):
        super().limit_to_user(user)
        self.fields["item"].queryset = self.fields["item"].queryset.exclude(status=SupervisedItem.Status.CLOSED)


class SupervisedReopeningForm(TasksModelForm):
    class Meta:
        model = SupervisedReopening
        fields = ["item", "reason"]

    def limit_to_user(self, user):
        super().limit_to_user(user)
        if self.instance.pk:  # a reopening stays with its item; only the reason can be corrected
            self.fields["item"].queryset = self.fields["item"].queryset.filter(pk=self.instance.item_id)
        else:
            self.fields["item"].queryset = self.fields["item"].queryset.filter(status=SupervisedItem.Status.CLOSED)


class InspectionForm(TasksModelForm):
    """The inspected organization is one the user manages; the inspecting side and its team come
    from anywhere in the county (a cross-inspection is done by another township or department),
    shown by name only."""

    class Meta:
        model = Inspection
        fields = ["title", "year", "inspecting_organization", "organization", "leader", "members", "start_on",
                  "end_on"]

    def limit_to_user(self, user):
        super().limit_to_user(user)
        self.fields["inspecting_organization"].queryset = Organization.objects.filter(
            is_active=True, kind__in=[Organization.Kind.COUNTY, Organization.Kind.TOWNSHIP,
                                      Organization.Kind.DEPARTMENT])
        cadres = Cadre.objects.filter(status=Cadre.Status.ACTIVE).select_related("organization")
        self.fields["leader"].queryset = cadres
        self.fields["members"].queryset = cadres
        self.fields["members"].widget.attrs["size"] = 8


class ProblemForm(TasksModelForm):
    class Meta:
        model = Problem
        fields = ["organization", "source", "source_reference", "inspection", "description", "responsible",
                  "measures", "deadline"]

    def limit_to_user(self, user):
        super().limit_to_user(user)
        self.limit_cadres("responsible")


class TaskReviewForm(TasksModelForm):
    """The review, and for a gap the problem it creates: responsible cadre (the task's by default),
    rectification measures and deadline."""

    responsible = forms.ModelChoiceField(
        queryset=Cadre.objects.all(), required=False, label=_("responsible for the gap"),
        help_text=_("Leave blank for the task's responsible cadre."),
    )
    deadline = forms.DateField(label=_("rectification deadline"), required=False)
    measures = forms.CharField(label=_("rectification measures"), required=False, widget=forms.Textarea)

    class Meta:
        model = TaskReview
        fields = ["task", "reviewed_on", "outcome", "gap"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewed_on"].required = False
        self.fields["deadline"].widget = DateInput(attrs={"class": "form-control"})

    def limit_to_user(self, user):
        super().limit_to_user(user)
        self.limit_cadres("responsible")
        self.fields["task"].queryset = self.fields["task"].queryset.select_related("work_list")

    def problem_fields(self):
        data = self.cleaned_data
        return {"responsible": data.get("responsible"), "deadline": data.get("deadline"),
                "measures": data.get("measures") or ""}


class BulletinForm(TasksModelForm):
    class Meta:
        model = Bulletin
        fields = ["title", "organization", "period_start", "period_end", "issuing_body", "document_number",
                  "issued_on"]

    def limit_to_user(self, user):
        super().limit_to_user(user)
        self.fields["organization"].queryset = self.fields["organization"].queryset.filter(
            kind__in=[Organization.Kind.COUNTY, Organization.Kind.TOWNSHIP])


# --- workflow steps ---------------------------------------------------------------------------


class StepForm(forms.Form):
    """A workflow step's small form, styled like the rest."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
        use_pickers(self)


class ProgressStepForm(StepForm):
    reported_on = forms.DateField(label=_("reported on"), required=False, help_text=_("Today if left blank."))
    percent = forms.IntegerField(label=_("progress (%)"))
    narrative = forms.CharField(label=_("progress"), widget=forms.Textarea)
    effect = forms.CharField(label=_("effect"), widget=forms.Textarea, required=False)
    attachment = forms.FileField(label=_("attachment"), required=False)
    mark_done = forms.BooleanField(label=_("The task is done"), required=False)


class ScheduleStepForm(StepForm):
    by = forms.ChoiceField(label=_("schedule by"), choices=[
        (BY_DAYS, _("Days before the deadline")), (BY_WEIGHT, _("Cumulative share of the work (%)"))])
    plan = forms.CharField(
        label=_("milestones"), widget=forms.Textarea,
        help_text=_("One milestone a line: its title, a comma and a number, e.g. “方案制定, 60”."),
    )

    def clean_plan(self):
        rows = []
        for number, line in enumerate(self.cleaned_data["plan"].splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            title, sep, value = line.replace("，", ",").rpartition(",")
            try:
                rows.append((title.strip(), int(value.strip())))
            except ValueError:
                raise forms.ValidationError(
                    _("Line %(n)d: write the title, a comma and a whole number.") % {"n": number}, code=Code.INVALID) from None
            if not sep or not title.strip():
                raise forms.ValidationError(_("Line %(n)d: write the title, a comma and a whole number.") % {"n": number}, code=Code.INVALID)
        if not rows:
            raise forms.ValidationError(_("Enter at least one milestone."), code=Code.REQUIRED)
        return rows


class ContentStepForm(StepForm):
    content = forms.CharField(label=_("content"), widget=forms.Textarea)
    at = forms.DateTimeField(label=_("time"), required=False, help_text=_("Now if left blank."))


class ItemReportStepForm(ContentStepForm):
    percent = forms.IntegerField(label=_("progress (%)"), required=False)


class TimetableStepForm(StepForm):
    due_on = forms.DateField(label=_("timetable completion date"))
    plan = forms.CharField(label=_("timetable"), widget=forms.Textarea)


class EvidenceStepForm(StepForm):
    evidence = forms.CharField(label=_("close-out evidence"), widget=forms.Textarea)


class ReasonStepForm(StepForm):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea)


class RectificationStepForm(StepForm):
    evidence = forms.CharField(label=_("rectification evidence"), widget=forms.Textarea, required=False)
    evidence_file = forms.FileField(label=_("evidence file"), required=False)


class FindingStepForm(StepForm):
    item = forms.CharField(label=_("inspected item"), required=False, max_length=200)
    description = forms.CharField(label=_("problem"), widget=forms.Textarea)
    responsible = forms.ModelChoiceField(queryset=Cadre.objects.none(), label=_("responsible cadre"))
    measures = forms.CharField(label=_("rectification measures"), widget=forms.Textarea, required=False)
    deadline = forms.DateField(label=_("deadline"))

    def __init__(self, *args, inspection=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        cadres = Cadre.objects.visible_to(user).filter(status=Cadre.Status.ACTIVE)
        township_id = inspection.organization.township_id if inspection else None
        if township_id:
            cadres = cadres.filter(organization__township_id=township_id)
        self.fields["responsible"].queryset = cadres.select_related("organization")


class ReviewStepForm(StepForm):
    outcome = forms.ChoiceField(label=_("outcome"), choices=TaskReview.Outcome.choices)
    gap = forms.CharField(label=_("gap"), widget=forms.Textarea, required=False)
    responsible = forms.ModelChoiceField(
        queryset=Cadre.objects.none(), label=_("responsible for the gap"), required=False,
        help_text=_("Leave blank for the task's responsible cadre."),
    )
    deadline = forms.DateField(label=_("rectification deadline"), required=False)
    measures = forms.CharField(label=_("rectification measures"), widget=forms.Textarea, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = Cadre.objects.visible_to(user).filter(status=Cadre.Status.ACTIVE)
