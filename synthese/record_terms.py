"""Record section "Informations complémentaires": the customer's commercial conditions (price
list, free shipping, HT/TTC, currency, payment schedule and method), billing (credit limit,
billing mode, VAT treatment derived by tiers.vat unless forced, default billing and delivery
addresses, invoice sending, reminder group, bill-to and payer) and invoice footer discounts and
fees. Read-only here: the conditions are edited on the third party's terms page (tiers)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tiers.models import VatTreatment
from tiers.selectors_record_terms import default_address_of, footer_items_of, terms_of
from tiers.vat import vat_treatment_of

from .record import RecordSection, record_section_register


def terms_context(request, customer) -> dict:
    tenant = request.tenant
    terms = terms_of(tenant=tenant, third_party=customer)
    default_address = default_address_of(tenant=tenant, third_party=customer)
    return {
        "terms": terms,
        "vat_treatment": vat_treatment_of(terms),
        "vat_forced": terms.vat_treatment != VatTreatment.AUTO,
        "billing_address": terms.billing_address or default_address,
        "delivery_address": terms.delivery_address or default_address,
        "footer_items": list(footer_items_of(tenant=tenant, third_party=customer)),
        "can_edit_terms": request.user.has_perm("tiers.change_thirdparty"),
    }


record_section_register(
    RecordSection(
        key="complementaires",
        label=_("Informations complémentaires"),
        order=60,
        template="synthese/record/terms.html",
        context=terms_context,
    )
)
