"""Demo quotes and orders of the demo customers (after the pipeline step; the billing step then
delivers and invoices some orders).

Per company, ``ctx.sizes["quotes"]`` quotes and ``ctx.sizes["orders"]`` orders spread over the
open customers, with one to three lines on the catalogue's articles, priced and totalled by
ventes.amounts (as the services store them); a third of the accepted quotes became an order
(its lines copied). At ``--scale large`` the big customer (the one with the most assets, 5,000 in
parc/demo_assets.py) also gets ``BIG_CUSTOMER_ORDERS`` orders. Rows are built in memory and bulk
inserted (not audited, like the other demo steps); the number counters are moved past the demo
numbers, and the customers' last quote and first order dates set with one UPDATE each.
Idempotent: a company that already has quotes or orders is left as it is.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from crm.demo import DemoContext, bulk_create_in_batches

BIG_CUSTOMER_ORDERS = 20_000
DAYS_BACK = 3 * 365
ORDERED_SHARE = 0.33
PRICES = (Decimal("49.90"), Decimal("189.00"), Decimal("450.00"), Decimal("1290.00"), Decimal("3490.00"))


def seed(ctx: DemoContext) -> None:
    from crm.services.tenant_binding import tenant_context
    from parc.models import Article

    from .models import Order, Quote

    for company in ctx.companies:
        with tenant_context(company):
            articles = list(Article.objects.filter(tenant=company, is_active=True).order_by("code")[:200])
            done = (
                Quote.objects.filter(tenant=company).exists() or Order.objects.filter(tenant=company).exists()
            )
            if articles and not done:
                _seed_company(ctx, company, articles)


def _owners(company) -> list:
    from crm.models import Membership

    memberships = Membership.objects.filter(tenant=company, is_active=True).select_related("user")
    return [membership.user for membership in memberships.order_by("pk")]


def _big_customer_id(company) -> int | None:
    from django.db.models import Count

    from parc.models import Asset

    top = (
        Asset.objects.filter(tenant=company)
        .values("customer_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "customer_id")
        .first()
    )
    return top["customer_id"] if top else None


def _seed_company(ctx: DemoContext, company, articles: list) -> None:
    from tiers.models import Lifecycle, ThirdParty

    customers = list(
        ThirdParty.objects.filter(tenant=company, lifecycle=Lifecycle.CUSTOMER, is_closed=False).order_by(
            "code"
        )[: max(1, ctx.sizes["orders"] // 2)]
    )
    owners = _owners(company)
    if not customers or not owners:
        return
    quotes = _seed_quotes(ctx, company, customers, articles, owners)
    plan = [ctx.rng.choice(customers) for _index in range(ctx.sizes["orders"])]
    if ctx.scale == "large":
        big_id = _big_customer_id(company)
        big = ThirdParty.objects.filter(tenant=company, pk=big_id).first() if big_id else None
        plan += [big] * BIG_CUSTOMER_ORDERS if big is not None else []
    _seed_orders(ctx, company, plan, quotes, articles, owners)
    _relationship_dates(company)


def _lines(ctx: DemoContext, articles: list) -> list[dict]:
    rng = ctx.rng
    lines = []
    for _index in range(rng.randint(1, 3)):
        article = rng.choice(articles)
        price = rng.choice(PRICES)
        lines.append(
            {
                "article": article,
                "label": article.label[:200],
                "quantity": Decimal(rng.randint(1, 5)),
                "unit_price": price,
                "discount_percent": Decimal(rng.choice((0, 0, 5, 10))),
                "vat_rate": Decimal(20),
                "unit_cost": (price * Decimal("0.65")).quantize(Decimal("0.01")),
            }
        )
    return lines


def _priced(document, line_model, parent: str, lines: list[dict]) -> list:
    """Line rows of ``document`` and its totals, from ventes.amounts."""
    from .amounts import document_totals, line_amounts

    rows, amounts = [], []
    for position, line in enumerate(lines, start=1):
        fields = {name: value for name, value in line.items() if name not in {"article", "label"}}
        computed = line_amounts(**fields)
        amounts.append(computed)
        rows.append(
            line_model(
                **{parent: document},
                tenant_id=document.tenant_id,
                customer_id=document.customer_id,
                site_id=document.site_id,
                business_line_id=line["article"].business_line_id,
                position=position,
                article=line["article"],
                label=line["label"],
                total_excl_tax=computed.excl_tax,
                total_tax=computed.tax,
                **fields,
            )
        )
    totals = document_totals(amounts)
    document.total_excl_tax, document.total_tax = totals.excl_tax, totals.tax
    document.total_incl_tax, document.margin = totals.incl_tax, totals.margin
    return rows


def _day(ctx: DemoContext) -> datetime.date:
    return ctx.today - datetime.timedelta(days=ctx.rng.randint(0, DAYS_BACK))


def _insert(company, planned: list[tuple], *, line_model, parent: str, date_field: str, prefix: str) -> None:
    """Number ``planned`` (document, lines) by date, price them, insert documents then lines."""
    planned.sort(key=lambda item: getattr(item[0], date_field))
    counters: dict[int, int] = {}
    rows = []
    for document, lines in planned:
        year = getattr(document, date_field).year
        counters[year] = counters.get(year, 0) + 1
        document.number = f"{prefix}-{year}-{counters[year]:06d}"
        rows.append((document, _priced(document, line_model, parent, lines)))
    bulk_create_in_batches(type(planned[0][0]), [document for document, _lines in planned], tenant=company)
    for document, document_rows in rows:
        for row in document_rows:
            setattr(row, f"{parent}_id", document.pk)
    bulk_create_in_batches(
        line_model, (row for _document, document_rows in rows for row in document_rows), tenant=company
    )
    _counters_move(company, prefix, counters)


def _seed_quotes(ctx: DemoContext, company, customers, articles, owners) -> list[tuple]:
    """The quotes with their lines; returns (quote, lines) of the accepted ones."""
    from .models import Quote, QuoteLine, QuoteStatus, QuoteType

    rng = ctx.rng
    planned = []
    for _index in range(ctx.sizes["quotes"]):
        issued_on = _day(ctx)
        quote = Quote(
            tenant=company,
            customer=rng.choice(customers),
            quote_type=QuoteType.COMMERCIAL if rng.random() < 0.8 else QuoteType.TECHNICAL,
            status=rng.choice(QuoteStatus.values),
            issued_on=issued_on,
            valid_until=issued_on + datetime.timedelta(days=30),
            owner=rng.choice(owners),
        )
        planned.append((quote, _lines(ctx, articles)))
    _insert(company, planned, line_model=QuoteLine, parent="quote", date_field="issued_on", prefix="DEV")
    return [(quote, lines) for quote, lines in planned if quote.status == QuoteStatus.ACCEPTED]


def _seed_orders(ctx: DemoContext, company, plan, accepted_quotes, articles, owners) -> None:
    from .models import OrderLine

    from_quotes = accepted_quotes[: int(len(accepted_quotes) * ORDERED_SHARE)]
    planned = [
        (_order(ctx, company, quote.customer, owners, quote.issued_on, quote=quote), lines)
        for quote, lines in from_quotes
    ]
    planned += [
        (_order(ctx, company, customer, owners, _day(ctx)), _lines(ctx, articles)) for customer in plan
    ]
    _insert(company, planned, line_model=OrderLine, parent="order", date_field="ordered_on", prefix="CMD")


def _order(ctx: DemoContext, company, customer, owners, ordered_on, quote=None):
    from .models import Order, OrderState

    return Order(
        tenant=company,
        customer=customer,
        number="",
        state=OrderState.OPEN,
        ordered_on=ordered_on,
        quote=quote,
        bill_to=customer,
        ship_to=customer,
        rep_1_id=customer.rep_1_id,
        rep_2_id=customer.rep_2_id,
        partial_delivery=customer.partial_delivery,
        grouping_forbidden=customer.order_grouping_forbidden,
        billing_mode=customer.billing_mode,
        created_by=ctx.rng.choice(owners),
    )


def _counters_move(company, prefix: str, counters: dict[int, int]) -> None:
    """Move each year's counter (ventes.services.lines.document_number_next) past the demo numbers."""
    from crm.models import Counter

    for year, value in counters.items():
        counter, _created = Counter.objects.get_or_create(
            tenant=company, key=f"ventes.{prefix}:{year}", defaults={"value": value}
        )
        if counter.value < value:
            Counter.objects.filter(pk=counter.pk).update(value=value)


def _relationship_dates(company) -> None:
    """Last quote and first order dates of the customers (tiers.services.relationship keeps them
    afterwards), one UPDATE each."""
    from django.db.models import Max, Min, OuterRef, Subquery

    from tiers.models import ThirdParty

    from .models import Order, Quote

    def dated(model, field: str, aggregate):
        rows = model.objects.filter(tenant=company, customer=OuterRef("pk")).order_by().values("customer")
        return Subquery(rows.annotate(value=aggregate(field)).values("value")[:1])

    customers = ThirdParty.objects.filter(tenant=company)
    customers.filter(pk__in=Quote.objects.filter(tenant=company).values("customer_id")).update(
        last_quote_on=dated(Quote, "issued_on", Max)
    )
    customers.filter(pk__in=Order.objects.filter(tenant=company).values("customer_id")).update(
        first_order_on=dated(Order, "ordered_on", Min)
    )
