"""Work-implementation pages: declarations over core's generic views, detail pages that show a
record's workflow, and small POST views for the workflow steps, each calling its service."""

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from banzi.core import clock
from banzi.core.scoping import can_write_model
from banzi.core.uploads import FileDownloadView
from banzi.core.views import ObjectDeleteView, ObjectDetailView, ObjectEditView, ObjectListView, ScopedMixin

from . import clock13710, filters, forms, services, tables
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


def _related(obj, name):
    try:
        return getattr(obj, name)
    except ObjectDoesNotExist:
        return None


class FormAwareEditView(ObjectEditView):
    """An edit view whose service needs more of the form than the instance (`form_service`)."""

    def form_valid(self, form):
        self.form = form
        return super().form_valid(form)

    def service(self, user, instance):
        return self.form_service(user, instance, self.form)


# --- work lists -------------------------------------------------------------------------------

class WorkListListView(ObjectListView):
    queryset = WorkList.objects.select_related("cadre", "organization").annotate(task_count=Count("tasks")).order_by(
        "-year", "organization__name", "cadre__name_pinyin")
    filterset_class = filters.WorkListFilterSet
    table_class = tables.WorkListTable
    import_url_name = "tasks:task_import"


class WorkListDetailView(ObjectDetailView):
    queryset = WorkList.objects.select_related("cadre", "organization")
    template_name = "tasks/worklist_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        tasks = (self.object.tasks.visible_to(self.request.user)
                 .select_related("organization", "responsible").prefetch_related("milestones"))
        ctx["task_table"] = tables.TaskTable(tasks, orderable=False, exclude=("organization",))
        if ctx["edit_url"]:
            ctx["add_task_url"] = "{}?work_list={}&organization={}&responsible={}".format(
                reverse("tasks:task_add"), self.object.pk, self.object.organization_id, self.object.cadre_id)
        ctx["review_sheet_url"] = f"{reverse('tasks:review_sheet')}?work_list={self.object.pk}"
        return ctx


class WorkListEditView(ObjectEditView):
    model = WorkList
    form_class = forms.WorkListForm
    service = staticmethod(services.save_work_list)


# --- tasks ------------------------------------------------------------------------------------

class TaskListView(ObjectListView):
    queryset = Task.objects.select_related("organization", "responsible").prefetch_related("milestones")
    filterset_class = filters.TaskFilterSet
    table_class = tables.TaskTable
    import_url_name = "tasks:task_import"


class TaskDetailView(ObjectDetailView):
    queryset = Task.objects.select_related("organization", "responsible", "work_list__cadre")
    template_name = "tasks/task_detail.html"
    exclude = ("completed_on",)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        task, user = self.object, self.request.user
        ctx["milestones"] = list(task.milestones.visible_to(user).order_by("due_on", "id"))
        task.__dict__.setdefault("_prefetched_objects_cache", {})["milestones"] = ctx["milestones"]
        ctx["state"] = filters.task_state(task)
        ctx["state_badge"] = tables.state_badge(ctx["state"])
        ctx["reports"] = task.reports.visible_to(user).order_by("-reported_on", "-id")[:100]
        ctx["items"] = task.supervised_items.visible_to(user).select_related("assignee")
        ctx["review"] = _related(task, "review")
        ctx["problem"] = _related(ctx["review"], "problem") if ctx["review"] else None
        ctx["today"] = clock.today()
        if ctx["edit_url"] and not task.is_closed:
            ctx["schedule_form"] = forms.ScheduleStepForm()
        if not task.is_closed and (ctx["edit_url"] or _reports_own_task(user, task)):
            ctx["progress_form"] = forms.ProgressStepForm()
        if ctx["edit_url"] and ctx["review"] is None:
            ctx["review_form"] = forms.ReviewStepForm(user=user)
        return ctx


def _reports_own_task(user, task):
    """The responsible cadre reports progress on their own task (they cannot edit the task itself)."""
    return task.responsible_id == user.cadre_id and can_write_model(user, ProgressReport)


