"""Demo loyalty data (order 40, after ventes): one programme per company, accounts for some
customers (``loyalty_accounts`` of the scale table), and the points of their validated invoices
and credit notes, bulk inserted.

Idempotent: the programme is found by name, a customer with an account is skipped, and the
entries hit the ledger's unique constraint (account, kind, invoice) on a second run. The points
are floor(HT * the programme's rate) per document (the demo programme has no family rates and no
minimum amount), a credit note's taken back.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

from crm.demo import DemoContext, bulk_create_in_batches

PROGRAM_NAME = "Club Fidélité"


def seed(ctx: DemoContext) -> None:
    from crm.services.tenant_binding import tenant_context
    from fidelite.models import LoyaltyAccount, LoyaltyProgram
    from fidelite.services.accounts import account_number_next
    from parc.models import ContractTemplate
    from tiers.models import Lifecycle, ThirdParty

    for company in ctx.companies:
        with tenant_context(company):
            program, _created = LoyaltyProgram.objects.get_or_create(
                tenant=company,
                name=PROGRAM_NAME,
                defaults={
                    "points_per_euro": Decimal("1"),
                    "point_value": Decimal("0.01"),
                    "expiry_months": 24,
                    "service_points_per_hour": 100,
                    "offer_threshold": 50_000,
                    "offer_template": ContractTemplate.objects.filter(tenant=company)
                    .order_by("code")
                    .first(),
                },
            )
            enrolled = LoyaltyAccount.objects.filter(tenant=company).values("customer_id")
            customers = list(
                ThirdParty.objects.filter(tenant=company, lifecycle=Lifecycle.CUSTOMER, is_closed=False)
                .exclude(pk__in=enrolled)
                .order_by("code")
                .values_list("pk", flat=True)[: max(0, ctx.sizes["loyalty_accounts"] - len(enrolled))]
            )
            accounts = [
                LoyaltyAccount(
                    customer_id=pk,
                    program=program,
                    number=account_number_next(tenant=company),
                    joined_on=ctx.today.replace(year=ctx.today.year - 2),
                )
                for pk in customers
            ]
            bulk_create_in_batches(LoyaltyAccount, accounts, tenant=company, ignore_conflicts=True)
            count = _entries_seed(company, program)
            ctx.out(f"    {company.code} : {len(accounts)} comptes de fidélité, {count} mouvements")


def _entries_seed(company, program) -> int:
    from fidelite.models import EntryKind, LoyaltyAccount, PointEntry
    from ventes.models import Invoice, InvoiceKind, InvoiceState

    accounts = dict(
        LoyaltyAccount.objects.filter(tenant=company, program=program).values_list("customer_id", "pk")
    )
    documents = Invoice.objects.filter(
        tenant=company, state=InvoiceState.VALIDATED, customer_id__in=list(accounts)
    ).values_list("pk", "customer_id", "kind", "total_excl_tax", "invoice_date")

    def rows():
        for pk, customer_id, kind, amount, day in documents.iterator():
            points = int((amount * program.points_per_euro).to_integral_value(rounding=ROUND_FLOOR))
            if points > 0:
                yield PointEntry(
                    account_id=accounts[customer_id],
                    kind=EntryKind.EARNED,
                    points=-points if kind == InvoiceKind.CREDIT_NOTE else points,
                    occurred_on=day,
                    source_invoice_id=pk,
                )

    return bulk_create_in_batches(PointEntry, rows(), tenant=company, ignore_conflicts=True)
