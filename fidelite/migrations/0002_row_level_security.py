"""Row-level security on every tenant table of the app (crm.rls)."""

from django.db import migrations

from crm.rls import TenantRowLevelSecurity


class Migration(migrations.Migration):
    dependencies = [
        ("fidelite", "0001_initial"),
    ]

    operations = [
        TenantRowLevelSecurity(),
    ]
