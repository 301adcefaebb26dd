from django.urls import path

from . import audit_views

app_name = "core"

urlpatterns = [
    path("audit/", audit_views.AuditEventListView.as_view(), name="auditevent_list"),
]
