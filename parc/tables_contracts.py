"""django-tables2 tables of service contracts and contract templates; every column reads a joined
or annotated attribute (parc.selectors_contracts), so a page's query count does not grow."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from parc.models import ContractStatus
from parc.tables import _customer_url, _url
from tiers.tables import _BaseTable


def status_badge(status: str, label: str) -> str:
    css = "badge-success" if status == ContractStatus.ACTIVE else "badge-muted"
    return format_html('<span class="badge {}">{}</span>', css, label)


class ContractTable(_BaseTable):
    code = tables.Column(verbose_name=_("Code"), linkify=_url("parc:contract_detail"))
    label = tables.Column(verbose_name=_("Libellé"))
    customer = tables.Column(verbose_name=_("Client"), accessor="customer__name", linkify=_customer_url)
    site = tables.Column(verbose_name=_("Site"), accessor="site__name")
    contract_type = tables.Column(verbose_name=_("Type"), accessor="contract_type__label")
    kind = tables.Column(verbose_name=_("Nature"), accessor="get_kind_display", order_by="kind")
    business_line = tables.Column(verbose_name=_("Activité"), accessor="business_line__name")
    starts_on = tables.DateColumn(verbose_name=_("Début"), format="d/m/Y")
    ends_on = tables.DateColumn(verbose_name=_("Fin"), format="d/m/Y")
    asset_count = tables.Column(verbose_name=_("Biens"), attrs={"td": {"class": "num"}})
    rule_count = tables.Column(verbose_name=_("Règles actives"), attrs={"td": {"class": "num"}})
    status = tables.Column(verbose_name=_("Statut"), order_by="status")

    class Meta(_BaseTable.Meta):
        pass

    def render_status(self, record) -> str:
        return status_badge(record.status, record.get_status_display())


class ContractTemplateTable(_BaseTable):
    code = tables.Column(verbose_name=_("Code"), linkify=_url("parc:contract_template_detail"))
    label = tables.Column(verbose_name=_("Libellé"))
    contract_type = tables.Column(verbose_name=_("Type"), accessor="contract_type__label")
    kind = tables.Column(verbose_name=_("Nature"), accessor="get_kind_display", order_by="kind")
    duration_months = tables.Column(verbose_name=_("Durée (mois)"), attrs={"td": {"class": "num"}})
    prepaid_amount = tables.Column(verbose_name=_("Crédit prépayé"), attrs={"td": {"class": "num"}})
    is_active = tables.BooleanColumn(verbose_name=_("Actif"), yesno=(_("Oui"), _("Non")))

    class Meta(_BaseTable.Meta):
        pass
