from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

DEMO_AREAS = ("terms", "lifecycle", "links", "characteristics")


class TiersConfig(AppConfig):
    name = "tiers"
    verbose_name = _("Tiers")

    def ready(self) -> None:
        from crm.demo import demo_registry
        from crm.events import domain_events
        from crm.rights import role_grants
        from crm.url_modules import area_modules

        from . import (
            exports,  # noqa: F401  (registers the list exporters)
            grants,
            merge_hooks,  # noqa: F401  (declares third_party.merged, registers the tiers merge hooks)
            search,
        )
        from .demo import seed_tiers
        from .services import reference

        role_grants.register(self.label, grants.GRANTS)
        demo_registry.register(self.label, seed_tiers, order=10)
        search.register()  # the quick-search documents of tiers (crm.search)
        # Emitted by tiers.services.lifecycle.prospect_convert (tenant, actor, third_party).
        domain_events.declare("third_party.converted", "Un prospect est transformé en client")
        # Each area of the second tiers issue seeds its own demo rows after the third parties exist:
        # tiers/demo_<area>.py defines ``seed(ctx)``.
        for position, module in enumerate(
            area_modules("tiers", [f"demo_{area}" for area in DEMO_AREAS]), start=1
        ):
            demo_registry.register(module.__name__, module.seed, order=10 + position)
        # The shared records point at every app's rows: seeded after all of them.
        from .demo_records import seed as seed_records

        demo_registry.register("tiers.demo_records", seed_records, order=90)
        post_migrate.connect(
            reference.tiers_reference_after_flush, sender=self, dispatch_uid="tiers.reference_after_flush"
        )
