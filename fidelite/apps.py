from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FideliteConfig(AppConfig):
    name = "fidelite"
    verbose_name = _("Fidélité")

    def ready(self) -> None:
        from crm.demo import demo_registry
        from crm.events import domain_events
        from crm.rights import role_grants
        from tiers.merge_hooks import merge_hook_register

        from . import demo, grants
        from .merge import loyalty_account_hook
        from .models import LoyaltyAccount
        from .services import earning

        role_grants.register(self.label, grants.GRANTS)
        # Handlers run inside the emitting transaction (crm.events).
        domain_events.subscribe("invoice.validated", earning.on_invoice_validated)
        domain_events.subscribe("invoice.credited", earning.on_invoice_credited)
        domain_events.subscribe("service_request.closed", earning.on_service_request_closed)
        merge_hook_register(LoyaltyAccount, loyalty_account_hook)
        demo_registry.register("fidelite", demo.seed, order=40)
