"""Builders of the quote and order tests: line dicts as the services take them, customers with
bill-to / ship-to management links, contracts with billing rules. The document factories are
tests.ventes.factories_documents' (re-exported)."""

from __future__ import annotations

from decimal import Decimal

from django_scopes import scope

from parc import models as parc
from tests.parc.factories_assets import ArticleFactory
from tests.parc.factories_contracts import BillingRuleFactory, ServiceContractFactory
from tests.tiers.factories_links import ManagementLinkFactory, types
from tests.tiers.factories_sites_banks import CustomerFactory, reserved_customer
from tests.ventes.factories_documents import OrderFactory, OrderLineFactory, QuoteFactory, QuoteLineFactory
from tiers import models as tiers

__all__ = [
    "ArticleFactory",
    "BillingRuleFactory",
    "CustomerFactory",
    "OrderFactory",
    "OrderLineFactory",
    "QuoteFactory",
    "QuoteLineFactory",
    "ServiceContractFactory",
    "reserved_customer",
]


def line(quantity="1", unit_price="100", **fields) -> dict:
    """A line as ventes.services.lines takes it (VAT 20 %, no discount, no cost by default)."""
    return {
        "label": "Copieur couleur",
        "quantity": Decimal(quantity),
        "unit_price": Decimal(unit_price),
        "discount_percent": Decimal(0),
        "vat_rate": Decimal(20),
        "unit_cost": Decimal(0),
        **fields,
    }


def link(customer, linked, *, role_code: str = tiers.BILL_TO, is_default: bool = False):
    """A management link customer (DONORDRE) → linked (CL_A_FACT or SITE_LIV)."""
    found = types(customer.tenant)
    return ManagementLinkFactory(
        third_party=customer,
        tenant=customer.tenant,
        linked=linked,
        role=found[tiers.ORDERING_PARTY],
        linked_role=found[role_code],
        is_default=is_default,
    )


def contract_with_rules(customer, *rules: dict) -> parc.ServiceContract:
    """An active contract of ``customer`` with billing rules (dicts of BillingRule fields)."""
    with scope(tenant=customer.tenant):
        contract = ServiceContractFactory(tenant=customer.tenant, customer=customer)
    for fields in rules:
        BillingRuleFactory(contract=contract, **fields)
    return contract
