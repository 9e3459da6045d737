"""Tables of the delivery, invoice and payment lists, the purchase history, the aged balance and
the credit control page (every column reads a joined or annotated attribute)."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .selectors_balance import BUCKETS
from .tables import NUMBER_ATTRS, VentesTable, customer_column, money_column, url_of

BUCKET_LABELS = dict(BUCKETS)
STATE_BADGES = {"draft": "badge-warning", "validated": "badge-success"}


def state_badge(record) -> str:
    return format_html(
        '<span class="badge {}">{}</span>', STATE_BADGES.get(record.state, ""), record.get_state_display()
    )


def _invoice_url(record) -> str:
    return reverse("ventes:invoice_detail", kwargs={"pk": record.invoice_id})


def _payer_url(record) -> str:
    return reverse("tiers:detail", kwargs={"pk": record["payer_id"]})


class DeliveryTable(VentesTable):
    number = tables.Column(verbose_name=_("Numéro"), linkify=url_of("ventes:delivery_detail"))
    delivered_on = tables.DateColumn(verbose_name=_("Livrée le"), format="d/m/Y")
    customer = customer_column()
    order = tables.Column(verbose_name=_("Commande"), accessor="order__number")
    business_line = tables.Column(verbose_name=_("Activité"), accessor="business_line__name")
    state = tables.Column(verbose_name=_("État"), order_by="state")

    class Meta(VentesTable.Meta):
        pass

    def render_state(self, record) -> str:
        return state_badge(record)


class InvoiceTable(VentesTable):
    number = tables.Column(verbose_name=_("Numéro"), linkify=url_of("ventes:invoice_detail"), empty_values=())
    kind = tables.Column(verbose_name=_("Nature"), accessor="get_kind_display", order_by="kind")
    invoice_date = tables.DateColumn(verbose_name=_("Date"), format="d/m/Y")
    due_date = tables.DateColumn(verbose_name=_("Échéance"), format="d/m/Y")
    customer = customer_column()
    payer = tables.Column(verbose_name=_("Payeur"), accessor="payer__name")
    total_excl_tax = money_column(_("Total HT"))
    total_incl_tax = money_column(_("Total TTC"))
    open_amount = money_column(_("Reste à régler"))
    state = tables.Column(verbose_name=_("État"), order_by="state")

    class Meta(VentesTable.Meta):
        pass

    def render_number(self, record) -> str:
        return record.number or _("Brouillon")

    def render_state(self, record) -> str:
        return state_badge(record)


class PaymentTable(VentesTable):
    received_on = tables.DateColumn(
        verbose_name=_("Reçu le"), format="d/m/Y", linkify=url_of("ventes:payment_detail")
    )
    customer = tables.Column(verbose_name=_("Payeur"), accessor="customer__name")
    method = tables.Column(verbose_name=_("Mode"), accessor="get_method_display", order_by="method")
    reference = tables.Column(verbose_name=_("Référence"))
    amount = money_column(_("Montant"))
    allocated_amount = money_column(_("Affecté"))
    unallocated = money_column(_("Non affecté"))

    class Meta(VentesTable.Meta):
        pass


class PurchaseHistoryTable(VentesTable):
    invoice_date = tables.DateColumn(verbose_name=_("Date"), accessor="invoice__invoice_date", format="d/m/Y")
    invoice = tables.Column(verbose_name=_("Document"), accessor="invoice__number", linkify=_invoice_url)
    kind = tables.Column(verbose_name=_("Nature"), accessor="invoice__get_kind_display", orderable=False)
    article = tables.Column(verbose_name=_("Code article"), accessor="article__code")
    label = tables.Column(verbose_name=_("Libellé"))
    quantity = tables.Column(verbose_name=_("Quantité"), attrs=NUMBER_ATTRS)
    unit_price = money_column(_("Prix unitaire HT"))
    discount_percent = tables.Column(verbose_name=_("Remise %"), attrs=NUMBER_ATTRS)
    total_excl_tax = money_column(_("Montant HT"))

    class Meta(VentesTable.Meta):
        pass


class AgedBalanceTable(VentesTable):
    payer__code = tables.Column(verbose_name=_("Code"))
    payer__name = tables.Column(verbose_name=_("Payeur"), linkify=_payer_url)
    not_due = money_column(BUCKET_LABELS["not_due"])
    days_0_30 = money_column(BUCKET_LABELS["days_0_30"])
    days_31_60 = money_column(BUCKET_LABELS["days_31_60"])
    days_61_90 = money_column(BUCKET_LABELS["days_61_90"])
    over_90 = money_column(BUCKET_LABELS["over_90"])
    total = money_column(_("Total"))

    class Meta(VentesTable.Meta):
        pass


class CreditControlTable(VentesTable):
    code = tables.Column(verbose_name=_("Code"), accessor="customer__code", orderable=False)
    name = tables.Column(
        verbose_name=_("Client"),
        accessor="customer__name",
        orderable=False,
        linkify=lambda record: reverse("tiers:detail", kwargs={"pk": record.customer.pk}),
    )
    control = tables.Column(
        verbose_name=_("Contrôle"), accessor="customer__get_credit_control_display", orderable=False
    )
    limit = money_column(_("Encours autorisé"), orderable=False)
    unpaid = money_column(_("Factures non réglées"), accessor="exposure__unpaid_invoices", orderable=False)
    delivered = money_column(
        _("Livré non facturé"), accessor="exposure__delivered_not_invoiced", orderable=False
    )
    ordered = money_column(_("Commandes en cours"), accessor="exposure__open_orders", orderable=False)
    total = money_column(_("En-cours"), accessor="exposure__total", orderable=False)
    overshoot = money_column(_("Dépassement"), orderable=False)

    class Meta(VentesTable.Meta):
        pass
