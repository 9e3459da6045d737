"""Row-level security on every tenant table of the app (crm.rls)."""

from django.db import migrations

from crm.rls import TenantRowLevelSecurity, pre_tenant_lookup


class Migration(migrations.Migration):
    dependencies = [
        ("tiers", "0007_payment_mandates"),
    ]

    operations = [
        TenantRowLevelSecurity(),
        # The signer's page has no session: its token's hash gives the tenant, nothing else.
        pre_tenant_lookup("tiers_signature_tenant", "tiers_signature", "token_hash"),
    ]
