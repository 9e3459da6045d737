"""What the export's sections share: the state they read (the rebuilt synthèse context, the
stored query string, the selection) and the conversion of a tab's screen table into a sheet
(same filters, sort order and column choice as the screen, raw typed values instead of HTML)."""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.http import QueryDict
from django_tables2.utils import Accessor

from crm.exports.owner import SORT_PARAMETER
from crm.exports.registry import Column, Sheet
from synthese.context import SyntheseContext
from synthese.preferences import columns_excluded
from synthese.tables import FilterColumn, TabTable, user_name

CHUNK_SIZE = 2000
HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True)
class ExportState:
    ctx: SyntheseContext
    query: QueryDict
    selection: frozenset[str]
    # What several sections read (the assets' last readings, VMM and financings), read once.
    shared: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def tenant(self):
        return self.ctx.tenant

    @property
    def user(self):
        return self.ctx.user


class TenantRequest:
    """What the tabs' FilterSets read from a request (their choice querysets use the tenant)."""

    def __init__(self, ctx: SyntheseContext) -> None:
        self.tenant = ctx.tenant
        self.user = ctx.user


def hours_decimal(minutes: int | None) -> Decimal | None:
    """A duration typed as HH.MM on the screen, as decimal hours (90 minutes → 1.50)."""
    if minutes is None:
        return None
    return (Decimal(minutes) / 60).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


@functools.cache
def _user_model() -> type:
    return get_user_model()


def plain(value: Any) -> Any:
    """A resolved table value as a cell: users by their name, other objects as text."""
    if isinstance(value, models.Model):
        return user_name(value) if isinstance(value, _user_model()) else str(value)
    return value


def choice_labels(model: type[models.Model], accessor: str) -> tuple[str, dict[Any, str]] | None:
    """For an accessor ``[relation__]get_<field>_display``: the accessor of the raw value and
    the field's labels as text, computed once (not one translation per cell); else None."""
    *path, last = accessor.split("__")
    if not (last.startswith("get_") and last.endswith("_display")):
        return None
    try:
        for name in path:
            model = model._meta.get_field(name).related_model
        field = model._meta.get_field(last[len("get_") : -len("_display")])
    except (AttributeError, FieldDoesNotExist):
        return None
    if not field.flatchoices:
        return None
    return "__".join([*path, field.attname]), {key: str(label) for key, label in field.flatchoices}


def joined(*parts: Any, separator: str = " ") -> str:
    """Non-empty parts joined (``code libellé``)."""
    return separator.join(str(part) for part in parts if part not in (None, ""))


def queryset_sheet(title, columns: Sequence[Column], queryset, row: Callable[[Any], list]) -> Sheet:
    """A sheet streaming ``row(record)`` over ``queryset`` (``iterator()``, chunks)."""

    def rows() -> Iterator[list]:
        for record in queryset.iterator(chunk_size=CHUNK_SIZE):
            yield row(record)

    return Sheet(title=title, columns=columns, rows=rows(), count=queryset.count())


def table_sheet(
    state: ExportState,
    *,
    title,
    tab_key: str,
    table_class: type[TabTable],
    rows,
    skip: Sequence[str] = (),
    values: dict[str, Callable[[Any], Any]] | None = None,
) -> Sheet:
    """The sheet of a tab's screen table: the user's hidden columns left out, the screen's sort
    (``<tab>-tri`` of the stored query string) and its default order otherwise; button columns
    dropped; ``values`` converts a column's raw value (e.g. a code into its label)."""
    exclude = columns_excluded(user=state.user, tenant=state.tenant, tab_key=tab_key)
    sort = state.query.get(f"{tab_key}-{SORT_PARAMETER}") or None
    table = table_class(rows, ctx=state.ctx, key=tab_key, exclude=exclude, order_by=sort)
    kept = [
        column
        for column in table.columns
        if column.name not in skip and not isinstance(column.column, FilterColumn)
    ]
    converters = values or {}
    columns = [Column(str(column.header), width=18) for column in kept]
    queryset = table.data.data
    cells: list[Callable[[Any], Any]] = [
        _cell_reader(queryset.model, column.accessor, converters.get(column.name)) for column in kept
    ]

    def row(record) -> list:
        return [read(record) for read in cells]

    return queryset_sheet(title, columns, queryset, row)


def _label(names: dict[Any, str], value: Any) -> Any:
    """As ``get_<field>_display``: the label, or the value itself when it is not a choice."""
    return names.get(value, value)


def resolver(accessor: str) -> Callable[[Any], Any]:
    """``Accessor(accessor).resolve(record, quiet=True)`` for model instances, several times
    faster: one ``attrgetter`` instead of a failed ``record[bit]`` (an exception) per step. Any
    other case (a None or a callable on the way) goes through django-tables2's own resolve."""
    slow = Accessor(accessor)
    get = operator.attrgetter(accessor.replace("__", "."))

    def resolve(record: Any) -> Any:
        try:
            value = get(record)
        except (AttributeError, ObjectDoesNotExist):
            return slow.resolve(record, quiet=True)
        if callable(value) and not getattr(value, "do_not_call_in_templates", False):
            return None if getattr(value, "alters_data", False) else value()
        return value

    return resolve


def _cell_reader(model, accessor: Accessor, convert: Callable[[Any], Any] | None) -> Callable[[Any], Any]:
    """How one column's cell is read from a record: a choice's label from a dict built once, a
    conversion, or the resolved value as a plain cell."""
    if convert is not None:
        value = resolver(accessor)
        return lambda record: convert(value(record))
    labels = choice_labels(model, accessor)
    if labels is not None:
        raw, names = resolver(labels[0]), labels[1]
        return lambda record: _label(names, raw(record))
    value = resolver(accessor)
    return lambda record: plain(value(record))
