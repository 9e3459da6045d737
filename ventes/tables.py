"""django-tables2 tables of the ventes lists. Every column reads a joined attribute of the row
(ventes.selectors_*), so a page costs the same number of queries for 2 rows and 25.

Areas add their own tables in ``ventes/tables_<area>.py``, using the helpers below."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from tiers.tables import _BaseTable

VentesTable = _BaseTable
NUMBER_ATTRS = {"td": {"class": "num"}, "th": {"class": "num"}}


def url_of(name: str):
    """A linkify callable to the row's page ``name`` (kwarg ``pk``)."""
    return lambda record: reverse(name, kwargs={"pk": record.pk})


def customer_url(record) -> str:
    return reverse("tiers:detail", kwargs={"pk": record.customer_id})


def money_column(verbose_name, **kwargs) -> tables.Column:
    return MoneyColumn(verbose_name=verbose_name, attrs=NUMBER_ATTRS, **kwargs)


class MoneyColumn(tables.Column):
    """A Decimal amount, localised with two decimals (1 234,50)."""

    def render(self, value) -> str:
        return number_format(value, decimal_pos=2, force_grouping=True)

    def value(self, value):
        return value


def customer_column() -> tables.Column:
    return tables.Column(verbose_name=_("Client"), accessor="customer__name", linkify=customer_url)


def user_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


class DealTable(VentesTable):
    number = tables.Column(verbose_name=_("Numéro"), linkify=url_of("ventes:deal_detail"))
    title = tables.Column(verbose_name=_("Intitulé"))
    customer = customer_column()
    business_line = tables.Column(verbose_name=_("Activité"), accessor="business_line__name")
    organisation = tables.Column(verbose_name=_("Organisation"), accessor="organisation__name")
    owner = tables.Column(verbose_name=_("Responsable"), order_by=("owner__last_name", "owner__username"))
    amount = money_column(_("Montant"))
    probability = tables.Column(verbose_name=_("Probabilité %"), attrs=NUMBER_ATTRS)
    status = tables.Column(verbose_name=_("Statut"), order_by="status")
    opened_on = tables.DateColumn(verbose_name=_("Ouverte le"), format="d/m/Y")
    expected_on = tables.DateColumn(verbose_name=_("Signature prévue"), format="d/m/Y")

    class Meta(VentesTable.Meta):
        pass

    def render_owner(self, value) -> str:
        return user_name(value)

    def render_status(self, record) -> str:
        css = "badge-success" if record.status == "treated" else "badge-warning"
        return format_html('<span class="badge {}">{}</span>', css, record.get_status_display())


class ActionTable(VentesTable):
    kind = tables.Column(verbose_name=_("Type"), accessor="get_kind_display", order_by="kind")
    subject = tables.Column(verbose_name=_("Objet"), linkify=url_of("ventes:action_detail"))
    customer = customer_column()
    contact = tables.Column(verbose_name=_("Personne à contacter"), order_by=("contact__last_name",))
    deal = tables.Column(verbose_name=_("Affaire"), accessor="deal__number")
    owner = tables.Column(verbose_name=_("Responsable"), order_by=("owner__last_name", "owner__username"))
    planned_at = tables.DateTimeColumn(verbose_name=_("Prévue le"), format="d/m/Y H:i")
    done_at = tables.DateTimeColumn(verbose_name=_("Faite le"), format="d/m/Y H:i")

    class Meta(VentesTable.Meta):
        pass

    def render_owner(self, value) -> str:
        return user_name(value)