class TaskEditView(ObjectEditView):
    model = Task
    form_class = forms.TaskForm
    service = staticmethod(services.save_task)


class MilestoneListView(ObjectListView):
    queryset = Milestone.objects.select_related("task")
    filterset_class = filters.MilestoneFilterSet
    table_class = tables.MilestoneTable


class MilestoneDetailView(ObjectDetailView):
    queryset = Milestone.objects.select_related("task")


class MilestoneEditView(ObjectEditView):
    model = Milestone
    form_class = forms.MilestoneForm
    service = staticmethod(services.save_milestone)


class ProgressReportListView(ObjectListView):
    queryset = ProgressReport.objects.select_related("task")
    filterset_class = filters.ProgressReportFilterSet
    table_class = tables.ProgressReportTable


class ProgressReportDetailView(ObjectDetailView):
    queryset = ProgressReport.objects.select_related("task")


class ProgressReportEditView(ObjectEditView):
    model = ProgressReport
    form_class = forms.ProgressReportForm
    service = staticmethod(services.save_progress_report)


class ProgressReportDeleteView(ObjectDeleteView):
    model = ProgressReport
    service = staticmethod(services.delete_progress_report)


# --- supervised items (13710) -----------------------------------------------------------------

class SupervisedItemListView(ObjectListView):
    queryset = SupervisedItem.objects.select_related("organization", "assignee").prefetch_related("reports")
    filterset_class = filters.SupervisedItemFilterSet
    table_class = tables.SupervisedItemTable


class SupervisedItemDetailView(ObjectDetailView):
    queryset = SupervisedItem.objects.select_related("organization", "assignee", "task", "assigned_by", "closed_by")
    template_name = "tasks/superviseditem_detail.html"
    exclude = ("status",)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        item, user = self.object, self.request.user
        reports = list(item.reports.visible_to(user).order_by("-reported_at", "-id"))
        item.__dict__.setdefault("_prefetched_objects_cache", {})["reports"] = reports
        item_clock = clock13710.Clock.for_items([item])
        stages = item_clock.stages(item)
        ctx.update(
            stages=stages,
            state=item_clock.item_state(item, stages),
            warnings=item_clock.warnings(item, stages),
            reports=reports,
            reopenings=item.reopenings.visible_to(user).order_by("-created_at"),
        )
        ctx["state_badge"] = tables.state_badge(ctx["state"])
        ctx["steps"] = self.allowed_steps(item, bool(ctx["edit_url"]))
        if not ctx["edit_url"] and services.reports_own_item(user, item):
            ctx["steps"] = self.reporting_steps(item)
        if item.is_closed:
            ctx["edit_url"] = ctx["delete_url"] = None  # a closed item is reopened, never edited
        return ctx

    def reporting_steps(self, item):
        """The steps the assignee cadre takes on their own item: deploy, report, report done."""
        steps = self.allowed_steps(item, True)
        return {name: form for name, form in steps.items() if name in ("deploy", "report", "done")}

    def allowed_steps(self, item, can_write):
        """The workflow steps this user may take now, each with its form."""
        if not can_write:
            return {}
        user, status = self.request.user, item.status
        steps = {}
        if not item.is_closed:
            if item.deployed_at is None:
                steps["deploy"] = forms.ContentStepForm(prefix="deploy")
            if status != SupervisedItem.Status.DONE:
                steps["report"] = forms.ItemReportStepForm(prefix="report")
                steps["done"] = forms.ContentStepForm(prefix="done")
            if item.item_class != SupervisedItem.ItemClass.ORDINARY:
                steps["timetable"] = forms.TimetableStepForm(
                    prefix="timetable", initial={"due_on": item.timetable_due_on, "plan": item.timetable})
        if status == SupervisedItem.Status.DONE and services.may_close_out(user, item):
            steps["close_out"] = forms.EvidenceStepForm(prefix="close_out")
        if item.is_closed:
            steps["reopen"] = forms.ReasonStepForm(prefix="reopen")
        return steps


