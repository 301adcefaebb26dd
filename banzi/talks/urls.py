"""Talks pages under /talks/: talks (with the confidential summary page), talk plans with their
coverage, plan entries, and the newly promoted cadres' integrity talks."""
from django.urls import path

from banzi.core.routing import model_urls

from . import views
from .models import Talk, TalkPlan, TalkPlanEntry

app_name = "talks"

urlpatterns = [
    *model_urls("talks", Talk, list_view=views.TalkListView, detail_view=views.TalkDetailView,
                edit_view=views.TalkEditView, delete_view=views.TalkDeleteView),
    *model_urls("plans", TalkPlan, list_view=views.TalkPlanListView, detail_view=views.TalkPlanDetailView,
                edit_view=views.TalkPlanEditView),
    *model_urls("plan-entries", TalkPlanEntry, list_view=views.TalkPlanEntryListView,
                detail_view=views.TalkPlanEntryDetailView, edit_view=views.TalkPlanEntryEditView),
    path("talks/<int:pk>/summary/", views.TalkSummaryView.as_view(), name="talk_summary"),
    path("plans/<int:pk>/fill/", views.TalkPlanFillStep.as_view(), name="talkplan_fill"),
    path("integrity/", views.IntegrityView.as_view(), name="integrity"),
]
