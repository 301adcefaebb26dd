"""Overnight duty and attendance API routes, added to /api/v1/conduct/ by `banzi/conduct/api_urls.py`."""
from rest_framework.routers import SimpleRouter

router = SimpleRouter()
