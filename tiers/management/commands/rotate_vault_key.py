"""Re-encrypt every vault secret with the newest key of VAULT_KEYS (put the new key first, run
this, then remove the old key)."""

from django.core.management.base import BaseCommand
from django_scopes import scopes_disabled

from tiers.services.vault import vault_rotate_all


class Command(BaseCommand):
    help = "Re-chiffre tous les secrets du coffre-fort avec la clé la plus récente de VAULT_KEYS."

    def handle(self, *args, **options):
        # Cross-tenant maintenance command: every tenant's secrets are rewritten.
        with scopes_disabled():
            count = vault_rotate_all()
        self.stdout.write(self.style.SUCCESS(f"{count} secret(s) re-chiffré(s)."))
