"""Permission matrix entries of the lists and the third party's page (tiers/views/lists.py);
see tests/matrix.py."""

from __future__ import annotations

from tests.matrix import Entry, MatrixContext
from tests.tiers.factories_lists import third_party


def _third_party(ctx: MatrixContext) -> dict:
    """An open, unreserved customer of tenant A: every role of tenant A may see it."""
    return {"pk": third_party(ctx.tenant, "Client de la matrice").pk}


ENTRIES = {
    "tiers:customer_list": Entry(),
    "tiers:prospect_list": Entry(),
    "tiers:contact_list": Entry(),
    "tiers:detail": Entry(kwargs=_third_party, tenant_object=True),
}
