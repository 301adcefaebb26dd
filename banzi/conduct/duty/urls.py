"""Overnight duty and attendance pages, included by `banzi/conduct/urls.py` into the `conduct:` namespace."""

urlpatterns = []
