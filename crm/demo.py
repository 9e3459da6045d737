"""Demo data: ``seed_demo`` runs every app's step in order, deterministically and idempotently.

Registry
    Each app registers one step in its ``AppConfig.ready``::

        demo_registry.register("tiers", seed_tiers, order=10)

    Core's step (companies, business lines, organisations, users) is order 0; apps follow the
    dependency order (tiers 10, parc 20, ventes 30, fidelite 40). ``demo_run`` runs each step
    in its own transaction: a failing step keeps the earlier ones, and a rerun completes it.

Rules for a step ``seed(ctx: DemoContext)``
    - Deterministic: every random choice comes from ``ctx.rng``, a ``random.Random`` seeded
      from ``--seed`` and the step's label (so adding a step never changes another step's
      data); Faker only through ``ctx.faker()``, seeded the same way. No ``datetime.now()``
      in data that must repeat: dates relative to ``ctx.today``.
    - Idempotent: a second run adds no row. Rows with a business code use
      ``get_or_create(tenant=..., code=...)``; bulk rows use ``bulk_create_in_batches(...,
      ignore_conflicts=True)`` on a unique constraint, or the step skips a company that
      already has its rows.
    - Sized by the scale table: read ``ctx.sizes["third_parties"]``, never a literal.
    - Fast at ``small`` (the whole ``seed_demo`` under 10 s): go through the app's services
      (audit, search index) there; when ``ctx.bulk`` is true (medium, large), build the rows
      in memory and insert them with ``bulk_create_in_batches``, then rebuild derived data
      (search index) once.
    - ``ctx.companies`` holds the demo companies (filled by core); open ``tenant_context(...)``
      for each one you seed.

Scale table (numbers per company; ``SIZES[scale][key]``)

    =========================  =======  =======  =========
    key                        small    medium   large
    =========================  =======  =======  =========
    third_parties                   40    2 000     50 000
    contacts                        60    3 000     75 000
    sites                           50    2 500     60 000
    articles                        30      500      5 000
    assets                          60    3 000    100 000
    reading_months                   6       24         36
    deals                           30    1 500     30 000
    actions                        100    8 000    200 000
    quotes                          30    1 500     30 000
    orders                          30    1 500     30 000
    invoices                        40    3 000     60 000
    service_contracts               20    1 000     25 000
    service_requests                30    2 000     50 000
    loyalty_accounts                10      300      5 000
    =========================  =======  =======  =========

    Meter readings are ``assets * meters per asset * reading_months`` (large: about 7 million).
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from itertools import islice

from django.db import transaction
from django.utils.translation import gettext as _

DEMO_PASSWORD = "demo-crm360"  # noqa: S105 (demo data only, printed for the user)

SCALES = ("small", "medium", "large")
SIZES: dict[str, dict[str, int]] = {
    "small": {
        "third_parties": 40,
        "contacts": 60,
        "sites": 50,
        "articles": 30,
        "assets": 60,
        "reading_months": 6,
        "deals": 30,
        "actions": 100,
        "quotes": 30,
        "orders": 30,
        "invoices": 40,
        "service_contracts": 20,
        "service_requests": 30,
        "loyalty_accounts": 10,
    },
    "medium": {
        "third_parties": 2_000,
        "contacts": 3_000,
        "sites": 2_500,
        "articles": 500,
        "assets": 3_000,
        "reading_months": 24,
        "deals": 1_500,
        "actions": 8_000,
        "quotes": 1_500,
        "orders": 1_500,
        "invoices": 3_000,
        "service_contracts": 1_000,
        "service_requests": 2_000,
        "loyalty_accounts": 300,
    },
    "large": {
        "third_parties": 50_000,
        "contacts": 75_000,
        "sites": 60_000,
        "articles": 5_000,
        "assets": 100_000,
        "reading_months": 36,
        "deals": 30_000,
        "actions": 200_000,
        "quotes": 30_000,
        "orders": 30_000,
        "invoices": 60_000,
        "service_contracts": 25_000,
        "service_requests": 50_000,
        "loyalty_accounts": 5_000,
    },
}
BULK_BATCH_SIZE = 5_000
# The demo's "today": dates in demo data are relative to it, so two runs give the same rows.
DEMO_TODAY = datetime.date(2026, 1, 15)


def step_rng(seed: int, label: str) -> random.Random:
    """A generator that depends only on the seed and the step (string seeds hash with SHA-512)."""
    # Deterministic pseudo-random demo data, not cryptography.
    return random.Random(f"{seed}:{label}")  # noqa: S311


@dataclass
class DemoContext:
    scale: str
    seed: int
    rng: random.Random
    out: Callable[[str], None] = print
    companies: list = field(default_factory=list)
    credentials: list[tuple[str, str, str]] = field(default_factory=list)  # (company, login, role/licence)
    today: datetime.date = DEMO_TODAY

    @property
    def sizes(self) -> dict[str, int]:
        return SIZES[self.scale]

    @property
    def bulk(self) -> bool:
        """Whether steps insert with ``bulk_create_in_batches`` instead of services."""
        return self.scale != "small"

    def faker(self, locale: str = "fr_FR"):
        """A Faker seeded from the current step's generator (Faker is a development dependency)."""
        from faker import Faker

        fake = Faker(locale)
        fake.seed_instance(self.rng.getrandbits(64))
        return fake


