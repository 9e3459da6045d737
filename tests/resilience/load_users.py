"""The load test's users: ``LOAD_USER_COUNT`` members of the largest demo company, with a mix of
roles, licences and business lines like the demo's own users. Run inside Django by the harness:

    manage.py shell -c "from tests.resilience.load_users import create; create()"

Idempotent. Prints ``company=<code>`` for the harness.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Count, F, OuterRef, Subquery
from django_scopes import scope, scopes_disabled

from crm.demo import DEMO_PASSWORD
from crm.models import (
    BusinessLine,
    Company,
    InternalOrganisation,
    Membership,
    MembershipBusinessLine,
    MembershipOrganisation,
)
from tiers.models import ThirdParty

LOAD_USER_COUNT = 50
LOAD_USER_PREFIX = "charge"
# (role, licence, business line codes), cycled over the users: mostly sales people.
ROLE_MIX = [
    ("Commercial", "crm", ["IMP", "INF"]),
    ("Commercial", "crm", []),
    ("Manager", "crm", []),
    ("Commercial", "artis", ["TEL"]),
    ("Technicien", "artis", ["IMP"]),
    ("Administrateur", "crm", []),
    ("Commercial", "crm", ["VID"]),
    ("Manager", "crm", ["IMP"]),
]


def load_usernames(count: int = LOAD_USER_COUNT) -> list[str]:
    return [f"{LOAD_USER_PREFIX}{number:02d}" for number in range(1, count + 1)]


def largest_company() -> Company:
    # Platform-level choice of a demo company (Company is the tenant table itself).
    with scopes_disabled():
        sizes = (
            ThirdParty.objects.filter(tenant=OuterRef("pk"))
            .order_by()
            .values("tenant")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            Company.objects.annotate(size=Subquery(sizes))
            .order_by(F("size").desc(nulls_last=True), "pk")
            .first()
        )


@transaction.atomic
def create(count: int = LOAD_USER_COUNT) -> None:
    company = largest_company()
    password = make_password(DEMO_PASSWORD)
    roles = {group.name: group for group in Group.objects.all()}
    user_model = get_user_model()
    with scope(tenant=company):
        lines = {line.code: line for line in BusinessLine.objects.filter(tenant=company)}
        organisation = InternalOrganisation.objects.filter(tenant=company).order_by("pk").first()
        for number, username in enumerate(load_usernames(count)):
            role, licence, line_codes = ROLE_MIX[number % len(ROLE_MIX)]
            user, _created = user_model.objects.get_or_create(
                username=username,
                defaults={"password": password, "email": f"{username}@example.com", "last_name": "Charge"},
            )
            membership, _created = Membership.objects.get_or_create(
                tenant=company, user=user, defaults={"role": roles[role], "licence": licence}
            )
            for code in line_codes:
                MembershipBusinessLine.objects.get_or_create(
                    tenant=company, membership=membership, business_line=lines[code]
                )
            if organisation is not None:
                MembershipOrganisation.objects.get_or_create(
                    tenant=company, membership=membership, organisation=organisation
                )
    print(f"company={company.code}")
