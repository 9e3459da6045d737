"""Demo data: ``seed_demo`` runs every app's contribution in order, deterministically.

Each app registers a function ``seed(ctx)`` in its ``AppConfig.ready``; the function must be
idempotent (a second run adds nothing) and use bulk inserts for the large scale.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

DEMO_PASSWORD = "demo-crm360"  # noqa: S105 (demo data only, printed for the user)

SCALES = ("small", "medium", "large")


@dataclass
class DemoContext:
    scale: str
    seed: int
    rng: random.Random
    out: Callable[[str], None] = print
    companies: list = field(default_factory=list)
    credentials: list[tuple[str, str, str]] = field(default_factory=list)  # (company, login, role/licence)


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


def seed_core(ctx: DemoContext) -> None:
    """Companies, business lines, organisations and one user per role and licence."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django_scopes import scope

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

    user_model = get_user_model()
    france = Country.objects.filter(code="FR").first()
    euro = Currency.objects.filter(code="EUR").first()
    roles = {group.name: group for group in Group.objects.all()}

    for code, name in COMPANIES:
        company, _created = Company.objects.get_or_create(
            code=code, defaults={"name": name, "country": france, "currency": euro}
        )
        ctx.companies.append(company)
        with scope(tenant=company):
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
                user, created = user_model.objects.get_or_create(
                    username=login,
                    defaults={
                        "first_name": prefix.split("-")[0].capitalize(),
                        "last_name": name,
                        "is_staff": staff,
                    },
                )
                if created:
                    user.set_password(DEMO_PASSWORD)
                    user.email = f"{login}@example.com"
                    user.save()
                membership, _m = Membership.objects.get_or_create(
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

    # One user with a different role in each company (the switcher and per-membership rights).
    multi, created = user_model.objects.get_or_create(
        username="multi",
        defaults={"first_name": "Camille", "last_name": "Multi", "email": "multi@example.com"},
    )
    if created:
        multi.set_password(DEMO_PASSWORD)
        multi.save()
    for company, role in zip(ctx.companies, ("Manager", "Commercial"), strict=False):
        with scope(tenant=company):
            Membership.objects.get_or_create(
                tenant=company, user=multi, defaults={"role": roles[role], "licence": "crm"}
            )
        ctx.credentials.append((company.name, "multi", f"{role} / CRM"))

    superuser, created = user_model.objects.get_or_create(
        username="superadmin",
        defaults={"is_staff": True, "is_superuser": True, "email": "superadmin@example.com"},
    )
    if created:
        superuser.set_password(DEMO_PASSWORD)
        superuser.save()
    ctx.credentials.append((str(_("toutes (administration)")), "superadmin", "superutilisateur"))
