"""Admin of the synthese app's own table: the users' preferences (read-only values)."""

from django.contrib import admin

from crm.admin_base import TenantAdmin

from .models import UserPreference


@admin.register(UserPreference)
class UserPreferenceAdmin(TenantAdmin):
    list_display = ("user", "key", "updated_at")
    search_fields = ("key", "user__username")
    readonly_fields = ("value", "updated_at")
