"""Permission matrix entries of the fidelite app's URLs; see tests/matrix.py."""

from __future__ import annotations

from tests.fidelite.factories import account_of
from tests.matrix import Entry, MatrixContext
from tests.tiers.factories import ThirdPartyFactory


def _customer(ctx: MatrixContext) -> dict:
    return {"pk": ThirdPartyFactory(tenant=ctx.tenant).pk}


def _member(ctx: MatrixContext) -> dict:
    return {"pk": account_of(ctx.tenant).customer_id}


ENTRIES = {
    "fidelite:join": Entry(kwargs=_customer, tenant_object=True),
    "fidelite:credit": Entry(kwargs=_member, tenant_object=True),
    "fidelite:debit": Entry(kwargs=_member, tenant_object=True),
    "fidelite:history": Entry(kwargs=_member, tenant_object=True),
    "fidelite:summary": Entry(kwargs=_member, tenant_object=True),
}
