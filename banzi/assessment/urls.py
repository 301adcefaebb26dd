"""Assessment pages under /assessment/: assessments, assessees, quota approvals and evaluation groups."""
from django.urls import path

from banzi.core.routing import model_urls

from . import views
from .models import Assessee, Assessment, AssessmentGroup, Award, Consequence, EvaluationGroup, QuotaApproval

app_name = "assessment"

urlpatterns = [
    *model_urls("assessments", Assessment, list_view=views.AssessmentListView, detail_view=views.AssessmentPageView,
                edit_view=views.AssessmentEditView, delete_view=views.AssessmentDeleteView),
    *model_urls("assessees", Assessee, list_view=views.AssesseeListView, detail_view=views.AssesseePageView,
                edit_view=views.AssesseeEditView, delete_view=views.AssesseeDeleteView),
    *model_urls("quota-approvals", QuotaApproval, list_view=views.QuotaApprovalListView,
                detail_view=views.QuotaApprovalDetailView, edit_view=views.QuotaApprovalEditView),
    *model_urls("groups", AssessmentGroup, list_view=views.AssessmentGroupListView,
                detail_view=views.AssessmentGroupDetailView, edit_view=views.AssessmentGroupEditView,
                delete_view=views.AssessmentGroupDeleteView),
    *model_urls("evaluation-groups", EvaluationGroup, list_view=views.EvaluationGroupListView,
                detail_view=views.EvaluationGroupPageView, edit_view=views.EvaluationGroupEditView),
    *model_urls("awards", Award, list_view=views.AwardListView, detail_view=views.AwardDetailView,
                edit_view=views.AwardEditView, delete_view=views.AwardDeleteView),
    path("awards/<int:pk>/decide/", views.AwardDecideStep.as_view(), name="award_decide"),
    path("assessments/<int:pk>/award-notice/", views.AwardNoticeView.as_view(), name="assessment_award_notice"),
    path("priority/", views.PriorityListView.as_view(), name="priority_list"),
    path("assessments/<int:pk>/collect/", views.AssessmentCollectStep.as_view(), name="assessment_collect"),
    path("assessments/<int:pk>/confirm/", views.AssessmentConfirmStep.as_view(), name="assessment_confirm"),
    path("assessments/<int:pk>/publish/", views.AssessmentPublishStep.as_view(), name="assessment_publish"),
    path("assessments/<int:pk>/fill-from-teams/", views.AssessmentFillFromTeamsStep.as_view(),
         name="assessment_fill_from_teams"),
    path("assessments/<int:pk>/reopen/", views.AssessmentReopenStep.as_view(), name="assessment_reopen"),
    path("assessments/<int:pk>/units/<int:unit>/", views.UnitGradesView.as_view(), name="assessment_unit"),
    path("assessments/<int:pk>/units/<int:unit>/score-sheets/", views.UnitScoresExportView.as_view(),
         name="assessment_unit_scores"),
    path("evaluation-groups/<int:pk>/issue-codes/", views.IssueCodesStep.as_view(),
         name="evaluationgroup_issue_codes"),
    path("evaluation-groups/<int:pk>/paper-ballot/", views.PaperBallotStep.as_view(),
         name="evaluationgroup_paper_ballot"),
    path("evaluation-groups/<int:pk>/import-ballots/", views.BallotImportView.as_view(),
         name="evaluationgroup_import_ballots"),
    path("vote/", views.VoteView.as_view(), name="vote"),
    path("vote/thanks/", views.VoteThanksView.as_view(), name="vote_thanks"),
    path("assessees/<int:pk>/trend/", views.AssesseeTrendExportView.as_view(), name="assessee_trend"),
    path("assessees/<int:pk>/report/", views.AssesseeReportView.as_view(), name="assessee_report"),
    path("assessees/<int:pk>/write-report/", views.AssesseeWriteReportView.as_view(), name="assessee_write_report"),
    *model_urls("consequences", Consequence, list_view=views.ConsequenceListView,
                detail_view=views.ConsequencePageView, edit_view=views.ConsequenceEditView,
                delete_view=views.ConsequenceDeleteView),
    path("consequences/<int:pk>/done/", views.ConsequenceDoneStep.as_view(), name="consequence_done"),
    path("consequences/<int:pk>/dismiss/", views.ConsequenceDismissStep.as_view(), name="consequence_dismiss"),
    path("assessments/<int:pk>/apply-consequences/", views.AssessmentApplyConsequencesStep.as_view(),
         name="assessment_apply_consequences"),
]
