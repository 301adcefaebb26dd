"""Banzi's root URLs: the pages of each app, the API under /api/v1/ and its offline docs, and the error
pages (banzi/core/error_views.py).

There is no Django admin (/admin/): accounts are kept on the account pages by the system and
security administrators (三员分立), business records in the apps, each through its services and
the audit trail; the admin would be a second way around both."""
from django.urls import include, path

urlpatterns = [
    path("", include("banzi.dashboard.urls")),
    path("accounts/", include("banzi.accounts.urls")),
    path("accounts/", include("banzi.accounts.user_urls")),
    path("core/", include("banzi.core.urls")),
    path("org/", include("banzi.org.urls")),
    path("study/", include("banzi.study.urls")),
    path("training/", include("banzi.training.urls")),
    path("practice/", include("banzi.practice.urls")),
    path("governance/", include("banzi.governance.urls")),
    path("talks/", include("banzi.talks.urls")),
    path("conduct/", include("banzi.conduct.urls")),
    path("tasks/", include("banzi.tasks.urls")),
    path("assessment/", include("banzi.assessment.urls")),
    path("reports/", include("banzi.reports.urls")),
    path("reserves/", include("banzi.reserves.urls")),
    path("cadres/", include("banzi.cadres.urls")),
    path("cadres/lrmx/", include("banzi.cadres.lrmx_urls")),
    path("jobs/", include("banzi.jobs.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("banzi.core.api_urls")),
]

handler400 = "banzi.core.error_views.bad_request"
handler403 = "banzi.core.error_views.permission_denied"
handler404 = "banzi.core.error_views.page_not_found"
handler500 = "banzi.core.error_views.server_error"
