from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "crm"
    label = "crm"
    verbose_name = _("Socle")

    def ready(self) -> None:
        from crm import demo, grants, rights
        from crm.exports import builtin  # noqa: F401  (registers the core exporters)
        from crm.services import reference

        rights.role_grants.register(self.label, grants.GRANTS)
        demo.demo_registry.register(self.label, demo.seed_core, order=0)
        # Last demo step: bulk-inserted rows (medium, large) send no signal, so rebuild the index.
        demo.demo_registry.register("crm.search_index", demo.seed_search_index, order=1000)
        post_migrate.connect(rights.apply_role_grants, dispatch_uid="crm.apply_role_grants")
        post_migrate.connect(
            reference.reference_data_after_flush, sender=self, dispatch_uid="crm.reference_data_after_flush"
        )
