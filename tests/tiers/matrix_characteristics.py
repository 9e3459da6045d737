"""Permission matrix entries of the characteristics page (tiers/views/characteristics.py)."""

from __future__ import annotations

from tests.matrix import Entry, MatrixContext
from tests.tiers.factories import AddressFactory
from tests.tiers.factories_characteristics import CharacteristicFieldFactory
from tests.tiers.factories_sites_banks import CustomerFactory


def _third_party(ctx: MatrixContext) -> dict:
    """A customer of tenant A with one address, and one characteristic field of tenant A."""
    third_party = CustomerFactory(tenant=ctx.tenant)
    AddressFactory(third_party=third_party, tenant=ctx.tenant, code="001")
    CharacteristicFieldFactory(group__tenant=ctx.tenant)
    return {"pk": third_party.pk}


ENTRIES = {
    "tiers:characteristics": Entry(kwargs=_third_party, tenant_object=True),
}
