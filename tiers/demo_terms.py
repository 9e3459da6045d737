"""Demo data of the terms area: per company, the reference tables (payment terms, statistical
axes and families, reminder groups, tax regimes, commission categories, rep roles, product
families), then the customers' terms and reps.

The customers' rows are written with a few set-based statements (UPDATE … CASE on ``id % n``,
INSERT … SELECT), not per-row saves, so ``--scale large`` (100,000 third parties) takes seconds.
They respect the terms' check constraints (a threshold with each "above threshold" free
shipping, a credit limit with each credit control, rep 2 only with rep 1).

Idempotent: reference rows are get_or_create; only customers without a payment term are
updated, families are inserted only for customers without one on the axis, and secondary reps
and suivi commercial rows are added only to a company that has none.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.db.models import Case, F, IntegerField, Value, When
from django.db.models.functions import Concat, Left, Mod
from django.db.models.lookups import Exact

from crm.demo import DemoContext

# (code, label, days, end of month, basis)
PAYMENT_TERMS = [
    ("COMPTANT", "Comptant", 0, False, "invoice"),
    ("30FM", "30 jours fin de mois", 30, True, "invoice"),
    ("45J", "45 jours", 45, False, "invoice"),
    ("60J", "60 jours date de livraison", 60, False, "delivery"),
]
AXES = {
    ("SECTEUR", "Secteur", 1): [("PRIVE", "Privé"), ("PUBLIC", "Public"), ("ASSOC", "Associatif")],
    ("TAILLE", "Taille", 2): [("TPE", "TPE"), ("PME", "PME"), ("ETI", "ETI"), ("GE", "Grande entreprise")],
}
SEGMENTS = {
    "reminder_group": [("STD", "Relance standard"), ("RENF", "Relance renforcée")],
    "tax_regime": [("FRA", "France métropolitaine"), ("UE", "Union européenne"), ("EXPORT", "Export")],
    "commission_category": [("STD", "Commission standard"), ("GC", "Grands comptes")],
    "rep_role": [
        ("AVV", "Avant-vente"),
        ("TECH", "Technicien référent"),
        ("ADV", "Administration des ventes"),
    ],
    "product_family": [("IMP", "Impression"), ("INFO", "Informatique"), ("TEL", "Téléphonie")],
}
# Customers (in pk order) that get secondary reps and suivi commercial rows.
REPS_CUSTOMERS = 30


def seed(ctx: DemoContext) -> None:
    from crm.services.tenant_binding import tenant_context

    for company in ctx.companies:
        with tenant_context(company):
            references = _references(company)
            _customers_update(company, references)
            _families_insert(company, references["axes"])
            _reps(ctx, company, references)


def _references(company) -> dict:
    from .models import PaymentTerm, SegmentValue, StatisticalAxis, StatisticalFamily

    terms = [
        PaymentTerm.objects.get_or_create(
            tenant=company,
            code=code,
            defaults={"label": label, "days": days, "end_of_month": eom, "due_date_basis": basis},
        )[0]
        for code, label, days, eom, basis in PAYMENT_TERMS
    ]
    axes = {}
    for (code, label, position), families in AXES.items():
        axis = StatisticalAxis.objects.get_or_create(
            tenant=company, code=code, defaults={"label": label, "position": position}
        )[0]
        axes[axis] = [
            StatisticalFamily.objects.get_or_create(
                tenant=company, axis=axis, code=family_code, defaults={"label": family_label}
            )[0]
            for family_code, family_label in families
        ]
    segments = {
        kind: [
            SegmentValue.objects.get_or_create(
                tenant=company, kind=kind, code=code, defaults={"label": label}
            )[0]
            for code, label in values
        ]
        for kind, values in SEGMENTS.items()
    }
    return {"terms": terms, "axes": axes, "segments": segments, "reps": _rep_ids(company)}


def _rep_ids(company) -> list[int]:
    from crm.models import Membership

    memberships = Membership.objects.filter(tenant=company, is_active=True, user__is_active=True)
    reps = list(
        memberships.filter(role__name="Commercial").order_by("user_id").values_list("user_id", flat=True)
    )
    return reps or list(memberships.order_by("user_id").values_list("user_id", flat=True)[:2])


def _spread(values: list, *, offset: int = 0):
    """``values[(id + offset) % len(values)]`` for each row, as one SQL CASE."""
    bucket = Mod(F("id") + offset, len(values))
    return Case(
        *[When(Exact(bucket, index), then=Value(value)) for index, value in enumerate(values)],
        output_field=IntegerField(),
    )


def _customers_update(company, references: dict) -> None:
    from .models import Lifecycle, ThirdParty

    segments = references["segments"]
    reps = references["reps"]
    # Only customers without a payment term (seeded now): a second run changes nothing. The
    # payment term is written last, so an interrupted run is completed by the next one.
    rows = ThirdParty.objects.filter(tenant=company, lifecycle=Lifecycle.CUSTOMER, payment_term__isnull=True)

    def every(step: int):
        return rows.filter(Exact(Mod(F("id"), step), 0))

    # Every fifth customer has a second rep; every seventh free shipping above 500 € HT; every
    # sixth payment days on the 10th and the 25th; every fourth a credit limit with a warning.
    if len(reps) > 1:
        every(5).update(rep_1_id=_spread(reps), rep_2_id=_spread(reps, offset=1))
    every(7).update(free_shipping="above_ht", free_shipping_threshold=Decimal("500.00"))
    every(6).update(payment_days=[10, 25])
    every(4).update(credit_limit=Decimal("20000.00"), credit_control="warning")
    rows.filter(rep_1__isnull=True).update(rep_1_id=_spread(reps) if reps else None)
    rows.update(
        reminder_group_id=_spread([value.pk for value in segments["reminder_group"]]),
        tax_regime_id=Value(segments["tax_regime"][0].pk),
        commission_category_id=_spread([value.pk for value in segments["commission_category"]]),
        accounting_code=Left(Concat(Value("411"), F("code")), 20),
        payment_term_id=_spread([term.pk for term in references["terms"]]),
    )


def _families_insert(company, axes: dict) -> None:
    """INSERT … SELECT: one family per axis for each customer without one (one statement per axis)."""
    from .models import Lifecycle, ThirdParty, ThirdPartyStatisticalFamily

    table = ThirdPartyStatisticalFamily._meta.db_table
    parties = ThirdParty._meta.db_table
    for axis, families in axes.items():
        ids = [family.pk for family in families]
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {table} (tenant_id, third_party_id, axis_id, family_id)
                SELECT tp.tenant_id, tp.id, %s, (%s::bigint[])[1 + tp.id %% %s]
                FROM {parties} tp
                WHERE tp.tenant_id = %s AND tp.lifecycle = %s
                  AND NOT EXISTS (
                    SELECT 1 FROM {table} f
                    WHERE f.tenant_id = tp.tenant_id AND f.third_party_id = tp.id AND f.axis_id = %s
                  )
                """,  # noqa: S608 (table names from the models' metadata, values as parameters)
                [axis.pk, ids, len(ids), company.pk, Lifecycle.CUSTOMER, axis.pk],
            )


