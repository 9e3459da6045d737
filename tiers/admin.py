"""Admin of the tiers app: every model, scoped to the administrator's company."""

from django.contrib import admin

from crm.admin_base import GlobalReferenceAdmin, TenantAdmin, TenantTabularInline

from .models import (
    Address,
    AddressEmail,
    AddressPhone,
    BankAccount,
    Contact,
    ContactLink,
    NafCode,
    PaymentMandate,
    PostalCode,
    SegmentValue,
    ShipTo,
    Site,
    SiteBusinessLine,
    Tag,
    ThirdParty,
    ThirdPartyAllowedUser,
    ThirdPartyClassification,
    ThirdPartyTag,
    ThirdPartyVisibility,
)


class AddressInline(TenantTabularInline):
    model = Address
    extra = 0
    fields = ("code", "description", "postal_code", "city", "country", "is_default")


class ThirdPartyTagInline(TenantTabularInline):
    model = ThirdPartyTag
    extra = 0


class ThirdPartyClassificationInline(TenantTabularInline):
    model = ThirdPartyClassification
    extra = 0


class ThirdPartyAllowedUserInline(TenantTabularInline):
    model = ThirdPartyAllowedUser
    extra = 0


class ContactLinkInline(TenantTabularInline):
    model = ContactLink
    extra = 0


class AddressPhoneInline(TenantTabularInline):
    model = AddressPhone
    extra = 0


class AddressEmailInline(TenantTabularInline):
    model = AddressEmail
    extra = 0


class SiteBusinessLineInline(TenantTabularInline):
    model = SiteBusinessLine
    extra = 0


@admin.register(ThirdParty)
class ThirdPartyAdmin(TenantAdmin):
    list_display = ("code", "name", "lifecycle", "country", "siret", "is_closed", "is_blocked", "is_reserved")
    list_filter = ("lifecycle", "is_closed", "is_blocked", "is_reserved", "is_supplier", "is_natural_person")
    search_fields = ("code", "name", "siren", "siret", "vat_number")
    inlines = [
        AddressInline,
        ThirdPartyTagInline,
        ThirdPartyClassificationInline,
        ThirdPartyAllowedUserInline,
    ]


@admin.register(ThirdPartyVisibility)
class ThirdPartyVisibilityAdmin(TenantAdmin):
    list_display = ("third_party", "is_closed", "is_reserved")
    list_filter = ("is_closed", "is_reserved")
    search_fields = ("third_party__name", "third_party__code")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Address)
class AddressAdmin(TenantAdmin):
    list_display = ("third_party", "code", "postal_code", "city", "country", "is_default")
    list_filter = ("is_default", "country")
    search_fields = ("code", "city", "postal_code", "third_party__name")
    inlines = [AddressPhoneInline, AddressEmailInline]


@admin.register(Site)
class SiteAdmin(TenantAdmin):
    list_display = ("name", "third_party", "address", "is_main", "latitude", "longitude")
    list_filter = ("is_main",)
    search_fields = ("name", "third_party__name")
    inlines = [SiteBusinessLineInline]


@admin.register(ShipTo)
class ShipToAdmin(TenantAdmin):
    list_display = ("address", "third_party", "lead_time_days", "carrier", "incoterm")
    list_filter = ("incoterm",)
    search_fields = ("third_party__name", "address__code")


@admin.register(BankAccount)
class BankAccountAdmin(TenantAdmin):
    list_display = ("third_party", "bank_name", "iban", "bic", "is_default")
    list_filter = ("is_default",)
    search_fields = ("third_party__name", "iban", "bic", "bank_name")


@admin.register(PaymentMandate)
class PaymentMandateAdmin(TenantAdmin):
    list_display = ("third_party", "kind", "reference", "bank_account", "signed_on", "ends_on", "status")
    list_filter = ("kind", "status")
    search_fields = ("third_party__name", "reference")


@admin.register(Contact)
class ContactAdmin(TenantAdmin):
    list_display = ("key", "last_name", "first_name", "email", "phone", "mobile")
    list_filter = ("civility", "no_mailing")
    search_fields = ("key", "last_name", "first_name", "email")
    inlines = [ContactLinkInline]


@admin.register(SegmentValue)
class SegmentValueAdmin(TenantAdmin):
    list_display = ("kind", "code", "label", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "label")


@admin.register(Tag)
class TagAdmin(TenantAdmin):
    list_display = ("label",)
    search_fields = ("label",)


@admin.register(PostalCode)
class PostalCodeAdmin(GlobalReferenceAdmin):
    list_display = ("postal_code", "city", "subdivision", "insee_code")
    list_filter = ("subdivision",)
    search_fields = ("postal_code", "city")


@admin.register(NafCode)
class NafCodeAdmin(GlobalReferenceAdmin):
    list_display = ("code", "label")
    search_fields = ("code", "label")


from . import admin_records, admin_terms  # noqa: E402, F401  (register the rest of the app's models)
