"""Ordering and pagination of a django-tables2 table from the request's query string.

django-tables2's RequestConfig takes ``?per_page=`` as it comes: 0 divides by zero and a negative
number leaves no page 1 (both a server error); it also passes any sort key to the table, where an
unknown one ("." or a name that is no column) warns or fails. Here the request's page size is kept only between 1
and MAX_PER_PAGE, a page number that is not one shows the first page and a page past the end (or
below 1) the last one.
"""

from __future__ import annotations

from django.core.paginator import EmptyPage, PageNotAnInteger

MAX_PER_PAGE = 100


def _positive_int(value: str | None) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number >= 1 else None


def _known_sort_keys(table, asked: list[str]) -> list[str]:
    """The sort keys of ``asked`` that name a sortable column (``-`` for descending); the others
    are ignored (django-tables2 would pass them to the database or fail on them)."""
    sortable = {name for name, column in table.columns.items() if column.orderable}
    keys = [key.strip() for value in asked for key in value.split(",")]
    return [key for key in keys if key.removeprefix("-") in sortable]


def table_configure(request, table, *, per_page: int) -> None:
    """Order ``table`` by the request's sort parameter and paginate it by ``per_page`` rows (or the
    request's ``per_page`` when it is between 1 and MAX_PER_PAGE)."""
    table.request = request
    order_by = _known_sort_keys(table, request.GET.getlist(table.prefixed_order_by_field))
    if order_by:
        table.order_by = order_by
    asked = _positive_int(request.GET.get(table.prefixed_per_page_field))
    size = asked if asked is not None and asked <= MAX_PER_PAGE else per_page
    page = _positive_int(request.GET.get(table.prefixed_page_field)) or 1
    try:
        table.paginate(page=page, per_page=size)
    except PageNotAnInteger:
        table.page = table.paginator.page(1)
    except EmptyPage:
        table.page = table.paginator.page(table.paginator.num_pages)
