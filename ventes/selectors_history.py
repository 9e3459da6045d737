"""Purchase history (historique des achats, seed 001): every invoice line of a customer, newest
first, with its invoice's number and date; searched by period, document number, article code and
article label (ventes.filters_billing.PurchaseHistoryFilterSet). The (tenant, customer, article)
index ``invoiceline_history_idx`` serves the customer's rows."""

from __future__ import annotations

from django.db.models import QuerySet

from crm.models import Company
from tiers.selectors import visible_q

from .models import InvoiceLine, InvoiceState


def purchase_history_rows(*, tenant: Company, user, customer=None) -> QuerySet[InvoiceLine]:
    """Validated invoice and credit-note lines (of ``customer`` when given), newest first."""
    rows = InvoiceLine.objects.filter(tenant=tenant, invoice__state=InvoiceState.VALIDATED).filter(
        visible_q(tenant=tenant, user=user, field="customer")
    )
    if customer is not None:
        rows = rows.filter(customer=customer)
    return rows.select_related("invoice", "article", "customer").order_by(
        "-invoice__invoice_date", "-invoice__number", "position"
    )
