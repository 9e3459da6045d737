"""third_party_terms_update: every rule accepted and refused with its French message, audited."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope

from crm.models import AuditEntry, Membership
from tests.factories import member
from tests.tiers.factories import AddressFactory
from tests.tiers.factories_sites_banks import CustomerFactory, reserved_customer
from tests.tiers.factories_terms import (
    PaymentTermFactory,
    SegmentFactory,
    StatisticalAxisFactory,
    StatisticalFamilyFactory,
)
from tiers.models import SegmentKind, ThirdParty, ThirdPartyStatisticalFamily
from tiers.services.terms import third_party_terms_update


@pytest.fixture
def actor(tenant):
    return member(tenant, "Commercial")


@pytest.fixture
def customer(tenant):
    return CustomerFactory(tenant=tenant)


def update(tenant, actor, customer, **data):
    return third_party_terms_update(tenant=tenant, actor=actor, third_party=customer, data=data)


def refusal(tenant, actor, customer, **data) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as exc:
        update(tenant, actor, customer, **data)
    return exc.value.message_dict


def test_terms_update_saves_the_fields_and_audits_the_diff(in_tenant, actor, customer):
    term = PaymentTermFactory(tenant=in_tenant, label="30 jours fin de mois", end_of_month=True)

    update(
        in_tenant,
        actor,
        customer,
        payment_term=term,
        accounting_code=" 411ACME ",
        minimum_order_amount="150,50",
        billing_mode="per_order",
        payment_days=["15", 5],
    )

    customer.refresh_from_db()
    assert customer.payment_term == term
    assert customer.accounting_code == "411ACME"
    assert customer.minimum_order_amount == Decimal("150.50")
    assert customer.payment_days == [5, 15]
    entry = AuditEntry.objects.get(action="third_party.terms_update")
    assert entry.changes["payment_term_id"] == [None, term.pk]
    assert entry.changes["minimum_order_amount"] == [None, "150.50"]
    assert entry.changes["payment_days"] == [[], [5, 15]]
    assert "price_type" not in entry.changes


def test_terms_update_without_change_writes_no_audit_entry(in_tenant, actor, customer):
    update(in_tenant, actor, customer, billing_mode=customer.billing_mode)

    assert not AuditEntry.objects.filter(action="third_party.terms_update").exists()


# --- Reps -----------------------------------------------------------------------------------------


def test_rep_2_without_rep_1_is_refused_with_valeur_incorrecte(in_tenant, actor, customer):
    assert refusal(in_tenant, actor, customer, rep_2=actor) == {"rep_2": ["Valeur incorrecte"]}


def test_rep_1_and_rep_2_accepted(in_tenant, actor, customer):
    other = member(in_tenant, "Commercial")

    update(in_tenant, actor, customer, rep_1=actor, rep_2=other)

    customer.refresh_from_db()
    assert (customer.rep_1, customer.rep_2) == (actor, other)


def test_removing_rep_1_while_rep_2_stays_is_refused(in_tenant, actor, customer):
    update(in_tenant, actor, customer, rep_1=actor, rep_2=member(in_tenant))

    assert refusal(in_tenant, actor, customer, rep_1=None) == {"rep_2": ["Valeur incorrecte"]}


def test_rep_of_another_tenant_or_inactive_member_is_refused(in_tenant, other_tenant, actor, customer):
    outsider = member(other_tenant, "Commercial")
    former = member(in_tenant, "Commercial")
    Membership.objects.filter(user=former).update(is_active=False)
    message = ["Ce représentant n'est pas un utilisateur actif de la société."]

    assert refusal(in_tenant, actor, customer, rep_1=outsider) == {"rep_1": message}
    assert refusal(in_tenant, actor, customer, rep_1=actor, rep_2=former) == {"rep_2": message}


# --- Free shipping, credit, unavailability, payment days, amounts ---------------------------------


@pytest.mark.parametrize("rule", ["above_ht", "above_ttc"])
def test_free_shipping_above_a_threshold_needs_a_positive_threshold(in_tenant, actor, customer, rule):
    assert refusal(in_tenant, actor, customer, free_shipping=rule) == {
        "free_shipping_threshold": ["Indiquez le seuil du franco de port."]
    }
    assert refusal(in_tenant, actor, customer, free_shipping=rule, free_shipping_threshold=0) == {
        "free_shipping_threshold": ["Le seuil du franco doit être supérieur à zéro."]
    }

    update(in_tenant, actor, customer, free_shipping=rule, free_shipping_threshold=Decimal("500"))

    customer.refresh_from_db()
    assert customer.free_shipping_threshold == Decimal("500.00")


@pytest.mark.parametrize("rule", ["never", "always"])
def test_free_shipping_threshold_refused_without_a_threshold_rule(in_tenant, actor, customer, rule):
    assert refusal(in_tenant, actor, customer, free_shipping=rule, free_shipping_threshold="500") == {
        "free_shipping_threshold": ["Un seuil ne s'applique qu'au franco au-delà d'un seuil HT ou TTC."]
    }


@pytest.mark.parametrize("control", ["warning", "blocking"])
def test_credit_control_needs_a_credit_limit(in_tenant, actor, customer, control):
    assert refusal(in_tenant, actor, customer, credit_control=control) == {
        "credit_limit": ["Indiquez l'encours autorisé : le contrôle de l'encours en a besoin."]
    }

    update(in_tenant, actor, customer, credit_control=control, credit_limit="10000")

    customer.refresh_from_db()
    assert (customer.credit_control, customer.credit_limit) == (control, Decimal("10000.00"))


def test_unavailability_needs_both_dates_in_order(in_tenant, actor, customer):
    august, end = datetime.date(2025, 8, 1), datetime.date(2025, 8, 31)

    assert refusal(in_tenant, actor, customer, unavailable_from=august) == {
        "unavailable_to": ["Indiquez les deux dates de la période d'indisponibilité."]
    }
    assert refusal(in_tenant, actor, customer, unavailable_to=end) == {
        "unavailable_from": ["Indiquez les deux dates de la période d'indisponibilité."]
    }
    assert refusal(in_tenant, actor, customer, unavailable_from=end, unavailable_to=august) == {
        "unavailable_to": ["La fin de la période d'indisponibilité précède son début."]
    }

    update(in_tenant, actor, customer, unavailable_from=august, unavailable_to=august)

    customer.refresh_from_db()
    assert customer.unavailable_from == customer.unavailable_to == august


@pytest.mark.parametrize(
    ("days", "message"),
    [
        ([0], "Un jour de règlement est un jour du mois, de 1 à 31."),
        ([32], "Un jour de règlement est un jour du mois, de 1 à 31."),
        (["x"], "Un jour de règlement est un jour du mois, de 1 à 31."),
        ([5, 10, 15, 20, 25], "Au plus 4 jours de règlement."),
        ([10, 5, 10], "Le jour de règlement 10 est en double."),
    ],
)
def test_payment_days_refused(in_tenant, actor, customer, days, message):
    assert refusal(in_tenant, actor, customer, payment_days=days) == {"payment_days": [message]}


def test_payment_days_accepted_up_to_four_from_1_to_31(in_tenant, actor, customer):
    update(in_tenant, actor, customer, payment_days=[31, 1, 10, 20])

    customer.refresh_from_db()
    assert customer.payment_days == [1, 10, 20, 31]


@pytest.mark.parametrize("field", ["minimum_order_amount", "credit_limit", "credit_insurance_amount"])
def test_negative_or_invalid_amounts_are_refused(in_tenant, actor, customer, field):
    assert refusal(in_tenant, actor, customer, **{field: "-1"}) == {
        field: ["Le montant doit être positif ou nul."]
    }
    assert refusal(in_tenant, actor, customer, **{field: "abc"}) == {field: ["Montant invalide."]}

    update(in_tenant, actor, customer, **{field: 0})

    customer.refresh_from_db()
    assert getattr(customer, field) == Decimal("0")


# --- Third parties named in the terms -------------------------------------------------------------


@pytest.mark.parametrize("field", ["bill_to", "payer", "group", "credit_insurer"])
def test_named_third_party_must_be_visible_and_of_the_tenant(in_tenant, other_tenant, actor, customer, field):
    foreign = CustomerFactory(tenant=other_tenant)
    reserved = reserved_customer(in_tenant)
    payer = CustomerFactory(tenant=in_tenant)

    assert refusal(in_tenant, actor, customer, **{field: foreign}) == {field: ["Tiers inconnu."]}
    assert refusal(in_tenant, actor, customer, **{field: reserved}) == {field: ["Tiers inconnu."]}

    update(in_tenant, actor, customer, **{field: payer})

    customer.refresh_from_db()
    assert getattr(customer, f"{field}_id") == payer.pk


@pytest.mark.parametrize("field", ["bill_to", "payer", "group"])
def test_bill_to_payer_and_group_cannot_name_the_third_party_itself(in_tenant, actor, customer, field):
    assert refusal(in_tenant, actor, customer, **{field: customer}) == {
        field: ["Choisissez un autre tiers : laissez vide pour le tiers lui-même."]
    }


# --- Reference values -----------------------------------------------------------------------------


def test_payment_term_of_another_tenant_or_inactive_is_refused(in_tenant, other_tenant, actor, customer):
    foreign = PaymentTermFactory(tenant=other_tenant)
    inactive = PaymentTermFactory(tenant=in_tenant, is_active=False)
    message = {"payment_term": ["Condition de paiement inconnue ou inactive."]}

    assert refusal(in_tenant, actor, customer, payment_term=foreign) == message
    assert refusal(in_tenant, actor, customer, payment_term=inactive) == message


def test_a_value_deactivated_after_being_chosen_stays_accepted(in_tenant, actor, customer):
    term = PaymentTermFactory(tenant=in_tenant)
    group = SegmentFactory(tenant=in_tenant, kind=SegmentKind.REMINDER_GROUP)
    update(in_tenant, actor, customer, payment_term=term, reminder_group=group)
    type(term).objects.filter(pk=term.pk).update(is_active=False)
    type(group).objects.filter(pk=group.pk).update(is_active=False)
    term.refresh_from_db()
    group.refresh_from_db()

    update(in_tenant, actor, customer, payment_term=term, reminder_group=group, accounting_code="411")

    customer.refresh_from_db()
    assert customer.accounting_code == "411"


@pytest.mark.parametrize(
    ("field", "kind"),
    [
        ("reminder_group", SegmentKind.REMINDER_GROUP),
        ("tax_regime", SegmentKind.TAX_REGIME),
        ("commission_category", SegmentKind.COMMISSION_CATEGORY),
        ("price_list", SegmentKind.PRICE_LIST),
    ],
)
def test_segment_values_must_be_active_of_the_right_list_and_tenant(
    in_tenant, other_tenant, actor, customer, field, kind
):
    wrong_list = SegmentFactory(tenant=in_tenant, kind=SegmentKind.ORIGIN)
    foreign = SegmentFactory(tenant=other_tenant, kind=kind)
    inactive = SegmentFactory(tenant=in_tenant, kind=kind, is_active=False)
    good = SegmentFactory(tenant=in_tenant, kind=kind)
    message = {field: ["Valeur inconnue ou inactive dans cette liste."]}

    for value in (wrong_list, foreign, inactive):
        assert refusal(in_tenant, actor, customer, **{field: value}) == message
    update(in_tenant, actor, customer, **{field: good})

    customer.refresh_from_db()
    assert getattr(customer, field) == good


# --- Informations complémentaires: addresses, VAT treatment, payment method, invoice sending -----


def test_billing_and_delivery_addresses_of_the_third_party_are_accepted_and_audited(
    in_tenant, actor, customer
):
    billing = AddressFactory(third_party=customer, tenant=in_tenant, code="FAC")
    delivery = AddressFactory(third_party=customer, tenant=in_tenant, code="LIV", is_default=False)

    update(in_tenant, actor, customer, billing_address=billing, delivery_address=delivery)

    customer.refresh_from_db()
    assert (customer.billing_address, customer.delivery_address) == (billing, delivery)
    changes = AuditEntry.objects.get(action="third_party.terms_update").changes
    assert changes["billing_address_id"] == [None, billing.pk]
    assert changes["delivery_address_id"] == [None, delivery.pk]


def test_an_address_of_another_third_party_or_tenant_is_refused(in_tenant, other_tenant, actor, customer):
    neighbour = AddressFactory(third_party=CustomerFactory(tenant=in_tenant), tenant=in_tenant)
    with scope(tenant=other_tenant):
        foreign = AddressFactory(third_party=CustomerFactory(tenant=other_tenant), tenant=other_tenant)
    message = ["Choisissez une adresse de ce tiers."]

    for address in (neighbour, foreign):
        assert refusal(in_tenant, actor, customer, billing_address=address, delivery_address=address) == {
            "billing_address": message,
            "delivery_address": message,
        }
    customer.refresh_from_db()
    assert customer.billing_address_id is None


def test_vat_treatment_payment_method_and_invoice_sending_are_saved(in_tenant, actor, customer):
    update(
        in_tenant,
        actor,
        customer,
        vat_treatment="exempt",
        payment_method="direct_debit",
        invoice_sending="post",
    )

    customer.refresh_from_db()
    assert (customer.vat_treatment, customer.payment_method, customer.invoice_sending) == (
        "exempt",
        "direct_debit",
        "post",
    )
    update(in_tenant, actor, customer, payment_method=None, vat_treatment="auto")
    customer.refresh_from_db()
    assert (customer.payment_method, customer.vat_treatment) == ("", "auto")


def test_an_unknown_vat_treatment_or_invoice_sending_is_refused(in_tenant, actor, customer):
    errors = refusal(in_tenant, actor, customer, vat_treatment="suisse", invoice_sending="pigeon")

    # Django's own message of a model field's choices (French locale, non-breaking spaces).
    assert errors == {
        "vat_treatment": ["La valeur «\xa0'suisse'\xa0» n\u2019est pas un choix valide."],
        "invoice_sending": ["La valeur «\xa0'pigeon'\xa0» n\u2019est pas un choix valide."],
    }


def test_every_refusal_is_reported_at_once(in_tenant, actor, customer):
    errors = refusal(in_tenant, actor, customer, rep_2=actor, credit_control="blocking", payment_days=[40])

    assert set(errors) == {"rep_2", "credit_limit", "payment_days"}


def test_unknown_field_is_a_programming_error(in_tenant, actor, customer):
    with pytest.raises(TypeError):
        update(in_tenant, actor, customer, name="Autre nom")


# --- Statistical families -------------------------------------------------------------------------


def test_statistical_families_set_one_value_per_active_axis(in_tenant, actor, customer):
    sector = StatisticalFamilyFactory(axis__tenant=in_tenant, label="Industrie")
    size = StatisticalFamilyFactory(axis__tenant=in_tenant, label="PME")
    other_size = StatisticalFamilyFactory(axis=size.axis, tenant=in_tenant, label="ETI")

    update(in_tenant, actor, customer, statistical_families=[sector, size])
    update(in_tenant, actor, customer, statistical_families=[other_size])

    rows = ThirdPartyStatisticalFamily.objects.filter(third_party=customer)
    assert {row.family for row in rows} == {other_size}
    entries = AuditEntry.objects.filter(action="third_party.terms_update").order_by("pk")
    assert entries[1].changes["statistical_families"] == [sorted([sector.pk, size.pk]), [other_size.pk]]


def test_statistical_families_refused_two_on_one_axis_inactive_or_foreign(
    in_tenant, other_tenant, actor, customer
):
    axis = StatisticalAxisFactory(tenant=in_tenant, label="Secteur")
    first = StatisticalFamilyFactory(axis=axis, tenant=in_tenant)
    second = StatisticalFamilyFactory(axis=axis, tenant=in_tenant)
    inactive = StatisticalFamilyFactory(axis=axis, tenant=in_tenant, is_active=False, label="Ancienne")
    off_axis = StatisticalFamilyFactory(axis__tenant=in_tenant, axis__is_active=False, label="Hors axe")
    foreign = StatisticalFamilyFactory(axis__tenant=other_tenant, label="Ailleurs")

    assert refusal(in_tenant, actor, customer, statistical_families=[first, second]) == {
        "statistical_families": ["Une seule famille par axe : Secteur."]
    }
    for family in (inactive, off_axis, foreign):
        assert refusal(in_tenant, actor, customer, statistical_families=[family]) == {
            "statistical_families": [f"Famille statistique inconnue ou inactive : {family}."]
        }
    assert not ThirdPartyStatisticalFamily.objects.filter(third_party=customer).exists()


def test_refused_update_changes_nothing(in_tenant, actor, customer):
    family = StatisticalFamilyFactory(axis__tenant=in_tenant)

    refusal(in_tenant, actor, customer, statistical_families=[family], rep_2=actor, accounting_code="411")

    customer.refresh_from_db()
    assert customer.accounting_code == ""
    assert not ThirdPartyStatisticalFamily.objects.filter(third_party=customer).exists()
    assert ThirdParty.objects.get(pk=customer.pk).rep_2_id is None