def _reps(ctx: DemoContext, company, references: dict) -> None:
    from crm.models import BusinessLine, InternalOrganisation

    from .models import CommercialFollowUp, Lifecycle, SecondaryRep, ThirdParty

    reps = references["reps"]
    if not reps or SecondaryRep.objects.filter(tenant=company).exists():
        return
    customers = list(
        ThirdParty.objects.filter(tenant=company, lifecycle=Lifecycle.CUSTOMER)
        .order_by("pk")
        .values_list("pk", flat=True)[:REPS_CUSTOMERS]
    )
    roles, families = references["segments"]["rep_role"], references["segments"]["product_family"]
    organisations = list(InternalOrganisation.objects.filter(tenant=company).order_by("code"))
    lines = list(BusinessLine.objects.filter(tenant=company).order_by("code"))
    secondary, follow_ups = [], []
    for index, pk in enumerate(customers):
        secondary.append(
            SecondaryRep(
                tenant=company,
                third_party_id=pk,
                user_id=ctx.rng.choice(reps),
                role=roles[index % len(roles)],
                product_family=families[index % len(families)],
            )
        )
        for organisation in organisations[:1]:
            for line in lines[: 1 + index % 2]:
                follow_ups.append(
                    CommercialFollowUp(
                        tenant=company,
                        third_party_id=pk,
                        organisation=organisation,
                        business_line=line,
                        rep_id=ctx.rng.choice(reps),
                    )
                )
    SecondaryRep.objects.bulk_create(secondary)
    CommercialFollowUp.objects.bulk_create(follow_ups)
