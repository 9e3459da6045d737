"""Permission matrix entry of the "Générer le PDF" button (ventes/views/documents.py); see
tests/matrix.py. The button is tested for every kind in tests/ventes/test_documents.py; here a
quote of tenant A: allowed actors are redirected to "Mes exports" (302)."""

from __future__ import annotations

from tests.matrix import Entry, MatrixContext
from tests.ventes.factories_documents import QuoteFactory


def _quote(ctx: MatrixContext) -> dict:
    return {"kind": "quote", "pk": QuoteFactory(tenant=ctx.tenant).pk}


ENTRIES = {
    "ventes:document_pdf": Entry(kwargs=_quote, method="post", success=302, tenant_object=True),
}
