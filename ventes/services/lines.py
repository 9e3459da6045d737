"""Lines of sales documents (quotes, orders, later invoices): validation and writing, shared by
every document service.

Rules of a line: quantity > 0, unit price ≥ 0, discount between 0 and 100 %, a VAT rate of the
configured list (settings.VENTES_VAT_RATES, default the French rates 20 / 10 / 5,5 / 2,1 / 0 %),
an article of the tenant, the label defaulting to the article's. Every amount comes from
ventes.amounts (line net HT and VAT stored on the line; the document's HT, TVA, TTC and margin
recomputed from all its lines), in the caller's transaction.

A line arrives as a dict (``LINE_FIELDS``, plus ``pk`` for an existing line and any extra field
the document allows, such as an order line's ``service_contract``); ``lines_save`` updates the
existing lines by pk, creates the new ones and deletes those left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from crm.models import Company
from crm.services.counters import counter_format
from parc.services.assets import message_foreign_site
from ventes.amounts import document_totals, line_amounts, line_amounts_of
from ventes.documents import number_fr

DEFAULT_VAT_RATES = (Decimal("20"), Decimal("10"), Decimal("5.5"), Decimal("2.1"), Decimal("0"))
LINE_FIELDS = ("article", "label", "quantity", "unit_price", "discount_percent", "vat_rate", "unit_cost")
LINES = "lines"


def vat_rates() -> tuple[Decimal, ...]:
    """The VAT rates a line may use (settings.VENTES_VAT_RATES or the French rates)."""
    return tuple(Decimal(str(rate)) for rate in getattr(settings, "VENTES_VAT_RATES", DEFAULT_VAT_RATES))


def message_no_lines() -> str:
    return _("Le document doit comporter au moins une ligne.")


def message_quantity(position: int) -> str:
    return _("Ligne %(position)s : la quantité doit être supérieure à 0.") % {"position": position}


def message_price(position: int) -> str:
    return _("Ligne %(position)s : le prix unitaire ne peut pas être négatif.") % {"position": position}


def message_cost(position: int) -> str:
    return _("Ligne %(position)s : le coût unitaire ne peut pas être négatif.") % {"position": position}


def message_discount(position: int) -> str:
    return _("Ligne %(position)s : la remise doit être comprise entre 0 et 100 %%.") % {"position": position}


def message_vat_rate(position: int, rate: Decimal) -> str:
    allowed = " ; ".join(f"{number_fr(r, 2)} %" for r in vat_rates())
    return _(
        "Ligne %(position)s : le taux de TVA %(rate)s %% n'est pas autorisé (taux possibles : %(allowed)s)."
    ) % {
        "position": position,
        "rate": number_fr(rate, 2),
        "allowed": allowed,
    }


def message_foreign_article(position: int) -> str:
    return _("Ligne %(position)s : l'article est inconnu.") % {"position": position}


def message_label_required(position: int) -> str:
    return _("Ligne %(position)s : indiquez une désignation ou un article.") % {"position": position}


def _line_errors(tenant: Company, position: int, line: dict[str, Any]) -> list[str]:
    errors = []
    article = line.get("article")
    if article is not None and article.tenant_id != tenant.pk:
        errors.append(message_foreign_article(position))
    if not (line.get("label") or "").strip() and article is None:
        errors.append(message_label_required(position))
    numbers = _numbers(line)
    if numbers["quantity"] <= 0:
        errors.append(message_quantity(position))
    if numbers["unit_price"] < 0:
        errors.append(message_price(position))
    if numbers["unit_cost"] < 0:
        errors.append(message_cost(position))
    if not 0 <= numbers["discount_percent"] <= 100:
        errors.append(message_discount(position))
    if numbers["vat_rate"] not in vat_rates():
        errors.append(message_vat_rate(position, numbers["vat_rate"]))
    return errors


def lines_clean(
    *,
    tenant: Company,
    lines: Sequence[dict[str, Any]],
    extra_check: Callable[[int, dict[str, Any]], list[str]] | None = None,
) -> None:
    """Refuse the lines (ValidationError keyed ``lines``) unless every line follows the rules;
    ``extra_check(position, line)`` adds the document's own rules."""
    if not lines:
        raise ValidationError({LINES: [message_no_lines()]})
    errors: list[str] = []
    for position, line in enumerate(lines, start=1):
        errors += _line_errors(tenant, position, line)
        if extra_check is not None:
            errors += extra_check(position, line)
    if errors:
        raise ValidationError({LINES: errors})


