"""Amounts and rounding of sales documents (ventes.amounts): worked examples."""

from decimal import Decimal as D

from ventes.amounts import document_totals, line_amounts, money


def test_money_rounds_half_up_to_the_cent():
    assert money(D("0.005")) == D("0.01")
    assert money(D("2.675")) == D("2.68")
    assert money(D("-1.005")) == D("-1.01")


def test_line_applies_the_discount_then_rounds_once():
    line = line_amounts(
        quantity=D("3"),
        unit_price=D("19.99"),
        discount_percent=D("10"),
        vat_rate=D("20"),
        unit_cost=D("12.5"),
    )
    # 3 x 19.99 = 59.97; -10 % = 53.973 -> 53.97; VAT 20 % = 10.794 -> 10.79; cost 37.50.
    assert (line.excl_tax, line.tax, line.cost) == (D("53.97"), D("10.79"), D("37.50"))


def test_document_vat_is_computed_per_rate_not_as_the_sum_of_rounded_line_taxes():
    lines = [line_amounts(quantity=D("1"), unit_price=D("0.05"), vat_rate=D("20")) for _ in range(3)]
    totals = document_totals(lines)
    # Each line's tax would round 0.01 to 0.01 (x3 = 0.03); per rate: 0.15 x 20 % = 0.03.
    assert totals.excl_tax == D("0.15")
    assert totals.tax == D("0.03")
    assert totals.incl_tax == D("0.18")


def test_document_with_two_rates_and_margin():
    lines = [
        line_amounts(quantity=D("2"), unit_price=D("100"), vat_rate=D("20"), unit_cost=D("60")),
        line_amounts(quantity=D("1"), unit_price=D("45.50"), vat_rate=D("5.5"), unit_cost=D("30")),
    ]
    totals = document_totals(lines)
    assert totals.by_rate == {D("5.5"): (D("45.50"), D("2.50")), D("20"): (D("200.00"), D("40.00"))}
    assert (totals.excl_tax, totals.tax, totals.incl_tax, totals.margin) == (
        D("245.50"),
        D("42.50"),
        D("288.00"),
        D("95.50"),
    )
