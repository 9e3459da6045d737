"""Credit notes (avoirs) of a validated invoice: full or partial, never more than invoiced and
not credited yet; validation numbers them AV-… and emits invoice.credited once."""

from __future__ import annotations

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope

from tests.ventes.factories_billing import billing_order, invoice_of
from tests.ventes.test_invoices import _messages, events  # noqa: F401 (fixture)
from ventes.models import InvoiceKind, InvoiceLine
from ventes.services.invoices import credit_note_create, invoice_validate

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 4, 2)


def _line_ids(invoice) -> list[int]:
    with scope(tenant=invoice.tenant):
        return list(
            InvoiceLine.objects.filter(invoice=invoice).order_by("position").values_list("pk", flat=True)
        )


def _credit(invoice, quantities=None):
    with scope(tenant=invoice.tenant):
        return credit_note_create(
            tenant=invoice.tenant, actor=None, invoice=invoice, credit_date=DAY, quantities=quantities
        )


def test_full_credit_note_copies_the_invoice_and_is_validated_once(tenant, events):  # noqa: F811
    invoice = invoice_of(billing_order(tenant, lines=[("2", "100"), ("1", "45.50")]))

    note = _credit(invoice)
    with scope(tenant=tenant):
        note = invoice_validate(tenant=tenant, actor=None, invoice=note)
        with pytest.raises(ValidationError) as error:
            invoice_validate(tenant=tenant, actor=None, invoice=note)

    assert (note.kind, note.credited_invoice_id, note.number) == (
        InvoiceKind.CREDIT_NOTE,
        invoice.pk,
        "AV-2026-000001",
    )
    assert note.total_incl_tax == invoice.total_incl_tax
    assert _messages(error.value) == ["L'avoir AV-2026-000001 est déjà validé."]
    assert events == [("invoice.validated", invoice.pk), ("invoice.credited", note.pk)]


def test_partial_credit_notes_up_to_the_invoiced_quantity(tenant):
    invoice = invoice_of(billing_order(tenant, lines=[("3", "10")]))
    (line_id,) = _line_ids(invoice)

    first = _credit(invoice, {line_id: D("2")})
    second = _credit(invoice, {line_id: D("1")})

    assert (first.total_excl_tax, second.total_excl_tax) == (D("20.00"), D("10.00"))


def test_credit_note_refused_over_what_is_left_to_credit(tenant):
    invoice = invoice_of(billing_order(tenant, lines=[("3", "10")]))
    (line_id,) = _line_ids(invoice)
    _credit(invoice, {line_id: D("2")})

    with pytest.raises(ValidationError) as error:
        _credit(invoice, {line_id: D("2")})

    assert _messages(error.value) == [
        "La quantité à avoir (2) dépasse la quantité facturée non encore avoirée (1)."
    ]


def test_credit_note_refused_on_a_draft_invoice(tenant):
    draft = invoice_of(billing_order(tenant), validate=False)

    with pytest.raises(ValidationError) as error:
        _credit(draft)

    assert _messages(error.value) == ["Seule une facture validée peut faire l'objet d'un avoir."]
