"""Training pages under /training/: every record's list, detail, edit, delete and history pages,
the program's enrollment and roster, the session's sign-in sheet, the imports, the statistics,
the hours and shortfall list, and the matching of needs to programs."""
from django.urls import path

from banzi.core.routing import model_urls

from . import imports, views
from .models import (
    Attendance,
    Enrollment,
    Lecturer,
    TrainingNeed,
    TrainingProgram,
    TrainingSession,
    TrainingTopic,
)

app_name = "training"

urlpatterns = [
    path("statistics/", views.StatisticsView.as_view(), name="statistics"),
    path("hours/", views.HoursListView.as_view(), name="hours"),
    path("needs/matching/", views.NeedsMatchingView.as_view(), name="needs_matching"),
    path("programs/<int:pk>/enroll/", views.ProgramEnrollView.as_view(), name="trainingprogram_enroll"),
    path("programs/<int:pk>/roster/", views.ProgramRosterView.as_view(), name="trainingprogram_roster"),
    path("sessions/<int:pk>/sheet/", views.SessionSheetView.as_view(), name="trainingsession_sheet"),
    *imports.urlpatterns,
    *model_urls("topics", TrainingTopic, list_view=views.TrainingTopicListView,
                detail_view=views.TrainingTopicDetailView, edit_view=views.TrainingTopicEditView),
    *model_urls("lecturers", Lecturer, list_view=views.LecturerListView, detail_view=views.LecturerDetailView,
                edit_view=views.LecturerEditView),
    *model_urls("programs", TrainingProgram, list_view=views.TrainingProgramListView,
                detail_view=views.TrainingProgramDetailView, edit_view=views.TrainingProgramEditView),
    *model_urls("sessions", TrainingSession, list_view=views.TrainingSessionListView,
                detail_view=views.TrainingSessionDetailView, edit_view=views.TrainingSessionEditView),
    *model_urls("enrollments", Enrollment, list_view=views.EnrollmentListView,
                detail_view=views.EnrollmentDetailView, edit_view=views.EnrollmentEditView),
    *model_urls("attendances", Attendance, list_view=views.AttendanceListView,
                detail_view=views.AttendanceDetailView, edit_view=views.AttendanceEditView),
    *model_urls("needs", TrainingNeed, list_view=views.TrainingNeedListView, detail_view=views.TrainingNeedDetailView,
                edit_view=views.TrainingNeedEditView),
]
