"""Demo installed base: assets on the demo customers' sites (some on loan where loans are
allowed), financing on some, equipment matched on the PCs and servers, competitors' assets; at
``--scale large`` one big customer gets 5,000 assets. Rows are built in memory and inserted with
``bulk_create_in_batches`` (the rules of parc.services.assets hold: the site is the customer's,
the business line is the article's). Idempotent: a company that already has assets is skipped."""

from __future__ import annotations

import datetime
from decimal import Decimal

from crm.demo import DemoContext, bulk_create_in_batches

BIG_CUSTOMER_ASSETS = 5_000
FINANCED_SHARE = 0.3
FINANCERS = 2
COMPETITORS = ["Copie Express", "Bureau Vallée Pro", "TelecomPlus", "Vidéo Sécurité Plus", "Xerox Services"]


def seed(ctx: DemoContext) -> None:
    from crm.services.tenant_binding import tenant_context

    from .models import Article, Asset

    for company in ctx.companies:
        with tenant_context(company):
            articles = list(
                Article.objects.filter(tenant=company).select_related("sub_family").order_by("code")
            )
            if not articles or Asset.objects.filter(tenant=company).exists():
                continue
            _seed_company(ctx, company, articles)


def _seed_company(ctx: DemoContext, company, articles: list) -> None:
    from tiers.models import Lifecycle, Site, ThirdParty

    from .models import Asset, AssetStatus, CompetitorAsset, CompetitorAssetKind, Equipment, Financing

    rng = ctx.rng
    customers = list(
        ThirdParty.objects.filter(tenant=company, lifecycle=Lifecycle.CUSTOMER, is_closed=False).order_by(
            "code"
        )[: max(1, ctx.sizes["assets"] // 3)]
    )
    if not customers:
        return
    # Two customers also act as financers (the role flag of tiers).
    financer_ids = [tp.pk for tp in customers[-FINANCERS:]]
    ThirdParty.objects.filter(tenant=company, pk__in=financer_ids).update(is_financer=True)
    sites: dict[int, list] = {}
    for site in Site.objects.filter(tenant=company, third_party__in=customers).order_by("pk"):
        sites.setdefault(site.third_party_id, []).append(site)
    plan = [(rng.choice(customers), None) for _index in range(ctx.sizes["assets"])]
    if ctx.scale == "large":
        plan += [(customers[0], None)] * BIG_CUSTOMER_ASSETS

    assets = []
    for number, (customer, _unused) in enumerate(plan, start=1):
        article = rng.choice(articles)
        customer_sites = sites.get(customer.pk) or [None]
        status = (
            AssetStatus.ON_LOAN if customer.loans_allowed and rng.random() < 0.05 else AssetStatus.IN_BASE
        )
        assets.append(
            Asset(
                tenant=company,
                customer=customer,
                site=rng.choice(customer_sites),
                business_line_id=article.business_line_id,
                article=article,
                serial=f"{article.code[:3]}{number:08d}",
                provider_id=f"B{number:07d}",
                label=article.label.split(" ", 1)[-1][:150],
                installed_on=ctx.today - datetime.timedelta(days=rng.randint(30, 2500)),
                status=status,
            )
        )
    bulk_create_in_batches(Asset, assets, tenant=company)

    financings, equipment = [], []
    for asset in assets:
        if asset.customer_id not in financer_ids and rng.random() < FINANCED_SHARE:
            months = rng.choice((36, 48, 60))
            starts_on = asset.installed_on
            rent = Decimal(rng.randint(45, 450))
            financings.append(
                Financing(
                    tenant=company,
                    asset=asset,
                    customer_id=asset.customer_id,
                    site_id=asset.site_id,
                    business_line_id=asset.business_line_id,
                    financer_id=rng.choice(financer_ids),
                    internal_number=f"AI{asset.pk:07d}",
                    external_number=f"LF-{rng.randint(100000, 999999)}",
                    starts_on=starts_on,
                    ends_on=starts_on + datetime.timedelta(days=months * 30),
                    duration_months=months,
                    rent=rent,
                    remaining=max(Decimal(0), rent * (months - (ctx.today - starts_on).days // 30)),
                    financing_type=rng.choice(("Location financière", "Crédit-bail", "LOA")),
                )
            )
        if asset.article.sub_family and asset.article.sub_family.code in ("INF-PC", "INF-SRV"):
            equipment.append(
                Equipment(
                    tenant=company,
                    customer_id=asset.customer_id,
                    site_id=asset.site_id,
                    business_line_id=asset.business_line_id,
                    asset=asset,
                    serial=asset.serial,
                    hostname=f"{'srv' if 'SRV' in asset.article.sub_family.code else 'pc'}-{asset.pk}",
                    model=asset.article.model,
                    is_active=rng.random() < 0.9,
                )
            )
    bulk_create_in_batches(Financing, financings, tenant=company)
    bulk_create_in_batches(Equipment, equipment, tenant=company, ignore_conflicts=True)
    bulk_create_in_batches(
        CompetitorAsset,
        (
            CompetitorAsset(
                tenant=company,
                customer=customer,
                kind=rng.choice(CompetitorAssetKind.values),
                competitor=rng.choice(COMPETITORS),
                description="Matériel installé par un concurrent",
                contract_initial_end_on=ctx.today + datetime.timedelta(days=rng.randint(30, 900)),
                contract_type=rng.choice(("Location", "Maintenance", "Achat")),
            )
            for customer in customers[: max(1, len(customers) // 4)]
        ),
        tenant=company,
    )
