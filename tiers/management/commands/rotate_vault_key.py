"""Re-encrypt every vault secret with the newest key of VAULT_KEYS (put the new key first, run
this, then remove the old key)."""

from django.core.management.base import BaseCommand

from tiers.services.vault import vault_rotate_all


class Command(BaseCommand):
    help = "Re-chiffre tous les secrets du coffre-fort avec la clé la plus récente de VAULT_KEYS."

    def handle(self, *args, **options):
        # Cross-tenant maintenance: every tenant's secrets, each tenant bound in turn.
        count = vault_rotate_all()
        self.stdout.write(self.style.SUCCESS(f"{count} secret(s) re-chiffré(s)."))
