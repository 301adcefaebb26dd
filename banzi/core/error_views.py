"""The error pages (banzi/urls.py names them as Django's handlers): 400, 403, 404, 500 and a refused CSRF
check, in the user's language, each with its status and a way back home. 403, 404 and the CSRF page use
the site's layout; 400 and 500 stand alone (no request context, no database, no context processors), as the
request or the database may be what failed. Under /api/ every error answers JSON in the API's one error
shape ({"detail": [{"message": ..., "code": ...}]}), never a page."""
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token

API_PREFIX = "/api/"


def _is_api(request):
    return request.path.startswith(API_PREFIX)


def _json(message, code, status):
    return JsonResponse({"detail": [{"message": str(message), "code": code}]}, status=status)


@requires_csrf_token
def bad_request(request, exception=None):
    if _is_api(request):
        return _json(_("The request could not be understood."), "bad_request", 400)
    return defaults.bad_request(request, exception, template_name="errors/400.html")


@requires_csrf_token
def permission_denied(request, exception=None):
    if _is_api(request):
        return _json(_("You do not have permission to perform this action."), "permission_denied", 403)
    return defaults.permission_denied(request, exception, template_name="errors/403.html")


@requires_csrf_token
def page_not_found(request, exception=None):
    if _is_api(request):
        return _json(_("Not found."), "not_found", 404)
    return defaults.page_not_found(request, exception, template_name="errors/404.html")


@requires_csrf_token
def server_error(request):
    if _is_api(request):
        return _json(_("A server error occurred; it has been logged. Try again later."), "server_error", 500)
    return defaults.server_error(request, template_name="errors/500.html")


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the form could not be accepted (a page open too long, cookies refused)."""
    if _is_api(request):
        return _json(_("CSRF check failed: reload the page and send the request again."), "csrf_failed", 403)
    return render(request, "errors/403_csrf.html", status=403)
