"""Admin of the loyalty app: programmes (with their family rates) are configured here; accounts
are opened by the join service (their overrides and status may be changed); the ledger is
read-only (it is append-only, written by services)."""

from django.contrib import admin

from crm.admin_base import ReadOnlyAdminMixin, TenantAdmin, TenantTabularInline

from .models import LoyaltyAccount, LoyaltyFamilyRate, LoyaltyProgram, PointEntry


class LoyaltyFamilyRateInline(TenantTabularInline):
    model = LoyaltyFamilyRate
    extra = 0


@admin.register(LoyaltyProgram)
class LoyaltyProgramAdmin(TenantAdmin):
    list_display = ("name", "points_per_euro", "point_value", "expiry_months", "offer_threshold", "is_active")
    inlines = [LoyaltyFamilyRateInline]


@admin.register(LoyaltyAccount)
class LoyaltyAccountAdmin(TenantAdmin):
    list_display = ("number", "customer", "program", "joined_on", "status")
    list_select_related = ("customer", "program")
    search_fields = ("number", "customer__name", "customer__code")
    readonly_fields = ("customer", "program", "number", "joined_on", "offered_contract", "offered_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PointEntry)
class PointEntryAdmin(ReadOnlyAdminMixin, TenantAdmin):
    list_display = ("account", "occurred_on", "kind", "points", "reason", "author")
    list_select_related = ("account", "author")
    list_filter = ("kind",)
