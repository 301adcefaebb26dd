"""Work-implementation pages under /tasks/: every record's list, detail, edit, delete and history
pages, the workflow steps, the look-back review sheet, the work-list import, and the battle map
and bulletin pages of `boards_urls`."""
from django.urls import include, path

from banzi.core.routing import model_urls

from . import boards_urls, imports, views
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

app_name = "tasks"

_generic = [
    *model_urls("work-lists", WorkList, list_view=views.WorkListListView, detail_view=views.WorkListDetailView,
                edit_view=views.WorkListEditView),
    *model_urls("tasks", Task, list_view=views.TaskListView, detail_view=views.TaskDetailView,
                edit_view=views.TaskEditView),
    *model_urls("milestones", Milestone, list_view=views.MilestoneListView, detail_view=views.MilestoneDetailView,
                edit_view=views.MilestoneEditView),
    *model_urls("progress-reports", ProgressReport, list_view=views.ProgressReportListView,
                detail_view=views.ProgressReportDetailView, edit_view=views.ProgressReportEditView,
                delete_view=views.ProgressReportDeleteView),
    *model_urls("supervised-items", SupervisedItem, list_view=views.SupervisedItemListView,
                detail_view=views.SupervisedItemDetailView, edit_view=views.SupervisedItemEditView,
                delete_view=views.SupervisedItemDeleteView),
    *model_urls("supervised-reports", SupervisedReport, list_view=views.SupervisedReportListView,
                detail_view=views.SupervisedReportDetailView, edit_view=views.SupervisedReportEditView,
                delete_view=views.SupervisedReportDeleteView),
    *model_urls("reopenings", SupervisedReopening, list_view=views.SupervisedReopeningListView,
                detail_view=views.SupervisedReopeningDetailView, edit_view=views.SupervisedReopeningEditView),
    *model_urls("inspections", Inspection, list_view=views.InspectionListView, detail_view=views.InspectionDetailView,
                edit_view=views.InspectionEditView),
    *model_urls("problems", Problem, list_view=views.ProblemListView, detail_view=views.ProblemDetailView,
                edit_view=views.ProblemEditView),
    *model_urls("reviews", TaskReview, list_view=views.TaskReviewListView, detail_view=views.TaskReviewDetailView,
                edit_view=views.TaskReviewEditView),
    *model_urls("bulletins", Bulletin, list_view=views.BulletinListView, detail_view=views.BulletinDetailView,
                edit_view=views.BulletinEditView),
]

# A page the boards module defines under the same name (e.g. a bulletin page with its figures)
# takes the place of the generic one.
_boards_names = {getattr(p, "name", None) for p in boards_urls.urlpatterns}

urlpatterns = [
    path("", include(boards_urls)),
    *[p for p in _generic if p.name not in _boards_names],
    *imports.urlpatterns,
    path("reviews/sheet/", views.ReviewSheetView.as_view(), name="review_sheet"),
    path("progress-reports/<int:pk>/file/", views.ProgressReportFileView.as_view(), name="progressreport_file"),
    path("problems/<int:pk>/file/", views.ProblemFileView.as_view(), name="problem_file"),
    path("tasks/<int:pk>/report/", views.TaskReportStep.as_view(), name="task_report"),
    path("tasks/<int:pk>/schedule/", views.TaskScheduleStep.as_view(), name="task_schedule"),
    path("tasks/<int:pk>/review/", views.TaskReviewStep.as_view(), name="task_review"),
    path("supervised-items/<int:pk>/deploy/", views.ItemDeployStep.as_view(), name="superviseditem_deploy"),
    path("supervised-items/<int:pk>/report/", views.ItemReportStep.as_view(), name="superviseditem_report"),
    path("supervised-items/<int:pk>/timetable/", views.ItemTimetableStep.as_view(), name="superviseditem_timetable"),
    path("supervised-items/<int:pk>/done/", views.ItemDoneStep.as_view(), name="superviseditem_done"),
    path("supervised-items/<int:pk>/close-out/", views.ItemCloseOutStep.as_view(), name="superviseditem_close_out"),
    path("supervised-items/<int:pk>/reopen/", views.ItemReopenStep.as_view(), name="superviseditem_reopen"),
    path("problems/<int:pk>/start/", views.ProblemStartStep.as_view(), name="problem_start"),
    path("problems/<int:pk>/submit/", views.ProblemSubmitStep.as_view(), name="problem_submit"),
    path("problems/<int:pk>/verify/", views.ProblemVerifyStep.as_view(), name="problem_verify"),
    path("problems/<int:pk>/return/", views.ProblemReturnStep.as_view(), name="problem_return"),
    path("inspections/<int:pk>/findings/", views.InspectionFindingStep.as_view(), name="inspection_finding"),
]
