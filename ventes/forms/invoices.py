"""Forms of the invoices: billing run, draft date, credit note quantities."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from .deliveries import DATE_WIDGET, quantity_fields


class InvoiceGenerateForm(forms.Form):
    up_to = forms.DateField(
        label=_("Facturer les livraisons jusqu'au"),
        widget=DATE_WIDGET,
        help_text=_("Date des factures créées ; les périodes de facturation terminées à cette date."),
    )
    client = forms.CharField(
        label=_("Code client"), required=False, help_text=_("Laissez vide pour tous les clients.")
    )

    def __init__(self, data=None, *, customers, today: datetime.date) -> None:
        super().__init__(data, initial={"up_to": today})
        self.customers = customers

    def clean_client(self):
        code = self.cleaned_data["client"].strip()
        if not code:
            return None
        customer = self.customers.filter(code__iexact=code).first()
        if customer is None:
            raise forms.ValidationError(_("Client inconnu."))
        return customer


class InvoiceDateForm(forms.Form):
    invoice_date = forms.DateField(label=_("Date de facture"), widget=DATE_WIDGET)


class CreditNoteForm(forms.Form):
    credit_date = forms.DateField(label=_("Date de l'avoir"), widget=DATE_WIDGET)

    def __init__(self, data=None, *, lines, remaining: dict, today: datetime.date) -> None:
        super().__init__(data, initial={"credit_date": today})
        quantity_fields(
            self,
            (
                (
                    line,
                    f"{line.position}. {line.label} ({_('reste')} {remaining[line.pk].normalize()})",
                    remaining[line.pk],
                )
                for line in lines
                if remaining[line.pk] > 0
            ),
        )
