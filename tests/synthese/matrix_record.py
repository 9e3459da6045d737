"""Permission matrix entries of the customer record (synthese/views/record.py): one URL per
section name; every URL names a tenant-A customer, so tenant B's user gets 404. The section
checked is "principal" (the view's permission, tiers.view_thirdparty); the other sections'
permissions are tested in tests/synthese/test_record_<section>.py."""

from __future__ import annotations

from tests.matrix import Entry, MatrixContext
from tests.tiers.factories_sites_banks import CustomerFactory


def _customer(ctx: MatrixContext) -> dict:
    return {"pk": CustomerFactory(tenant=ctx.tenant).pk}


def _section(ctx: MatrixContext) -> dict:
    return {**_customer(ctx), "section": "principal"}


ENTRIES = {
    "synthese:record_home": Entry(kwargs=_customer, success=302, tenant_object=True),
    "synthese:record": Entry(kwargs=_section, tenant_object=True),
}
