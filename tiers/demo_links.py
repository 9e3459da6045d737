"""Demo data of the links area: per company, the link and relation types (link_types_ensure) and a
handful of management links, filiation links and relations between the first demo customers.

Cheap at any scale: reads only the first customers by code (an index scan), writes a dozen rows
through the services. Idempotent: a company that already has management links keeps them.
"""

from __future__ import annotations

from crm.demo import DemoContext

# How many customers the demo links (the first ones by code).
LINKED_CUSTOMERS = 9


def seed(ctx: DemoContext) -> None:
    from crm.services.tenant_binding import tenant_context

    from .models import (
        BILL_TO,
        ORDERING_PARTY,
        SHIP_TO_SITE,
        FiliationLinkType,
        Lifecycle,
        ManagementLink,
        RelationType,
        ThirdParty,
    )
    from .services import links as services

    for company in ctx.companies:
        with tenant_context(company):
            services.link_types_ensure(tenant=company)
            if ManagementLink.objects.filter(tenant=company).exists():
                continue
            customers = list(
                ThirdParty.objects.filter(tenant=company, lifecycle=Lifecycle.CUSTOMER, is_closed=False)
                .exclude(is_reserved=True)
                .order_by("code")[:LINKED_CUSTOMERS]
            )
            if len(customers) < LINKED_CUSTOMERS:
                continue
            head, bill_to, ship_to, sub_1, sub_2, partner, other, member_of, _spare = customers
            for linked, code, is_default in ((bill_to, BILL_TO, True), (ship_to, SHIP_TO_SITE, False)):
                services.management_link_create(
                    tenant=company,
                    actor=None,
                    third_party=head,
                    role_code=ORDERING_PARTY,
                    linked=linked,
                    linked_role_code=code,
                    is_default=is_default,
                )
            types = {t.code: t for t in FiliationLinkType.objects.filter(tenant=company)}
            for third_party, linked, code in (
                (head, sub_1, "FILIALE"),
                (sub_2, head, "MERE"),
                (head, partner, "PARTENAIRE"),
            ):
                services.filiation_link_create(
                    tenant=company, actor=None, third_party=third_party, linked=linked, link_type=types[code]
                )
            relation_types = {t.code: t for t in RelationType.objects.filter(tenant=company)}
            for source, code, target in ((other, "PARTENAIRE", head), (member_of, "MEMBRE", partner)):
                services.relation_create(
                    tenant=company,
                    actor=None,
                    source_third_party=source,
                    relation_type=relation_types[code],
                    target=target,
                )
