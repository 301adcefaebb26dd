"""The three separated administrators (三员分立, GB/T 22239-2019 8.1.4.2) kept to their own duties.

The system administrator keeps accounts and the configuration, the security administrator roles,
scopes and the security policy, the audit administrator the audit trail. None of them has any
business page, export or API: every URL outside the duties of their role is refused (403) before its
view runs, by `SeparationMiddleware` for the pages (and the API signed in by session) and by the
`WithinDuties` permission for the API signed in by token. The list is an allow-list, so an endpoint
added later is refused to the administrators until it is named here. The views named here check
the role again (an account page is not the audit administrator's), and `visible_to` gives the
administrators no business records whatever the URL.
"""
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from .roles import BUSINESS, Role, active_role

OUTSIDE_DUTIES = _("This is not among the duties of your role.")

# Paths every administrator may open: signing in and out, their own password and second factor, the
# account pages (each checks the role), the language, notifications to themselves, who they are (me), and
# the public phone voting page of the democratic evaluation (a code, not an account, opens a ballot).
COMMON = (
    "/accounts/", "/i18n/", "/core/notifications/", "/api/v1/me/", "/api/v1/auth/", "/api/schema/",
    "/api/docs/", "/api/redoc/", "/assessment/vote/",
)
DUTIES = {
    Role.AUDITOR: ("/core/audit/", "/api/v1/core/audit-events/"),
    Role.SYSTEM_ADMIN: (
        "/core/rules/", "/core/calendar/", "/api/v1/core/rules/", "/api/v1/core/calendar-years/",
        "/api/v1/core/calendar-days/",
    ),
    Role.SECURITY_ADMIN: (),
}
# Where an administrator's home page is: the page of their duties. The audit administrator's is the
# dashboard, which shows them only the audit trail's overview (security events, recent changes), since
# every business figure is the business roles' alone.
HOMES = {
    Role.SYSTEM_ADMIN: "accounts:user_list",
    Role.SECURITY_ADMIN: "accounts:user_list",
}


def permits(user, path):
    """Whether the user's role may open this path: always for the business roles and the anonymous
    (their views decide), only within their duties for an administrator, and only the common paths
    for an account without a role yet (Django's `is_superuser` changes none of this)."""
    role = active_role(user)
    if role is None or role in BUSINESS or path == "/":
        return True
    return path.startswith(COMMON + DUTIES.get(role, ()))


def home_url(user):
    """The home page of an administrator, None for everyone else (the dashboard)."""
    name = HOMES.get(active_role(user))
    return reverse(name) if name else None


class SeparationMiddleware:
    """Refuses an administrator every page and API path outside their duties, and sends them from
    the dashboard to the page of their duties."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        role = active_role(user)
        if role is None or role in BUSINESS:
            return None
        path = request.path_info
        if path == "/":  # the auditor, and an account without a role, keep the dashboard
            home = home_url(user)
            return HttpResponseRedirect(home) if home else None
        if permits(user, path):
            return None
        if path.startswith("/api/"):
            return JsonResponse({"detail": [{"message": str(OUTSIDE_DUTIES), "code": "permission_denied"}]},
                                status=403)
        raise PermissionDenied(OUTSIDE_DUTIES)


class WithinDuties(permissions.BasePermission):
    """The API's side of the separation: an administrator signed in by token is refused every
    endpoint outside their duties, like a page. Part of every API view's permissions (a test walks
    the URLs to make sure)."""

    message = OUTSIDE_DUTIES

    def has_permission(self, request, view):
        return permits(request.user, request.path_info)
