from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Each area seeds its own demo rows (ventes/demo_<area>.py defines ``seed(ctx)``), after parc.
DEMO_AREAS = ("pipeline", "orders", "billing")
# Areas whose list exporters live in ventes/exports_<area>.py (imported at start-up when present).
EXPORT_AREAS = (
    "sales",
    "quotes",
    "orders",
    "deliveries",
    "invoices",
    "payments",
    "credit",
    "history",
    "billing",
    "account",
)


class VentesConfig(AppConfig):
    name = "ventes"
    verbose_name = _("Ventes")

    def ready(self) -> None:
        from crm.demo import demo_registry
        from crm.events import domain_events
        from crm.rights import role_grants
        from crm.url_modules import area_modules

        from . import grants

        role_grants.register(self.label, grants.GRANTS)
        from . import search

        search.register()  # the quick-search documents of ventes (crm.search)
        # The list exporters: ventes/exports.py (deals, actions) and each area's exports_<area>.py.
        area_modules("ventes", ["exports", *[f"exports_{area}" for area in EXPORT_AREAS]])
        # The PDF exporters of the quote, order, delivery note and invoice (ventes/documents.py).
        area_modules("ventes", ["documents"])
        # Emitted by ventes.services when an invoice or a credit note is validated (tenant, actor,
        # invoice): loyalty earns or takes back points.
        domain_events.declare("invoice.validated", "Une facture est validée")
        domain_events.declare("invoice.credited", "Un avoir est validé")
        for position, module in enumerate(
            area_modules("ventes", [f"demo_{area}" for area in DEMO_AREAS]), start=1
        ):
            demo_registry.register(module.__name__, module.seed, order=30 + position)