class SupervisedItemEditView(ObjectEditView):
    model = SupervisedItem
    form_class = forms.SupervisedItemForm
    service = staticmethod(services.save_item)


class SupervisedItemDeleteView(ObjectDeleteView):
    model = SupervisedItem
    service = staticmethod(services.delete_item)


class SupervisedReportListView(ObjectListView):
    queryset = SupervisedReport.objects.select_related("item")
    filterset_class = filters.SupervisedReportFilterSet
    table_class = tables.SupervisedReportTable


class SupervisedReportDetailView(ObjectDetailView):
    queryset = SupervisedReport.objects.select_related("item")


class SupervisedReportEditView(ObjectEditView):
    model = SupervisedReport
    form_class = forms.SupervisedReportForm
    service = staticmethod(services.save_supervised_report)


class SupervisedReportDeleteView(ObjectDeleteView):
    model = SupervisedReport
    service = staticmethod(services.delete_supervised_report)


class SupervisedReopeningListView(ObjectListView):
    queryset = SupervisedReopening.objects.select_related("item")
    filterset_class = filters.SupervisedReopeningFilterSet
    table_class = tables.SupervisedReopeningTable


class SupervisedReopeningDetailView(ObjectDetailView):
    queryset = SupervisedReopening.objects.select_related("item")
    fields = ("item", "reason", "previous_closed_at")


class SupervisedReopeningEditView(ObjectEditView):
    model = SupervisedReopening
    form_class = forms.SupervisedReopeningForm
    service = staticmethod(services.save_reopening)


# --- cross-inspections and the problem list ---------------------------------------------------

class InspectionListView(ObjectListView):
    queryset = (Inspection.objects.select_related("inspecting_organization", "organization", "leader")
                .annotate(finding_count=Count("problems")).order_by("-start_on", "-id"))
    filterset_class = filters.InspectionFilterSet
    table_class = tables.InspectionTable


class InspectionDetailView(ObjectDetailView):
    queryset = Inspection.objects.select_related("inspecting_organization", "organization", "leader")
    template_name = "tasks/inspection_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["members"] = self.object.members.select_related("organization")
        ctx["findings"] = self.object.problems.visible_to(user).select_related("responsible")
        if ctx["edit_url"]:
            ctx["finding_form"] = forms.FindingStepForm(inspection=self.object, user=user)
        return ctx


class InspectionEditView(FormAwareEditView):
    model = Inspection
    form_class = forms.InspectionForm

    def form_service(self, user, inspection, form):
        return services.save_inspection(user, inspection, members=form.cleaned_data.get("members"))


class ProblemListView(ObjectListView):
    queryset = Problem.objects.select_related("organization", "responsible")
    filterset_class = filters.ProblemFilterSet
    table_class = tables.ProblemTable


class ProblemDetailView(ObjectDetailView):
    queryset = Problem.objects.select_related("organization", "responsible", "inspection", "review__task",
                                              "verified_by")
    template_name = "tasks/problem_detail.html"
    exclude = ("status", "evidence_file")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        problem, Status = self.object, Problem.Status
        ctx["overdue"] = problem.status != Status.CLOSED and problem.deadline < clock.today()
        steps = {}
        if ctx["edit_url"]:
            if problem.status in (Status.OPEN, Status.RETURNED):
                steps["start"] = None
            if problem.status in (Status.OPEN, Status.RECTIFYING, Status.RETURNED):
                steps["submit"] = forms.RectificationStepForm(prefix="submit")
            if problem.status == Status.SUBMITTED and services.may_verify(self.request.user, problem):
                steps["verify"] = None
                steps["return"] = forms.ReasonStepForm(prefix="return")
        if problem.status == Status.CLOSED:
            ctx["edit_url"] = ctx["delete_url"] = None
        ctx["steps"] = steps
        return ctx


class ProblemEditView(ObjectEditView):
    model = Problem
    form_class = forms.ProblemForm
    service = staticmethod(services.save_problem)


