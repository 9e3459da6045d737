"""Admin of the customer's shared records (imported by tiers/admin.py). Vault secrets show only
their label and target: the secret and the notes never appear in the admin."""

from django.contrib import admin

from crm.admin_base import TenantAdmin

from .models import Attachment, Exchange, Signature, VaultSecret, WikiPage

CUSTOMER_SEARCH = ("customer__name", "customer__code")


@admin.register(Attachment)
class AttachmentAdmin(TenantAdmin):
    list_display = ("title", "customer", "kind", "original_name", "mime_type", "size", "created_at")
    list_filter = ("kind", "mime_type")
    search_fields = ("title", "original_name", *CUSTOMER_SEARCH)
    readonly_fields = ("mime_type", "size", "original_name")


@admin.register(Exchange)
class ExchangeAdmin(TenantAdmin):
    list_display = ("customer", "author", "is_internal", "status", "created_at")
    list_filter = ("is_internal", "status")
    search_fields = ("body", *CUSTOMER_SEARCH)


@admin.register(Signature)
class SignatureAdmin(TenantAdmin):
    list_display = ("document", "customer", "signer_name", "status", "sent_at", "expires_at", "answered_at")
    list_filter = ("status", "provider")
    search_fields = ("signer_name", "signer_email", *CUSTOMER_SEARCH)


@admin.register(WikiPage)
class WikiPageAdmin(TenantAdmin):
    list_display = ("title", "customer", "site", "updated_at")
    search_fields = ("title", *CUSTOMER_SEARCH)


@admin.register(VaultSecret)
class VaultSecretAdmin(TenantAdmin):
    list_display = ("label", "customer", "site", "login", "updated_at")
    search_fields = ("label", *CUSTOMER_SEARCH)
    # The encrypted columns are not editable fields; secrets are written through the app's screens.
    fields = ("label", "login", "url", "customer", "site", "business_line", "target_type", "target_id")

    def has_add_permission(self, request) -> bool:
        return False
