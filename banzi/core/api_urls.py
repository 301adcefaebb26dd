"""/api/: v1 endpoints of every app, token login, the OpenAPI schema and its offline docs."""
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from .api_auth import ObtainTokenView

urlpatterns = [
    path("v1/auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("v1/org/", include("banzi.org.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]
