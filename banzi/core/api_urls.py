"""/api/: token login, the v1 endpoints every app registers (`core.api_routes`), the OpenAPI schema
and its offline docs.

An app's routes are mounted under /api/v1/<app>/ by `api_routes.register("<app>", "<module>")` in its
AppConfig.ready(); the schema tags its operations by that segment
(SPECTACULAR_SETTINGS["SCHEMA_PATH_PREFIX"]). This module names no app.
"""
from csp.constants import NONCE, UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from . import api_routes
from .api_auth import ObtainTokenView, RevokeTokenView

# The docs keep the site's Content-Security-Policy, with what these two pages alone need: Swagger UI's
# start-up script (drf-spectacular's, with the schema URL and CSRF header) runs under django-csp's per-request
# nonce, never as plain inline script; both write <style> elements at run time (Redoc through
# styled-components); Redoc searches in a worker it builds from a blob.
docs_csp = csp_update({"script-src": [NONCE], "style-src-elem": [UNSAFE_INLINE], "worker-src": ["'self'", "blob:"]})

urlpatterns = [
    path("v1/auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("v1/auth/logout/", RevokeTokenView.as_view(), name="api-logout"),
    *api_routes.urlpatterns(),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", docs_csp(SpectacularSwaggerView.as_view(url_name="api-schema", template_name="core/api_swagger.html")), name="api-docs"),
    path(
        "redoc/",
        docs_csp(SpectacularRedocView.as_view(url_name="api-schema", template_name="core/api_redoc.html")),
        name="api-redoc",
    ),
]
