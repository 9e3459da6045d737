"""Record section "Informations complémentaires" (synthese/record_terms.py): conditions, billing
with the derived or forced VAT treatment, default addresses and the invoice footer."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django_scopes import scope

from crm.models import Country
from tests.factories import member
from tests.queries import REQUEST_QUERIES
from tests.synthese.frame_support import customer_of_size
from tests.synthese.record_support import assert_section_guarded, member_with_perms, record_url
from tests.tiers.factories import AddressFactory
from tests.tiers.factories_sites_banks import CustomerFactory
from tiers import models as tiers

pytestmark = pytest.mark.django_db

SECTION = "complementaires"
TERMS_QUERIES = REQUEST_QUERIES + 13


@pytest.fixture
def commercial(tenant):
    return member(tenant, "Commercial")


def _html(client, customer) -> str:
    response = client.get(record_url(customer, SECTION))
    assert response.status_code == 200
    return response.content.decode()


def _footer(tenant, customer, count: int) -> None:
    with scope(tenant=tenant):
        for number in range(count):
            tiers.InvoiceFooterItem.objects.create(
                tenant=tenant,
                third_party=customer,
                position=number,
                code=f"R{number}",
                label=f"Remise {number}",
                kind=tiers.FooterItemKind.DISCOUNT,
                value_type=tiers.FooterValueType.PERCENT,
                value=Decimal("2.50"),
            )


def test_the_section_shows_conditions_billing_and_footer(tenant, commercial, login):
    with scope(tenant=tenant):
        price_list = tiers.SegmentValue.objects.create(
            tenant=tenant, kind=tiers.SegmentKind.PRICE_LIST, code="GROS", label="Tarif grossiste"
        )
        reminders = tiers.SegmentValue.objects.create(
            tenant=tenant, kind=tiers.SegmentKind.REMINDER_GROUP, code="R1", label="Relance standard"
        )
        term = tiers.PaymentTerm.objects.create(tenant=tenant, code="30FM", label="30 jours fin de mois")
    payer = CustomerFactory(tenant=tenant, name="Groupe Payeur")
    customer = CustomerFactory(
        tenant=tenant,
        price_list=price_list,
        reminder_group=reminders,
        payment_term=term,
        payment_method=tiers.PaymentMethod.BILL_OF_EXCHANGE,
        price_type=tiers.PriceType.INCL_TAX,
        free_shipping=tiers.FreeShipping.ABOVE_EXCL_TAX,
        free_shipping_threshold=Decimal("500.00"),
        credit_limit=Decimal("15000.00"),
        invoice_sending=tiers.InvoiceSending.POST,
        payer=payer,
    )
    billing = AddressFactory(tenant=tenant, third_party=customer, code="001", line1="1 rue du Siège")
    delivery = AddressFactory(
        tenant=tenant, third_party=customer, code="002", line1="9 quai des Docks", is_default=False
    )
    with scope(tenant=tenant):
        tiers.ThirdParty.objects.filter(pk=customer.pk).update(delivery_address=delivery)
        tiers.InvoiceFooterItem.objects.create(
            tenant=tenant,
            third_party=customer,
            code="FRAIS",
            label="Frais de dossier",
            kind=tiers.FooterItemKind.FEE,
            value_type=tiers.FooterValueType.AMOUNT_EXCL_TAX,
            value=Decimal("15.00"),
        )
    html = _html(login(commercial), customer)
    for text in (
        "Tarif grossiste",
        "Au-delà d&#x27;un seuil HT : 500,00 EUR",
        "TTC",
        "30 jours fin de mois",
        "LCR (lettre de change)",
        "15000,00 EUR",
        "Par courrier",
        "Relance standard",
        "Groupe Payeur",
        billing.line1,
        "9 quai des Docks",
        "Frais de dossier",
        "Montant HT",
    ):
        assert text in html, text
    assert "TVA française" in html and "automatique : France" in html


def test_a_customer_in_the_eu_with_a_vat_number_is_reverse_charged(tenant, commercial, login):
    customer = CustomerFactory(
        tenant=tenant, country=Country.objects.get(code="DE"), vat_number="DE136695976"
    )
    html = _html(login(commercial), customer)
    assert "Autoliquidation (intracommunautaire)" in html


def test_a_forced_vat_treatment_is_shown_as_forced(tenant, commercial, login):
    customer = CustomerFactory(tenant=tenant, vat_treatment=tiers.VatTreatment.EXEMPT)
    html = _html(login(commercial), customer)
    assert "Exonéré (hors Union européenne)" in html and "forcée sur la fiche" in html


def test_edit_link_only_for_who_may_change_the_terms(tenant, login):
    customer = CustomerFactory(tenant=tenant)
    reader = member_with_perms(tenant, "tiers.view_thirdparty")
    assert "Modifier les conditions" not in _html(login(reader), customer)
    assert "Modifier les conditions" in _html(login(member(tenant, "Manager")), customer)


def test_another_tenants_or_a_reserved_customer_is_404_and_no_right_is_403(
    tenant, other_tenant, commercial, login
):
    assert_section_guarded(
        login=login, tenant=tenant, other_tenant=other_tenant, user=commercial, section=SECTION
    )


@pytest.mark.parametrize("size", [1, 12])
def test_terms_queries_do_not_depend_on_the_customer_size(
    tenant, commercial, login, size, django_assert_num_queries
):
    customer = customer_of_size(tenant, size)
    _footer(tenant, customer, size)
    client = login(commercial)
    with django_assert_num_queries(TERMS_QUERIES):
        response = client.get(record_url(customer, SECTION))
    assert response.status_code == 200
