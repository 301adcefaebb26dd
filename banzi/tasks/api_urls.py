from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.register("work-lists", api.WorkListViewSet, basename="tasks-worklist")
router.register("tasks", api.TaskViewSet, basename="tasks-task")
router.register("milestones", api.MilestoneViewSet, basename="tasks-milestone")
router.register("progress-reports", api.ProgressReportViewSet, basename="tasks-progressreport")
router.register("supervised-items", api.SupervisedItemViewSet, basename="tasks-superviseditem")
router.register("supervised-reports", api.SupervisedReportViewSet, basename="tasks-supervisedreport")
router.register("reopenings", api.SupervisedReopeningViewSet, basename="tasks-supervisedreopening")
router.register("inspections", api.InspectionViewSet, basename="tasks-inspection")
router.register("problems", api.ProblemViewSet, basename="tasks-problem")
router.register("reviews", api.TaskReviewViewSet, basename="tasks-taskreview")
router.register("bulletins", api.BulletinViewSet, basename="tasks-bulletin")

urlpatterns = router.urls
