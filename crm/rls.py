"""PostgreSQL row-level security: the database's own tenant check, behind django-scopes.

Every table with a ``tenant_id`` column gets one policy, ``tenant_isolation``: a row is visible,
and may be written, only when its tenant is the one bound to the transaction in the setting
``crm.tenant_id`` (crm.services.tenant_binding). No setting, no rows: the check fails closed.

The policies bind the application role (``DATABASE_URL``, not a superuser, not the tables'
owner). The owner (``DATABASE_MIGRATE_URL``) runs the migrations and is not bound by them
(row-level security is enabled, not forced), which is what lets a data migration work.

Migrations create everything with the two operations below; a test compares the tables that
have a tenant column with the tables that have the policy, so a new table cannot miss it.
"""

from __future__ import annotations

from django.db import migrations

TENANT_SETTING = "crm.tenant_id"
USER_SETTING = "crm.user_id"
POLICY = "tenant_isolation"

CURRENT_TENANT_SQL = f"NULLIF(current_setting('{TENANT_SETTING}', true), '')::bigint"
CURRENT_USER_SQL = f"NULLIF(current_setting('{USER_SETTING}', true), '')::bigint"


def policy_sql(table: str) -> list[str]:
    """Statements that put ``table`` under the tenant policy (idempotent)."""
    check = f"tenant_id = {CURRENT_TENANT_SQL}"
    return [
        f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
        f'DROP POLICY IF EXISTS {POLICY} ON "{table}"',
        f'CREATE POLICY {POLICY} ON "{table}" USING ({check}) WITH CHECK ({check})',
    ]


def policy_drop_sql(table: str) -> list[str]:
    return [
        f'DROP POLICY IF EXISTS {POLICY} ON "{table}"',
        f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY',
    ]


def tenant_tables(apps, app_label: str) -> list[str]:
    """The tables of ``app_label`` (in a migration's state) that carry their own tenant column."""
    tables = []
    for model in apps.get_app_config(app_label).get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        if any(field.column == "tenant_id" for field in model._meta.local_fields):
            tables.append(model._meta.db_table)
    return sorted(tables)


class TenantRowLevelSecurity(migrations.operations.base.Operation):
    """Enable row-level security and the tenant policy on every tenant table of the app, as the
    migration state has them. Add it again in a later migration after adding tenant tables."""

    reduces_to_sql = True
    reversible = True

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        for table in tenant_tables(to_state.apps, app_label):
            for statement in policy_sql(table):
                schema_editor.execute(statement)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        for table in tenant_tables(from_state.apps, app_label):
            for statement in policy_drop_sql(table):
                schema_editor.execute(statement)

    def describe(self):
        return "Row-level security on every tenant table of the app"


def pre_tenant_lookup(function: str, table: str, column: str) -> migrations.RunSQL:
    """A narrow door for the requests that must find their tenant before one is bound: a
    ``SECURITY DEFINER`` function, owned by the owner, that returns the tenant id of the row of
    ``table`` whose ``column`` equals its argument (a token's hash), and nothing else."""
    # Identifiers come from the migration's code, never from input.
    body = f'SELECT tenant_id FROM "{table}" WHERE "{column}" = value'  # noqa: S608
    return migrations.RunSQL(
        sql=(
            f"CREATE OR REPLACE FUNCTION {function}(value text) RETURNS bigint "
            "LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public "
            f"AS $$ {body} $$"
        ),
        reverse_sql=f"DROP FUNCTION IF EXISTS {function}(text)",
    )
