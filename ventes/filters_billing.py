"""FilterSets of the delivery, invoice and payment lists (registered into ventes.filters.LISTS,
so the screen and its Excel export share them), and of the customer's purchase history."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from parc.filters import YES, YES_NO

from .filters import (
    LISTS,
    VentesFilterSet,
    business_line_filter,
    customer_code_filter,
    date_filter,
    search_widget,
)
from .models import DeliveryState, InvoiceKind, InvoiceState, PaymentMethod
from .selectors_billing import delivery_rows, invoice_rows, payment_rows

DELIVERIES_LIST, INVOICES_LIST, PAYMENTS_LIST = "deliveries", "invoices", "payments"


def _number_filter(help_text) -> django_filters.CharFilter:
    return django_filters.CharFilter(
        label=_("Numéro"),
        field_name="number",
        lookup_expr="istartswith",
        widget=search_widget(),
        help_text=help_text,
    )


class DeliveryFilterSet(VentesFilterSet):
    q = _number_filter(_("Début du numéro du bon de livraison."))
    client = customer_code_filter()
    commande = django_filters.CharFilter(
        label=_("N° de commande"), field_name="order__number", lookup_expr="istartswith"
    )
    etat = django_filters.ChoiceFilter(
        label=_("État"), choices=DeliveryState.choices, field_name="state", empty_label=_("Tous")
    )
    activite = business_line_filter("business_line")
    du = date_filter(_("Livrée à partir du"), "delivered_on", "gte")
    au = date_filter(_("Livrée jusqu'au"), "delivered_on", "lte")


class InvoiceFilterSet(VentesFilterSet):
    q = _number_filter(_("Début du numéro de la facture ou de l'avoir."))
    client = customer_code_filter()
    payeur = django_filters.CharFilter(label=_("Code payeur"), field_name="payer__code", lookup_expr="iexact")
    nature = django_filters.ChoiceFilter(
        label=_("Nature"), choices=InvoiceKind.choices, field_name="kind", empty_label=_("Toutes")
    )
    etat = django_filters.ChoiceFilter(
        label=_("État"), choices=InvoiceState.choices, field_name="state", empty_label=_("Tous")
    )
    activite = business_line_filter("business_line")
    du = date_filter(_("Datée à partir du"), "invoice_date", "gte")
    au = date_filter(_("Datée jusqu'au"), "invoice_date", "lte")
    echeance_au = date_filter(_("Échéance jusqu'au"), "due_date", "lte")
    non_reglees = django_filters.ChoiceFilter(
        label=_("Reste à régler"), choices=YES_NO, method="filter_open", empty_label=_("Toutes")
    )

    def filter_open(self, queryset, name, value):
        return queryset.filter(open_amount__gt=0) if value == YES else queryset.filter(open_amount__lte=0)


class PaymentFilterSet(VentesFilterSet):
    client = django_filters.CharFilter(
        label=_("Code payeur"), field_name="customer__code", lookup_expr="iexact"
    )
    reference = django_filters.CharFilter(
        label=_("Référence"), field_name="reference", lookup_expr="icontains"
    )
    mode = django_filters.ChoiceFilter(
        label=_("Mode de règlement"),
        choices=PaymentMethod.choices,
        field_name="method",
        empty_label=_("Tous"),
    )
    du = date_filter(_("Reçu à partir du"), "received_on", "gte")
    au = date_filter(_("Reçu jusqu'au"), "received_on", "lte")
    non_affectes = django_filters.ChoiceFilter(
        label=_("Non affecté"), choices=YES_NO, method="filter_unallocated", empty_label=_("Tous")
    )

    def filter_unallocated(self, queryset, name, value):
        return queryset.filter(unallocated__gt=0) if value == YES else queryset.filter(unallocated__lte=0)


LISTS[DELIVERIES_LIST] = (DeliveryFilterSet, delivery_rows)
LISTS[INVOICES_LIST] = (InvoiceFilterSet, invoice_rows)
LISTS[PAYMENTS_LIST] = (PaymentFilterSet, payment_rows)


class PurchaseHistoryFilterSet(VentesFilterSet):
    """Seed 001: by period, document, article and article label."""

    du = date_filter(_("Du"), "invoice__invoice_date", "gte")
    au = date_filter(_("Au"), "invoice__invoice_date", "lte")
    document = django_filters.CharFilter(
        label=_("Document"),
        field_name="invoice__number",
        lookup_expr="istartswith",
        help_text=_("Début du numéro de facture ou d'avoir."),
    )
    article = django_filters.CharFilter(
        label=_("Code article"), field_name="article__code", lookup_expr="istartswith"
    )
    libelle = django_filters.CharFilter(
        label=_("Libellé d'article"), field_name="label", lookup_expr="icontains", widget=search_widget()
    )
