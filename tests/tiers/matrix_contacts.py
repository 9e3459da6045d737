"""Permission matrix entries of the contact pages (tiers/views/contacts.py); see tests/matrix.py.

Every URL carries a tenant-A third party (and most a contact linked to it): tenant B's user gets 404.
"""

from __future__ import annotations

from tests.matrix import Entry, MatrixContext
from tests.tiers.factories_contacts import LinkFactory, TPFactory


def _third_party(ctx: MatrixContext) -> dict:
    with ctx.in_tenant():
        return {"pk": TPFactory(tenant=ctx.tenant).pk}


def _linked_contact(ctx: MatrixContext) -> dict:
    with ctx.in_tenant():
        link = LinkFactory(tenant=ctx.tenant, third_party=TPFactory(tenant=ctx.tenant))
        return {"pk": link.third_party_id, "contact_pk": link.contact_id}


ENTRIES = {
    "tiers:contact_create": Entry(kwargs=_third_party, tenant_object=True),
    "tiers:contact_link": Entry(kwargs=_third_party, tenant_object=True),
    "tiers:contact_detail": Entry(kwargs=_linked_contact, tenant_object=True),
    "tiers:contact_update": Entry(kwargs=_linked_contact, tenant_object=True),
    # GET is the confirmation page; the POST that detaches is tested in test_contacts_views.py.
    "tiers:contact_unlink": Entry(kwargs=_linked_contact, tenant_object=True),
    # The link is already the default: the POST succeeds and redirects to the contact's page.
    "tiers:contact_set_default": Entry(
        kwargs=_linked_contact, method="post", success=302, tenant_object=True
    ),
}
