"""Users in the Django admin: the system administrator assigns roles, townships and cadre records."""
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from banzi.core.admin import HistoryAdmin

from .models import User


@admin.register(User)
class UserAdmin(HistoryAdmin, DjangoUserAdmin):
    list_display = ["username", "display_name", "role", "organization", "cadre", "is_active", "is_superuser", "last_login"]
    list_filter = ["role", "is_active", "is_superuser"]
    search_fields = ["username", "first_name", "last_name", "email", "cadre__name", "organization__name"]
    list_select_related = ["organization", "cadre"]
    autocomplete_fields = ["organization", "cadre"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Role and scope"), {"fields": ["role", "organization", "cadre"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "email"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "usable_password", "password1", "password2"]}),
        (_("Role and scope"), {"fields": ["role", "organization", "cadre"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]

    @admin.display(description=_("name"))
    def display_name(self, obj):
        return obj.display_name
