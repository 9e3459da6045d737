"""Admin of the ventes app: every model, scoped to the administrator's company."""

from django.contrib import admin

from crm.admin_base import TenantAdmin, TenantTabularInline

from .models import (
    Action,
    ActionParticipant,
    Deal,
    Delivery,
    DeliveryLine,
    Invoice,
    InvoiceLine,
    Order,
    OrderLine,
    Payment,
    PaymentAllocation,
    Quote,
    QuoteLine,
    Voucher,
)

CUSTOMER_SEARCH = ("customer__name", "customer__code")
LINE_FIELDS = ("position", "article", "label", "quantity", "unit_price", "discount_percent", "vat_rate")


@admin.register(Deal)
class DealAdmin(TenantAdmin):
    list_display = ("number", "title", "customer", "owner", "amount", "probability", "status", "opened_on")
    list_filter = ("status", "business_line")
    search_fields = ("number", "title", *CUSTOMER_SEARCH)


class ActionParticipantInline(TenantTabularInline):
    model = ActionParticipant
    extra = 0


@admin.register(Action)
class ActionAdmin(TenantAdmin):
    list_display = ("subject", "kind", "customer", "owner", "planned_at", "done_at")
    list_filter = ("kind", "business_line")
    search_fields = ("subject", *CUSTOMER_SEARCH)
    inlines = [ActionParticipantInline]


class QuoteLineInline(TenantTabularInline):
    model = QuoteLine
    extra = 0
    fields = LINE_FIELDS


@admin.register(Quote)
class QuoteAdmin(TenantAdmin):
    list_display = (
        "number",
        "quote_type",
        "customer",
        "status",
        "issued_on",
        "total_excl_tax",
        "total_incl_tax",
    )
    list_filter = ("quote_type", "status", "business_line")
    search_fields = ("number", *CUSTOMER_SEARCH)
    inlines = [QuoteLineInline]


class OrderLineInline(TenantTabularInline):
    model = OrderLine
    extra = 0
    fields = (*LINE_FIELDS, "delivered_quantity", "invoiced_quantity", "service_contract")


@admin.register(Order)
class OrderAdmin(TenantAdmin):
    list_display = ("number", "customer", "state", "ordered_on", "total_excl_tax", "total_incl_tax", "margin")
    list_filter = ("state", "business_line")
    search_fields = ("number", *CUSTOMER_SEARCH)
    inlines = [OrderLineInline]


class DeliveryLineInline(TenantTabularInline):
    model = DeliveryLine
    extra = 0


@admin.register(Delivery)
class DeliveryAdmin(TenantAdmin):
    list_display = ("number", "order", "customer", "state", "delivered_on")
    list_filter = ("state",)
    search_fields = ("number", "order__number", *CUSTOMER_SEARCH)
    inlines = [DeliveryLineInline]


class InvoiceLineInline(TenantTabularInline):
    model = InvoiceLine
    extra = 0
    fields = LINE_FIELDS


@admin.register(Invoice)
class InvoiceAdmin(TenantAdmin):
    list_display = (
        "number",
        "kind",
        "customer",
        "state",
        "invoice_date",
        "due_date",
        "total_incl_tax",
        "paid_amount",
    )
    list_filter = ("kind", "state", "business_line")
    search_fields = ("number", *CUSTOMER_SEARCH)
    inlines = [InvoiceLineInline]


class PaymentAllocationInline(TenantTabularInline):
    model = PaymentAllocation
    extra = 0


@admin.register(Payment)
class PaymentAdmin(TenantAdmin):
    list_display = ("received_on", "customer", "amount", "allocated_amount", "method", "reference")
    list_filter = ("method",)
    search_fields = ("reference", *CUSTOMER_SEARCH)
    inlines = [PaymentAllocationInline]


@admin.register(Voucher)
class VoucherAdmin(TenantAdmin):
    list_display = ("number", "customer", "amount", "remaining_amount", "issued_on", "expires_on", "status")
    list_filter = ("status",)
    search_fields = ("number", *CUSTOMER_SEARCH)
