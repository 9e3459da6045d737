"""Permission matrix entries of the registry autofill (tiers/views/registry.py). SIRENE is not
configured in tests: the lookup answers its JSON message (200) and the update page shows it."""

from __future__ import annotations

from tests.matrix import Entry, MatrixContext
from tests.tiers.factories import AddressFactory
from tests.tiers.factories_sites_banks import CustomerFactory


def _third_party(ctx: MatrixContext) -> dict:
    third_party = CustomerFactory(tenant=ctx.tenant, siren="732829320", siret="73282932000074")
    AddressFactory(third_party=third_party, tenant=ctx.tenant, code="001")
    return {"pk": third_party.pk}


ENTRIES = {
    "tiers:registry_lookup": Entry(data=lambda ctx: {"siren": "732829320"}),
    "tiers:registry_update": Entry(kwargs=_third_party, tenant_object=True),
}
