"""Quote rules (ventes/services/quotes.py) and the shared line rules (ventes/services/lines.py):
amounts and rounding, line refusals, licence, status, "Transformer en commande"."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from crm.rights import COMMERCIAL
from tests.factories import CompanyFactory, member
from tests.parc.factories_assets import site_of
from tests.ventes.factories_sales import ArticleFactory, CustomerFactory, line
from tiers.models import ThirdParty
from ventes.models import Order, OrderLine, QuoteLine, QuoteStatus, QuoteType
from ventes.selectors_sales import quote_get_visible
from ventes.services.quotes import quote_create, quote_status_set, quote_to_order, quote_update

ISSUED = datetime.date(2026, 3, 5)


@pytest.fixture
def rep(tenant):
    return member(tenant, COMMERCIAL)


@pytest.fixture
def customer(tenant):
    return CustomerFactory(tenant=tenant)


def _create(tenant, rep, customer, lines, *, crm_licence=True, **fields):
    return quote_create(
        tenant=tenant,
        actor=rep,
        crm_licence=crm_licence,
        customer=customer,
        lines=lines,
        issued_on=ISSUED,
        **fields,
    )


def _messages(excinfo, key="lines") -> list[str]:
    return excinfo.value.message_dict[key]


def test_quote_amounts_are_rounded_per_line_and_per_rate(in_tenant, rep, customer):
    lines = [
        line("3", "19.99", discount_percent=Decimal(10), unit_cost=Decimal(10)),
        line("1", "10.005", vat_rate=Decimal("5.5")),
    ]

    quote = _create(in_tenant, rep, customer, lines)

    first, second = QuoteLine.objects.filter(quote=quote).order_by("position")
    # 3 x 19.99 x 90 % = 53.973 → 53.97; its VAT 10.794 → 10.79.
    assert (first.total_excl_tax, first.total_tax) == (Decimal("53.97"), Decimal("10.79"))
    # 10.005 → 10.01 (half up); VAT 5.5 % = 0.55055 → 0.55.
    assert (second.total_excl_tax, second.total_tax) == (Decimal("10.01"), Decimal("0.55"))
    quote.refresh_from_db()
    assert quote.total_excl_tax == Decimal("63.98")
    assert quote.total_tax == Decimal("11.34")
    assert quote.total_incl_tax == Decimal("75.32")
    assert quote.margin == Decimal("33.98")  # 63.98 - 3 x 10


def test_quote_number_comes_from_the_yearly_counter(in_tenant, rep, customer):
    first = _create(in_tenant, rep, customer, [line()])
    second = _create(in_tenant, rep, customer, [line()])

    assert (first.number, second.number) == ("DEV-2026-000001", "DEV-2026-000002")
    assert first.status == QuoteStatus.IN_PROGRESS


def test_quote_records_the_customer_last_quote_date(in_tenant, rep, customer):
    _create(in_tenant, rep, customer, [line()])

    assert ThirdParty.objects.get(pk=customer.pk).last_quote_on == ISSUED


def test_line_label_defaults_to_the_article_label(in_tenant, rep, customer):
    article = ArticleFactory(tenant=in_tenant, label="Copieur A3 couleur")

    quote = _create(in_tenant, rep, customer, [line(label="", article=article)])

    assert QuoteLine.objects.get(quote=quote).label == "Copieur A3 couleur"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"quantity": Decimal(0)}, "Ligne 1 : la quantité doit être supérieure à 0."),
        ({"unit_price": Decimal(-1)}, "Ligne 1 : le prix unitaire ne peut pas être négatif."),
        ({"discount_percent": Decimal(120)}, "Ligne 1 : la remise doit être comprise entre 0 et 100 %."),
        (
            {"vat_rate": Decimal(7)},
            "Ligne 1 : le taux de TVA 7 % n'est pas autorisé "
            "(taux possibles : 20 % ; 10 % ; 5,5 % ; 2,1 % ; 0 %).",
        ),
        ({"label": "", "article": None}, "Ligne 1 : indiquez une désignation ou un article."),
    ],
)
def test_line_refused(in_tenant, rep, customer, fields, message):
    with pytest.raises(ValidationError) as excinfo:
        _create(in_tenant, rep, customer, [line(**fields)])

    assert _messages(excinfo) == [message]


def test_line_article_of_another_tenant_refused(in_tenant, rep, customer):
    foreign = ArticleFactory(tenant=CompanyFactory())

    with pytest.raises(ValidationError) as excinfo:
        _create(in_tenant, rep, customer, [line(article=foreign)])

    assert _messages(excinfo) == ["Ligne 1 : l'article est inconnu."]


def test_quote_without_lines_refused(in_tenant, rep, customer):
    with pytest.raises(ValidationError) as excinfo:
        _create(in_tenant, rep, customer, [])

    assert _messages(excinfo) == ["Le document doit comporter au moins une ligne."]


def test_quote_site_of_another_customer_refused(in_tenant, rep, customer):
    other_site = site_of(CustomerFactory(tenant=in_tenant))

    with pytest.raises(ValidationError) as excinfo:
        _create(in_tenant, rep, customer, [line()], site=other_site)

    assert _messages(excinfo, "site") == ["Ce site n'appartient pas à ce client."]


def test_commercial_quote_refused_without_crm_licence(in_tenant, rep, customer):
    with pytest.raises(ValidationError) as excinfo:
        _create(in_tenant, rep, customer, [line()], crm_licence=False, quote_type=QuoteType.COMMERCIAL)

    assert _messages(excinfo, "quote_type") == [
        "L'ajout d'un devis commercial demande une licence CRM : votre licence ARTIS ne le permet pas."
    ]


def test_technical_quote_accepted_without_crm_licence(in_tenant, rep, customer):
    quote = _create(in_tenant, rep, customer, [line()], crm_licence=False, quote_type=QuoteType.TECHNICAL)

    assert quote.quote_type == QuoteType.TECHNICAL


def test_quote_update_replaces_lines_and_totals(in_tenant, rep, customer):
    quote = _create(in_tenant, rep, customer, [line("1", "100"), line("2", "50")])
    kept = QuoteLine.objects.filter(quote=quote).order_by("position").first()

    quote_update(
        tenant=in_tenant,
        actor=rep,
        quote=quote,
        lines=[{**line("4", "100"), "pk": kept.pk}],
        issued_on=ISSUED,
    )

    assert list(QuoteLine.objects.filter(quote=quote).values_list("pk", "quantity")) == [
        (kept.pk, Decimal(4))
    ]
    quote.refresh_from_db()
    assert (quote.total_excl_tax, quote.total_incl_tax) == (Decimal("400.00"), Decimal("480.00"))


def test_accepted_quote_becomes_an_order_with_its_lines(in_tenant, rep, customer):
    quote = _create(in_tenant, rep, customer, [line("2", "150", unit_cost=Decimal(100))])
    quote_status_set(tenant=in_tenant, actor=rep, quote=quote, status=QuoteStatus.ACCEPTED)

    order = quote_to_order(tenant=in_tenant, actor=rep, quote=quote)

    assert order.quote_id == quote.pk and order.customer_id == customer.pk
    order_line = OrderLine.objects.get(order=order)
    assert (order_line.quantity, order_line.unit_price, order_line.label) == (
        Decimal(2),
        Decimal(150),
        "Copieur couleur",
    )
    assert (order.total_excl_tax, order.margin) == (Decimal("300.00"), Decimal("100.00"))
    assert quote_get_visible(tenant=in_tenant, user=rep, pk=quote.pk).is_ordered is True


def test_quote_in_progress_cannot_become_an_order(in_tenant, rep, customer):
    quote = _create(in_tenant, rep, customer, [line()])

    with pytest.raises(ValidationError) as excinfo:
        quote_to_order(tenant=in_tenant, actor=rep, quote=quote)

    assert excinfo.value.messages == [
        f"Le devis {quote.number} doit être accepté pour être transformé en commande."
    ]
    assert not Order.objects.exists()


def test_ordered_quote_is_no_longer_changed(in_tenant, rep, customer):
    quote = _create(in_tenant, rep, customer, [line()])
    quote_status_set(tenant=in_tenant, actor=rep, quote=quote, status=QuoteStatus.ACCEPTED)
    quote_to_order(tenant=in_tenant, actor=rep, quote=quote)

    with pytest.raises(ValidationError) as excinfo:
        quote_status_set(tenant=in_tenant, actor=rep, quote=quote, status=QuoteStatus.REFUSED)

    assert excinfo.value.messages == [
        f"Le devis {quote.number} est déjà commandé : il ne peut plus être modifié."
    ]


def test_quote_refused(in_tenant, rep, customer):
    quote = _create(in_tenant, rep, customer, [line()])

    quote_status_set(tenant=in_tenant, actor=rep, quote=quote, status=QuoteStatus.REFUSED)

    quote.refresh_from_db()
    assert quote.status == QuoteStatus.REFUSED
