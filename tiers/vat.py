"""VAT treatment of a customer's invoices (soumission à la TVA), derived unless forced.

Derivation (the "automatique" setting), from the customer's country (``crm.Country.eu_member``)
and its intra-EU VAT number:

- in France → French VAT;
- in another EU member state with a valid VAT number → reverse charge (autoliquidation);
- in another EU member state without a valid one → French VAT;
- outside the EU → exempt (export).

A treatment forced on the customer (``ThirdParty.vat_treatment`` other than ``auto``) wins.
A pure function: no database access, so the record, documents and tests share it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from .models.terms import VatTreatment
from .validators import vat_clean

FRANCE = "FR"


def vat_number_is_valid(vat_number: str) -> bool:
    """Whether ``vat_number`` is a well-formed intra-EU VAT number (checksum included)."""
    if not vat_number:
        return False
    try:
        return bool(vat_clean(vat_number))
    except ValidationError:
        return False


def vat_treatment_derive(
    *, country_code: str, eu_member: bool, vat_number: str = "", forced: str = VatTreatment.AUTO
) -> VatTreatment:
    """The VAT treatment of a customer of ``country_code`` (see the module's rules)."""
    if forced and forced != VatTreatment.AUTO:
        return VatTreatment(forced)
    if country_code.upper() == FRANCE:
        return VatTreatment.FRENCH_VAT
    if eu_member:
        return VatTreatment.REVERSE_CHARGE if vat_number_is_valid(vat_number) else VatTreatment.FRENCH_VAT
    return VatTreatment.EXEMPT


def vat_treatment_of(third_party) -> VatTreatment:
    """The treatment of ``third_party`` (its country must be loaded: select_related("country"))."""
    return vat_treatment_derive(
        country_code=third_party.country.code,
        eu_member=third_party.country.eu_member,
        vat_number=third_party.vat_number,
        forced=third_party.vat_treatment,
    )
