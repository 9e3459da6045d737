from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class TiersConfig(AppConfig):
    name = "tiers"
    verbose_name = _("Tiers")

    def ready(self) -> None:
        from crm.demo import demo_registry
        from crm.rights import role_grants

        from . import (
            exports,  # noqa: F401  (registers the list exporters)
            grants,
        )
        from .demo import seed_tiers
        from .services import reference

        role_grants.register(self.label, grants.GRANTS)
        demo_registry.register(self.label, seed_tiers, order=10)
        post_migrate.connect(
            reference.tiers_reference_after_flush, sender=self, dispatch_uid="tiers.reference_after_flush"
        )
