"""payment_due_date: basis + days, end of month, customer payment days, unavailability period."""

from __future__ import annotations

import datetime

import pytest

from tiers.models import PaymentTerm
from tiers.services.terms import payment_due_date

D = datetime.date


def term(days: int, end_of_month: bool = False) -> PaymentTerm:
    return PaymentTerm(code="T", label="T", days=days, end_of_month=end_of_month)


@pytest.mark.parametrize(
    ("days", "end_of_month", "basis", "due"),
    [
        (0, False, D(2025, 3, 10), D(2025, 3, 10)),  # comptant
        (30, False, D(2025, 1, 15), D(2025, 2, 14)),
        (45, False, D(2025, 12, 20), D(2026, 2, 3)),
        (30, True, D(2025, 1, 15), D(2025, 2, 28)),  # 30 jours fin de mois
        (30, True, D(2024, 1, 31), D(2024, 3, 31)),
        (0, True, D(2024, 2, 10), D(2024, 2, 29)),  # leap year
    ],
)
def test_due_date_is_basis_plus_days_then_end_of_month(days, end_of_month, basis, due):
    assert payment_due_date(term=term(days, end_of_month), basis_date=basis) == due


@pytest.mark.parametrize(
    ("basis", "payment_days", "due"),
    [
        (D(2025, 1, 1), (10, 25), D(2025, 2, 10)),  # +30 = 31/01 → next payment day 10/02
        (D(2025, 1, 5), (10, 25), D(2025, 2, 10)),  # +30 = 04/02
        (D(2025, 1, 11), (10, 25), D(2025, 2, 10)),  # +30 = 10/02: the payment day itself
        (D(2025, 1, 27), (10, 25), D(2025, 3, 10)),  # +30 = 26/02 → next month
        (D(2025, 1, 15), (31,), D(2025, 2, 28)),  # a day February lacks is its last day
    ],
)
def test_due_date_moves_to_the_next_customer_payment_day(basis, payment_days, due):
    assert payment_due_date(term=term(30), basis_date=basis, payment_days=payment_days) == due


def test_due_date_in_the_unavailability_period_is_pushed_to_the_day_after():
    august = (D(2025, 8, 1), D(2025, 8, 31))

    inside = payment_due_date(term=term(30), basis_date=D(2025, 7, 10), unavailable=august)
    outside = payment_due_date(term=term(30), basis_date=D(2025, 6, 10), unavailable=august)
    last_day = payment_due_date(term=term(0), basis_date=D(2025, 8, 31), unavailable=august)

    assert inside == D(2025, 9, 1)
    assert outside == D(2025, 7, 10)
    assert last_day == D(2025, 9, 1)


def test_due_date_applies_every_step_in_order():
    # 15/06 + 30 = 15/07, end of month 31/07, payment day 5 → 05/08, unavailable in August → 01/09.
    due = payment_due_date(
        term=term(30, end_of_month=True),
        basis_date=D(2025, 6, 15),
        payment_days=(5,),
        unavailable=(D(2025, 8, 1), D(2025, 8, 31)),
    )

    assert due == D(2025, 9, 1)
