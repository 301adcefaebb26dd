"""API under /api/v1/me/: the signed-in user."""
from django.urls import path

from . import api

urlpatterns = [
    path("", api.MeView.as_view(), name="api-me"),
]
