"""Order rules (ventes/services/orders.py): links, reps, terms, minimum amount, credit control,
annual service-contract revenue and margin, relationship date."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from crm.rights import COMMERCIAL
from parc.models import BillingType, Periodicity
from tests.factories import member
from tests.parc.factories_assets import site_of
from tests.parc.factories_contracts import BillingRuleFactory
from tests.ventes.factories_sales import (
    CustomerFactory,
    OrderFactory,
    OrderLineFactory,
    contract_with_rules,
    line,
    link,
)
from tiers import models as tiers
from tiers.models import ThirdParty
from ventes.models import Order
from ventes.services.orders import order_create, order_initial, order_update, rule_annual_amount

ORDERED = datetime.date(2026, 3, 9)
NBSP = "\u00a0"


@pytest.fixture
def rep(tenant):
    return member(tenant, COMMERCIAL)


def _create(tenant, rep, customer, lines=None, **fields) -> Order:
    return order_create(
        tenant=tenant, actor=rep, customer=customer, lines=lines or [line()], ordered_on=ORDERED, **fields
    )


def _refusal(excinfo, key=NON_FIELD_ERRORS) -> list[str]:
    return excinfo.value.message_dict[key]


def test_order_number_state_and_first_order_date(in_tenant, rep):
    customer = CustomerFactory(tenant=in_tenant)

    order = _create(in_tenant, rep, customer)

    assert order.number == "CMD-2026-000001"
    assert order.state == "open"
    assert (order.bill_to_id, order.ship_to_id) == (customer.pk, customer.pk)
    assert ThirdParty.objects.get(pk=customer.pk).first_order_on == ORDERED


def test_order_totals_from_lines(in_tenant, rep):
    order = _create(
        in_tenant,
        rep,
        CustomerFactory(tenant=in_tenant),
        [line("2", "99.99", unit_cost=Decimal(60)), line("1", "10", vat_rate=Decimal(10))],
    )

    assert (order.total_excl_tax, order.total_tax) == (Decimal("209.98"), Decimal("41.00"))
    assert (order.total_incl_tax, order.margin) == (Decimal("250.98"), Decimal("89.98"))


# --- Bill-to and ship-to limited to the management links -------------------------------------------


@pytest.mark.parametrize(
    ("role_code", "field"), [(tiers.BILL_TO, "bill_to"), (tiers.SHIP_TO_SITE, "ship_to")]
)
def test_default_link_is_proposed_and_used(in_tenant, rep, role_code, field):
    customer = CustomerFactory(tenant=in_tenant)
    linked = CustomerFactory(tenant=in_tenant, name="Dépôt Nord")
    link(customer, CustomerFactory(tenant=in_tenant, name="Autre"), role_code=role_code)
    link(customer, linked, role_code=role_code, is_default=True)

    initial = order_initial(tenant=in_tenant, user=rep, customer=customer)
    order = _create(in_tenant, rep, customer)

    assert initial[field] == linked
    assert getattr(order, f"{field}_id") == linked.pk


def test_linked_bill_to_accepted(in_tenant, rep):
    customer = CustomerFactory(tenant=in_tenant)
    payer = CustomerFactory(tenant=in_tenant)
    link(customer, payer)

    assert _create(in_tenant, rep, customer, bill_to=payer).bill_to_id == payer.pk


def test_unlinked_bill_to_refused(in_tenant, rep):
    customer = CustomerFactory(tenant=in_tenant, name="Alpha")
    stranger = CustomerFactory(tenant=in_tenant, name="Omega")

    with pytest.raises(ValidationError) as excinfo:
        _create(in_tenant, rep, customer, bill_to=stranger)

    assert _refusal(excinfo, "bill_to") == [
        "Omega ne peut pas être le client facturé d'une commande de Alpha : choisissez le client "
        "lui-même ou un client lié par un lien de gestion « client à facturer »."
    ]


def test_unlinked_ship_to_refused(in_tenant, rep):
    customer = CustomerFactory(tenant=in_tenant, name="Alpha")
    payer = CustomerFactory(tenant=in_tenant, name="Omega")
    link(customer, payer)  # a bill-to link is no ship-to link

    with pytest.raises(ValidationError) as excinfo:
        _create(in_tenant, rep, customer, ship_to=payer)

    assert _refusal(excinfo, "ship_to") == [
        "Omega ne peut pas être le client livré d'une commande de Alpha : choisissez le client "
        "lui-même ou un client lié par un lien de gestion « site de livraison »."
    ]


def test_ship_to_site_must_be_a_site_of_the_ship_to(in_tenant, rep):
    customer = CustomerFactory(tenant=in_tenant)
    depot = CustomerFactory(tenant=in_tenant, name="Dépôt Nord")
    link(customer, depot, role_code=tiers.SHIP_TO_SITE)
    depot_site = site_of(depot, name="Quai 3")
    own_site = site_of(customer, name="Siège")

    assert (
        _create(in_tenant, rep, customer, ship_to=depot, ship_to_site=depot_site).ship_to_site == depot_site
    )
    with pytest.raises(ValidationError) as excinfo:
        _create(in_tenant, rep, customer, ship_to=depot, ship_to_site=own_site)
    assert _refusal(excinfo, "ship_to_site") == [
        "Le site Siège n'est pas un site du client livré Dépôt Nord."
    ]


# --- Reps and terms from the customer ---------------------------------------------------------------


def test_reps_come_from_the_ordering_customer_first(in_tenant, rep):
    own, other = member(in_tenant, COMMERCIAL), member(in_tenant, COMMERCIAL)
    customer = CustomerFactory(tenant=in_tenant, rep_1=own)
    depot = CustomerFactory(tenant=in_tenant, rep_1=other)
    link(customer, depot, role_code=tiers.SHIP_TO_SITE, is_default=True)

    order = _create(in_tenant, rep, customer)

    assert (order.rep_1_id, order.rep_2_id) == (own.pk, None)


def test_reps_fall_back_to_the_ship_to_party(in_tenant, rep):
    first, second = member(in_tenant, COMMERCIAL), member(in_tenant, COMMERCIAL)
    customer = CustomerFactory(tenant=in_tenant)
    depot = CustomerFactory(tenant=in_tenant, rep_1=first, rep_2=second)
    link(customer, depot, role_code=tiers.SHIP_TO_SITE, is_default=True)

    order = _create(in_tenant, rep, customer)

    assert (order.rep_1_id, order.rep_2_id) == (first.pk, second.pk)


def test_terms_are_copied_from_the_customer(in_tenant, rep):
    customer = CustomerFactory(
        tenant=in_tenant,
        partial_delivery=tiers.PartialDelivery.COMPLETE_ORDER,
        order_grouping_forbidden=True,
        billing_mode=tiers.BillingMode.PER_ORDER,
    )

    order = _create(in_tenant, rep, customer)

    assert (order.partial_delivery, order.grouping_forbidden, order.billing_mode) == (
        "complete_order",
        True,
        "per_order",
    )


# --- Minimum order amount ----------------------------------------------------------------------------


def test_order_under_the_minimum_amount_refused(in_tenant, rep):
    customer = CustomerFactory(tenant=in_tenant, minimum_order_amount=Decimal("1500"))

    with pytest.raises(ValidationError) as excinfo:
        _create(in_tenant, rep, customer, [line("1", "1499.99")])

    assert _refusal(excinfo) == [
        f"Le montant HT de la commande (1{NBSP}499,99{NBSP}€) est inférieur au minimum de commande "
        f"du client (1{NBSP}500,00{NBSP}€)."
    ]
    assert not Order.objects.exists()


def test_order_at_the_minimum_amount_accepted(in_tenant, rep):
    customer = CustomerFactory(tenant=in_tenant, minimum_order_amount=Decimal("1500"))

    assert _create(in_tenant, rep, customer, [line("1", "1500")]).total_excl_tax == Decimal("1500.00")


# --- Credit control --------------------------------------------------------------------------------


def _customer_with_exposure(tenant, control: str):
    """Limit 10 000 €; an open order of 9 000 € TTC (7 500 HT) already counts in the exposure."""
    customer = CustomerFactory(tenant=tenant, credit_control=control, credit_limit=Decimal("10000"))
    OrderLineFactory(order=OrderFactory(tenant=tenant, customer=customer), quantity=1, unit_price=7500)
    return customer


def test_credit_warning_saves_the_order_with_the_message(in_tenant, rep):
    customer = _customer_with_exposure(in_tenant, tiers.CreditControl.WARNING)

    order = _create(in_tenant, rep, customer, [line("1", "1000")])  # 1 200 € TTC

    assert order.pk is not None
    assert order.credit_warning == (
        f"Attention : avec cette commande, l'encours du client (10{NBSP}200,00{NBSP}€) dépasse son "
        f"encours autorisé (10{NBSP}000,00{NBSP}€)."
    )


def test_credit_blocking_refuses_the_order(in_tenant, rep):
    customer = _customer_with_exposure(in_tenant, tiers.CreditControl.BLOCKING)

    with pytest.raises(ValidationError) as excinfo:
        _create(in_tenant, rep, customer, [line("1", "1000")])

    assert _refusal(excinfo) == [
        f"Commande refusée : avec cette commande, l'encours du client (10{NBSP}200,00{NBSP}€) "
        f"dépasserait son encours autorisé (10{NBSP}000,00{NBSP}€)."
    ]
    assert Order.objects.filter(customer=customer).count() == 1


def test_credit_blocking_accepts_an_order_within_the_limit(in_tenant, rep):
    customer = _customer_with_exposure(in_tenant, tiers.CreditControl.BLOCKING)

    order = _create(in_tenant, rep, customer, [line("1", "500")])  # 9 000 + 600 ≤ 10 000

    assert order.credit_warning == ""


# --- CA SSC annuel ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("periodicity", "expected"),
    [
        (Periodicity.MONTHLY, Decimal("1200.00")),
        (Periodicity.QUARTERLY, Decimal("400.00")),
        (Periodicity.HALF_YEARLY, Decimal("200.00")),
        (Periodicity.YEARLY, Decimal("100.00")),
    ],
)
def test_rule_annual_amount_by_periodicity(in_tenant, periodicity, expected):
    rule = BillingRuleFactory.build(units_sold=4, extra_unit_cost=Decimal(25), periodicity=periodicity)

    assert rule_annual_amount(rule) == expected


def test_order_annual_service_revenue_and_margin(in_tenant, rep):
    customer = CustomerFactory(tenant=in_tenant)
    contract = contract_with_rules(
        customer,
        # Fixed fee: 2 units x 25 € x 12 months = 600.
        {
            "billing_type": BillingType.FIXED,
            "units_sold": 2,
            "extra_unit_cost": Decimal(25),
            "periodicity": "monthly",
        },
        # Meter: 3 000 copies x 0.005 € x 4 quarters = 60 (the meter's unit cost wins).
        {
            "billing_type": BillingType.METER,
            "units_sold": 3000,
            "unit_cost": Decimal("0.005"),
            "extra_unit_cost": Decimal("0.008"),
            "periodicity": "quarterly",
        },
        # Inactive: never counted.
        {"units_sold": 1, "extra_unit_cost": Decimal(1000), "periodicity": "yearly", "is_active": False},
    )

    order = _create(
        in_tenant,
        rep,
        customer,
        [line("1", "1000", unit_cost=Decimal(400), service_contract=contract), line("1", "50")],
    )

    # 660 a year; margin rate of the line carrying the contract: (1000 - 400) / 1000 = 60 %.
    assert (order.annual_service_revenue, order.annual_service_margin) == (
        Decimal("660.00"),
        Decimal("396.00"),
    )


def test_order_line_contract_of_another_customer_refused(in_tenant, rep):
    customer = CustomerFactory(tenant=in_tenant)
    contract = contract_with_rules(CustomerFactory(tenant=in_tenant))

    with pytest.raises(ValidationError) as excinfo:
        _create(in_tenant, rep, customer, [line(service_contract=contract)])

    assert _refusal(excinfo, "lines") == [
        f"Ligne 1 : le contrat {contract.code} n'est pas un contrat de ce client."
    ]


# --- Update ------------------------------------------------------------------------------------------


def test_closed_order_is_not_modified(in_tenant, rep):
    order = _create(in_tenant, rep, CustomerFactory(tenant=in_tenant))
    Order.objects.filter(pk=order.pk).update(state="closed")
    order.refresh_from_db()

    with pytest.raises(ValidationError) as excinfo:
        order_update(tenant=in_tenant, actor=rep, order=order, lines=[line()])

    assert _refusal(excinfo) == [f"La commande {order.number} est soldée : elle ne peut plus être modifiée."]


def test_order_update_rechecks_the_minimum(in_tenant, rep):
    customer = CustomerFactory(tenant=in_tenant)
    order = _create(in_tenant, rep, customer, [line("1", "100")])
    ThirdParty.objects.filter(pk=customer.pk).update(minimum_order_amount=Decimal(200))
    order.customer.refresh_from_db()

    with pytest.raises(ValidationError):
        order_update(tenant=in_tenant, actor=rep, order=order, lines=[line("1", "150")])
    order_update(tenant=in_tenant, actor=rep, order=order, lines=[line("2", "150")])

    order.refresh_from_db()
    assert order.total_excl_tax == Decimal("300.00")
