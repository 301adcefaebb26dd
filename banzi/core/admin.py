"""The Django admin, for the system administrator (superuser) only.

Business users work in the app; the admin is for users, roles and settings (三员分立). Records
keep their history here too, and the audit trail can be read but never added to, changed or
deleted, not even by a superuser.
"""
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import AuditEvent, CalendarDay, CalendarYear, Rule

admin.site.site_header = _("Banzi system administration")
admin.site.site_title = _("Banzi system administration")
admin.site.index_title = _("System administration")


class HistoryAdmin(SimpleHistoryAdmin):
    """An admin with a read-only history tab: past versions can be looked at, not restored."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit trail, read-only for everyone."""

    list_display = ["time", "kind", "action", "outcome", "username", "content_type", "object_repr", "ip_address"]
    list_filter = ["kind", "action", "outcome", "content_type"]
    search_fields = ["username", "user_display", "object_repr", "object_id", "detail"]
    date_hierarchy = "time"
    list_select_related = ["content_type"]
    readonly_fields = [
        "time", "kind", "action", "outcome", "user", "username", "user_display", "content_type", "object_id",
        "object_repr", "changes", "detail", "ip_address", "mac",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Rule)
class RuleAdmin(HistoryAdmin):
    list_display = ["key", "value", "note"]
    search_fields = ["key", "note"]


@admin.register(CalendarYear)
class CalendarYearAdmin(HistoryAdmin):
    list_display = ["year", "is_published", "source"]


@admin.register(CalendarDay)
class CalendarDayAdmin(HistoryAdmin):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["name"]
