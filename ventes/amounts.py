"""Every amount of a sales document is computed here, and only here (Decimal, rounded half up to
the cent once per line and once per VAT rate).

- Line: net HT = round(quantity x unit price x (1 - discount %)); its VAT and cost likewise.
- Document: total HT = sum of the lines' net HT; VAT = sum over each rate of
  round(sum of that rate's bases x rate) — the tax of an invoice is computed per rate, not as a
  sum of rounded line taxes; TTC = HT + VAT; margin = HT - sum of the lines' costs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)


def money(value: Decimal | int | str) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineAmounts:
    excl_tax: Decimal
    tax: Decimal
    cost: Decimal
    vat_rate: Decimal


def line_amounts(
    *,
    quantity: Decimal,
    unit_price: Decimal,
    discount_percent: Decimal = ZERO,
    vat_rate: Decimal = ZERO,
    unit_cost: Decimal = ZERO,
) -> LineAmounts:
    net = money(Decimal(quantity) * Decimal(unit_price) * (HUNDRED - Decimal(discount_percent)) / HUNDRED)
    return LineAmounts(
        excl_tax=net,
        tax=money(net * Decimal(vat_rate) / HUNDRED),
        cost=money(Decimal(quantity) * Decimal(unit_cost)),
        vat_rate=Decimal(vat_rate),
    )


@dataclass(frozen=True)
class Totals:
    excl_tax: Decimal
    tax: Decimal
    incl_tax: Decimal
    margin: Decimal
    # {VAT rate: (base HT, VAT)} for the document's VAT summary.
    by_rate: dict[Decimal, tuple[Decimal, Decimal]]


def document_totals(lines: Iterable[LineAmounts]) -> Totals:
    bases: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
    excl = cost = ZERO
    for line in lines:
        bases[line.vat_rate] += line.excl_tax
        excl += line.excl_tax
        cost += line.cost
    by_rate = {rate: (base, money(base * rate / HUNDRED)) for rate, base in sorted(bases.items())}
    tax = sum((vat for _base, vat in by_rate.values()), ZERO)
    return Totals(excl_tax=excl, tax=tax, incl_tax=excl + tax, margin=excl - cost, by_rate=by_rate)


def line_amounts_of(line) -> LineAmounts:
    """The amounts of a DocumentLine row (quote, order or invoice line)."""
    return line_amounts(
        quantity=line.quantity,
        unit_price=line.unit_price,
        discount_percent=line.discount_percent,
        vat_rate=line.vat_rate,
        unit_cost=line.unit_cost,
    )
