"""Pages under /cadres/: each record of the cadre's file with its list, detail, edit, delete and
history pages, the scoped photo view, and the Excel imports of every record."""
from django.urls import path

from banzi.core.routing import model_urls

from . import imports, views
from .models import (
    CadreProfile,
    EarlierAssessmentResult,
    EducationRecord,
    FamilyMember,
    ResumeEntry,
    RewardPunishment,
)

app_name = "cadres"

urlpatterns = [
    path("profiles/<int:pk>/photo/", views.CadrePhotoView.as_view(), name="cadreprofile_photo"),
    *imports.urlpatterns,
    *model_urls("profiles", CadreProfile, list_view=views.CadreProfileListView,
                detail_view=views.CadreProfileDetailView, edit_view=views.CadreProfileEditView),
    *model_urls("resume", ResumeEntry, list_view=views.ResumeEntryListView, detail_view=views.ResumeEntryDetailView,
                edit_view=views.ResumeEntryEditView),
    *model_urls("education", EducationRecord, list_view=views.EducationRecordListView,
                detail_view=views.EducationRecordDetailView, edit_view=views.EducationRecordEditView),
    *model_urls("family", FamilyMember, list_view=views.FamilyMemberListView,
                detail_view=views.FamilyMemberDetailView, edit_view=views.FamilyMemberEditView),
    *model_urls("rewards", RewardPunishment, list_view=views.RewardPunishmentListView,
                detail_view=views.RewardPunishmentDetailView, edit_view=views.RewardPunishmentEditView),
    *model_urls("earlier-results", EarlierAssessmentResult, list_view=views.EarlierAssessmentResultListView,
                detail_view=views.EarlierAssessmentResultDetailView, edit_view=views.EarlierAssessmentResultEditView),
]
