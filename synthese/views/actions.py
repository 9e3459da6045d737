"""The "Actions" block of the synthèse: one link per record the user may add for this customer,
to the owning app's create page, pre-filled from the current selection (``site``, ``contact``,
``bien`` in its query string, read by crm.views.forms.form_prefill) and with a ``next`` that
brings the user back to the refreshed synthèse after saving."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from synthese.context import SyntheseContext


@dataclass(frozen=True)
class ActionLinkSpec:
    key: str
    label: str
    url_name: str
    permission: str
    crm_only: bool = False
    # The selection passed on: "site", "contact", "bien".
    prefill: tuple[str, ...] = ("site",)
    # Opened in the synthèse's side panel (its form posts to its own page, then comes back).
    modal: bool = False
    # Fixed query parameters (``(("type", "meeting"),)``: the action's kind).
    query: tuple[tuple[str, str], ...] = ()
    # The URL's kwargs from the customer (its pk by default); a callable may add query
    # parameters of its own through ``query_of``.
    kwargs_of: Callable[..., dict] | None = None
    query_of: Callable[..., dict] | None = None


ACTION_LINKS = (
    ActionLinkSpec("affaire", _("Ajouter une affaire"), "ventes:deal_create", "ventes.add_deal", True),
    ActionLinkSpec("devis", _("Saisir un devis commercial"), "ventes:quote_create", "ventes.add_quote", True),
    ActionLinkSpec(
        "action",
        _("Ajouter une action commerciale"),
        "ventes:action_create",
        "ventes.add_action",
        True,
        ("site", "contact"),
    ),
    ActionLinkSpec(
        "dit",
        _("Saisir une DIT"),
        "parc:request_create",
        "parc.add_servicerequest",
        prefill=("site", "contact", "bien"),
    ),
    ActionLinkSpec("commande", _("Saisir une commande"), "ventes:order_create", "ventes.add_order"),
    ActionLinkSpec(
        "concurrent",
        _("Ajouter un élément de parc concurrent"),
        "parc:competitor_create",
        "parc.add_competitorasset",
    ),
    ActionLinkSpec(
        "contact",
        _("Créer un interlocuteur"),
        "tiers:contact_create",
        "tiers.add_contact",
        prefill=(),
        modal=True,
    ),
    ActionLinkSpec("site", _("Créer un site"), "tiers:site_create", "tiers.add_site", prefill=()),
)


@dataclass(frozen=True)
class ActionLink:
    key: str
    label: str
    url: str
    modal: bool = False


def synthese_url(ctx: SyntheseContext, **changes) -> str:
    url = reverse("synthese:customer", kwargs={"pk": ctx.customer.pk})
    query = ctx.querystring(**changes)
    return f"{url}?{query}" if query else url


def spec_links(
    specs: Iterable[ActionLinkSpec], *, user, crm_licence: bool, customer, selection: dict, back: str
) -> list[ActionLink]:
    """The links of ``specs`` the user may follow (no query: permissions are cached): each to its
    create page for ``customer``, with the selection it takes and ``next`` = ``back``."""
    links = []
    for spec in specs:
        if (spec.crm_only and not crm_licence) or not user.has_perm(spec.permission):
            continue
        kwargs = spec.kwargs_of(customer) if spec.kwargs_of else {"pk": customer.pk}
        try:
            url = reverse(spec.url_name, kwargs=kwargs)
        except NoReverseMatch:  # that app's page is not installed
            continue
        query = {name: selection[name] for name in spec.prefill if selection.get(name)}
        query.update(spec.query)
        if spec.query_of:
            query.update(spec.query_of(customer))
        query["next"] = back
        links.append(ActionLink(spec.key, str(spec.label), f"{url}?{urlencode(query)}", spec.modal))
    return links


def action_links(*, user, crm_licence: bool, ctx: SyntheseContext) -> list[ActionLink]:
    """The links of the Actions block the user may follow (no query: permissions are cached)."""
    selection = {"site": ctx.site_id, "contact": ctx.contact_id, "bien": ctx.asset_id}
    return spec_links(
        ACTION_LINKS,
        user=user,
        crm_licence=crm_licence,
        customer=ctx.customer,
        selection=selection,
        back=synthese_url(ctx, ligne=None),
    )
