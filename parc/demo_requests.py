"""Demo data of service requests (DIT): per company, ``sizes["service_requests"]`` requests on
customers with assets (one or two assets each, a nature, a state — most closed, some open, a few
cancelled), one to three interventions by the company's technicians, and the coverages the
service would store: every active contract covering the assets on the start date, a few
unchecked. At ``--scale large`` the big customer (the one with the most assets: 5,000 at that
scale, see demo_assets) gets 2,000 more requests.

Rows are built in memory and bulk inserted (after the contracts step, whose coverage links are
read once); the yearly number counters (DIT-2026-000123) are moved past the demo numbers, so the
service's next number is free. Skips gracefully without assets. Idempotent: a company that
already has requests is left as it is.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from crm.demo import DemoContext, bulk_create_in_batches

BIG_CUSTOMER_REQUESTS = 2_000
HISTORY_DAYS = 540
UNCHECKED_SHARE = 0.15
DETAILS = (
    "Bourrage papier à répétition sur le bac 2",
    "Traits noirs sur les copies",
    "Le copieur n'imprime plus en couleur",
    "Installation du poste et paramétrage réseau",
    "Visite de maintenance préventive",
    "Le téléphone du standard ne sonne plus",
    "Caméra du parking hors service",
    "Formation des utilisateurs au scan vers e-mail",
    "Écran cassé, demande de prise en garantie",
)
REPORTS = (
    "Remplacement du rouleau d'entraînement, tests OK.",
    "Nettoyage du tambour et de la vitre, copies conformes.",
    "Mise à jour du micrologiciel, redémarrage.",
    "Pièce commandée, nouveau passage à prévoir.",
    "Paramétrage terminé, utilisateur formé.",
)


def seed(ctx: DemoContext) -> None:
    from crm.services.tenant_binding import tenant_context

    from .models import Asset, ServiceRequest

    for company in ctx.companies:
        with tenant_context(company):
            if ServiceRequest.objects.filter(tenant=company).exists():
                continue
            if not Asset.objects.filter(tenant=company).exists():
                continue
            count = _seed_company(ctx, company)
            ctx.out(f"    {company.code} : {count} demandes d'intervention")


def _assets_by_customer(company) -> dict[int, list[tuple]]:
    from .models import Asset

    rows = (
        Asset.objects.filter(tenant=company)
        .order_by("customer_id", "pk")
        .values_list("pk", "customer_id", "site_id", "business_line_id")
    )
    grouped: dict[int, list[tuple]] = defaultdict(list)
    for row in rows.iterator(chunk_size=10_000):
        grouped[row[1]].append(row)
    return grouped


def _coverage_index(company):
    """{asset id: [(contract id, starts_on, ends_on)]} of the active contracts."""
    from .models import ContractAsset, ContractStatus

    index: dict[int, list[tuple]] = defaultdict(list)
    rows = ContractAsset.objects.filter(tenant=company, contract__status=ContractStatus.ACTIVE).values_list(
        "asset_id", "contract_id", "contract__starts_on", "contract__ends_on"
    )
    for asset_id, contract_id, starts_on, ends_on in rows.iterator(chunk_size=10_000):
        index[asset_id].append((contract_id, starts_on, ends_on))
    return index


def _technicians(company) -> list[int]:
    from crm.models import Membership

    members = Membership.objects.filter(tenant=company, is_active=True).select_related("role")
    preferred = [m.user_id for m in members if m.role.name == "Technicien"]
    return preferred or [m.user_id for m in members]


def _seed_company(ctx: DemoContext, company) -> int:
    from django.utils import timezone

    from .models import (
        Intervention,
        RequestNature,
        RequestState,
        ServiceRequest,
        ServiceRequestAsset,
        ServiceRequestCoverage,
    )

    rng = ctx.rng
    assets = _assets_by_customer(company)
    technicians = _technicians(company)
    if not assets or not technicians:
        return 0
    customers = sorted(assets)
    plan = [rng.choice(customers) for _index in range(ctx.sizes["service_requests"])]
    if ctx.scale == "large":
        big = max(customers, key=lambda pk: (len(assets[pk]), -pk))
        plan += [big] * BIG_CUSTOMER_REQUESTS
    coverage = _coverage_index(company)
    natures = list(RequestNature.values)
    # In UTC, so adding durations never meets a daylight-saving jump.
    start_of_day = timezone.make_aware(datetime.datetime.combine(ctx.today, datetime.time(8, 0))).astimezone(
        datetime.UTC
    )

    requests, chosen, counters = [], [], defaultdict(int)
    for customer_id in plan:
        picked = rng.sample(assets[customer_id], k=min(len(assets[customer_id]), rng.choice((1, 1, 2))))
        started_at = start_of_day - datetime.timedelta(
            days=rng.randint(0, HISTORY_DAYS), minutes=rng.randint(0, 9 * 60)
        )
        year = timezone.localtime(started_at).year
        counters[year] += 1
        draw = rng.random()
        state = (
            RequestState.CLOSED
            if draw < 0.7
            else RequestState.CANCELLED
            if draw < 0.75
            else rng.choice((RequestState.NEW, RequestState.IN_PROGRESS, RequestState.WAITING))
        )
        requests.append(
            ServiceRequest(
                tenant=company,
                number=f"DIT-{year}-{counters[year]:06d}",
                detail=rng.choice(DETAILS),
                state=state,
                nature=rng.choice(natures),
                started_at=started_at,
                closed_at=started_at + datetime.timedelta(days=rng.randint(0, 10), hours=4)
                if state == RequestState.CLOSED
                else None,
                customer_id=customer_id,
                principal_id=customer_id,
                site_id=picked[0][2],
                business_line_id=picked[0][3],
            )
        )
        chosen.append(picked)
    bulk_create_in_batches(ServiceRequest, requests, tenant=company)

    def links():
        for request, picked in zip(requests, chosen, strict=True):
            for asset in picked:
                yield ServiceRequestAsset(request_id=request.pk, asset_id=asset[0])

    def coverages():
        for request, picked in zip(requests, chosen, strict=True):
            on = timezone.localtime(request.started_at).date()
            contract_ids = {
                contract_id
                for asset in picked
                for contract_id, starts_on, ends_on in coverage.get(asset[0], ())
                if starts_on <= on and (ends_on is None or ends_on >= on)
            }
            for contract_id in sorted(contract_ids):
                yield ServiceRequestCoverage(
                    request_id=request.pk, contract_id=contract_id, is_selected=rng.random() > UNCHECKED_SHARE
                )

    def interventions():
        for request in requests:
            if request.state in (RequestState.NEW, RequestState.CANCELLED):
                continue
            for visit in range(rng.randint(1, 3)):
                starts_at = request.started_at + datetime.timedelta(days=visit, hours=rng.randint(1, 5))
                minutes = rng.choice((30, 45, 60, 90, 120, 150))
                yield Intervention(
                    request_id=request.pk,
                    customer_id=request.customer_id,
                    site_id=request.site_id,
                    business_line_id=request.business_line_id,
                    technician_id=rng.choice(technicians),
                    starts_at=starts_at,
                    ends_at=starts_at + datetime.timedelta(minutes=minutes),
                    duration_minutes=minutes,
                    report=rng.choice(REPORTS),
                )

    bulk_create_in_batches(ServiceRequestAsset, links(), tenant=company)
    bulk_create_in_batches(ServiceRequestCoverage, coverages(), tenant=company)
    bulk_create_in_batches(Intervention, interventions(), tenant=company)
    _counters_move(company, counters)
    return len(requests)


def _counters_move(company, counters: dict[int, int]) -> None:
    from crm.models import Counter

    from .services.requests import NUMBER_COUNTER

    for year, last in counters.items():
        counter, _created = Counter.objects.get_or_create(
            tenant=company, key=f"{NUMBER_COUNTER}:{year}", defaults={"value": last}
        )
        if counter.value < last:
            Counter.objects.filter(pk=counter.pk).update(value=last)
