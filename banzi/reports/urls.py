"""Report pages under /reports/."""
from django.urls import path

from banzi.core.routing import model_urls

from . import views
from .models import ReportTemplate

app_name = "reports"

urlpatterns = [
    path("", views.ReportFormView.as_view(), name="report_form"),
    path("view/", views.ReportView.as_view(), name="report_view"),
    path("download/", views.ReportDownloadView.as_view(), name="report_download"),
    *model_urls("templates", ReportTemplate, list_view=views.ReportTemplateListView,
                detail_view=views.ReportTemplateDetailView, edit_view=views.ReportTemplateEditView),
]
