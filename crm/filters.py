"""What every app's list FilterSets share: the registry of an app's lists ({key: (FilterSet class,
selector of its rows)}) and how a list's FilterSet is built from a query string."""

from __future__ import annotations

from crm.models import Company


def registered_filterset(lists: dict, key: str, data, *, tenant: Company, user, default_business_lines=None):
    """The FilterSet of list ``key`` of ``lists`` over its selector's rows, bound to ``data``."""
    filterset_class, rows = lists[key]
    return filterset_class(
        data,
        tenant=tenant,
        user=user,
        queryset=rows(tenant=tenant, user=user),
        default_business_lines=default_business_lines,
    )