# --- the look-back review ---------------------------------------------------------------------

class TaskReviewListView(ObjectListView):
    queryset = TaskReview.objects.select_related("task__responsible", "problem")
    filterset_class = filters.TaskReviewFilterSet
    table_class = tables.TaskReviewTable


class TaskReviewDetailView(ObjectDetailView):
    queryset = TaskReview.objects.select_related("task", "problem")
    template_name = "tasks/taskreview_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["problem"] = _related(self.object, "problem")
        return ctx


class TaskReviewEditView(FormAwareEditView):
    model = TaskReview
    form_class = forms.TaskReviewForm

    def form_service(self, user, review, form):
        return services.save_review(user, review, **form.problem_fields())


class ReviewSheetView(ObjectListView):
    """The look-back review sheet per work list or township and year, exportable to Excel."""

    queryset = Task.objects.select_related("work_list__cadre", "responsible", "review__problem__responsible").order_by(
        "work_list__cadre__name_pinyin", "deadline", "id")
    filterset_class = filters.ReviewSheetFilterSet
    table_class = tables.ReviewSheetTable
    template_name = "tasks/review_sheet.html"
    paginate_by = 100

    def get_export_filename(self, export_format):
        stamp = clock.local_now().strftime("%Y%m%d-%H%M")
        return f"{_('Look-back review')}-{stamp}.{export_format}"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_add"] = None
        qs = self.object_list
        ctx["summary"] = {
            "tasks": qs.count(),
            "reviewed": qs.filter(review__isnull=False).count(),
            "gaps": qs.filter(review__problem__isnull=False).count(),
        }
        return ctx


# --- bulletins --------------------------------------------------------------------------------

class BulletinListView(ObjectListView):
    queryset = Bulletin.objects.select_related("organization")
    filterset_class = filters.BulletinFilterSet
    table_class = tables.BulletinTable


class BulletinDetailView(ObjectDetailView):
    queryset = Bulletin.objects.select_related("organization")


class BulletinEditView(ObjectEditView):
    model = Bulletin
    form_class = forms.BulletinForm
    service = staticmethod(services.save_bulletin)


# --- workflow steps ---------------------------------------------------------------------------

class StepView(ScopedMixin, View):
    """POST one workflow step on a record the user can see (404 otherwise): validate the step's
    small form, call the service, and go back to the record with a message. A rule the step breaks
    comes back as the service's message; a role or scope that may not act is a 403."""

    model = None
    form_class = None
    prefix = None
    anchor = ""
    success_message = ""

    def get_form(self, request, obj):
        if self.form_class is None:
            return None
        return self.form_class(request.POST, request.FILES, prefix=self.prefix)

    def post(self, request, pk):
        obj = get_object_or_404(self.get_queryset(), pk=pk)
        form = self.get_form(request, obj)
        if form is not None and not form.is_valid():
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                for error in errors:
                    messages.error(request, f"{label}: {error}" if label else error)
            return self.back(obj)
        try:
            self.perform(request.user, obj, form.cleaned_data if form is not None else {})
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return self.back(obj)
        messages.success(request, self.success_message)
        return self.back(obj)

    def back(self, obj):
        return HttpResponseRedirect(obj.get_absolute_url() + (f"#{self.anchor}" if self.anchor else ""))

    def perform(self, user, obj, data):
        raise NotImplementedError


class TaskReportStep(StepView):
    model = Task
    form_class = forms.ProgressStepForm
    anchor = "reports"
    success_message = gettext_lazy("The progress report has been saved.")

    def perform(self, user, task, data):
        services.submit_progress_report(
            user, task, reported_on=data["reported_on"], percent=data["percent"], narrative=data["narrative"],
            effect=data["effect"], attachment=data["attachment"], mark_done=data["mark_done"])


class TaskScheduleStep(StepView):
    model = Task
    form_class = forms.ScheduleStepForm
    anchor = "milestones"
    success_message = gettext_lazy("The milestones have been scheduled back from the deadline.")

    def perform(self, user, task, data):
        services.schedule_milestones(user, task, data["plan"], by=data["by"])


