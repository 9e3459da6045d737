"""Demo data of the pipeline: deals and commercial actions of the demo customers.

Per company, ``ctx.sizes["deals"]`` deals and ``ctx.sizes["actions"]`` actions spread over the
open customers, owned by the CRM-licence members; actions are past (done, a third of them
linked to one of the customer's deals) or planned up to a month after ``ctx.today``, with the
customer's default contact. Rows are built in memory and bulk inserted at every scale (the demo
rows are not audited, like parc's); the deal counter is moved past the demo numbers so the
service's next number is free. The customers' relationship dates are then set with one
``UPDATE`` per kind (first/last contact from the done actions, next contact from the earliest
action still to do after ``ctx.today``) instead of one service call per action.
Idempotent: a company that already has deals is left as it is.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from crm.demo import DemoContext, bulk_create_in_batches

TITLES = (
    "Renouvellement du parc d'impression",
    "Migration téléphonie IP",
    "Équipement nouvelle agence",
    "Contrat de maintenance informatique",
    "Vidéosurveillance entrepôt",
    "Remplacement des postes de travail",
)
SUBJECTS = {
    "call_out": "Appel de suivi",
    "call_in": "Demande d'information",
    "meeting": "Rendez-vous de présentation",
    "task": "Préparer la proposition",
    "event": "Invitation au salon",
    "note": "Compte rendu",
    "email": "Envoi de documentation",
    "sms": "Confirmation de rendez-vous",
}
DONE_SHARE = 0.7
TREATED_SHARE = 0.3
DEAL_LINK_SHARE = 0.33


def seed(ctx: DemoContext) -> None:
    from crm.services.tenant_binding import tenant_context

    from .models import Deal

    for company in ctx.companies:
        with tenant_context(company):
            if Deal.objects.filter(tenant=company).exists():
                continue
            deals, actions = _seed_company(ctx, company)
            ctx.out(f"    {company.code} : {deals} affaires, {actions} actions")


def _seed_company(ctx: DemoContext, company) -> tuple[int, int]:
    from django.utils import timezone

    from crm.models import Counter, Licence, Membership
    from tiers.models import ContactLink, Lifecycle, ThirdParty

    from .models import Action, ActionKind, Deal, DealStatus
    from .services.deals import NUMBER_PREFIX, NUMBER_WIDTH

    rng = ctx.rng
    customers = list(
        ThirdParty.objects.filter(tenant=company, lifecycle=Lifecycle.CUSTOMER, is_closed=False)
        .order_by("pk")
        .values_list("pk", flat=True)[: ctx.sizes["third_parties"]]
    )
    owners = list(
        Membership.objects.filter(tenant=company, is_active=True, licence=Licence.CRM)
        .order_by("pk")
        .values_list("user_id", flat=True)
    )
    if not customers or not owners:
        return 0, 0
    contacts = dict(
        ContactLink.objects.filter(tenant=company, third_party_id__in=customers, is_default=True).values_list(
            "third_party_id", "contact_id"
        )
    )
    year = ctx.today.year
    deals = []
    for number in range(1, ctx.sizes["deals"] + 1):
        opened = ctx.today - datetime.timedelta(days=rng.randint(0, 300))
        treated = rng.random() < TREATED_SHARE
        deals.append(
            Deal(
                tenant=company,
                customer_id=rng.choice(customers),
                number=f"{NUMBER_PREFIX}-{year}-{number:0{NUMBER_WIDTH}d}",
                title=rng.choice(TITLES),
                owner_id=rng.choice(owners),
                amount=Decimal(rng.randint(5, 500) * 100),
                probability=rng.choice((10, 25, 50, 75, 90)),
                status=DealStatus.TREATED if treated else DealStatus.UNTREATED,
                opened_on=opened,
                expected_on=opened + datetime.timedelta(days=rng.randint(15, 120)),
                closed_on=min(ctx.today, opened + datetime.timedelta(days=rng.randint(10, 90)))
                if treated
                else None,
            )
        )
    bulk_create_in_batches(Deal, deals, tenant=company)
    Counter.objects.update_or_create(
        tenant=company, key=f"ventes.{NUMBER_PREFIX}.{year}", defaults={"value": len(deals)}
    )
    deals_by_customer: dict[int, list[int]] = {}
    for deal in Deal.objects.filter(tenant=company).values_list("customer_id", "pk"):
        deals_by_customer.setdefault(deal[0], []).append(deal[1])

    midnight = timezone.make_aware(datetime.datetime.combine(ctx.today, datetime.time(9)))
    kinds = list(ActionKind.values)
    actions = []
    for _index in range(ctx.sizes["actions"]):
        customer_id = rng.choice(customers)
        kind = rng.choice(kinds)
        done = rng.random() < DONE_SHARE
        moment = midnight + datetime.timedelta(days=rng.randint(-365, -1) if done else rng.randint(0, 30))
        customer_deals = deals_by_customer.get(customer_id)
        deal_id = rng.choice(customer_deals) if customer_deals and rng.random() < DEAL_LINK_SHARE else None
        actions.append(
            Action(
                tenant=company,
                customer_id=customer_id,
                kind=kind,
                subject=SUBJECTS[kind],
                contact_id=contacts.get(customer_id),
                deal_id=deal_id,
                owner_id=rng.choice(owners),
                planned_at=moment,
                done_at=moment if done else None,
            )
        )
    bulk_create_in_batches(Action, actions, tenant=company)
    _relationship_dates(company, after=midnight)
    return len(deals), len(actions)


def _relationship_dates(company, *, after: datetime.datetime) -> None:
    """The customers' contact dates from the demo actions: one UPDATE per kind of date."""
    from django.db.models import Case, F, OuterRef, Subquery, Value, When
    from django.db.models.functions import Greatest, Least

    from tiers.models import ThirdParty

    from .models import Action, ActionKind

    done = Action.objects.filter(tenant=company, customer=OuterRef("pk"), done_at__isnull=False)
    latest = done.order_by("-done_at")
    kind_label = Case(*[When(kind=value, then=Value(str(label))) for value, label in ActionKind.choices])
    customers = ThirdParty.objects.filter(
        tenant=company,
        pk__in=Action.objects.filter(tenant=company, done_at__isnull=False).values("customer_id"),
    )
    customers.update(
        first_contact_at=Least(
            F("first_contact_at"), Subquery(done.order_by("done_at").values("done_at")[:1])
        ),
        last_contact_at=Greatest(F("last_contact_at"), Subquery(latest.values("done_at")[:1])),
        last_contact_kind=Subquery(latest.annotate(label=kind_label).values("label")[:1]),
    )
    upcoming = Action.objects.filter(
        tenant=company, customer=OuterRef("pk"), done_at__isnull=True, planned_at__gte=after
    ).order_by("planned_at")
    ThirdParty.objects.filter(
        tenant=company,
        pk__in=Action.objects.filter(tenant=company, done_at__isnull=True, planned_at__gte=after).values(
            "customer_id"
        ),
    ).update(
        next_contact_at=Subquery(upcoming.values("planned_at")[:1]),
        next_contact_kind=Subquery(upcoming.annotate(label=kind_label).values("label")[:1]),
    )
