"""Row-level security on every tenant table of the app (crm.rls)."""

from django.db import migrations

from crm.rls import TenantRowLevelSecurity, pre_tenant_lookup


class Migration(migrations.Migration):
    dependencies = [
        ("synthese", "0002_cti"),
    ]

    operations = [
        TenantRowLevelSecurity(),
        # The telephony webhook has no session: its token's hash gives the tenant, nothing else.
        pre_tenant_lookup("synthese_cti_token_tenant", "synthese_ctitoken", "token_hash"),
    ]
