"""django-tables2 tables of the parc lists. Every column reads a joined or annotated attribute of
the row (parc.selectors_assets), so a page costs the same number of queries for 2 rows and 25."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from tiers.tables import _BaseTable


def _url(name: str):
    return lambda record: reverse(name, kwargs={"pk": record.pk})


def _customer_url(record) -> str:
    return reverse("tiers:detail", kwargs={"pk": record.customer_id})


def yes_no_badge(value: bool) -> str:
    if value:
        return format_html('<span class="badge badge-success">{}</span>', _("Oui"))
    return format_html('<span class="badge badge-muted">{}</span>', _("Non"))


class ArticleTable(_BaseTable):
    code = tables.Column(verbose_name=_("Code"), linkify=_url("parc:article_detail"))
    label = tables.Column(verbose_name=_("Libellé"))
    business_line = tables.Column(verbose_name=_("Activité"), accessor="business_line__name")
    family = tables.Column(verbose_name=_("Famille"), accessor="family__label")
    sub_family = tables.Column(verbose_name=_("Sous-famille"), accessor="sub_family__label")
    brand = tables.Column(verbose_name=_("Marque"), accessor="brand__name")
    model = tables.Column(verbose_name=_("Modèle"))
    is_active = tables.BooleanColumn(verbose_name=_("Actif"), yesno=(_("Oui"), _("Non")))

    class Meta(_BaseTable.Meta):
        pass


class AssetTable(_BaseTable):
    label = tables.Column(verbose_name=_("Libellé"), linkify=_url("parc:asset_detail"))
    serial = tables.Column(verbose_name=_("Identifiant fabricant"))
    provider_id = tables.Column(verbose_name=_("Identifiant prestataire"))
    article = tables.Column(verbose_name=_("Article"), accessor="article__code")
    family = tables.Column(verbose_name=_("Famille"), accessor="article__family__label")
    brand = tables.Column(verbose_name=_("Marque"), accessor="article__brand__name")
    customer = tables.Column(verbose_name=_("Client"), accessor="customer__name", linkify=_customer_url)
    site = tables.Column(verbose_name=_("Site"), accessor="site__name")
    status = tables.Column(verbose_name=_("Statut"), accessor="get_status_display", order_by="status")
    is_covered = tables.Column(verbose_name=_("Sous contrat"), empty_values=())

    class Meta(_BaseTable.Meta):
        pass

    def render_is_covered(self, value) -> str:
        return yes_no_badge(value)


class EquipmentTable(_BaseTable):
    hostname = tables.Column(verbose_name=_("Nom d'hôte"), linkify=_url("parc:equipment_detail"))
    serial = tables.Column(verbose_name=_("N° de série"))
    model = tables.Column(verbose_name=_("Modèle"))
    customer = tables.Column(verbose_name=_("Client"), accessor="customer__name", linkify=_customer_url)
    site = tables.Column(verbose_name=_("Site"), accessor="site__name")
    asset = tables.Column(verbose_name=_("Bien"), accessor="asset__label", orderable=False)
    is_active = tables.BooleanColumn(verbose_name=_("Actif"), yesno=(_("Oui"), _("Non")))
    last_seen_at = tables.DateTimeColumn(verbose_name=_("Vu le"), format="d/m/Y H:i")

    class Meta(_BaseTable.Meta):
        pass


class CompetitorAssetTable(_BaseTable):
    kind = tables.Column(
        verbose_name=_("Type"),
        accessor="get_kind_display",
        order_by="kind",
        linkify=_url("parc:competitor_detail"),
    )
    competitor = tables.Column(verbose_name=_("Concurrent"))
    description = tables.Column(verbose_name=_("Description"))
    customer = tables.Column(verbose_name=_("Client"), accessor="customer__name", linkify=_customer_url)
    site = tables.Column(verbose_name=_("Site"), accessor="site__name")
    contract_initial_end_on = tables.DateColumn(verbose_name=_("Fin initiale du contrat"), format="d/m/Y")
    financing_ends_on = tables.DateColumn(verbose_name=_("Fin du financement"), format="d/m/Y")

    class Meta(_BaseTable.Meta):
        pass