class DemoRegistry:
    def __init__(self) -> None:
        self._steps: dict[str, tuple[int, Callable[[DemoContext], None]]] = {}

    def register(self, label: str, step: Callable[[DemoContext], None], *, order: int) -> None:
        self._steps[label] = (order, step)

    def steps(self) -> list[tuple[str, Callable[[DemoContext], None]]]:
        return [
            (label, step) for label, (_order, step) in sorted(self._steps.items(), key=lambda kv: kv[1][0])
        ]


demo_registry = DemoRegistry()


def demo_run(*, scale: str = "small", seed: int = 42, out: Callable[[str], None] = print) -> DemoContext:
    """Run every registered step, each in its own transaction; return the context (credentials)."""
    if scale not in SIZES:
        raise ValueError(
            _("Échelle inconnue : %(scale)s (valeurs possibles : %(choices)s).")
            % {"scale": scale, "choices": ", ".join(SCALES)}
        )
    ctx = DemoContext(scale=scale, seed=seed, rng=step_rng(seed, ""), out=out)
    for label, step in demo_registry.steps():
        ctx.rng = step_rng(seed, label)
        started = time.perf_counter()
        with transaction.atomic():
            step(ctx)
        out(f"  {label} : ok ({time.perf_counter() - started:.1f} s)")
    return ctx


def _batches(rows: Iterable, size: int) -> Iterable[list]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def bulk_create_in_batches(
    model,
    rows: Iterable,
    *,
    tenant=None,
    batch_size: int = BULK_BATCH_SIZE,
    ignore_conflicts: bool = False,
) -> int:
    """Insert ``rows`` (unsaved instances, a generator is fine) ``batch_size`` at a time.

    For a tenant model, give ``tenant``: the scope is opened here and a row without a tenant
    gets it (a row of another tenant is a bug and raises). Returns the number of rows given;
    with ``ignore_conflicts`` the rows that hit a unique constraint are skipped, which is how
    a second demo run adds nothing. Primary keys are not set on the instances when
    ``ignore_conflicts`` is used (PostgreSQL returns none for skipped rows).
    """
    from crm.models import TenantModel
    from crm.services.tenant_binding import tenant_context

    tenant_model = issubclass(model, TenantModel)
    if tenant_model and tenant is None:
        raise ValueError(f"{model.__name__} is a tenant model: pass tenant=")

    def prepared(batch: list) -> list:
        if tenant_model:
            for row in batch:
                if row.tenant_id is None:
                    row.tenant = tenant
                elif row.tenant_id != tenant.pk:
                    raise ValueError(f"{model.__name__} row of tenant {row.tenant_id}, expected {tenant.pk}")
        return batch

    # A global model (Country, User) has a plain manager: no scope to open.
    context = tenant_context(tenant) if tenant_model else nullcontext()
    total = 0
    with context:
        for batch in _batches(rows, batch_size):
            model.objects.bulk_create(prepared(batch), ignore_conflicts=ignore_conflicts)
            total += len(batch)
    return total


COMPANIES = [
    ("durand", "Bureautique Durand SA"),
    ("martin", "Télécom & Réseaux Martin"),
]
BUSINESS_LINES = [
    ("IMP", "Impression"),
    ("INF", "Informatique"),
    ("TEL", "Téléphonie"),
    ("VID", "Vidéosurveillance"),
]
ORGANISATIONS = [("SIEGE", "Siège"), ("AG-LYON", "Agence Lyon"), ("AG-NANTES", "Agence Nantes")]
# (login prefix, role, licence, business line codes, staff)
USERS = [
    ("commercial", "Commercial", "crm", ["IMP", "INF"], False),
    ("commercial-artis", "Commercial", "artis", ["TEL"], False),
    ("technicien", "Technicien", "artis", ["IMP"], False),
    ("manager", "Manager", "crm", [], False),
    ("admin", "Administrateur", "crm", [], True),
]
# One user with a different role in each company (the switcher and per-membership rights).
MULTI_COMPANY_ROLES = ("Manager", "Commercial")


