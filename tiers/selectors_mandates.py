"""Reads of a third party's payment authorisations (tiers.models.mandates): one query."""

from __future__ import annotations

from crm.models import Company
from tiers.models import PaymentMandate, ThirdParty


def payment_mandates_of(*, tenant: Company, third_party: ThirdParty) -> list[PaymentMandate]:
    """Active first, then the newest signed; with the bank account (one query)."""
    return list(
        PaymentMandate.objects.filter(tenant=tenant, third_party=third_party).select_related("bank_account")
    )
