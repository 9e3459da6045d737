"""Admin of the parc app: every model, scoped to the administrator's company."""

from django.contrib import admin

from crm.admin_base import ReadOnlyAdminMixin, TenantAdmin, TenantTabularInline

from .models import (
    Article,
    ArticleFamily,
    Asset,
    BillingRule,
    Brand,
    CompetitorAsset,
    ContractAsset,
    ContractTemplate,
    ContractType,
    Equipment,
    Financing,
    Intervention,
    MeterReading,
    MeterType,
    MonthlyVolume,
    ServiceContract,
    ServiceRequest,
    ServiceRequestAsset,
    ServiceRequestCoverage,
    VmmChunk,
    VmmRun,
)

CUSTOMER_SEARCH = ("customer__name", "customer__code")


@admin.register(ArticleFamily)
class ArticleFamilyAdmin(TenantAdmin):
    list_display = ("code", "label", "parent")
    search_fields = ("code", "label")


@admin.register(Brand)
class BrandAdmin(TenantAdmin):
    list_display = ("name",)
    search_fields = ("name",)


@admin.register(Article)
class ArticleAdmin(TenantAdmin):
    list_display = ("code", "label", "business_line", "family", "brand", "model", "is_active")
    list_filter = ("business_line", "family", "brand", "is_active")
    search_fields = ("code", "label", "model")


class FinancingInline(TenantTabularInline):
    model = Financing
    fk_name = "asset"
    extra = 0


@admin.register(Asset)
class AssetAdmin(TenantAdmin):
    list_display = ("label", "customer", "site", "article", "serial", "provider_id", "status", "installed_on")
    list_filter = ("status", "business_line")
    search_fields = ("label", "serial", "provider_id", *CUSTOMER_SEARCH)
    inlines = [FinancingInline]


@admin.register(Financing)
class FinancingAdmin(TenantAdmin):
    list_display = ("asset", "financer", "internal_number", "external_number", "starts_on", "ends_on", "rent")
    search_fields = ("internal_number", "external_number", *CUSTOMER_SEARCH)


@admin.register(Equipment)
class EquipmentAdmin(TenantAdmin):
    list_display = ("serial", "hostname", "model", "customer", "asset", "is_active", "last_seen_at")
    list_filter = ("is_active",)
    search_fields = ("serial", "hostname", "model", *CUSTOMER_SEARCH)


@admin.register(CompetitorAsset)
class CompetitorAssetAdmin(TenantAdmin):
    list_display = ("kind", "competitor", "customer", "contract_initial_end_on", "financing_ends_on")
    list_filter = ("kind",)
    search_fields = ("competitor", *CUSTOMER_SEARCH)


@admin.register(MeterType)
class MeterTypeAdmin(TenantAdmin):
    list_display = ("position", "code", "label")
    search_fields = ("code", "label")


@admin.register(MeterReading)
class MeterReadingAdmin(TenantAdmin):
    list_display = ("asset", "meter_type", "read_on", "value", "source", "is_estimated", "is_replacement")
    list_filter = ("meter_type", "source", "is_estimated", "is_replacement")
    search_fields = ("asset__label", "asset__serial", *CUSTOMER_SEARCH)


@admin.register(MonthlyVolume)
class MonthlyVolumeAdmin(TenantAdmin):
    list_display = ("asset", "meter_type", "month", "value", "reason", "last_reading_on")
    list_filter = ("meter_type", "month")
    search_fields = ("asset__label", *CUSTOMER_SEARCH)


class VmmChunkInline(ReadOnlyAdminMixin, TenantTabularInline):
    model = VmmChunk
    extra = 0
    fields = (
        "position",
        "first_asset_id",
        "last_asset_id",
        "asset_count",
        "attempts",
        "lease_until",
        "done_at",
        "rows_written",
        "error",
    )
    readonly_fields = fields


@admin.register(VmmRun)
class VmmRunAdmin(ReadOnlyAdminMixin, TenantAdmin):
    """Runs of the VMM batch (parc.services.vmm_runs): written by the batch only."""

    list_display = (
        "month",
        "attempt",
        "state",
        "started_at",
        "finished_at",
        "asset_count",
        "chunk_count",
        "rows_written",
        "error",
    )
    list_filter = ("state", "month")
    inlines = [VmmChunkInline]


@admin.register(VmmChunk)
class VmmChunkAdmin(ReadOnlyAdminMixin, TenantAdmin):
    list_display = (
        "run",
        "position",
        "first_asset_id",
        "last_asset_id",
        "attempts",
        "lease_until",
        "done_at",
        "rows_written",
        "error",
    )
    list_filter = ("run__state", "run__month")


@admin.register(ContractType)
class ContractTypeAdmin(TenantAdmin):
    list_display = ("code", "label", "is_warranty")
    search_fields = ("code", "label")


@admin.register(ContractTemplate)
class ContractTemplateAdmin(TenantAdmin):
    list_display = ("code", "label", "contract_type", "kind", "duration_months", "is_active")
    list_filter = ("contract_type", "kind", "is_active")
    search_fields = ("code", "label")


class ContractAssetInline(TenantTabularInline):
    model = ContractAsset
    extra = 0


class BillingRuleInline(TenantTabularInline):
    model = BillingRule
    extra = 0
    fields = (
        "position",
        "code",
        "label",
        "billing_type",
        "periodicity",
        "meter_type",
        "unit_cost",
        "is_active",
    )


@admin.register(ServiceContract)
class ServiceContractAdmin(TenantAdmin):
    list_display = ("code", "label", "customer", "contract_type", "kind", "status", "starts_on", "ends_on")
    list_filter = ("status", "kind", "contract_type")
    search_fields = ("code", "label", *CUSTOMER_SEARCH)
    inlines = [ContractAssetInline, BillingRuleInline]


@admin.register(BillingRule)
class BillingRuleAdmin(TenantAdmin):
    list_display = (
        "contract",
        "position",
        "code",
        "label",
        "billing_type",
        "periodicity",
        "next_invoice_on",
        "is_active",
    )
    list_filter = ("billing_type", "periodicity", "is_active")
    search_fields = ("code", "label", "contract__code")


class ServiceRequestAssetInline(TenantTabularInline):
    model = ServiceRequestAsset
    extra = 0


class ServiceRequestCoverageInline(TenantTabularInline):
    model = ServiceRequestCoverage
    extra = 0


class InterventionInline(TenantTabularInline):
    model = Intervention
    extra = 0
    fields = ("technician", "starts_at", "ends_at", "duration_minutes")


@admin.register(ServiceRequest)
class ServiceRequestAdmin(TenantAdmin):
    list_display = ("number", "customer", "state", "nature", "started_at", "closed_at")
    list_filter = ("state", "nature", "business_line")
    search_fields = ("number", "detail", *CUSTOMER_SEARCH)
    inlines = [ServiceRequestAssetInline, ServiceRequestCoverageInline, InterventionInline]


@admin.register(Intervention)
class InterventionAdmin(TenantAdmin):
    list_display = ("request", "technician", "starts_at", "ends_at", "duration_minutes")
    search_fields = ("request__number", *CUSTOMER_SEARCH)
