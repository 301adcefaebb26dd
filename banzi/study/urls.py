"""Pages under /study/: every record's list, detail, edit, delete and history pages, a cadre's own
daily study, the monthly totals, the study calendar, a cadre's study history, the sign-in sheet
import, the duty matrix and each leader's duties."""
from django.urls import path

from banzi.core.routing import model_urls

from . import resources, views
from .models import LeadDuty, LeadDutyEvidence, LeadDutyRecord, StudyAttendance, StudyRecord, StudySession

app_name = "study"

urlpatterns = [
    *model_urls("sessions", StudySession, list_view=views.StudySessionListView,
                detail_view=views.StudySessionDetailView, edit_view=views.StudySessionEditView),
    *model_urls("attendances", StudyAttendance, list_view=views.StudyAttendanceListView,
                detail_view=views.StudyAttendanceDetailView, edit_view=views.StudyAttendanceEditView),
    *model_urls("records", StudyRecord, list_view=views.StudyRecordListView, detail_view=views.StudyRecordDetailView,
                edit_view=views.StudyRecordEditView),
    *model_urls("duties", LeadDuty, list_view=views.LeadDutyListView, detail_view=views.LeadDutyDetailView,
                edit_view=views.LeadDutyEditView),
    *model_urls("duty-records", LeadDutyRecord, list_view=views.LeadDutyRecordListView,
                detail_view=views.LeadDutyRecordDetailView, edit_view=views.LeadDutyRecordEditView),
    *model_urls("evidence", LeadDutyEvidence, list_view=views.LeadDutyEvidenceListView,
                detail_view=views.LeadDutyEvidenceDetailView, edit_view=views.LeadDutyEvidenceEditView),
    path("evidence/<int:pk>/file/", views.LeadDutyEvidenceFileView.as_view(), name="leaddutyevidence_file"),
    path("sessions/<int:pk>/sign-in/", resources.SignInImportView.as_view(), name="session_sign_in"),
    path("sessions/sign-in/template/", resources.SignInTemplateView.as_view(),
         name="studyattendance_import_template"),
    path("my/", views.MyStudyView.as_view(), name="my_study"),
    path("my/reminder/", views.ReminderChoiceView.as_view(), name="reminder_choice"),
    path("monthly-totals/", views.MonthlyTotalsView.as_view(), name="monthly_totals"),
    path("calendar/", views.StudyCalendarView.as_view(), name="calendar"),
    path("cadres/<int:pk>/", views.CadreStudyView.as_view(), name="cadre_study"),
    path("duties/matrix/", views.DutyMatrixView.as_view(), name="duty_matrix"),
    path("duties/leaders/<int:pk>/", views.LeaderDutiesView.as_view(), name="leader_duties"),
    path("duties/mine/", views.MyDutiesView.as_view(), name="my_duties"),
]
