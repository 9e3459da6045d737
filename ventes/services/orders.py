"""Writes of orders (commandes) and their lines.

Rules at entry (``order_create``):
- number from the tenant's counter per year (CMD-2026-000001); state "en cours";
- bill-to and ship-to are the customer itself or one of its management links (bill-to: CL_A_FACT,
  ship-to: SITE_LIV; tiers.selectors_links), the default link when none is given; the ship-to
  site is a site of the ship-to party; the site and the deal are the customer's;
- reps: the ordering customer's rep 1 / rep 2 when it has any, else the ship-to party's;
- partial delivery, no-grouping and billing mode copied from the customer's terms unless given;
- each line may carry a service contract of the customer (parc.ServiceContract);
- refused when the total HT is under the customer's minimum order amount;
- credit control (tiers ThirdParty.credit_control): exposure (ventes.selectors_credit) + this
  order's TTC over the credit limit → "warning": saved, ``order.credit_warning`` holds the message;
  "blocking": refused; both messages give the exposure and the limit;
- the customer's first order date is recorded (tiers.services.relationship).
``order_update`` applies the same rules except credit control (checked at entry only); a closed
order is not modified, a line already delivered or invoiced is not deleted nor reduced below
those quantities.

"CA SSC annuel" / "marge SSC annuelle" (``service_annual_amounts``), over the distinct contracts
the order's lines carry, counting only their ACTIVE billing rules:
- a rule's amount per billing period = units sold x unit price, the unit price being the rule's
  ``unit_cost`` (coût unitaire de la grandeur) when set, else its ``extra_unit_cost``;
- its annual amount = that amount x periods per year of its periodicity (monthly 12, quarterly 4,
  half-yearly 2, yearly 1), rounded to the cent; CA SSC annuel = the sum over the rules;
- the billing rules carry prices, not costs: a contract's annual margin = its annual revenue x
  the margin rate of the order lines carrying it ((HT - cost) / HT of those lines, 0 when their
  HT is 0), rounded to the cent; marge SSC annuelle = the sum over the contracts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import Company
from crm.services.audit import audit_changes, audit_record, audit_snapshot
from parc.models import BillingRule, Periodicity
from parc.services.assets import _fields_check, _tenant_check
from tiers.models import CreditControl, ThirdParty
from tiers.services.relationship import relationship_order_record
from ventes.amounts import ZERO, line_amounts_of, money
from ventes.documents import amount_fr
from ventes.models import Order, OrderLine, OrderState
from ventes.selectors_credit import credit_exposure
from ventes.selectors_sales import order_parties

from .lines import (
    LINES,
    document_number_next,
    document_owner_errors,
    document_totals_store,
    lines_clean,
    lines_save,
    lines_snapshot,
    lines_totals_preview,
)

NUMBER_PREFIX = "CMD"
ORDER_FIELDS = (
    "ordered_on",
    "site",
    "deal",
    "quote",
    "bill_to",
    "ship_to",
    "ship_to_site",
    "rep_1",
    "rep_2",
    "partial_delivery",
    "grouping_forbidden",
    "billing_mode",
    "business_line",
)
_FK = {"site", "deal", "quote", "bill_to", "ship_to", "ship_to_site", "rep_1", "rep_2", "business_line"}
_AUDITED = tuple(f"{name}_id" if name in _FK else name for name in ORDER_FIELDS)
LINE_EXTRA_FIELDS = ("service_contract",)
PERIODS_PER_YEAR = {
    Periodicity.MONTHLY: 12,
    Periodicity.QUARTERLY: 4,
    Periodicity.HALF_YEARLY: 2,
    Periodicity.YEARLY: 1,
}


def message_bill_to(name: str, customer: str) -> str:
    return _(
        "%(name)s ne peut pas être le client facturé d'une commande de %(customer)s : choisissez le "
        "client lui-même ou un client lié par un lien de gestion « client à facturer »."
    ) % {"name": name, "customer": customer}


def message_ship_to(name: str, customer: str) -> str:
    return _(
        "%(name)s ne peut pas être le client livré d'une commande de %(customer)s : choisissez le "
        "client lui-même ou un client lié par un lien de gestion « site de livraison »."
    ) % {"name": name, "customer": customer}


def message_ship_to_site(site: str, name: str) -> str:
    return _("Le site %(site)s n'est pas un site du client livré %(name)s.") % {"site": site, "name": name}


def message_minimum(total: Decimal, minimum: Decimal) -> str:
    return _(
        "Le montant HT de la commande (%(total)s) est inférieur au minimum de commande du client (%(minimum)s)."
    ) % {"total": amount_fr(total), "minimum": amount_fr(minimum)}


def message_credit_warning(exposure: Decimal, limit: Decimal) -> str:
    return _(
        "Attention : avec cette commande, l'encours du client (%(exposure)s) dépasse son encours "
        "autorisé (%(limit)s)."
    ) % {"exposure": amount_fr(exposure), "limit": amount_fr(limit)}


def message_credit_blocking(exposure: Decimal, limit: Decimal) -> str:
    return _(
        "Commande refusée : avec cette commande, l'encours du client (%(exposure)s) dépasserait son "
        "encours autorisé (%(limit)s)."
    ) % {"exposure": amount_fr(exposure), "limit": amount_fr(limit)}


def message_foreign_contract(position: int, code: str) -> str:
    return _("Ligne %(position)s : le contrat %(code)s n'est pas un contrat de ce client.") % {
        "position": position,
        "code": code,
    }


def message_closed(number: str) -> str:
    return _("La commande %(number)s est soldée : elle ne peut plus être modifiée.") % {"number": number}


def message_line_delivered(label: str) -> str:
    return _("La ligne « %(label)s » est déjà livrée ou facturée : elle ne peut pas être supprimée.") % {
        "label": label
    }


def message_below_delivered(position: int) -> str:
    return _(
        "Ligne %(position)s : la quantité ne peut pas être inférieure à la quantité déjà livrée ou facturée."
    ) % {"position": position}


# --- Defaults from the customer ------------------------------------------------------------------


def order_reps(customer: ThirdParty, ship_to: ThirdParty | None) -> tuple[Any, Any]:
    """Rep 1 and rep 2 of a new order: the ordering customer's when it has any, else the ship-to's."""
    if customer.rep_1_id is not None or ship_to is None:
        return customer.rep_1, customer.rep_2
    return ship_to.rep_1, ship_to.rep_2


def order_initial(*, tenant: Company, user, customer: ThirdParty) -> dict[str, Any]:
    """What a new order of ``customer`` starts with (the form's initial values)."""
    parties = order_parties(tenant=tenant, user=user, customer=customer)
    rep_1, rep_2 = order_reps(customer, parties.default_ship_to)
    return {
        "ordered_on": timezone.localdate(),
        "bill_to": parties.default_bill_to,
        "ship_to": parties.default_ship_to,
        "rep_1": rep_1,
        "rep_2": rep_2,
        "partial_delivery": customer.partial_delivery,
        "grouping_forbidden": customer.order_grouping_forbidden,
        "billing_mode": customer.billing_mode,
    }


# --- CA SSC annuel ------------------------------------------------------------------------------


def rule_annual_amount(rule: BillingRule) -> Decimal:
    """The annualised amount of one billing rule (see the module's docstring)."""
    unit_price = rule.unit_cost if rule.unit_cost is not None else rule.extra_unit_cost
    return money(Decimal(rule.units_sold) * Decimal(unit_price) * PERIODS_PER_YEAR[rule.periodicity])


def service_annual_amounts(
    lines: Iterable[OrderLine], rules: Iterable[BillingRule]
) -> tuple[Decimal, Decimal]:
    """(CA SSC annuel, marge SSC annuelle) of an order's ``lines`` given the ACTIVE ``rules`` of
    the contracts they carry (inactive rules are ignored here too)."""
    excl_by_contract: dict[int, Decimal] = defaultdict(lambda: ZERO)
    cost_by_contract: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        if line.service_contract_id is None:
            continue
        amounts = line_amounts_of(line)
        excl_by_contract[line.service_contract_id] += amounts.excl_tax
        cost_by_contract[line.service_contract_id] += amounts.cost
    revenue_by_contract: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for rule in rules:
        if rule.is_active and rule.contract_id in excl_by_contract:
            revenue_by_contract[rule.contract_id] += rule_annual_amount(rule)
    revenue = margin = ZERO
    for contract_id, annual in revenue_by_contract.items():
        excl = excl_by_contract[contract_id]
        rate = (excl - cost_by_contract[contract_id]) / excl if excl else ZERO
        revenue += annual
        margin += money(annual * rate)
    return revenue, margin


def _service_amounts_store(order: Order, lines: list[OrderLine]) -> None:
    contract_ids = {line.service_contract_id for line in lines if line.service_contract_id}
    rules = BillingRule.objects.filter(
        tenant_id=order.tenant_id, contract_id__in=contract_ids, is_active=True
    )
    order.annual_service_revenue, order.annual_service_margin = service_annual_amounts(
        lines, rules if contract_ids else []
    )
    order.save(update_fields=["annual_service_revenue", "annual_service_margin"])


# --- Checks --------------------------------------------------------------------------------------


def _order_clean(order: Order, *, actor) -> None:
    errors = document_owner_errors(order)
    parties = order_parties(tenant=order.tenant, user=actor, customer=order.customer)
    customer = order.customer.name
    if order.bill_to_id not in {party.pk for party in parties.bill_to}:
        errors["bill_to"] = [message_bill_to(order.bill_to.name, customer)]
    if order.ship_to_id not in {party.pk for party in parties.ship_to}:
        errors["ship_to"] = [message_ship_to(order.ship_to.name, customer)]
    elif order.ship_to_site is not None and order.ship_to_site.third_party_id != order.ship_to_id:
        errors["ship_to_site"] = [message_ship_to_site(order.ship_to_site.name, order.ship_to.name)]
    if errors:
        raise ValidationError(errors)


def _lines_check(order: Order, lines: Sequence[dict[str, Any]]) -> None:
    existing = {
        line.pk: line for line in OrderLine.objects.filter(tenant_id=order.tenant_id, order_id=order.pk)
    }

    def check(position: int, line: dict[str, Any]) -> list[str]:
        errors = []
        contract = line.get("service_contract")
        if contract is not None and contract.customer_id != order.customer_id:
            errors.append(message_foreign_contract(position, contract.code))
        previous = existing.get(line.get("pk"))
        done = max(previous.delivered_quantity, previous.invoiced_quantity) if previous else ZERO
        if Decimal(line["quantity"]) < done:
            errors.append(message_below_delivered(position))
        return errors

    lines_clean(tenant=order.tenant, lines=lines, extra_check=check)
    minimum = order.customer.minimum_order_amount
    total = lines_totals_preview(lines).excl_tax
    if minimum is not None and total < minimum:
        raise ValidationError({NON_FIELD_ERRORS: [message_minimum(total, minimum)]})


def _credit_check(order: Order, lines: Sequence[dict[str, Any]]) -> str:
    """The warning to show, or "" (raises when the customer's control is blocking)."""
    customer = order.customer
    if customer.credit_control == CreditControl.NONE or customer.credit_limit is None:
        return ""
    exposure = credit_exposure(tenant=order.tenant, customer_id=customer.pk).total
    exposure += lines_totals_preview(lines).incl_tax
    if exposure <= customer.credit_limit:
        return ""
    if customer.credit_control == CreditControl.BLOCKING:
        raise ValidationError({NON_FIELD_ERRORS: [message_credit_blocking(exposure, customer.credit_limit)]})
    return message_credit_warning(exposure, customer.credit_limit)


def _refuse_delivered(removed: list[OrderLine]) -> None:
    for line in removed:
        if line.delivered_quantity or line.invoiced_quantity:
            raise ValidationError({LINES: [message_line_delivered(line.label)]})


def _lines_write(order: Order, lines: Sequence[dict[str, Any]]) -> list[OrderLine]:
    saved = lines_save(
        document=order,
        line_model=OrderLine,
        parent_field="order",
        lines=lines,
        extra_fields=LINE_EXTRA_FIELDS,
        before_delete=_refuse_delivered,
    )
    document_totals_store(order, saved)
    _service_amounts_store(order, saved)
    return saved


# --- Writes --------------------------------------------------------------------------------------


@transaction.atomic
def order_create(
    *, tenant: Company, actor, customer: ThirdParty, lines: Sequence[dict[str, Any]], **fields: Any
) -> Order:
    """Create an order of ``customer`` (``fields``: see ORDER_FIELDS) with ``lines`` (dicts of
    ventes.services.lines.LINE_FIELDS plus ``service_contract``). ``order.credit_warning`` holds
    the credit-control warning ("" when none)."""
    _fields_check(fields, ORDER_FIELDS)
    _tenant_check(tenant, customer, *[fields.get(name) for name in _FK if name not in {"rep_1", "rep_2"}])
    values = order_initial(tenant=tenant, user=actor, customer=customer)
    values.update({name: value for name, value in fields.items() if value is not None})
    values["bill_to"] = values["bill_to"] or customer
    values["ship_to"] = values["ship_to"] or customer
    if "rep_1" in fields or "rep_2" in fields:
        values["rep_1"], values["rep_2"] = fields.get("rep_1"), fields.get("rep_2")
    else:
        values["rep_1"], values["rep_2"] = order_reps(customer, values["ship_to"])
    order = Order(tenant=tenant, customer=customer, created_by=actor, state=OrderState.OPEN, **values)
    _order_clean(order, actor=actor)
    _lines_check(order, lines)
    order.credit_warning = _credit_check(order, lines)
    order.number = document_number_next(tenant=tenant, prefix=NUMBER_PREFIX, year=order.ordered_on.year)
    order.full_clean()
    order.save()
    saved = _lines_write(order, lines)
    relationship_order_record(tenant=tenant, third_party=customer, on=order.ordered_on)
    changes = audit_changes({}, audit_snapshot(order, ("number", *_AUDITED)))
    changes["lines"] = [[], lines_snapshot(saved)]
    audit_record(tenant=tenant, actor=actor, action="order.create", instance=order, changes=changes)
    return order


@transaction.atomic
def order_update(
    *, tenant: Company, actor, order: Order, lines: Sequence[dict[str, Any]], **fields: Any
) -> Order:
    """Change an open or partly delivered order and its lines (credit control is checked at entry)."""
    _fields_check(fields, ORDER_FIELDS)
    _tenant_check(tenant, order, *[fields.get(name) for name in _FK if name not in {"rep_1", "rep_2"}])
    if order.state == OrderState.CLOSED:
        raise ValidationError({NON_FIELD_ERRORS: [message_closed(order.number)]})
    before = audit_snapshot(order, _AUDITED)
    before_lines = lines_snapshot(OrderLine.objects.filter(tenant=tenant, order=order).order_by("position"))
    for name, value in fields.items():
        setattr(order, name, value)
    _order_clean(order, actor=actor)
    _lines_check(order, lines)
    order.full_clean()
    order.save()
    saved = _lines_write(order, lines)
    changes = audit_changes(before, audit_snapshot(order, _AUDITED))
    after_lines = lines_snapshot(saved)
    if after_lines != before_lines:
        changes["lines"] = [before_lines, after_lines]
    audit_record(tenant=tenant, actor=actor, action="order.update", instance=order, changes=changes)
    return order
