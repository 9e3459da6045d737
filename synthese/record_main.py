"""Record section "Informations principales": identity, category, origin, reps and status badges;
the custom fields shown in the synthèse (characteristic groups); the services in force (active
contracts, subscriptions and prepaid credits, from parc); the last articles bought (ventes'
purchase history); the latest events (synthese.history); the quick actions.

Each block needs its model's view permission; reads are one query per block whatever the
customer's size."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from parc.models import ContractKind, ContractStatus
from parc.selectors_contracts import contracts_visible
from tiers.models import ThirdParty
from tiers.models.characteristics import CharacteristicTarget
from tiers.selectors_characteristics import characteristics_for
from tiers.tables import status_badges
from ventes.selectors_history import purchase_history_rows

from .history import KIND_LABELS, customer_history, history_row_url
from .record import RecordSection, record_section_register
from .record_quick_actions import quick_action_links

LAST_ARTICLES = 5
LATEST_EVENTS = 10
SERVICE_KINDS = (ContractKind.CONTRACT, ContractKind.SUBSCRIPTION, ContractKind.PREPAID)


def _identity(customer: ThirdParty) -> ThirdParty:
    return (
        ThirdParty.objects.filter(tenant=customer.tenant_id, pk=customer.pk)
        .select_related("category", "activity", "origin", "rep_1", "rep_2", "country")
        .get()
    )


def _services(request, customer: ThirdParty) -> list[tuple[str, list]]:
    """(French kind label, active contracts of that kind) for each kind, in a fixed order."""
    rows = (
        contracts_visible(tenant=request.tenant, user=request.user)
        .filter(customer=customer, status=ContractStatus.ACTIVE)
        .select_related("contract_type", "site")
        .order_by("kind", "-starts_on", "code")
    )
    by_kind: dict[str, list] = {kind: [] for kind in SERVICE_KINDS}
    for contract in rows:
        by_kind.setdefault(contract.kind, []).append(contract)
    return [(str(ContractKind(kind).label), by_kind[kind]) for kind in SERVICE_KINDS]


def _latest_events(request, customer: ThirdParty) -> list[dict]:
    rows = list(customer_history(tenant=request.tenant, user=request.user, customer=customer)[:LATEST_EVENTS])
    for row in rows:
        row["kind_label"] = KIND_LABELS[row["row_kind"]]
        row["url"] = history_row_url(row)
    return rows


def main_context(request, customer: ThirdParty) -> dict:
    user = request.user
    identity = _identity(customer)
    context = {
        "identity": identity,
        "badges": status_badges(identity),
        "groups": characteristics_for(
            tenant=request.tenant,
            record=customer,
            target=CharacteristicTarget.THIRD_PARTY,
            synthese_only=True,
        ),
        "quick_actions": quick_action_links(request, customer),
        "events": _latest_events(request, customer),
    }
    if user.has_perm("parc.view_servicecontract"):
        context["services"] = _services(request, customer)
    if user.has_perm("ventes.view_invoiceline"):
        context["last_articles"] = list(
            purchase_history_rows(tenant=request.tenant, user=user, customer=customer)[:LAST_ARTICLES]
        )
    return context


record_section_register(
    RecordSection(
        key="principal",
        label=_("Informations principales"),
        order=10,
        template="synthese/record/principal.html",
        context=main_context,
    )
)
