from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Each area seeds its own demo rows (parc/demo_<area>.py defines ``seed(ctx)``), after tiers.
DEMO_AREAS = ("catalogue", "assets", "meters", "contracts", "requests")


class ParcConfig(AppConfig):
    name = "parc"
    verbose_name = _("Parc et service")

    def ready(self) -> None:
        from crm.demo import demo_registry
        from crm.rights import role_grants
        from crm.url_modules import area_modules

        from . import grants

        role_grants.register(self.label, grants.GRANTS)
        for position, module in enumerate(
            area_modules("parc", [f"demo_{area}" for area in DEMO_AREAS]), start=1
        ):
            demo_registry.register(module.__name__, module.seed, order=20 + position)
