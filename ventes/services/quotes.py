"""Writes of quotes (devis commerciaux et techniques) and their lines.

Rules: number from the tenant's counter per year (DEV-2026-000001); the site and the deal are the
customer's; adding a COMMERCIAL quote needs the CRM licence (a technical quote does not); the
lines follow ventes.services.lines; creating a quote records the customer's last quote date
(tiers.services.relationship). Status: en cours → accepté or refusé (and back to en cours); a
quote that has an order ("commandé", derived) is no longer changed. ``quote_to_order`` creates an
order from an accepted quote, copying its lines, through ventes.services.orders (every order
rule applies: links, minimum amount, credit control).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import Company
from crm.services.audit import audit_changes, audit_record, audit_snapshot
from parc.services.assets import _fields_check, _tenant_check
from tiers.models import ThirdParty
from tiers.services.relationship import relationship_quote_record
from ventes.models import Order, Quote, QuoteLine, QuoteStatus, QuoteType

from .lines import (
    LINE_FIELDS,
    document_number_next,
    document_owner_errors,
    document_totals_store,
    lines_clean,
    lines_save,
    lines_snapshot,
)
from .orders import order_create

NUMBER_PREFIX = "DEV"
QUOTE_FIELDS = ("quote_type", "site", "deal", "issued_on", "valid_until", "business_line")
_FK = {"site", "deal", "business_line"}
_AUDITED = tuple(f"{name}_id" if name in _FK else name for name in QUOTE_FIELDS)


def message_crm_licence() -> str:
    return _("L'ajout d'un devis commercial demande une licence CRM : votre licence ARTIS ne le permet pas.")


def message_valid_until() -> str:
    return _("La date de validité doit être postérieure ou égale à la date du devis.")


def message_ordered(number: str) -> str:
    return _("Le devis %(number)s est déjà commandé : il ne peut plus être modifié.") % {"number": number}


def message_not_accepted(number: str) -> str:
    return _("Le devis %(number)s doit être accepté pour être transformé en commande.") % {"number": number}


def message_status_unchanged(number: str, status: str) -> str:
    return _("Le devis %(number)s est déjà %(status)s.") % {"number": number, "status": status}


def _is_ordered(quote: Quote) -> bool:
    return quote.pk is not None and Order.objects.filter(tenant_id=quote.tenant_id, quote=quote).exists()


def _quote_clean(quote: Quote) -> None:
    errors = document_owner_errors(quote)
    if quote.valid_until is not None and quote.valid_until < quote.issued_on:
        errors["valid_until"] = [message_valid_until()]
    if errors:
        raise ValidationError(errors)


def _lines_write(quote: Quote, lines: Sequence[dict[str, Any]]) -> list[QuoteLine]:
    saved = lines_save(document=quote, line_model=QuoteLine, parent_field="quote", lines=lines)
    document_totals_store(quote, saved)
    return saved


@transaction.atomic
def quote_create(
    *,
    tenant: Company,
    actor,
    crm_licence: bool,
    customer: ThirdParty,
    lines: Sequence[dict[str, Any]],
    **fields: Any,
) -> Quote:
    """Create a quote of ``customer`` (``fields``: see QUOTE_FIELDS) with ``lines``;
    ``crm_licence``: the actor's active membership holds a CRM licence."""
    _fields_check(fields, QUOTE_FIELDS)
    _tenant_check(tenant, customer, *[fields.get(name) for name in _FK])
    fields.setdefault("issued_on", timezone.localdate())
    quote = Quote(tenant=tenant, customer=customer, owner=actor, **fields)
    if quote.quote_type == QuoteType.COMMERCIAL and not crm_licence:
        raise ValidationError({"quote_type": [message_crm_licence()]})
    _quote_clean(quote)
    lines_clean(tenant=tenant, lines=lines)
    quote.number = document_number_next(tenant=tenant, prefix=NUMBER_PREFIX, year=quote.issued_on.year)
    quote.full_clean()
    quote.save()
    saved = _lines_write(quote, lines)
    relationship_quote_record(tenant=tenant, third_party=customer, on=quote.issued_on)
    changes = audit_changes({}, audit_snapshot(quote, ("number", "status", *_AUDITED)))
    changes["lines"] = [[], lines_snapshot(saved)]
    audit_record(tenant=tenant, actor=actor, action="quote.create", instance=quote, changes=changes)
    return quote