def _numbers(line: dict[str, Any]) -> dict[str, Decimal]:
    """The line's amounts inputs as Decimals, defaults applied (what ventes.amounts.line_amounts takes)."""
    rate = line.get("vat_rate")
    return {
        "quantity": Decimal(line["quantity"]),
        "unit_price": Decimal(line["unit_price"]),
        "discount_percent": Decimal(line.get("discount_percent") or 0),
        "vat_rate": Decimal(rate) if rate is not None and rate != "" else vat_rates()[0],
        "unit_cost": Decimal(line.get("unit_cost") or 0),
    }


def _line_values(position: int, line: dict[str, Any], extra_fields: Iterable[str]) -> dict[str, Any]:
    article = line.get("article")
    numbers = _numbers(line)
    amounts = line_amounts(**numbers)
    values = {
        "position": position,
        "article": article,
        "label": (line.get("label") or "").strip() or (article.label if article is not None else ""),
        **numbers,
        "total_excl_tax": amounts.excl_tax,
        "total_tax": amounts.tax,
    }
    values.update({name: line.get(name) for name in extra_fields if name in line})
    return values


def lines_save(
    *,
    document: models.Model,
    line_model: type[models.Model],
    parent_field: str,
    lines: Sequence[dict[str, Any]],
    extra_fields: Iterable[str] = (),
    before_delete: Callable[[list[models.Model]], None] | None = None,
) -> list[models.Model]:
    """Write ``document``'s lines (validated by ``lines_clean``): update by pk, create, delete the
    others (``before_delete`` may refuse); the lines carry the document's tenant, customer, site
    and business line. Returns the saved lines in position order."""
    extra_fields = tuple(extra_fields)
    existing = {line.pk: line for line in line_model.objects.filter(**{parent_field: document})}
    kept_ids = {line.get("pk") for line in lines if line.get("pk") in existing}
    removed = [line for pk, line in existing.items() if pk not in kept_ids]
    if removed:
        if before_delete is not None:
            before_delete(removed)
        line_model.objects.filter(pk__in=[line.pk for line in removed]).delete()
    owner = {
        "tenant_id": document.tenant_id,
        "customer_id": document.customer_id,
        "site_id": document.site_id,
        "business_line_id": document.business_line_id,
    }
    saved = []
    for position, line in enumerate(lines, start=1):
        values = {**owner, **_line_values(position, line, extra_fields)}
        row = existing.get(line.get("pk")) or line_model(**{parent_field: document})
        for name, value in values.items():
            setattr(row, name, value)
        row.save()
        saved.append(row)
    return saved


def document_totals_store(document: models.Model, lines: Iterable[models.Model]) -> None:
    """Store the document's HT, TVA, TTC and margin computed from ``lines`` (ventes.amounts)."""
    totals = document_totals(line_amounts_of(line) for line in lines)
    document.total_excl_tax = totals.excl_tax
    document.total_tax = totals.tax
    document.total_incl_tax = totals.incl_tax
    document.margin = totals.margin
    document.save(update_fields=["total_excl_tax", "total_tax", "total_incl_tax", "margin"])


def lines_totals_preview(lines: Sequence[dict[str, Any]]):
    """The totals ``lines`` would give (ventes.amounts.Totals), before anything is written."""
    return document_totals(line_amounts(**_numbers(line)) for line in lines)


def lines_snapshot(lines: Iterable[models.Model]) -> list[list[Any]]:
    """The audited form of a document's lines."""
    return [
        [line.article_id, line.label, str(line.quantity), str(line.unit_price), str(line.discount_percent)]
        for line in lines
    ]


# --- What every sales document shares -------------------------------------------------------------

NUMBER_WIDTH = 6


def document_number_next(*, tenant: Company, prefix: str, year: int) -> str:
    """The next number of a document kind for ``year`` (one counter per kind and year): DEV-2026-000042."""
    return counter_format(
        tenant=tenant, key=f"ventes.{prefix}:{year}", width=NUMBER_WIDTH, prefix=f"{prefix}-{year}-"
    )


def message_foreign_deal(number: str) -> str:
    return _("L'affaire %(number)s n'est pas une affaire de ce client.") % {"number": number}


def document_owner_errors(document: models.Model) -> dict[str, list[str]]:
    """The document's site and deal belong to its customer."""
    errors: dict[str, list[str]] = {}
    if document.site is not None and document.site.third_party_id != document.customer_id:
        errors["site"] = [message_foreign_site()]
    deal = document.deal
    if deal is not None and deal.customer_id != document.customer_id:
        errors["deal"] = [message_foreign_deal(deal.number)]
    return errors
