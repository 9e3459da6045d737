"""Record section "Fidélité": the loyalty account of the customer (balance, the two totals, last
manual credit, latest entries), joining and manual credit/debit. fidelite owns the reads and the
forms (the same block as on the third party's page); the forms come back here through ``next``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from fidelite.views import loyalty_section_load

from .record import RecordSection, record_section_register


def loyalty_context(request, customer) -> dict:
    return {
        **loyalty_section_load(request, customer),
        "third_party": customer,
        "next": request.get_full_path(),
    }


record_section_register(
    RecordSection(
        key="fidelite",
        label=_("Fidélité"),
        order=50,
        template="fidelite/_section.html",
        context=loyalty_context,
        permission="fidelite.view_loyaltyaccount",
    )
)
