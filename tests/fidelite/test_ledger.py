"""The ledger's rules: earning from invoices (once), credit-note reversal, manual credit and
debit, the refused negative balance, the threshold offer (once) and the overrides."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django_scopes import scope

from fidelite.models import EntryKind, PointEntry
from fidelite.services.accounts import loyalty_join
from fidelite.services.earning import invoice_points_earn
from fidelite.services.ledger import points_debit_manual, points_spend
from parc.models import ServiceContract
from tests.fidelite.factories import LoyaltyProgramFactory, account_of, balance, credit
from tests.parc.factories_assets import ArticleFactory, ArticleFamilyFactory
from tests.parc.factories_contracts import ContractTemplateFactory
from tests.tiers.factories import ThirdPartyFactory
from tests.ventes.factories_billing import billing_order, invoice_of
from ventes.services.invoices import credit_note_create, invoice_validate

pytestmark = pytest.mark.django_db


def entries(account, **filters) -> list[tuple[str, int]]:
    with scope(tenant=account.tenant):
        rows = PointEntry.objects.filter(account=account, **filters).order_by("pk")
        return [(row.kind, row.points) for row in rows]


def test_validated_invoice_earns_points_once(tenant):
    account = account_of(tenant)
    invoice = invoice_of(billing_order(tenant, customer=account.customer, lines=(("2", "100.00"),)))

    with scope(tenant=tenant):
        again = invoice_points_earn(tenant=tenant, actor=None, invoice=invoice)

    assert again is None
    assert entries(account) == [(EntryKind.EARNED, 200)]
    assert balance(account) == 200


def test_the_database_refuses_a_second_entry_for_the_same_invoice(tenant):
    account = account_of(tenant)
    invoice = invoice_of(billing_order(tenant, customer=account.customer))

    with scope(tenant=tenant), pytest.raises(IntegrityError), transaction.atomic():
        PointEntry.objects.create(
            tenant=tenant,
            account=account,
            kind=EntryKind.EARNED,
            points=5,
            occurred_on=invoice.invoice_date,
            source_invoice=invoice,
        )


def test_invoice_below_the_minimum_amount_earns_nothing(tenant):
    account = account_of(tenant, minimum_invoice_amount=Decimal("500"))
    invoice_of(billing_order(tenant, customer=account.customer, lines=(("2", "100.00"),)))

    assert entries(account) == []


def test_customer_without_account_earns_nothing(tenant):
    customer = ThirdPartyFactory(tenant=tenant)
    invoice_of(billing_order(tenant, customer=customer))

    with scope(tenant=tenant):
        assert not PointEntry.objects.exists()


def test_family_rate_wins_over_the_programme_rate(tenant):
    family = ArticleFamilyFactory(tenant=tenant)
    account = account_of(tenant, points_per_euro=Decimal("1"))
    with scope(tenant=tenant):
        account.program.family_rates.create(tenant=tenant, family=family, points_per_euro=Decimal("3"))
    article = ArticleFactory(tenant=tenant, family=family)
    invoice_of(billing_order(tenant, customer=account.customer, lines=(("1", "10.50"),), article=article))

    assert entries(account) == [(EntryKind.EARNED, 31)]  # floor(10.50 * 3)


def test_validated_credit_note_takes_the_points_back(tenant):
    account = account_of(tenant)
    invoice = invoice_of(billing_order(tenant, customer=account.customer, lines=(("2", "100.00"),)))

    with scope(tenant=tenant):
        note = credit_note_create(
            tenant=tenant, actor=None, invoice=invoice, credit_date=datetime.date(2026, 4, 2)
        )
        invoice_validate(tenant=tenant, actor=None, invoice=note)

    assert entries(account) == [(EntryKind.EARNED, 200), (EntryKind.EARNED, -200)]
    assert balance(account) == 0


def test_credit_note_of_an_invoice_that_earned_nothing_takes_nothing(tenant):
    customer = ThirdPartyFactory(tenant=tenant)
    invoice = invoice_of(billing_order(tenant, customer=customer))
    account = account_of(tenant, customer=customer)  # joined after the invoice

    with scope(tenant=tenant):
        note = credit_note_create(
            tenant=tenant, actor=None, invoice=invoice, credit_date=datetime.date(2026, 4, 2)
        )
        invoice_validate(tenant=tenant, actor=None, invoice=note)

    assert entries(account) == []


def test_manual_debit_within_the_balance_is_accepted(tenant, users_by_role):
    account = account_of(tenant)
    credit(account, 100)

    with scope(tenant=tenant):
        entry = points_debit_manual(
            tenant=tenant, actor=users_by_role["Manager"], account=account, points=40, reason="Cadeau"
        )

    assert (entry.kind, entry.points, entry.author) == (EntryKind.MANUAL_DEBIT, -40, users_by_role["Manager"])
    assert balance(account) == 60


def test_debit_that_would_make_the_balance_negative_is_refused(tenant):
    account = account_of(tenant)
    credit(account, 100)

    with scope(tenant=tenant), pytest.raises(ValidationError) as refused:
        points_debit_manual(tenant=tenant, actor=None, account=account, points=101, reason="Cadeau")

    assert refused.value.message_dict == {
        "points": ["Solde de points insuffisant : 100 points disponibles, 101 demandés."]
    }
    assert balance(account) == 100


def test_manual_credit_without_reason_is_refused(tenant):
    account = account_of(tenant)

    with pytest.raises(ValidationError) as refused:
        credit(account, 10, reason="  ")

    assert refused.value.message_dict == {"reason": ["Indiquez le motif du mouvement de points."]}


def test_spending_gives_the_points_value_and_is_refused_beyond_the_balance(tenant):
    account = account_of(tenant, point_value=Decimal("0.05"))
    credit(account, 100)

    with scope(tenant=tenant):
        entry, value = points_spend(tenant=tenant, actor=None, account=account, points=60)
        with pytest.raises(ValidationError) as refused:
            points_spend(tenant=tenant, actor=None, account=account, points=41)

    assert (entry.points, value) == (-60, Decimal("3.00"))
    assert refused.value.messages == ["Solde de points insuffisant : 40 points disponibles, 41 demandés."]


def test_reaching_the_threshold_offers_the_contract_once(tenant):
    template = ContractTemplateFactory(tenant=tenant)
    account = account_of(tenant, offer_threshold=100, offer_template=template)

    credit(account, 60)
    with scope(tenant=tenant):
        assert not ServiceContract.objects.exists()
    credit(account, 50)
    credit(account, 500)

    with scope(tenant=tenant):
        contracts = list(ServiceContract.objects.all())
        account.refresh_from_db()
    assert [(c.customer_id, c.template_id) for c in contracts] == [(account.customer_id, template.pk)]
    assert account.offered_contract == contracts[0]


def test_the_accounts_own_threshold_and_template_win(tenant):
    program_template = ContractTemplateFactory(tenant=tenant)
    own_template = ContractTemplateFactory(tenant=tenant, contract_type=program_template.contract_type)
    account = account_of(tenant, offer_threshold=100, offer_template=program_template)
    with scope(tenant=tenant):
        account.threshold_override = 1000
        account.template_override = own_template
        account.save()

    credit(account, 500)
    with scope(tenant=tenant):
        assert not ServiceContract.objects.exists()
    credit(account, 500)

    with scope(tenant=tenant):
        assert list(ServiceContract.objects.values_list("template_id", flat=True)) == [own_template.pk]


def test_a_customer_joins_once(tenant):
    account = account_of(tenant)
    program = LoyaltyProgramFactory(tenant=tenant)

    with scope(tenant=tenant), pytest.raises(ValidationError) as refused:
        loyalty_join(tenant=tenant, actor=None, customer=account.customer, program=program)

    assert refused.value.message_dict == {
        "program": [f"Ce client a déjà le compte de fidélité {account.number}."]
    }
    assert account.number == "FID000001"


def test_a_prospect_cannot_join(tenant):
    from tiers.models import Lifecycle

    prospect = ThirdPartyFactory(tenant=tenant, lifecycle=Lifecycle.PROSPECT_DRAFT)
    program = LoyaltyProgramFactory(tenant=tenant)

    with scope(tenant=tenant), pytest.raises(ValidationError) as refused:
        loyalty_join(tenant=tenant, actor=None, customer=prospect, program=program)

    assert refused.value.message_dict == {
        "program": ["Seul un client peut adhérer à un programme de fidélité."]
    }
