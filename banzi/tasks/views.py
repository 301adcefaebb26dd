"""Work-implementation pages: declarations over core's generic views, detail pages that show a
record's workflow (the steps its lifecycle in `workflow.py` allows the user now), and small POST
views for the workflow steps, each calling its service."""

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banzi.core import clock
from banzi.core.uploads import FileDownloadView
from banzi.core.views import ObjectDeleteView, ObjectDetailView, ObjectEditView, ObjectListView, StepView

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
        return ctx


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
        return ctx


class SupervisedItemEditView(ObjectEditView):
    model = SupervisedItem
    form_class = forms.SupervisedItemForm
    service = staticmethod(services.save_item)


class SupervisedItemDeleteView(ObjectDeleteView):
    model = SupervisedItem


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
        return ctx


class InspectionEditView(ObjectEditView):
    model = Inspection
    form_class = forms.InspectionForm
    service = staticmethod(services.save_inspection)


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
        problem = self.object
        ctx["overdue"] = problem.status != Problem.Status.CLOSED and problem.deadline < clock.today()
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


class TaskReviewEditView(ObjectEditView):
    model = TaskReview
    form_class = forms.TaskReviewForm
    service = staticmethod(services.save_review)

    def service_kwargs(self, form):
        return {**super().service_kwargs(form), **form.problem_fields()}


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


# --- workflow steps (which may be taken, and by whom: workflow.py) --------------------------------

class TaskReportStep(StepView):
    model, step, form_class = Task, "report", forms.ProgressStepForm
    service = staticmethod(services.submit_progress_report)
    anchor = "reports"
    success_message = gettext_lazy("The progress report has been saved.")


class TaskScheduleStep(StepView):
    model, step, form_class = Task, "schedule", forms.ScheduleStepForm
    service = staticmethod(services.schedule_milestones)
    anchor = "milestones"
    success_message = gettext_lazy("The milestones have been scheduled back from the deadline.")


class TaskReviewStep(StepView):
    model, step, form_class = Task, "review", forms.ReviewStepForm
    service = staticmethod(services.review_task)
    anchor = "review"
    success_message = gettext_lazy("The look-back review has been recorded.")

    def form_kwargs(self, user, task):
        return {"user": user}


class ItemStep(StepView):
    """A step of a supervised item; its form's prefix is the step's name."""

    model = SupervisedItem

    @property
    def prefix(self):
        return self.step


class ItemDeployStep(ItemStep):
    step, form_class, service = "deploy", forms.ContentStepForm, staticmethod(services.record_deployment)
    success_message = gettext_lazy("The deployment has been recorded.")


class ItemReportStep(ItemStep):
    step, form_class, service = "report", forms.ItemReportStepForm, staticmethod(services.add_report)
    success_message = gettext_lazy("The report has been added.")


class ItemTimetableStep(ItemStep):
    step, form_class, service = "timetable", forms.TimetableStepForm, staticmethod(services.file_timetable)
    success_message = gettext_lazy("The timetable has been filed; report monthly until the item is done.")

    def initial(self, item):
        return {"due_on": item.timetable_due_on, "plan": item.timetable}


class ItemDoneStep(ItemStep):
    step, form_class, service = "done", forms.ContentStepForm, staticmethod(services.mark_done)
    success_message = gettext_lazy("The item is done and awaits close-out.")


class ItemCloseOutStep(ItemStep):
    step, form_class, service = "close_out", forms.EvidenceStepForm, staticmethod(services.close_out)
    success_message = gettext_lazy("The item has been closed out.")


class ItemReopenStep(ItemStep):
    step, form_class, service = "reopen", forms.ReasonStepForm, staticmethod(services.reopen_item)
    success_message = gettext_lazy("The item has been reopened.")


class ProblemStartStep(StepView):
    model, step, service = Problem, "start", staticmethod(services.start_rectification)
    success_message = gettext_lazy("Rectification has started.")


class ProblemSubmitStep(StepView):
    model, step, form_class, prefix = Problem, "submit", forms.RectificationStepForm, "submit"
    service = staticmethod(services.submit_rectification)
    success_message = gettext_lazy("The rectification has been submitted for verification.")


class ProblemVerifyStep(StepView):
    model, step, service = Problem, "verify", staticmethod(services.verify_problem)
    success_message = gettext_lazy("The rectification has been verified and the problem closed.")


class ProblemReturnStep(StepView):
    model, step, form_class, prefix = Problem, "return", forms.ReasonStepForm, "return"
    service = staticmethod(services.return_problem)
    success_message = gettext_lazy("The rectification has been returned for more work.")


class InspectionFindingStep(StepView):
    model, step, form_class = Inspection, "finding", forms.FindingStepForm
    service = staticmethod(services.record_finding)
    anchor = "findings"
    success_message = gettext_lazy("The finding is on the problem list.")

    def form_kwargs(self, user, inspection):
        return {"inspection": inspection, "user": user}


class ProgressReportFileView(FileDownloadView):
    model, field = ProgressReport, "attachment"


class ProblemFileView(FileDownloadView):
    model, field = Problem, "evidence_file"
