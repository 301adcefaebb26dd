"""/api/: token login, the v1 endpoints every app registers (`core.api_routes`), the OpenAPI schema
and its offline docs.

An app's routes are mounted under /api/v1/<app>/ by `api_routes.register("<app>", "<module>")` in its
AppConfig.ready(); the schema tags its operations by that segment
(SPECTACULAR_SETTINGS["SCHEMA_PATH_PREFIX"]). This module names no app.
"""
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from . import api_routes
from .api_auth import ObtainTokenView, RevokeTokenView

urlpatterns = [
    path("v1/auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("v1/auth/logout/", RevokeTokenView.as_view(), name="api-logout"),
    *api_routes.urlpatterns(),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path(
        "redoc/",
        SpectacularRedocView.as_view(url_name="api-schema", template_name="core/api_redoc.html"),
        name="api-redoc",
    ),
]
