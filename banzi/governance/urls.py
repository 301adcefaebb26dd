"""Pages under /governance/: meetings with their attendance and decisions, agenda items, the
organizational-life rules, the compliance calendar, the county overview and dual organizational life."""
from django.urls import path

from banzi.core.routing import model_urls

from . import views
from .models import AgendaItem, Meeting, OrgLifeRule

app_name = "governance"

urlpatterns = [
    *model_urls("meetings", Meeting, list_view=views.MeetingListView, detail_view=views.MeetingDetailView,
                edit_view=views.MeetingEditView, delete_view=views.MeetingDeleteView),
    *model_urls("agenda-items", AgendaItem, list_view=views.AgendaItemListView,
                detail_view=views.AgendaItemDetailView, edit_view=views.AgendaItemEditView,
                delete_view=views.AgendaItemDeleteView),
    *model_urls("org-life-rules", OrgLifeRule, list_view=views.OrgLifeRuleListView,
                detail_view=views.OrgLifeRuleDetailView, edit_view=views.OrgLifeRuleEditView),
    path("meetings/<int:pk>/file/", views.MeetingFileView.as_view(), name="meeting_file"),
    path("meetings/<int:pk>/attendance/", views.AttendanceView.as_view(), name="meeting_attendance"),
    path("meetings/<int:pk>/criticism/", views.CriticismStep.as_view(), name="meeting_criticism"),
    path("meetings/<int:pk>/rectifications/", views.RectificationStep.as_view(), name="meeting_rectification"),
    path("meetings/<int:pk>/talks/", views.TalksStep.as_view(), name="meeting_talks"),
    path("agenda-items/<int:pk>/decision/", views.DecisionView.as_view(), name="agendaitem_decision"),
    path("compliance/", views.ComplianceView.as_view(), name="compliance"),
    path("overview/", views.OverviewView.as_view(), name="overview"),
    path("dual-life/", views.DualLifeView.as_view(), name="dual_life"),
]
