from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("export/", views.StartExportView.as_view(), name="export"),
    path("<int:pk>/", views.JobView.as_view(), name="job"),
    path("<int:pk>/status/", views.JobStatusView.as_view(), name="status"),
    path("<int:pk>/download/", views.JobDownloadView.as_view(), name="download"),
]
