"""What every synthèse tab's table shares: django-tables2 tables whose page and sort parameters
carry the tab's key (``affaires-page``, ``affaires-tri``), so the tabs never clash in the query
string; the row named by the context's ``ligne`` (``commande-123``) is highlighted; the user's
saved column choice arrives as ``exclude``.

Each tab declares its table next to its rows (synthese/tabs_*.py) and renders it with
``render_tab``: the tab's own filters (a django-filter FilterSet whose fields carry the same
prefix), the table, one template per tab under templates/synthese/tabs/.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import django_filters
import django_tables2 as tables
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from crm.views.pagination import table_configure
from parc.tables import yes_no_badge
from tiers.selectors_records import target_kwargs
from tiers.tables import PER_PAGE, _BaseTable
from ventes.tables import NUMBER_ATTRS, money_column, user_name

from .context import SyntheseContext

__all__ = [
    "NUMBER_ATTRS",
    "TabFilterSet",
    "TabTable",
    "money_column",
    "render_tab",
    "user_name",
    "yes_no_badge",
]


def _row_id(record, table) -> str:
    return table.row_key(record)


def _row_class(record, table) -> str:
    return "is-highlighted" if table.highlight and table.row_key(record) == table.highlight else ""


class TabTable(_BaseTable):
    """A tab's table; ``row_name`` names its rows in ``ligne`` (``commande`` → ``commande-123``)."""

    row_name = "ligne"

    class Meta(_BaseTable.Meta):
        row_attrs = {"id": _row_id, "class": _row_class}
        empty_text = _("Aucune ligne pour ces filtres.")

    def __init__(self, *args, ctx: SyntheseContext, key: str, exclude: Iterable[str] = (), **kwargs):
        self.ctx = ctx
        self.highlight = ctx.row
        super().__init__(*args, prefix=f"{key}-", exclude=tuple(exclude), **kwargs)

    def row_key(self, record) -> str:
        pk = record["row_id"] if isinstance(record, dict) else record.pk
        return f"{self.row_name}-{pk}"


class TabFilterSet(django_filters.FilterSet):
    """A tab's own filters; the form's fields are prefixed with the tab's key (``devis-statut``).
    Unbound or invalid values fall back to each filter's default (``initial``)."""

    def __init__(self, data=None, queryset=None, *, key: str, **kwargs):
        data = data.copy() if data is not None else {}
        for name, item in self.base_filters.items():
            initial = item.extra.get("initial")
            if initial is None:
                continue
            full = f"{key}-{name}"
            if data.get(full) not in {str(choice) for choice, _label in item.extra.get("choices", ())}:
                data[full] = initial
        super().__init__(data, queryset, prefix=key, **kwargs)


def render_tab(
    request,
    ctx: SyntheseContext,
    *,
    key: str,
    table_class: type[TabTable],
    rows,
    filterset: TabFilterSet | None = None,
    exclude: Iterable[str] = (),
    template: str | None = None,
    extra: dict | None = None,
    per_page: int = PER_PAGE,
    configure: Callable[[TabTable], None] | None = None,
) -> str:
    """The HTML of a tab's body: its filters, its sorted and paginated table."""
    table = table_class(rows, ctx=ctx, key=key, exclude=exclude)
    table_configure(request, table, per_page=per_page)
    if configure is not None:
        configure(table)
    context = {
        "ctx": ctx,
        "key": key,
        "table": table,
        "filter": filterset,
        "tab_url": request.path,
        # The global filters, kept by the tab's filter form (the tab's own page restarts at 1).
        "hidden": ctx.params(onglet=key, ligne=None),
        **(extra or {}),
    }
    return render_to_string(template or f"synthese/tabs/{key}.html", context, request=request)


def badge(css: str, label) -> str:
    return format_html('<span class="badge {}">{}</span>', css, label)


def filter_link(ctx: SyntheseContext, label, **changes) -> str:
    """A "Filtrer" button: the synthèse with a row filter set (site, contrat or bien)."""
    return format_html(
        '<a class="btn btn-small" href="?{}" title="{}">{}</a>',
        ctx.querystring(**changes, ligne=None),
        _("Filtrer toute la synthèse sur cette ligne"),
        label,
    )


# What a record page of tiers (wiki, vault) shows in the side panel: its cards, without the
# page's navigation and header.
PANEL_PAGE_SELECT = "#content .card"


def panel_button(url: str, label, *, anchor: str = "") -> str:
    """A button opening a record page of tiers in the synthèse's side panel (a plain link
    without JavaScript); the tab's URL stays in the address bar. Swap and push are explicit: the
    tab's body around it swaps ``outerHTML`` and pushes its URL."""
    return format_html(
        '<a class="btn btn-small" href="{}{}" hx-get="{}" hx-target="#synthese-panel-body" hx-select="{}" '
        'hx-swap="innerHTML" hx-push-url="false">{}</a>',
        url,
        anchor,
        url,
        PANEL_PAGE_SELECT,
        label,
    )


class FilterColumn(tables.Column):
    """The "Filtrer" button of a row (Détails sites, Parc and SSC)."""

    def __init__(self, parameter: str, **kwargs):
        self.parameter = parameter
        kwargs.setdefault("verbose_name", "")
        super().__init__(accessor="pk", orderable=False, empty_values=(), **kwargs)

    def render(self, record, table) -> str:
        pk = record["row_id"] if isinstance(record, dict) else record.pk
        return filter_link(table.ctx, _("Filtrer"), **{self.parameter: pk})


class ExchangesColumn(tables.Column):
    """The number of exchanges about the row (annotation ``exchange_count``), a link that opens
    the exchanges' side panel (tiers' record screen, htmx) and previews them on hover (the
    preview is fetched once, at the first hover). Neither pushes its URL (the tab body does)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("verbose_name", _("Éch."))
        super().__init__(accessor="exchange_count", attrs=NUMBER_ATTRS, **kwargs)

    def render(self, record, value) -> str:
        url = reverse("tiers:exchanges", kwargs=target_kwargs(record))
        return format_html(
            '<span class="exchanges-cell" hx-get="{}?apercu=1" hx-trigger="mouseenter once" '
            'hx-target="find .exchanges-preview" hx-swap="innerHTML" hx-push-url="false">'
            '<a href="{}" class="exchanges-link" hx-get="{}" hx-target="#synthese-panel-body" '
            'hx-swap="innerHTML" hx-push-url="false" title="{}">{}</a>'
            '<span class="exchanges-preview" role="tooltip"></span></span>',
            url,
            url,
            url,
            _("Voir les échanges"),
            value,
        )