class TaskReviewStep(StepView):
    model = Task
    form_class = forms.ReviewStepForm
    anchor = "review"
    success_message = gettext_lazy("The look-back review has been recorded.")

    def get_form(self, request, obj):
        return self.form_class(request.POST, user=request.user)

    def perform(self, user, task, data):
        services.review_task(user, task, data["outcome"], data["gap"], data["responsible"], data["deadline"],
                             measures=data["measures"])


class ItemStep(StepView):
    model = SupervisedItem
    step = None

    @property
    def prefix(self):
        return self.step


class ItemDeployStep(ItemStep):
    step, form_class = "deploy", forms.ContentStepForm
    success_message = gettext_lazy("The deployment has been recorded.")

    def perform(self, user, item, data):
        services.record_deployment(user, item, content=data["content"], at=data["at"])


class ItemReportStep(ItemStep):
    step, form_class = "report", forms.ItemReportStepForm
    success_message = gettext_lazy("The report has been added.")

    def perform(self, user, item, data):
        services.add_report(user, item, content=data["content"], percent=data["percent"], at=data["at"])


class ItemTimetableStep(ItemStep):
    step, form_class = "timetable", forms.TimetableStepForm
    success_message = gettext_lazy("The timetable has been filed; report monthly until the item is done.")

    def perform(self, user, item, data):
        services.file_timetable(user, item, due_on=data["due_on"], plan=data["plan"])


class ItemDoneStep(ItemStep):
    step, form_class = "done", forms.ContentStepForm
    success_message = gettext_lazy("The item is done and awaits close-out.")

    def perform(self, user, item, data):
        services.mark_done(user, item, content=data["content"], at=data["at"])


class ItemCloseOutStep(ItemStep):
    step, form_class = "close_out", forms.EvidenceStepForm
    success_message = gettext_lazy("The item has been closed out.")

    def perform(self, user, item, data):
        services.close_out(user, item, evidence=data["evidence"])


class ItemReopenStep(ItemStep):
    step, form_class = "reopen", forms.ReasonStepForm
    success_message = gettext_lazy("The item has been reopened.")

    def perform(self, user, item, data):
        services.reopen_item(user, item, reason=data["reason"])


class ProblemStartStep(StepView):
    model = Problem
    success_message = gettext_lazy("Rectification has started.")

    def perform(self, user, problem, data):
        services.start_rectification(user, problem)


class ProblemSubmitStep(StepView):
    model, form_class, prefix = Problem, forms.RectificationStepForm, "submit"
    success_message = gettext_lazy("The rectification has been submitted for verification.")

    def perform(self, user, problem, data):
        services.submit_rectification(user, problem, evidence=data["evidence"], evidence_file=data["evidence_file"])


class ProblemVerifyStep(StepView):
    model = Problem
    success_message = gettext_lazy("The rectification has been verified and the problem closed.")

    def perform(self, user, problem, data):
        services.verify_problem(user, problem)


class ProblemReturnStep(StepView):
    model, form_class, prefix = Problem, forms.ReasonStepForm, "return"
    success_message = gettext_lazy("The rectification has been returned for more work.")

    def perform(self, user, problem, data):
        services.return_problem(user, problem, data["reason"])


class InspectionFindingStep(StepView):
    model = Inspection
    form_class = forms.FindingStepForm
    anchor = "findings"
    success_message = gettext_lazy("The finding is on the problem list.")

    def get_form(self, request, obj):
        return self.form_class(request.POST, inspection=obj, user=request.user)

    def perform(self, user, inspection, data):
        services.record_finding(user, inspection, description=data["description"], responsible=data["responsible"],
                                deadline=data["deadline"], measures=data["measures"], item=data["item"])


class ProgressReportFileView(FileDownloadView):
    model, field = ProgressReport, "attachment"


class ProblemFileView(FileDownloadView):
    model, field = Problem, "evidence_file"
