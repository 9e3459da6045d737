"""Gapless-enough numbering: one row per (tenant, key), incremented atomically in the caller's transaction."""

from __future__ import annotations

from django.db import connection, transaction

from crm.models import Company, Counter


def counter_next(*, tenant: Company, key: str) -> int:
    """The next value of the tenant's counter ``key`` (1 for a new counter).

    One statement (INSERT … ON CONFLICT DO UPDATE … RETURNING) so concurrent callers never get
    the same value; the row stays locked until the caller's transaction ends.
    """
    table = Counter._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (tenant_id, key, value) VALUES (%s, %s, 1)
            ON CONFLICT (tenant_id, key) DO UPDATE SET value = {table}.value + 1
            RETURNING value
            """,  # noqa: S608 (table name from the model, values bound)
            [tenant.pk, key],
        )
        return cursor.fetchone()[0]


def counter_format(*, tenant: Company, key: str, width: int, prefix: str = "") -> str:
    """The next value formatted with leading zeros: ``counter_format(..., width=6, prefix="C")`` → C000042."""
    return f"{prefix}{counter_next(tenant=tenant, key=key):0{width}d}"
