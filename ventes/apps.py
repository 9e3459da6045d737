from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Each area seeds its own demo rows (ventes/demo_<area>.py defines ``seed(ctx)``), after parc.
DEMO_AREAS = ("pipeline", "orders", "billing")


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
        # Emitted by ventes.services when an invoice or a credit note is validated (tenant, actor,
        # invoice): loyalty earns or takes back points.
        domain_events.declare("invoice.validated", "Une facture est validée")
        domain_events.declare("invoice.credited", "Un avoir est validé")
        for position, module in enumerate(
            area_modules("ventes", [f"demo_{area}" for area in DEMO_AREAS]), start=1
        ):
            demo_registry.register(module.__name__, module.seed, order=30 + position)
