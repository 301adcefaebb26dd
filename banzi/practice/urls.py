"""Pages under /practice/: every record's list, detail, edit, delete and history pages, the Excel
imports of postings and mentoring pairs, and the figure pages."""
from django.urls import path

from banzi.core.routing import model_urls

from . import imports, views
from .models import (
    Mentorship,
    MentorshipMeeting,
    Posting,
    RectificationGroup,
    StudyVisit,
    VillageRectification,
    WorkLog,
)

app_name = "practice"

urlpatterns = [
    path("designations/", views.DesignationOverviewView.as_view(), name="designation_overview"),
    path("designations/map/", views.DesignationGridView.as_view(), name="designation_grid"),
    path("campaign/", views.CampaignOverviewView.as_view(), name="campaign"),
    path("enterprise-service/", views.EnterpriseServiceView.as_view(), name="enterprise_service"),
    path("tempering/", views.TemperingView.as_view(), name="tempering"),
    path("mentoring/", views.MentoringOverviewView.as_view(), name="mentoring"),
    path("record/", views.MyRecordView.as_view(), name="my_record"),
    path("record/<int:pk>/", views.CadreRecordView.as_view(), name="record"),
    *imports.urlpatterns,
    *model_urls("rectifications", VillageRectification, list_view=views.VillageRectificationListView,
                detail_view=views.VillageRectificationDetailView, edit_view=views.VillageRectificationEditView),
    *model_urls("groups", RectificationGroup, list_view=views.RectificationGroupListView,
                detail_view=views.RectificationGroupDetailView, edit_view=views.RectificationGroupEditView),
    *model_urls("postings", Posting, list_view=views.PostingListView, detail_view=views.PostingDetailView,
                edit_view=views.PostingEditView),
    *model_urls("work-logs", WorkLog, list_view=views.WorkLogListView, detail_view=views.WorkLogDetailView,
                edit_view=views.WorkLogEditView),
    *model_urls("mentorships", Mentorship, list_view=views.MentorshipListView,
                detail_view=views.MentorshipDetailView, edit_view=views.MentorshipEditView),
    *model_urls("mentoring-meetings", MentorshipMeeting, list_view=views.MentorshipMeetingListView,
                detail_view=views.MentorshipMeetingDetailView, edit_view=views.MentorshipMeetingEditView),
    *model_urls("study-visits", StudyVisit, list_view=views.StudyVisitListView,
                detail_view=views.StudyVisitDetailView, edit_view=views.StudyVisitEditView),
]
