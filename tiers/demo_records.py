"""Demo data of the customer's shared records: for the first customers of each company, a linked
document, wiki pages on the customer and its main site, a vault secret, and an internal exchange
on some of their service requests (when the parc app has seeded them).

Runs after every app's demo step (its records point at other apps' rows through generic targets,
found by app label, so tiers imports none of them). Through the services (audited, encrypted),
a few dozen rows per company at any scale. Idempotent: a company that has wiki pages is skipped.
"""

from __future__ import annotations

from crm.demo import DemoContext

CUSTOMERS = 20
REQUESTS = 10


def seed(ctx: DemoContext) -> None:
    from django.apps import apps

    from crm.models import Membership
    from crm.services.tenant_binding import tenant_context

    from .models import Lifecycle, Site, ThirdParty, WikiPage
    from .services.attachments import attachment_create
    from .services.exchanges import exchange_create
    from .services.vault import vault_secret_create
    from .services.wiki import wiki_page_create

    for company in ctx.companies:
        # Read before a scope is open: the author of the demo records is the company's first member.
        membership = Membership.unscoped.filter(tenant=company, is_active=True).order_by("pk").first()
        if membership is None:
            continue
        author = membership.user
        with tenant_context(company):
            if WikiPage.objects.filter(tenant=company).exists():
                continue
            customers = list(
                ThirdParty.objects.filter(tenant=company, lifecycle=Lifecycle.CUSTOMER, is_closed=False)
                .exclude(is_reserved=True)
                .order_by("code")[:CUSTOMERS]
            )
            main_sites = {
                site.third_party_id: site
                for site in Site.objects.filter(tenant=company, third_party__in=customers, is_main=True)
            }
            for index, customer in enumerate(customers):
                common = {"tenant": company, "actor": author}
                attachment_create(
                    **common,
                    target=customer,
                    title="Conditions générales de vente signées",
                    url=f"https://documents.example.com/{company.pk}/{customer.code}/cgv.pdf",
                )
                wiki_page_create(
                    **common,
                    target=customer,
                    title="Interlocuteurs et habitudes",
                    body="Préférer les rendez-vous le mardi matin.\nCommande annuelle de consommables en mars.",
                )
                site = main_sites.get(customer.pk)
                if site is not None:
                    wiki_page_create(
                        **common,
                        target=site,
                        title="Accès au site",
                        body="Badge à retirer à l'accueil.\nParking visiteurs niveau -1.",
                    )
                vault_secret_create(
                    **common,
                    target=site or customer,
                    label="Wi-Fi invités",
                    login="invite",
                    secret=f"Demo-{ctx.rng.randrange(10**8):08d}",
                    notes="Réseau isolé, valable pour les techniciens.",
                )
                if index % 5 == 0:
                    wiki_page_create(
                        **common, target=customer, title="Historique du compte", body="Client depuis 2015."
                    )
            if apps.is_installed("parc"):
                request_model = apps.get_model("parc", "ServiceRequest")
                for request in request_model.objects.filter(tenant=company, customer__in=customers).order_by(
                    "pk"
                )[:REQUESTS]:
                    exchange_create(
                        tenant=company,
                        actor=author,
                        target=request,
                        body="Pièce commandée, intervention planifiée dès réception.",
                    )
