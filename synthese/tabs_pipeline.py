"""Synthèse tabs Affaires and Actions (the commercial pipeline, ventes)."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from ventes.models import Action, Deal, DealStatus
from ventes.tables import url_of

from .context import SyntheseContext
from .tables import NUMBER_ATTRS, TabFilterSet, TabTable, badge, money_column, render_tab, user_name
from .tabs import Tab, tab_register
from .tabs_filters import owned_rows, since_for

# --- Affaires -------------------------------------------------------------------------------------


def deal_rows(ctx: SyntheseContext) -> QuerySet[Deal]:
    """Business lines, period on the opening date (the deal's creation), site."""
    return owned_rows(Deal, ctx, period="opened_on").select_related("site", "owner", "business_line")


class DealFilterSet(TabFilterSet):
    statut = django_filters.ChoiceFilter(
        field_name="status", label=_("Statut"), choices=DealStatus.choices, empty_label=_("Toutes")
    )

    class Meta:
        model = Deal
        fields: list[str] = []


class DealTabTable(TabTable):
    row_name = "affaire"
    number = tables.Column(verbose_name=_("Numéro"), linkify=url_of("ventes:deal_detail"))
    title = tables.Column(verbose_name=_("Intitulé"))
    site = tables.Column(verbose_name=_("Site"), accessor="site__name")
    owner = tables.Column(verbose_name=_("Responsable"), order_by=("owner__last_name", "owner__username"))
    amount = money_column(_("Montant"))
    probability = tables.Column(verbose_name=_("Probabilité %"), attrs=NUMBER_ATTRS)
    status = tables.Column(verbose_name=_("Statut"), order_by="status")
    opened_on = tables.DateColumn(verbose_name=_("Ouverte le"), format="d/m/Y")
    expected_on = tables.DateColumn(verbose_name=_("Signature prévue"), format="d/m/Y")
    closed_on = tables.DateColumn(verbose_name=_("Clôturée le"), format="d/m/Y")

    class Meta(TabTable.Meta):
        order_by = ("-opened_on",)

    def render_owner(self, value) -> str:
        return user_name(value)

    def render_status(self, record) -> str:
        css = "badge-success" if record.status == DealStatus.TREATED else "badge-warning"
        return badge(css, record.get_status_display())


def render_deals(request, ctx: SyntheseContext, *, exclude=()) -> str:
    filterset = DealFilterSet(request.GET, deal_rows(ctx), key="affaires")
    return render_tab(
        request,
        ctx,
        key="affaires",
        table_class=DealTabTable,
        rows=filterset.qs,
        filterset=filterset,
        exclude=exclude,
    )


# --- Actions --------------------------------------------------------------------------------------


def action_rows(ctx: SyntheseContext) -> QuerySet[Action]:
    """Business lines, site; planned or done during the period (planned ones after today always)."""
    since = since_for(Action, "planned_at", ctx)
    return (
        owned_rows(Action, ctx)
        .filter(Q(planned_at__gte=since) | Q(done_at__gte=since))
        .select_related("contact", "owner", "deal")
    )


class ActionTabTable(TabTable):
    row_name = "action"
    kind = tables.Column(verbose_name=_("Type"), accessor="get_kind_display", order_by="kind")
    subject = tables.Column(verbose_name=_("Objet"), linkify=url_of("ventes:action_detail"))
    contact = tables.Column(verbose_name=_("Personne à contacter"), order_by=("contact__last_name",))
    owner = tables.Column(verbose_name=_("Responsable"), order_by=("owner__last_name", "owner__username"))
    planned_at = tables.DateTimeColumn(verbose_name=_("Prévue le"), format="d/m/Y H:i")
    done_at = tables.DateTimeColumn(verbose_name=_("Faite le"), format="d/m/Y H:i")
    deal = tables.Column(verbose_name=_("Affaire"), accessor="deal__number")

    class Meta(TabTable.Meta):
        order_by = ("-planned_at",)

    def render_owner(self, value) -> str:
        return user_name(value)


def render_actions(request, ctx: SyntheseContext, *, exclude=()) -> str:
    return render_tab(
        request, ctx, key="actions", table_class=ActionTabTable, rows=action_rows(ctx), exclude=exclude
    )


tab_register(Tab("affaires", _("Affaires"), 20, "ventes.view_deal", rows=deal_rows, render=render_deals))
tab_register(
    Tab(
        "actions",
        _("Actions"),
        30,
        "ventes.view_action",
        rows=action_rows,
        render=render_actions,
        crm_only=True,
    )
)
