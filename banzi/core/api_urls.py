"""/api/: v1 endpoints of every app, token login, the OpenAPI schema and its offline docs.

Each app adds one line `path("v1/<app>/", include("banzi.<app>.api_urls"))`; the schema tags its
operations by that app segment (SPECTACULAR_SETTINGS["SCHEMA_PATH_PREFIX"]).
"""
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from .api_auth import ObtainTokenView

urlpatterns = [
    path("v1/auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("v1/org/", include("banzi.org.api_urls")),
    path("v1/tasks/", include("banzi.tasks.api_urls")),
    path("v1/study/", include("banzi.study.api_urls")),
    path("v1/training/", include("banzi.training.api_urls")),
    path("v1/practice/", include("banzi.practice.api_urls")),
    path("v1/governance/", include("banzi.governance.api_urls")),
    path("v1/talks/", include("banzi.talks.api_urls")),
    path("v1/conduct/", include("banzi.conduct.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path(
        "redoc/",
        SpectacularRedocView.as_view(url_name="api-schema", template_name="core/api_redoc.html"),
        name="api-redoc",
    ),
]
