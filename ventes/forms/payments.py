"""Forms of the payments: the payment itself and its allocation to the payer's open invoices."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from ventes.models import PaymentMethod

from .deliveries import DATE_WIDGET


class AllocationFields(forms.Form):
    """``amount_<invoice pk>`` per open invoice, and ``automatic`` (oldest due first) when none."""

    automatic = forms.BooleanField(
        label=_("Affecter automatiquement aux plus anciennes échéances"), required=False, initial=True
    )

    def __init__(self, data=None, *, invoices, initial=None) -> None:
        super().__init__(data, initial=initial)
        self.invoices = {invoice.pk: invoice for invoice in invoices}
        self.allocation_fields = []
        for invoice in invoices:
            name = f"amount_{invoice.pk}"
            open_amount = invoice.total_incl_tax - invoice.paid_amount
            self.fields[name] = forms.DecimalField(
                label=_("%(number)s, échéance %(due)s, reste %(open)s")
                % {
                    "number": invoice.number,
                    "due": invoice.due_date.strftime("%d/%m/%Y"),
                    "open": number_format(open_amount, decimal_pos=2),
                },
                required=False,
                min_value=Decimal("0.01"),
                max_digits=14,
                decimal_places=2,
            )
            self.allocation_fields.append(name)

    def allocations(self):
        """[(invoice, amount)] chosen, or None for an automatic allocation, or [] for none."""
        chosen = [
            (self.invoices[int(name.removeprefix("amount_"))], self.cleaned_data[name])
            for name in self.allocation_fields
            if self.cleaned_data.get(name)
        ]
        if chosen:
            return chosen
        return None if self.cleaned_data.get("automatic") else []


class PaymentForm(AllocationFields):
    received_on = forms.DateField(label=_("Date de réception"), widget=DATE_WIDGET)
    amount = forms.DecimalField(label=_("Montant"), max_digits=14, decimal_places=2)
    method = forms.ChoiceField(label=_("Mode de règlement"), choices=PaymentMethod.choices)
    reference = forms.CharField(label=_("Référence"), max_length=60, required=False)

    field_order = ["received_on", "amount", "method", "reference", "automatic"]

    def __init__(self, data=None, *, invoices, today: datetime.date) -> None:
        super().__init__(data, invoices=invoices, initial={"received_on": today, "automatic": True})
        self.order_fields(self.field_order)
