import importlib
import pkgutil

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SyntheseConfig(AppConfig):
    name = "synthese"
    verbose_name = _("Synthèse client")

    def ready(self) -> None:
        from crm.rights import role_grants
        from tiers.views.detail import ActionSpec, action_register

        from . import grants

        role_grants.register(self.label, grants.GRANTS)
        # The tabs register themselves at import (synthese/tabs_*.py).
        for module in pkgutil.iter_modules(self.module.__path__):
            if module.name.startswith("tabs_"):
                importlib.import_module(f"{self.name}.{module.name}")
        from . import exports  # noqa: F401  (registers the synthèse's exporter)

        # "Consulter la synthèse client" in the third party's page header.
        action_register(
            ActionSpec(
                "header", "synthese:customer", "tiers.view_thirdparty", _("Consulter la synthèse client")
            )
        )
        action_register(
            ActionSpec("header", "synthese:record_home", "tiers.view_thirdparty", _("Fiche client"))
        )
        # The customer record's sections (synthese/record_*.py); record_print registers its exporter.
        from . import record  # noqa: F401