@transaction.atomic
def quote_update(
    *, tenant: Company, actor, quote: Quote, lines: Sequence[dict[str, Any]], **fields: Any
) -> Quote:
    """Change a quote not ordered yet and its lines (the type cannot become commercial without the
    licence: the form does not offer to change the type)."""
    _fields_check(fields, tuple(name for name in QUOTE_FIELDS if name != "quote_type"))
    _tenant_check(tenant, quote, *[fields.get(name) for name in _FK])
    if _is_ordered(quote):
        raise ValidationError({NON_FIELD_ERRORS: [message_ordered(quote.number)]})
    before = audit_snapshot(quote, _AUDITED)
    before_lines = lines_snapshot(QuoteLine.objects.filter(tenant=tenant, quote=quote).order_by("position"))
    for name, value in fields.items():
        setattr(quote, name, value)
    _quote_clean(quote)
    lines_clean(tenant=tenant, lines=lines)
    quote.full_clean()
    quote.save()
    saved = _lines_write(quote, lines)
    relationship_quote_record(tenant=tenant, third_party=quote.customer, on=quote.issued_on)
    changes = audit_changes(before, audit_snapshot(quote, _AUDITED))
    after_lines = lines_snapshot(saved)
    if after_lines != before_lines:
        changes["lines"] = [before_lines, after_lines]
    audit_record(tenant=tenant, actor=actor, action="quote.update", instance=quote, changes=changes)
    return quote


@transaction.atomic
def quote_status_set(*, tenant: Company, actor, quote: Quote, status: str) -> Quote:
    """Accept, refuse or reopen (en cours) a quote that is not ordered."""
    _tenant_check(tenant, quote)
    status = QuoteStatus(status)
    if _is_ordered(quote):
        raise ValidationError({NON_FIELD_ERRORS: [message_ordered(quote.number)]})
    if quote.status == status:
        raise ValidationError(
            {NON_FIELD_ERRORS: [message_status_unchanged(quote.number, str(status.label).lower())]}
        )
    before = quote.status
    quote.status = status
    quote.save(update_fields=["status"])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="quote.status",
        instance=quote,
        changes={"status": [before, quote.status]},
    )
    return quote


def quote_accept(*, tenant: Company, actor, quote: Quote) -> Quote:
    return quote_status_set(tenant=tenant, actor=actor, quote=quote, status=QuoteStatus.ACCEPTED)


def quote_refuse(*, tenant: Company, actor, quote: Quote) -> Quote:
    return quote_status_set(tenant=tenant, actor=actor, quote=quote, status=QuoteStatus.REFUSED)


@transaction.atomic
def quote_to_order(*, tenant: Company, actor, quote: Quote, **fields: Any) -> Order:
    """ "Transformer en commande": a new order of the accepted ``quote`` (its customer, site, deal,
    business line and lines); ``fields`` as for ventes.services.orders.order_create."""
    _tenant_check(tenant, quote)
    if quote.status != QuoteStatus.ACCEPTED:
        raise ValidationError({NON_FIELD_ERRORS: [message_not_accepted(quote.number)]})
    if _is_ordered(quote):
        raise ValidationError({NON_FIELD_ERRORS: [message_ordered(quote.number)]})
    lines = [
        {name: getattr(line, name) for name in LINE_FIELDS}
        for line in QuoteLine.objects.filter(tenant=tenant, quote=quote)
        .select_related("article")
        .order_by("position")
    ]
    return order_create(
        tenant=tenant,
        actor=actor,
        customer=quote.customer,
        lines=lines,
        **{
            "site": quote.site,
            "deal": quote.deal,
            "business_line": quote.business_line,
            **fields,
            "quote": quote,
        },
    )
