"""A customer's history, for its record page and the synthèse's export: every commercial action,
deal, quote, order, service request and intervention, first what is planned (farthest first),
then what is done (newest first), in ONE ``UNION ALL`` query sorted and paginated by PostgreSQL.

Planned: an action not done yet; any other row dated after now (a deal opened, a quote or an
order dated, a request or an intervention starting in the future). Each kind appears only when
the user may view its model, and only for a customer the user may see.
"""

from __future__ import annotations

import datetime

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import (
    BooleanField,
    CharField,
    DateTimeField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Left
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models import Company
from parc.models import Intervention, ServiceRequest
from tiers.models import ThirdParty
from tiers.selectors import visible_q
from ventes.models import Action, Deal, Order, Quote

COLUMNS = ("row_id", "row_kind", "row_number", "row_title", "row_at", "row_planned", "row_opens")
ORDER = ("-row_planned", "-row_at", "row_kind", "-row_id")
PER_PAGE = 25
KIND_LABELS = {
    "action": _("Action commerciale"),
    "affaire": _("Affaire"),
    "devis": _("Devis"),
    "commande": _("Commande"),
    "dit": _("Demande d'intervention"),
    "intervention": _("Intervention"),
}
# The page each kind of row opens (``row_opens``: an intervention opens its request).
KIND_URLS = {
    "action": "ventes:action_detail",
    "affaire": "ventes:deal_detail",
    "devis": "ventes:quote_detail",
    "commande": "ventes:order_detail",
    "dit": "parc:request_detail",
    "intervention": "parc:request_detail",
}


def history_row_url(row: dict) -> str:
    """The URL of the record a history row opens."""
    return reverse(KIND_URLS[row["row_kind"]], kwargs={"pk": row["row_opens"]})


def _at(field: str) -> Cast:
    return Cast(F(field), DateTimeField())


def _planned(condition: Q) -> ExpressionWrapper:
    return ExpressionWrapper(condition, output_field=BooleanField())


def _text(value) -> Cast:
    return Cast(value, CharField())


def _kinds(now: datetime.datetime, today: datetime.date) -> dict[str, tuple[type[models.Model], str, dict]]:
    """kind → (model, view permission, the columns of its rows)."""
    return {
        "action": (
            Action,
            "ventes.view_action",
            {
                "row_number": Value("", output_field=CharField()),
                "row_title": F("subject"),
                "row_at": Coalesce(F("done_at"), F("planned_at")),
                "row_planned": _planned(Q(done_at__isnull=True)),
            },
        ),
        "affaire": (
            Deal,
            "ventes.view_deal",
            {
                "row_number": F("number"),
                "row_title": F("title"),
                "row_at": _at("opened_on"),
                "row_planned": _planned(Q(opened_on__gt=today)),
            },
        ),
        "devis": (
            Quote,
            "ventes.view_quote",
            {
                "row_number": F("number"),
                "row_title": _text(F("quote_type")),
                "row_at": _at("issued_on"),
                "row_planned": _planned(Q(issued_on__gt=today)),
            },
        ),
        "commande": (
            Order,
            "ventes.view_order",
            {
                "row_number": F("number"),
                "row_title": _text(F("state")),
                "row_at": _at("ordered_on"),
                "row_planned": _planned(Q(ordered_on__gt=today)),
            },
        ),
        "dit": (
            ServiceRequest,
            "parc.view_servicerequest",
            {
                "row_number": F("number"),
                "row_title": Left(F("detail"), 120),
                "row_at": F("started_at"),
                "row_planned": _planned(Q(started_at__gt=now)),
            },
        ),
        "intervention": (
            Intervention,
            "parc.view_servicerequest",
            {
                "row_number": F("request__number"),
                "row_title": Left(F("report"), 120),
                "row_at": F("starts_at"),
                "row_planned": _planned(Q(starts_at__gt=now)),
                "row_opens": F("request_id"),
            },
        ),
    }


def customer_history(
    *,
    tenant: Company,
    user,
    customer: ThirdParty,
    business_line_ids: tuple[int, ...] | None = None,
    now: datetime.datetime | None = None,
) -> QuerySet:
    """The history's rows (dicts with ``COLUMNS``) in order: one query when evaluated."""
    now = now or timezone.now()
    parts = []
    for kind, (model, permission, columns) in _kinds(now, timezone.localdate(now)).items():
        if not user.has_perm(permission):
            continue
        rows = model.objects.filter(tenant=tenant, customer=customer).filter(
            visible_q(tenant=tenant, user=user, field="customer")
        )
        if business_line_ids:
            rows = rows.filter(business_line_id__in=business_line_ids)
        annotations = {
            "row_id": F("pk"),
            "row_kind": Value(kind, output_field=CharField()),
            "row_opens": F("pk"),
            **columns,
        }
        parts.append(
            rows.order_by().annotate(**{name: annotations[name] for name in COLUMNS}).values(*COLUMNS)
        )
    if not parts:
        return Action.objects.none().values()  # no kind the user may view: no rows
    first, *others = parts
    combined = first.union(*others, all=True) if others else first
    return combined.order_by(*ORDER)


def customer_history_page(*, page: int | str = 1, per_page: int = PER_PAGE, **kwargs) -> Page:
    """One page of ``customer_history`` (a count and a slice: two queries)."""
    return Paginator(customer_history(**kwargs), per_page).get_page(page)
