"""The customer record's quick actions (the "éclair"): a link per record the user may create for
this customer, to the owning app's create page pre-filled for it (crm.views.forms.form_prefill),
built like the synthèse's Actions block (synthese.views.actions.spec_links) and coming back to
the record. Shown only with the add permission, and the CRM licence for deals, commercial quotes
and actions (DESIGN.md §4).

A delivery is made from an order: its link opens the record's Ventes section on the orders in
progress, each with its "Livrer" link. Invoices are generated from the deliveries: its link opens
the invoicing form with the customer's code."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from synthese.views.actions import ActionLink, ActionLinkSpec, spec_links
from ventes.models import ActionKind


def _action(kind: str, label) -> ActionLinkSpec:
    return ActionLinkSpec(
        f"action-{kind}",
        label,
        "ventes:action_create",
        "ventes.add_action",
        True,
        prefill=(),
        query=(("type", kind),),
    )


QUICK_ACTIONS = (
    ActionLinkSpec("devis", _("Nouveau devis"), "ventes:quote_create", "ventes.add_quote", True, prefill=()),
    ActionLinkSpec("commande", _("Nouvelle commande"), "ventes:order_create", "ventes.add_order", prefill=()),
    ActionLinkSpec(
        "livraison",
        _("Nouvelle livraison"),
        "synthese:record",
        "ventes.add_delivery",
        prefill=(),
        query=(("type", "commande"),),
        kwargs_of=lambda customer: {"pk": customer.pk, "section": "ventes"},
    ),
    ActionLinkSpec(
        "facture",
        _("Nouvelle facture"),
        "ventes:invoice_generate",
        "ventes.add_invoice",
        prefill=(),
        kwargs_of=lambda customer: {},
        query_of=lambda customer: {"client": customer.code},
    ),
    _action(ActionKind.CALL_OUT, _("Nouvel appel")),
    _action(ActionKind.MEETING, _("Nouveau rendez-vous")),
    _action(ActionKind.TASK, _("Nouvelle tâche")),
    ActionLinkSpec(
        "affaire", _("Nouvelle affaire"), "ventes:deal_create", "ventes.add_deal", True, prefill=()
    ),
    ActionLinkSpec(
        "dit",
        _("Nouvelle demande d'intervention"),
        "parc:request_create",
        "parc.add_servicerequest",
        prefill=(),
    ),
)


def quick_action_links(request, customer) -> list[ActionLink]:
    """The quick actions ``request.user`` may follow, back to the record's current section."""
    membership = getattr(request, "membership", None)
    return spec_links(
        QUICK_ACTIONS,
        user=request.user,
        crm_licence=bool(membership and membership.has_crm_licence),
        customer=customer,
        selection={},
        back=request.path or reverse("synthese:record_home", kwargs={"pk": customer.pk}),
    )
