"""Quote pages (ventes/views/quotes.py): list (query count, visibility), detail, create with the
lines formset (CRM licence), status, the third party's "Devis" section."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django_scopes import scope

from crm.models import Licence
from crm.rights import COMMERCIAL
from tests.factories import member
from tests.queries import REQUEST_QUERIES
from tests.ventes.factories_sales import CustomerFactory, QuoteFactory, QuoteLineFactory, reserved_customer
from ventes.models import Order, Quote, QuoteStatus
from ventes.views.quotes import _section_load

LIST = reverse("ventes:quote_list") + "?activite=toutes"


@pytest.fixture
def rep(tenant):
    return member(tenant, COMMERCIAL)


def _quotes(tenant, count: int, customer=None) -> list[Quote]:
    quotes = []
    for _ in range(count):
        quote = QuoteFactory(tenant=tenant, **({"customer": customer} if customer else {}))
        QuoteLineFactory(quote=quote)
        quotes.append(quote)
    return quotes


def _form_data(quote_type: str = "commercial", **line) -> dict:
    return {
        "quote_type": quote_type,
        "issued_on": "2026-03-05",
        "lignes-TOTAL_FORMS": "2",
        "lignes-INITIAL_FORMS": "0",
        "lignes-MIN_NUM_FORMS": "0",
        "lignes-MAX_NUM_FORMS": "1000",
        "lignes-0-label": "Copieur couleur",
        "lignes-0-quantity": "2",
        "lignes-0-unit_price": "150",
        "lignes-0-discount_percent": "0",
        "lignes-0-vat_rate": "20",
        "lignes-0-unit_cost": "0",
        **{f"lignes-0-{name}": value for name, value in line.items()},
        "lignes-1-vat_rate": "20",
        "lignes-1-discount_percent": "0",
        "lignes-1-unit_cost": "0",
    }


@pytest.mark.parametrize("count", [1, 4])
def test_quote_list_query_count_does_not_grow(login, rep, tenant, count, django_assert_num_queries):
    _quotes(tenant, count)
    client = login(rep)
    client.get(LIST)

    with django_assert_num_queries(REQUEST_QUERIES + 16):
        response = client.get(LIST)

    assert len(response.context["table"].page.object_list) == count


def test_quote_list_shows_the_ordered_badge_and_hides_reserved_customers(login, rep, tenant):
    visible, ordered = _quotes(tenant, 2)
    hidden = QuoteFactory(tenant=tenant, customer=reserved_customer(tenant), number="DEV-CACHE")
    with scope(tenant=tenant):
        Order.objects.create(
            tenant=tenant,
            customer=ordered.customer,
            number="CMD-1",
            ordered_on=ordered.issued_on,
            bill_to=ordered.customer,
            ship_to=ordered.customer,
            quote=ordered,
        )

    response = login(rep).get(LIST)

    content = response.content.decode()
    assert visible.number in content and ordered.number in content
    assert hidden.number not in content
    assert content.count("Commandé</span>") == 1


def test_quote_of_reserved_customer_is_404(login, rep, tenant):
    (quote,) = _quotes(tenant, 1, customer=reserved_customer(tenant))

    assert login(rep).get(reverse("ventes:quote_detail", kwargs={"pk": quote.pk})).status_code == 404


def test_quote_of_another_tenant_is_404(login, other_tenant, tenant):
    (quote,) = _quotes(tenant, 1)

    response = login(member(other_tenant, "Administrateur")).get(
        reverse("ventes:quote_detail", kwargs={"pk": quote.pk})
    )

    assert response.status_code == 404


def test_quote_detail_shows_lines_and_totals(login, rep, tenant):
    (quote,) = _quotes(tenant, 1)

    response = login(rep).get(reverse("ventes:quote_detail", kwargs={"pk": quote.pk}))

    assert response.status_code == 200
    assert response.context["totals"].incl_tax == Decimal("2400.00")


def test_quote_create_with_lines(login, rep, tenant):
    customer = CustomerFactory(tenant=tenant)

    response = login(rep).post(reverse("ventes:quote_create", kwargs={"pk": customer.pk}), _form_data())

    with scope(tenant=tenant):
        quote = Quote.objects.get(customer=customer)
    assert response.status_code == 302 and response.url == reverse(
        "ventes:quote_detail", kwargs={"pk": quote.pk}
    )
    assert (quote.total_excl_tax, quote.total_incl_tax) == (Decimal("300.00"), Decimal("360.00"))


def test_quote_create_shows_a_line_refusal(login, rep, tenant):
    customer = CustomerFactory(tenant=tenant)

    response = login(rep).post(
        reverse("ventes:quote_create", kwargs={"pk": customer.pk}), _form_data(discount_percent="150")
    )

    assert response.status_code == 200
    assert response.context["lines_errors"] == ["Ligne 1 : la remise doit être comprise entre 0 et 100 %."]


def test_commercial_quote_refused_with_artis_licence(login, tenant):
    artis = member(tenant, COMMERCIAL, licence=Licence.ARTIS)
    customer = CustomerFactory(tenant=tenant)
    url = reverse("ventes:quote_create", kwargs={"pk": customer.pk})

    response = login(artis).post(url, _form_data("commercial"))

    assert response.status_code == 200
    assert response.context["form"].errors["quote_type"] == [
        "L'ajout d'un devis commercial demande une licence CRM : votre licence ARTIS ne le permet pas."
    ]
    assert login(artis).post(url, _form_data("technical")).status_code == 302


def test_quote_accept(login, rep, tenant):
    (quote,) = _quotes(tenant, 1)

    response = login(rep).post(
        reverse("ventes:quote_status", kwargs={"pk": quote.pk}), {"statut": "accepted"}
    )

    assert response.status_code == 302
    with scope(tenant=tenant):
        assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.ACCEPTED


def test_technician_may_not_create_a_quote(login, tenant):
    customer = CustomerFactory(tenant=tenant)

    response = login(member(tenant, "Technicien")).post(
        reverse("ventes:quote_create", kwargs={"pk": customer.pk}), _form_data()
    )

    assert response.status_code == 403


@pytest.mark.parametrize("count", [1, 4])
def test_third_party_quotes_section_query_count(login, rep, tenant, count, django_assert_num_queries):
    customer = CustomerFactory(tenant=tenant)
    _quotes(tenant, count, customer=customer)
    request = SimpleNamespace(tenant=tenant, user=rep)

    with scope(tenant=tenant), django_assert_num_queries(1):
        html = render_to_string(
            "ventes/quotes/_section.html", {"actions": {}, **_section_load(request, customer)}
        )

    assert html.count('href="/ventes/devis/') == count + 1  # the rows and "Tous les devis"
    page = login(rep).get(reverse("tiers:detail", kwargs={"pk": customer.pk})).content.decode()
    assert 'id="section-quotes"' in page
