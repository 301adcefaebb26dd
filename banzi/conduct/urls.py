"""Strict-management pages under /conduct/; overnight duty and attendance come from `duty/urls.py`."""
from django.urls import include, path

app_name = "conduct"

urlpatterns = [
    path("", include("banzi.conduct.duty.urls")),
]
