"""Row-level security on every tenant table of the app (crm.rls)."""

from django.db import migrations

from crm.rls import CURRENT_USER_SQL, TenantRowLevelSecurity


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0004_search_index"),
    ]

    operations = [
        TenantRowLevelSecurity(),
        migrations.RunSQL(
            # Before a tenant is bound, a user may read their own memberships (login, company switcher).
            sql=(
                "CREATE POLICY membership_of_current_user ON crm_membership FOR SELECT "
                f"USING (user_id = {CURRENT_USER_SQL})"
            ),
            reverse_sql="DROP POLICY IF EXISTS membership_of_current_user ON crm_membership",
        ),
        migrations.RunSQL(
            # A tenant's administrator may change a user's password only when the user holds no
            # seat in another company, which the policies hide: this answers yes or no, nothing more.
            sql=(
                "CREATE OR REPLACE FUNCTION crm_user_has_seat_elsewhere(member bigint, tenant bigint) RETURNS boolean "
                "LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$ "
                "SELECT EXISTS (SELECT 1 FROM crm_membership WHERE user_id = member "
                "AND tenant_id <> tenant) $$"
            ),
            reverse_sql="DROP FUNCTION IF EXISTS crm_user_has_seat_elsewhere(bigint, bigint)",
        ),
    ]
