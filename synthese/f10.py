"""F10: where the hotkey leads from a page. Every record page declares its customer
(``{% block customer_id %}`` in templates/base.html, rendered as ``<body data-customer>``);
static/js/hotkeys.js sends it here. A customer the user may see opens its synthèse; no customer,
or one the user may not see (another tenant's, reserved, closed without the right), opens the
synthèse search screen with its field focused."""

from __future__ import annotations

from django.urls import reverse

from crm.models import Company
from synthese.selectors_frame import customer_get
from tiers.models import ThirdParty

MAX_ID = 2**63 - 1


def f10_url(*, tenant: Company, user, customer: str | None) -> str:
    value = (customer or "").strip()
    if value.isdigit() and 0 < int(value) <= MAX_ID:
        try:
            found = customer_get(tenant=tenant, user=user, pk=int(value))
        except ThirdParty.DoesNotExist:
            pass
        else:
            return reverse("synthese:customer", kwargs={"pk": found.pk})
    return reverse("synthese:search")
