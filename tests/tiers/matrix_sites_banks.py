"""Permission matrix entries of the sites, ship-to and bank-account pages and of the postal-code
lookup (tiers/views/sites_banks.py); see tests/matrix.py."""

from __future__ import annotations

from tests.matrix import Entry, MatrixContext
from tests.tiers.factories import AddressFactory, SiteFactory
from tests.tiers.factories_sites_banks import CustomerFactory


def _third_party(ctx: MatrixContext) -> dict:
    """An open, unreserved customer of tenant A with one address."""
    third_party = CustomerFactory(tenant=ctx.tenant)
    AddressFactory(third_party=third_party, tenant=ctx.tenant, code="001")
    return {"pk": third_party.pk}


def _site(ctx: MatrixContext) -> dict:
    """A customer of tenant A with a main site and a second one (the one the URL names: deletable)."""
    third_party = CustomerFactory(tenant=ctx.tenant)
    address = AddressFactory(third_party=third_party, tenant=ctx.tenant, code="001")
    SiteFactory(third_party=third_party, tenant=ctx.tenant, address=address, name="Siège", is_main=True)
    site = SiteFactory(
        third_party=third_party, tenant=ctx.tenant, address=address, name="Dépôt", is_main=False
    )
    return {"pk": third_party.pk, "site_pk": site.pk}


ENTRIES = {
    # Global reference data: any member of a company (permission_required = None).
    "tiers:postal_lookup": Entry(data=lambda ctx: {"code": "690"}),
    "tiers:sites": Entry(kwargs=_third_party, tenant_object=True),
    "tiers:site_create": Entry(kwargs=_third_party, tenant_object=True),
    "tiers:site_update": Entry(kwargs=_site, tenant_object=True),
    "tiers:site_delete": Entry(kwargs=_site, tenant_object=True),
    # The geocoder is not configured in tests: the action answers with a message and redirects.
    "tiers:site_geocode": Entry(kwargs=_site, method="post", success=302, tenant_object=True),
    "tiers:ship_tos": Entry(kwargs=_third_party, tenant_object=True),
    "tiers:bank_accounts": Entry(kwargs=_third_party, tenant_object=True),
}
