"""Invoice footer discounts and fees of a customer: the service's rules (accepted and refused with
their French messages, audited) and the pages (add, change, remove after confirmation; another
tenant's, a reserved customer's or another third party's row is 404; constant query count)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope

from crm.models import AuditEntry
from tests.factories import member
from tests.tiers.factories_sites_banks import CustomerFactory, reserved_customer
from tests.tiers.factories_terms import InvoiceFooterItemFactory
from tiers.models import InvoiceFooterItem
from tiers.services.terms_footer import (
    invoice_footer_item_add,
    invoice_footer_item_change,
    invoice_footer_item_remove,
)

PERCENT_RANGE = "Un pourcentage doit être compris entre 0 et 100 (0 exclu)."
AMOUNT_POSITIVE = "Le montant doit être supérieur à zéro."
LABEL_REQUIRED = "Indiquez l'intitulé de la remise ou des frais."
CODE_REQUIRED = "Indiquez le code de la remise ou des frais."


@pytest.fixture
def commercial(tenant):
    return member(tenant, "Commercial", first_name="Paul", last_name="Vendeur")


@pytest.fixture
def customer(tenant):
    return CustomerFactory(tenant=tenant)


def values(**extra) -> dict:
    return {
        "code": "REM",
        "label": "Remise fidélité",
        "kind": "discount",
        "value_type": "percent",
        "value": "5",
        "position": None,
        **extra,
    }


def posted(**extra) -> dict:
    """``values`` as a browser posts them (a blank position is an empty string)."""
    return {name: "" if value is None else value for name, value in values(**extra).items()}


def add(tenant, actor, customer, **extra) -> InvoiceFooterItem:
    return invoice_footer_item_add(tenant=tenant, actor=actor, third_party=customer, data=values(**extra))


def refusal(tenant, actor, customer, **extra) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as exc:
        add(tenant, actor, customer, **extra)
    return exc.value.message_dict


def page_url(customer) -> str:
    return reverse("tiers:footer_items", kwargs={"pk": customer.pk})


def row_url(name: str, row) -> str:
    return reverse(f"tiers:{name}", kwargs={"pk": row.third_party_id, "row_pk": row.pk})


# --- Service --------------------------------------------------------------------------------------


def test_footer_item_add_saves_at_the_end_and_audits(in_tenant, commercial, customer):
    first = add(in_tenant, commercial, customer, value="5,5")
    second = add(
        in_tenant, commercial, customer, code="FRAIS", kind="fee", value_type="amount_ht", value="12"
    )

    assert (first.position, second.position) == (1, 2)
    assert first.value == Decimal("5.50") and second.value == Decimal("12.00")
    entry = AuditEntry.objects.filter(action="third_party.footer_item_add").order_by("pk").last()
    assert entry.object_id == str(customer.pk)
    assert entry.changes["value"] == [None, "12.00"] and entry.changes["kind"] == [None, "fee"]


@pytest.mark.parametrize("value", ["0.01", "100"])
def test_a_percentage_above_0_up_to_100_is_accepted(in_tenant, commercial, customer, value):
    assert add(in_tenant, commercial, customer, value=value).value == Decimal(value)


@pytest.mark.parametrize("value", ["0", "-1", "100.01", "250"])
def test_a_percentage_outside_0_to_100_is_refused(in_tenant, commercial, customer, value):
    assert refusal(in_tenant, commercial, customer, value=value) == {"value": [PERCENT_RANGE]}


@pytest.mark.parametrize("value_type", ["amount_ht", "amount_ttc"])
def test_an_amount_must_be_above_zero(in_tenant, commercial, customer, value_type):
    assert refusal(in_tenant, commercial, customer, value_type=value_type, value="0") == {
        "value": [AMOUNT_POSITIVE]
    }
    assert refusal(in_tenant, commercial, customer, value_type=value_type, value="-3") == {
        "value": [AMOUNT_POSITIVE]
    }
    assert add(in_tenant, commercial, customer, value_type=value_type, value="250").value == Decimal(250)


def test_label_and_code_are_required_and_every_refusal_is_reported_at_once(in_tenant, commercial, customer):
    errors = refusal(in_tenant, commercial, customer, label="  ", code="", kind="gift", value="x")

    assert errors == {
        "label": [LABEL_REQUIRED],
        "code": [CODE_REQUIRED],
        "kind": ["Valeur invalide."],
        "value": ["Valeur invalide."],
    }
    assert not InvoiceFooterItem.objects.exists()
    assert not AuditEntry.objects.filter(action="third_party.footer_item_add").exists()


def test_more_than_two_decimals_is_refused(in_tenant, commercial, customer):
    assert refusal(in_tenant, commercial, customer, value="1.234") == {"value": ["Deux décimales au plus."]}


def test_footer_item_change_keeps_the_position_and_audits_the_diff(in_tenant, commercial, customer):
    item = add(in_tenant, commercial, customer, position=3)

    invoice_footer_item_change(
        tenant=in_tenant, actor=commercial, item=item, data=values(value="7.5", label="Remise annuelle")
    )

    item.refresh_from_db()
    assert (item.position, item.value, item.label) == (3, Decimal("7.50"), "Remise annuelle")
    changes = AuditEntry.objects.get(action="third_party.footer_item_change").changes
    assert changes["value"] == ["5.00", "7.50"] and "position" not in changes


def test_footer_item_change_refused_changes_nothing(in_tenant, commercial, customer):
    item = add(in_tenant, commercial, customer)

    with pytest.raises(ValidationError) as exc:
        invoice_footer_item_change(tenant=in_tenant, actor=commercial, item=item, data=values(value="101"))

    assert exc.value.message_dict == {"value": [PERCENT_RANGE]}
    item.refresh_from_db()
    assert item.value == Decimal("5.00")


def test_footer_item_remove_audits(in_tenant, commercial, customer):
    item = add(in_tenant, commercial, customer)

    invoice_footer_item_remove(tenant=in_tenant, actor=commercial, item=item)

    assert not InvoiceFooterItem.objects.exists()
    entry = AuditEntry.objects.get(action="third_party.footer_item_remove")
    assert entry.changes["label"] == ["Remise fidélité", None]


# --- Pages ----------------------------------------------------------------------------------------


def test_footer_page_adds_changes_and_removes_after_confirmation(tenant, commercial, customer, login):
    client = login(commercial)
    page = page_url(customer)

    added = client.post(page, posted(position="", value="2,5"))
    with scope(tenant=tenant):
        row = InvoiceFooterItem.objects.get(third_party=customer)
    edit_page = client.get(row_url("footer_item_update", row))
    changed = client.post(
        row_url("footer_item_update", row),
        posted(position="1", kind="fee", value_type="amount_ttc", value="15", label="Frais de port"),
    )
    listing = client.get(page).content.decode()
    confirmation = client.get(row_url("footer_item_delete", row)).content.decode()
    removed = client.post(row_url("footer_item_delete", row))

    assert added.status_code == 302 and added.url == page
    assert edit_page.context["form"].initial["value"] == Decimal("2.50")
    assert changed.status_code == 302 and changed.url == page
    assert "Frais de port" in listing and "15,00 EUR" in listing
    assert "Retirer « Frais de port » (Frais, 15,00 Montant TTC) du pied de facture ?" in confirmation
    assert removed.status_code == 302 and removed.url == page
    with scope(tenant=tenant):
        assert not InvoiceFooterItem.objects.exists()
        assert AuditEntry.objects.filter(action__startswith="third_party.footer_item_").count() == 3


def test_footer_page_shows_the_refusals_on_their_fields(tenant, commercial, customer, login):
    client = login(commercial)

    percent = client.post(page_url(customer), posted(value="120"))
    amount = client.post(page_url(customer), posted(value_type="amount_ht", value="0"))
    blank = client.post(page_url(customer), posted(label="", code=""))

    assert percent.status_code == 200
    assert percent.context["form"].errors["value"] == [PERCENT_RANGE]
    assert amount.context["form"].errors["value"] == [AMOUNT_POSITIVE]
    assert blank.context["form"].errors["label"] == [LABEL_REQUIRED]
    assert blank.context["form"].errors["code"] == [CODE_REQUIRED]
    with scope(tenant=tenant):
        assert not InvoiceFooterItem.objects.exists()


def test_footer_change_page_shows_the_refusal(tenant, commercial, customer, login):
    row = InvoiceFooterItemFactory(third_party=customer)

    response = login(commercial).post(row_url("footer_item_update", row), posted(value="-1"))

    assert response.status_code == 200
    assert response.context["form"].errors["value"] == [PERCENT_RANGE]


def test_footer_pages_of_another_tenant_are_404(tenant, other_tenant, commercial, login):
    foreign = InvoiceFooterItemFactory(third_party=CustomerFactory(tenant=other_tenant))
    client = login(commercial)

    assert client.get(page_url(foreign.third_party)).status_code == 404
    assert client.post(page_url(foreign.third_party), posted()).status_code == 404
    assert client.get(row_url("footer_item_update", foreign)).status_code == 404
    assert client.post(row_url("footer_item_delete", foreign)).status_code == 404
    with scope(tenant=other_tenant):
        assert InvoiceFooterItem.objects.filter(pk=foreign.pk).exists()


def test_footer_pages_of_a_customer_reserved_to_others_are_404(tenant, commercial, login):
    hidden = InvoiceFooterItemFactory(third_party=reserved_customer(tenant))
    client = login(commercial)

    assert client.get(page_url(hidden.third_party)).status_code == 404
    assert client.post(page_url(hidden.third_party), posted()).status_code == 404
    assert client.post(row_url("footer_item_update", hidden), posted()).status_code == 404
    assert client.get(row_url("footer_item_delete", hidden)).status_code == 404


def test_a_footer_row_of_another_third_party_is_404(tenant, commercial, customer, login):
    other_row = InvoiceFooterItemFactory(third_party=CustomerFactory(tenant=tenant))
    kwargs = {"pk": customer.pk, "row_pk": other_row.pk}
    client = login(commercial)

    assert client.get(reverse("tiers:footer_item_update", kwargs=kwargs)).status_code == 404
    assert client.post(reverse("tiers:footer_item_delete", kwargs=kwargs)).status_code == 404
    with scope(tenant=tenant):
        assert InvoiceFooterItem.objects.filter(pk=other_row.pk).exists()


def test_footer_page_query_count_is_the_same_for_few_and_many_items(
    tenant, commercial, login, django_assert_num_queries
):
    small, large = CustomerFactory(tenant=tenant), CustomerFactory(tenant=tenant)
    InvoiceFooterItemFactory(third_party=small)
    for index in range(8):
        InvoiceFooterItemFactory(third_party=large, label=f"Frais {index}", value_type="amount_ht")
    client = login(commercial)
    client.get(page_url(small))
    with CaptureQueriesContext(connection) as small_queries:
        client.get(page_url(small))

    with django_assert_num_queries(len(small_queries)):
        response = client.get(page_url(large))

    assert response.content.decode().count("Frais ") >= 8


def test_terms_page_and_section_link_to_the_footer_page(tenant, commercial, customer, login):
    client = login(commercial)

    terms_page = client.get(reverse("tiers:terms", kwargs={"pk": customer.pk})).content.decode()
    detail = client.get(reverse("tiers:detail", kwargs={"pk": customer.pk})).content.decode()

    assert f'href="{page_url(customer)}"' in terms_page
    assert f'href="{page_url(customer)}"' in detail
