"""A customer whose rows exercise every cell of the synthèse's filter table.

For each tab, named rows that differ from the reference row ``in`` by ONE dimension:
``bl`` (the other business line), ``old`` (before the default 12-month period), ``site`` (the
other site), ``unlinked`` (not about the filtered contract / asset), plus the tab's own cases
(``future`` action, ``closed`` request, ``inactive`` contract, ``removed`` asset...). The same
rows exist for a second customer of the tenant, which must never appear.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django_scopes import scope

from parc import models as parc
from tests.factories import BusinessLineFactory, UserFactory
from tests.parc.factories_assets import (
    ArticleFactory,
    AssetFactory,
    CompetitorAssetFactory,
    EquipmentFactory,
    site_of,
)
from tests.parc.factories_contracts import ServiceContractFactory, cover
from tests.parc.factories_requests import InterventionFactory, ServiceRequestFactory, link_assets
from tests.tiers.factories import ContactLinkFactory
from tests.tiers.factories_lists import SiteBusinessLineFactory
from tests.tiers.factories_records import UrlAttachmentFactory
from tests.tiers.factories_sites_banks import CustomerFactory
from tests.ventes.factories_documents import OrderFactory, OrderLineFactory, QuoteFactory
from tests.ventes.factories_pipeline import ActionFactory, DealFactory
from tiers import models as tiers
from ventes import models as ventes

TODAY = timezone.localdate()
RECENT = TODAY - datetime.timedelta(days=10)
OLD = TODAY - datetime.timedelta(days=3 * 365)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@dataclass
class World:
    tenant: object
    customer: tiers.ThirdParty
    lines: tuple  # (bl1, bl2)
    sites: tuple  # (s1, s2)
    contract: parc.ServiceContract
    asset: parc.Asset
    rows: dict[str, dict[str, object]] = field(default_factory=dict)


def _base(world: World, name: str) -> dict:
    """The customer, site and business line of row ``name`` (``bl``/``site`` differ)."""
    bl1, bl2 = world.lines
    s1, s2 = world.sites
    return {
        "customer": world.customer,
        "site": s2 if name == "site" else s1,
        "business_line": bl2 if name == "bl" else bl1,
    }


def _dated(name: str) -> datetime.date:
    return OLD if name == "old" else RECENT


MAIN = ("in", "bl", "old", "site", "unlinked")


def build_world(tenant, *, owner=None, extra: int = 0) -> World:
    """The customer, its sites, lines, contract ``C`` and asset ``A``, and every tab's rows;
    ``extra`` more rows of each kind (for the query-count tests)."""
    owner = owner or UserFactory()
    bl1 = BusinessLineFactory(tenant=tenant)
    bl2 = BusinessLineFactory(tenant=tenant)
    customer = CustomerFactory(tenant=tenant)
    s1 = site_of(customer, code="001", name="Siège")
    s2 = site_of(customer, code="002", name="Agence", is_main=False)
    SiteBusinessLineFactory(tenant=tenant, site=s1, business_line=bl1)
    SiteBusinessLineFactory(tenant=tenant, site=s2, business_line=bl2)
    article = ArticleFactory(tenant=tenant, business_line=bl1)
    asset = AssetFactory(tenant=tenant, customer=customer, site=s1, business_line=bl1, article=article)
    contract = ServiceContractFactory(tenant=tenant, customer=customer, site=s1, business_line=bl1)
    world = World(tenant, customer, (bl1, bl2), (s1, s2), contract, asset)
    _parc(world, article, extra)
    _pipeline(world, owner, extra)
    _sales(world, owner, extra)
    _requests(world, owner, extra)
    _documents(world, extra)
    _contacts(world, extra)
    return world


def _parc(world: World, article, extra: int) -> None:
    tenant, contract = world.tenant, world.contract
    assets = {"in": world.asset}
    for name in ("bl", "site", "unlinked", "removed"):
        assets[name] = AssetFactory(
            tenant=tenant,
            article=article,
            installed_on=datetime.date(2020, 1, 1),
            status=parc.AssetStatus.REMOVED if name == "removed" else parc.AssetStatus.IN_BASE,
            **_base(world, name),
        )
    assets["equipment"] = EquipmentFactory(tenant=tenant, **_base(world, "in"))
    assets["competitor"] = CompetitorAssetFactory(tenant=tenant, **_base(world, "in"))
    for index in range(extra):
        assets[f"extra{index}"] = AssetFactory(tenant=tenant, article=article, **_base(world, "in"))
    cover(contract, assets["in"], assets["bl"], assets["site"], assets["removed"])
    world.rows["parc"] = assets
    # Contracts: ``in`` is C; the others cover A, except ``site`` (an asset of s2) and
    # ``unlinked`` (nothing).
    contracts = {"in": contract}
    for name in ("bl", "old", "site", "unlinked", "inactive"):
        contracts[name] = ServiceContractFactory(
            tenant=tenant,
            starts_on=OLD if name == "old" else RECENT,
            status=parc.ContractStatus.INACTIVE if name == "inactive" else parc.ContractStatus.ACTIVE,
            **_base(world, name),
        )
    for name in ("bl", "old", "inactive"):
        cover(contracts[name], world.asset)
    cover(contracts["site"], assets["site"])
    for index in range(extra):
        contracts[f"extra{index}"] = ServiceContractFactory(tenant=tenant, **_base(world, "in"))
        cover(contracts[f"extra{index}"], world.asset)
    world.rows["ssc"] = contracts


def _pipeline(world: World, owner, extra: int) -> None:
    tenant = world.tenant
    deals = {
        name: DealFactory(tenant=tenant, owner=owner, opened_on=_dated(name), **_base(world, name))
        for name in (*MAIN, *(f"extra{i}" for i in range(extra)))
    }
    world.rows["affaires"] = deals
    actions = {}
    for name in (*MAIN, *(f"extra{i}" for i in range(extra))):
        actions[name] = ActionFactory(
            tenant=tenant,
            owner=owner,
            planned_at=at(_dated(name)),
            done_at=at(_dated(name)),
            deal=deals["in"],
            **_base(world, name),
        )
    actions["future"] = ActionFactory(
        tenant=tenant, owner=owner, planned_at=at(TODAY + datetime.timedelta(days=40)), **_base(world, "in")
    )
    # Planned long ago, done recently: in the period (done).
    actions["done_recently"] = ActionFactory(
        tenant=tenant, owner=owner, planned_at=at(OLD), done_at=at(RECENT), **_base(world, "in")
    )
    world.rows["actions"] = actions


def _sales(world: World, owner, extra: int) -> None:
    tenant = world.tenant
    quotes = {
        name: QuoteFactory(tenant=tenant, owner=owner, issued_on=_dated(name), **_base(world, name))
        for name in (*MAIN, *(f"extra{i}" for i in range(extra)))
    }
    quotes["technical"] = QuoteFactory(
        tenant=tenant,
        owner=owner,
        issued_on=RECENT,
        quote_type=ventes.QuoteType.TECHNICAL,
        **_base(world, "in"),
    )
    quotes["accepted"] = QuoteFactory(
        tenant=tenant,
        owner=owner,
        issued_on=RECENT,
        status=ventes.QuoteStatus.ACCEPTED,
        deal=world.rows["affaires"]["in"],
        **_base(world, "in"),
    )
    world.rows["devis"] = quotes
    orders = {}
    for name in (*MAIN, *(f"extra{i}" for i in range(extra))):
        order = OrderFactory(
            tenant=tenant,
            ordered_on=_dated(name),
            bill_to=world.customer,
            ship_to=world.customer,
            **_base(world, name),
        )
        contract = None if name == "unlinked" else world.contract
        OrderLineFactory(order=order, service_contract=contract, business_line=order.business_line)
        orders[name] = order
    world.rows["commandes"] = orders


def _requests(world: World, owner, extra: int) -> None:
    tenant = world.tenant
    requests = {}
    for name in (*MAIN, "closed", *(f"extra{i}" for i in range(extra))):
        closed = name == "closed"
        request = ServiceRequestFactory(
            tenant=tenant,
            started_at=at(_dated(name)),
            state=parc.RequestState.CLOSED if closed else parc.RequestState.IN_PROGRESS,
            closed_at=at(RECENT) if closed else None,
            principal=world.customer,
            **_base(world, name),
        )
        if name != "unlinked":
            link_assets(request, world.asset)
            with scope(tenant=tenant):
                parc.ServiceRequestCoverage.objects.create(
                    tenant=tenant, request=request, contract=world.contract
                )
        InterventionFactory(
            request=request, technician=owner, site=request.site, business_line=request.business_line
        )
        requests[name] = request
    world.rows["dit"] = requests


def _documents(world: World, extra: int) -> None:
    tenant = world.tenant
    types = ContentType.objects.get_for_models(parc.ServiceContract, parc.Asset, tiers.ThirdParty)
    target = {
        "contract": (types[parc.ServiceContract], world.contract.pk),
        "asset": (types[parc.Asset], world.asset.pk),
        "customer": (types[tiers.ThirdParty], world.customer.pk),
    }
    plan = {"in": "contract", "bl": "contract", "old": "contract", "site": "contract", "unlinked": "customer"}
    plan["asset_doc"] = "asset"
    plan.update({f"extra{i}": "contract" for i in range(extra)})
    documents = {}
    for name, about in plan.items():
        target_type, target_id = target[about]
        document = UrlAttachmentFactory(
            target_type=target_type,
            target_id=target_id,
            **_base(world, "in" if name == "asset_doc" else name),
        )
        if name == "old":
            with scope(tenant=tenant):
                tiers.Attachment.objects.filter(pk=document.pk).update(created_at=at(OLD))
        documents[name] = document
    world.rows["pieces"] = documents
    signatures = {}
    for name in (*MAIN, *(f"extra{i}" for i in range(extra))):
        document = documents["in"]
        with scope(tenant=tenant):
            signatures[name] = tiers.Signature.objects.create(
                tenant=tenant,
                target_type_id=document.target_type_id,
                target_id=document.target_id,
                document=document,
                signer_name="Marie Martin",
                signer_email="marie.martin@example.com",
                token_hash=f"{world.customer.pk}-{name}",
                sent_at=at(_dated(name)),
                expires_at=at(TODAY + datetime.timedelta(days=14)),
                **_base(world, name),
            )
    world.rows["signatures"] = signatures


def _contacts(world: World, extra: int) -> None:
    s1, s2 = world.sites
    contacts = {}
    for name, address, active in (
        ("in", s1.address, True),
        ("site", s2.address, True),
        ("inactive", s1.address, False),
    ):
        contacts[name] = ContactLinkFactory(
            tenant=world.tenant,
            third_party=world.customer,
            address=address,
            is_active=active,
            is_default=name == "in",
        )
    for index in range(extra):
        contacts[f"extra{index}"] = ContactLinkFactory(
            tenant=world.tenant, third_party=world.customer, address=s1.address, is_default=False
        )
    world.rows["details"] = contacts
