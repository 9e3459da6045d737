"""Delete the files and rows of expired exports, in every tenant (also run by the task crm.exports_purge)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from crm.services.exports import exports_purge


class Command(BaseCommand):
    help = "Supprime les fichiers et les lignes des exports expirés, dans toutes les sociétés."

    def handle(self, *args, **options) -> None:
        deleted = exports_purge()
        self.stdout.write(_("%(count)d export(s) expiré(s) supprimé(s).") % {"count": deleted})
