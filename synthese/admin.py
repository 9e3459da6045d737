"""Admin of the synthese app's own table: the users' preferences (read-only values)."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _

from crm.admin_base import TenantAdmin

from .cti import cti_token_rotate
from .models import CallNotification, CtiToken, UserPreference


@admin.register(UserPreference)
class UserPreferenceAdmin(TenantAdmin):
    list_display = ("user", "key", "updated_at")
    search_fields = ("key", "user__username")
    readonly_fields = ("value", "updated_at")


@admin.register(CtiToken)
class CtiTokenAdmin(TenantAdmin):
    """The telephony webhook's token: only its hash is stored. Created or renewed with the action
    below or ``manage.py cti_token --tenant <code>``; the plain token is shown once."""

    list_display = ("created_at",)
    readonly_fields = ("token_hash", "created_at")
    actions = ["rotate"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Renouveler le jeton de téléphonie"), permissions=["change"])
    def rotate(self, request, queryset):
        for row in queryset.select_related("tenant"):
            token = cti_token_rotate(tenant=row.tenant, actor=request.user)
            self.message_user(
                request,
                _("Nouveau jeton de %(tenant)s (affiché une seule fois) : %(token)s")
                % {"tenant": row.tenant, "token": token},
                messages.WARNING,
            )


@admin.register(CallNotification)
class CallNotificationAdmin(TenantAdmin):
    list_display = ("user", "caller_number", "label", "created_at", "taken_at")
    readonly_fields = ("user", "caller_number", "customer", "label", "url", "created_at", "taken_at")

    def has_add_permission(self, request) -> bool:
        return False
