from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TiersConfig(AppConfig):
    name = "tiers"
    verbose_name = _("Tiers")

    def ready(self) -> None:
        from crm.rights import role_grants

        from . import grants

        role_grants.register(self.label, grants.GRANTS)
