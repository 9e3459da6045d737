from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Each area seeds its own demo rows (parc/demo_<area>.py defines ``seed(ctx)``), after tiers.
DEMO_AREAS = ("catalogue", "assets", "meters", "contracts", "requests")


class ParcConfig(AppConfig):
    name = "parc"
    verbose_name = _("Parc et service")

    def ready(self) -> None:
        from crm.demo import demo_registry
        from crm.events import domain_events
        from crm.rights import role_grants
        from crm.url_modules import area_modules

        from . import (
            exports,  # noqa: F401  (registers the list exporters)
            exports_contracts,  # noqa: F401  (registers the contract list exporter)
            exports_requests,  # noqa: F401  (registers the service request list exporter)
            grants,
        )

        # Payload: tenant, request_id, customer_id, intervention_minutes, contract_ids (the
        # selected coverages); emitted by parc.services.requests.service_request_close.
        domain_events.declare("service_request.closed", "Une demande d'intervention est clôturée")

        role_grants.register(self.label, grants.GRANTS)
        from . import search

        search.register()  # the quick-search documents of parc (crm.search)
        for position, module in enumerate(
            area_modules("parc", [f"demo_{area}" for area in DEMO_AREAS]), start=1
        ):
            demo_registry.register(module.__name__, module.seed, order=20 + position)
