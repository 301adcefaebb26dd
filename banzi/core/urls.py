from django.urls import path

from . import audit_views, notification_views

app_name = "core"

urlpatterns = [
    path("audit/", audit_views.AuditEventListView.as_view(), name="auditevent_list"),
    path("notifications/", notification_views.NotificationListView.as_view(), name="notification_list"),
    path("notifications/read/", notification_views.NotificationReadView.as_view(), name="notification_read_all"),
    path("notifications/<int:pk>/read/", notification_views.NotificationReadView.as_view(), name="notification_read"),
]
