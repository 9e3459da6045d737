"""Admin of the tiers reference tables added with terms, links and characteristic groups
(imported by tiers/admin.py): payment terms, statistical families, link and relation types,
characteristic groups; and the per-third-party rows they qualify."""

from django.contrib import admin

from crm.admin_base import TenantAdmin, TenantTabularInline

from .models import (
    CharacteristicField,
    CharacteristicGroup,
    CharacteristicValue,
    CommercialFollowUp,
    FiliationLink,
    FiliationLinkType,
    InvoiceFooterItem,
    ManagementLink,
    ManagementLinkType,
    PaymentTerm,
    Relation,
    RelationType,
    SecondaryRep,
    StatisticalAxis,
    StatisticalFamily,
    ThirdPartyStatisticalFamily,
)


@admin.register(PaymentTerm)
class PaymentTermAdmin(TenantAdmin):
    list_display = ("code", "label", "due_date_basis", "days", "end_of_month", "is_active")
    list_filter = ("due_date_basis", "end_of_month", "is_active")
    search_fields = ("code", "label")


class StatisticalFamilyInline(TenantTabularInline):
    model = StatisticalFamily
    extra = 0


@admin.register(StatisticalAxis)
class StatisticalAxisAdmin(TenantAdmin):
    list_display = ("position", "code", "label", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "label")
    inlines = [StatisticalFamilyInline]


@admin.register(ThirdPartyStatisticalFamily)
class ThirdPartyStatisticalFamilyAdmin(TenantAdmin):
    list_display = ("third_party", "axis", "family")
    list_filter = ("axis",)
    search_fields = ("third_party__name", "third_party__code")


@admin.register(SecondaryRep)
class SecondaryRepAdmin(TenantAdmin):
    list_display = ("third_party", "user", "role", "product_family")
    search_fields = ("third_party__name", "third_party__code", "user__username")


@admin.register(CommercialFollowUp)
class CommercialFollowUpAdmin(TenantAdmin):
    list_display = ("third_party", "organisation", "business_line", "rep")
    list_filter = ("organisation", "business_line")
    search_fields = ("third_party__name", "third_party__code")


@admin.register(ManagementLinkType)
class ManagementLinkTypeAdmin(TenantAdmin):
    list_display = ("code", "label")
    search_fields = ("code", "label")


@admin.register(ManagementLink)
class ManagementLinkAdmin(TenantAdmin):
    list_display = ("third_party", "role", "linked", "linked_role", "is_default")
    list_filter = ("role", "linked_role", "is_default")
    search_fields = ("third_party__name", "linked__name")


@admin.register(FiliationLinkType)
class FiliationLinkTypeAdmin(TenantAdmin):
    list_display = ("code", "label", "direction")
    list_filter = ("direction",)
    search_fields = ("code", "label")


@admin.register(FiliationLink)
class FiliationLinkAdmin(TenantAdmin):
    list_display = ("third_party", "link_type", "linked")
    list_filter = ("link_type",)
    search_fields = ("third_party__name", "linked__name")


@admin.register(RelationType)
class RelationTypeAdmin(TenantAdmin):
    list_display = ("code", "label")
    search_fields = ("code", "label")


@admin.register(Relation)
class RelationAdmin(TenantAdmin):
    list_display = ("source_third_party", "source_contact", "relation_type", "target")
    list_filter = ("relation_type",)
    search_fields = ("target__name", "source_third_party__name", "source_contact__last_name")


class CharacteristicFieldInline(TenantTabularInline):
    model = CharacteristicField
    extra = 0


@admin.register(CharacteristicGroup)
class CharacteristicGroupAdmin(TenantAdmin):
    list_display = ("position", "code", "label", "target", "is_active")
    list_filter = ("target", "is_active")
    search_fields = ("code", "label")
    inlines = [CharacteristicFieldInline]


@admin.register(CharacteristicValue)
class CharacteristicValueAdmin(TenantAdmin):
    list_display = (
        "field",
        "content_type",
        "object_id",
        "value_text",
        "value_number",
        "value_date",
        "value_bool",
    )
    list_filter = ("field__group",)


@admin.register(InvoiceFooterItem)
class InvoiceFooterItemAdmin(TenantAdmin):
    list_display = ("third_party", "position", "code", "label", "kind", "value_type", "value")
    list_filter = ("kind", "value_type")
    search_fields = ("third_party__name", "third_party__code", "code", "label")
