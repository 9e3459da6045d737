from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParcConfig(AppConfig):
    name = "parc"
    verbose_name = _("Parc et service")

    def ready(self) -> None:
        from crm.rights import role_grants

        from . import grants

        role_grants.register(self.label, grants.GRANTS)
