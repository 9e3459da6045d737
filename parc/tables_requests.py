"""django-tables2 table of service requests; every column reads a joined or annotated attribute
(parc.selectors_requests.request_rows), so a page's query count does not grow."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from parc.models import RequestState
from parc.selectors_requests import minutes_display
from parc.tables import _customer_url, _url
from tiers.tables import _BaseTable

STATE_BADGES = {
    RequestState.NEW: "",
    RequestState.IN_PROGRESS: "badge-warning",
    RequestState.WAITING: "badge-muted",
    RequestState.CLOSED: "badge-success",
    RequestState.CANCELLED: "badge-danger",
}


def state_badge(state: str, label: str) -> str:
    return format_html('<span class="badge {}">{}</span>', STATE_BADGES.get(state, "badge-muted"), label)


class RequestTable(_BaseTable):
    number = tables.Column(verbose_name=_("Numéro"), linkify=_url("parc:request_detail"))
    started_at = tables.DateTimeColumn(verbose_name=_("Début"), format="d/m/Y H:i")
    customer = tables.Column(verbose_name=_("Client"), accessor="customer__name", linkify=_customer_url)
    site = tables.Column(verbose_name=_("Site"), accessor="site__name")
    nature = tables.Column(verbose_name=_("Nature"), accessor="get_nature_display", order_by="nature")
    business_line = tables.Column(verbose_name=_("Activité"), accessor="business_line__name")
    detail = tables.Column(verbose_name=_("Détail"), orderable=False)
    total_minutes = tables.Column(verbose_name=_("Temps passé"), attrs={"td": {"class": "num"}})
    state = tables.Column(verbose_name=_("État"), order_by="state")

    class Meta(_BaseTable.Meta):
        pass

    def render_detail(self, value) -> str:
        return value if len(value) <= 80 else f"{value[:79]}…"

    def render_total_minutes(self, value) -> str:
        return minutes_display(value)

    def render_state(self, record) -> str:
        return state_badge(record.state, record.get_state_display())
