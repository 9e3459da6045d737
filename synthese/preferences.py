"""Per-user, per-tenant preferences of the synthèse: the columns chosen for each tab's table and
the last selection of exported sections (read back by the export).

    preference_get(user=, tenant=, key=, default=)   -> the stored JSON value or ``default``
    preference_set(user=, tenant=, key=, value=)     -> stores it (one upsert)

Preferences are the user's own screen settings, not business data: they are not audited.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from crm.models import Company

from .models import UserPreference

COLUMNS_PREFIX = "colonnes:"
EXPORT_SELECTION = "export:sections"
MAX_COLUMN_NAME = 100  # characters of a column's name (django-tables2 column attribute)


def columns_key(tab_key: str) -> str:
    return f"{COLUMNS_PREFIX}{tab_key}"


def preference_get(user, tenant: Company, key: str, default: Any = None) -> Any:
    row = UserPreference.objects.filter(tenant=tenant, user=user, key=key).values_list("value", flat=True)
    values = list(row[:1])
    return values[0] if values else default


def preference_set(user, tenant: Company, key: str, value: Any) -> UserPreference:
    with transaction.atomic():
        preference, _created = UserPreference.objects.update_or_create(
            tenant=tenant, user=user, key=key, defaults={"value": value}
        )
    return preference


def columns_excluded(*, user, tenant: Company, tab_key: str) -> list[str]:
    """The columns the user hid in the tab's table (django-tables2 ``exclude``)."""
    value = preference_get(user=user, tenant=tenant, key=columns_key(tab_key), default=[])
    return [str(name) for name in value] if isinstance(value, list) else []


def columns_excluded_set(*, user, tenant: Company, tab_key: str, excluded: list[str]) -> UserPreference:
    """Store the columns hidden in the tab. A column is named like a Python attribute: anything
    else posted (a NUL byte, which PostgreSQL's JSON refuses, text of any length) is no column and
    is left out."""
    names = {name for name in excluded if name.isidentifier() and len(name) <= MAX_COLUMN_NAME}
    return preference_set(user=user, tenant=tenant, key=columns_key(tab_key), value=sorted(names))
