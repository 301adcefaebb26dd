from django.urls import path

from . import audit_views, calendar_views, notification_views, picker_views, rule_views
from .models import CalendarDay, CalendarYear
from .routing import model_urls

app_name = "core"

urlpatterns = [
    path("audit/", audit_views.AuditEventListView.as_view(), name="auditevent_list"),
    path("notifications/", notification_views.NotificationListView.as_view(), name="notification_list"),
    path("notifications/read/", notification_views.NotificationReadView.as_view(), name="notification_read_all"),
    path("notifications/<int:pk>/read/", notification_views.NotificationReadView.as_view(), name="notification_read"),
    *model_urls("calendar/years", CalendarYear, list_view=calendar_views.CalendarYearListView,
                detail_view=calendar_views.CalendarYearDetailView, edit_view=calendar_views.CalendarYearEditView),
    *model_urls("calendar/days", CalendarDay, list_view=calendar_views.CalendarDayListView,
                detail_view=calendar_views.CalendarDayDetailView, edit_view=calendar_views.CalendarDayEditView),
    path("pickers/<str:key>/", picker_views.PickerOptionsView.as_view(), name="picker_options"),
    path("rules/", rule_views.RuleListView.as_view(), name="rule_list"),
    path("rules/<str:key>/edit/", rule_views.RuleEditView.as_view(), name="rule_edit"),
    path("rules/<str:key>/history/", rule_views.RuleHistoryView.as_view(), name="rule_history"),
]