def seed_core(ctx: DemoContext) -> None:
    """Companies (France, euro), business lines, organisations and one user per role and licence."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from crm.models import (
        BusinessLine,
        Company,
        Country,
        Currency,
        InternalOrganisation,
        Membership,
        MembershipBusinessLine,
        MembershipOrganisation,
    )
    from crm.services.reference import reference_data_load
    from crm.services.tenant_binding import tenant_context

    user_model = get_user_model()
    reference_data_load()  # idempotent; the data migration normally did it already
    france = Country.objects.get(code="FR")
    euro = Currency.objects.get(code="EUR")
    roles = {group.name: group for group in Group.objects.all()}
    password_hash: list[str] = []

    def demo_user(login: str, **defaults):
        """Get or create a user; the password is hashed once per run (hashing is slow on purpose)."""
        user = user_model.objects.filter(username=login).first()
        if user is not None:
            return user
        if not password_hash:
            password_hash.append(make_password(DEMO_PASSWORD))
        return user_model.objects.create(
            username=login, password=password_hash[0], email=f"{login}@example.com", **defaults
        )

    for code, name in COMPANIES:
        company, created = Company.objects.get_or_create(
            code=code, defaults={"name": name, "country": france, "currency": euro}
        )
        if not created and (company.country_id is None or company.currency_id is None):
            company.country = company.country or france
            company.currency = company.currency or euro
            company.save(update_fields=["country", "currency"])
        ctx.companies.append(company)
        with tenant_context(company):
            lines = {
                bl_code: BusinessLine.objects.get_or_create(
                    tenant=company, code=bl_code, defaults={"name": bl_name}
                )[0]
                for bl_code, bl_name in BUSINESS_LINES
            }
            organisations = [
                InternalOrganisation.objects.get_or_create(
                    tenant=company, code=org_code, defaults={"name": org_name}
                )[0]
                for org_code, org_name in ORGANISATIONS
            ]
            for prefix, role, licence, line_codes, staff in USERS:
                login = f"{prefix}.{code}"
                user = demo_user(
                    login, first_name=prefix.split("-")[0].capitalize(), last_name=name, is_staff=staff
                )
                membership, _created = Membership.objects.get_or_create(
                    tenant=company, user=user, defaults={"role": roles[role], "licence": licence}
                )
                for bl_code in line_codes:
                    MembershipBusinessLine.objects.get_or_create(
                        tenant=company, membership=membership, business_line=lines[bl_code]
                    )
                MembershipOrganisation.objects.get_or_create(
                    tenant=company, membership=membership, organisation=organisations[0]
                )
                ctx.credentials.append((name, login, f"{role} / {licence.upper()}"))

    multi = demo_user("multi", first_name="Camille", last_name="Multi")
    for company, role in zip(ctx.companies, MULTI_COMPANY_ROLES, strict=True):
        with tenant_context(company):
            Membership.objects.get_or_create(
                tenant=company, user=multi, defaults={"role": roles[role], "licence": "crm"}
            )
        ctx.credentials.append((company.name, "multi", f"{role} / CRM"))

    # The platform superuser administers the global data and, like everyone, the tenant rows of
    # the company it works in (row-level security binds it too): a seat in each company.
    superadmin = demo_user("superadmin", is_staff=True, is_superuser=True)
    for company in ctx.companies:
        with tenant_context(company):
            Membership.objects.get_or_create(
                tenant=company, user=superadmin, defaults={"role": roles["Administrateur"], "licence": "crm"}
            )
    ctx.credentials.append((_("toutes (administration)"), "superadmin", "superutilisateur"))


def seed_search_index(ctx: DemoContext) -> None:
    """Rebuild the quick-search index of the demo companies (bulk rows sent no signal)."""
    from crm.search import search_index_rebuild
    from crm.services.tenant_binding import tenant_context

    for company in ctx.companies:
        with tenant_context(company):
            search_index_rebuild(tenant_id=company.pk)
