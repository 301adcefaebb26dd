"""API under /api/v1/reports/."""
from django.urls import path
from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.register("templates", api.ReportTemplateViewSet, basename="reports-reporttemplate")

urlpatterns = [
    path("figures/", api.FiguresView.as_view(), name="reports-figures"),
    path("report/", api.ReportView.as_view(), name="reports-report"),
    *router.urls,
]
