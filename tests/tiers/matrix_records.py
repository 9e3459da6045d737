"""Permission matrix entries of the customer's shared records (tiers/views/records.py and
tiers/views/signing.py); see tests/matrix.py. Every URL names a tenant-A record or target: tenant
B's user gets 404. The GET of each page is called (the confirmation page for deletions); the
POSTs are tested in tests/tiers/test_attachments.py, test_exchanges.py, test_signatures.py,
test_wiki.py and test_vault_views.py. Documents are links here (their download is a redirect to
the link: 302), except the signer's document, a small PDF removed from the storage at exit."""

from __future__ import annotations

import atexit

from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage

from tests.matrix import ANONYMOUS, NO_MEMBERSHIP, OTHER_TENANT, Entry, MatrixContext
from tests.tiers.factories_records import (
    ExchangeFactory,
    FileAttachmentFactory,
    UrlAttachmentFactory,
    VaultSecretFactory,
    WikiPageFactory,
    signature_with_token,
)
from tests.tiers.factories_sites_banks import CustomerFactory
from tiers.models import ThirdParty


def _target(ctx: MatrixContext) -> dict:
    customer = CustomerFactory(tenant=ctx.tenant)
    return {"content_type": ContentType.objects.get_for_model(ThirdParty).pk, "object_id": customer.pk}


def _customer(ctx: MatrixContext) -> dict:
    return {"pk": CustomerFactory(tenant=ctx.tenant).pk}


def _row(factory):
    def kwargs(ctx: MatrixContext) -> dict:
        return {"pk": factory(customer=CustomerFactory(tenant=ctx.tenant)).pk}

    return kwargs


def _token(ctx: MatrixContext) -> dict:
    document = UrlAttachmentFactory(customer=CustomerFactory(tenant=ctx.tenant))
    _signature, token = signature_with_token(ctx.tenant, document=document)
    return {"token": token}


def _token_of_a_file(ctx: MatrixContext) -> dict:
    document = FileAttachmentFactory(customer=CustomerFactory(tenant=ctx.tenant))
    atexit.register(default_storage.delete, document.file.name)
    _signature, token = signature_with_token(ctx.tenant, document=document)
    return {"token": token}


# The signing pages are public (login_not_required): the token is the credential, whoever the
# visitor is, another tenant's user included. A logged-in user without any membership is stopped
# by crm.middleware.TenantScopeMiddleware before any page outside /compte/ (403), signer or not.
PUBLIC = {ANONYMOUS: 200, NO_MEMBERSHIP: 403, OTHER_TENANT: 200}

ENTRIES = {
    "tiers:attachment_create": Entry(kwargs=_target, tenant_object=True),
    "tiers:attachment_download": Entry(kwargs=_row(UrlAttachmentFactory), success=302, tenant_object=True),
    "tiers:attachment_delete": Entry(kwargs=_row(UrlAttachmentFactory), tenant_object=True),
    "tiers:exchanges": Entry(kwargs=_target, tenant_object=True),
    # An empty message: the gate is what the matrix checks (the form's refusal is a 200).
    "tiers:exchange_create": Entry(kwargs=_target, method="post", data=lambda ctx: {}, tenant_object=True),
    "tiers:exchange_delete": Entry(kwargs=_row(ExchangeFactory), tenant_object=True),
    "tiers:wiki_list": Entry(kwargs=_target, tenant_object=True),
    "tiers:wiki_create": Entry(kwargs=_target, tenant_object=True),
    "tiers:wiki_detail": Entry(kwargs=_row(WikiPageFactory), tenant_object=True),
    "tiers:wiki_update": Entry(kwargs=_row(WikiPageFactory), tenant_object=True),
    "tiers:wiki_delete": Entry(kwargs=_row(WikiPageFactory), tenant_object=True),
    "tiers:vault": Entry(kwargs=_customer, tenant_object=True),
    "tiers:vault_create": Entry(kwargs=_target, tenant_object=True),
    "tiers:vault_update": Entry(kwargs=_row(VaultSecretFactory), tenant_object=True),
    "tiers:vault_delete": Entry(kwargs=_row(VaultSecretFactory), tenant_object=True),
    "tiers:vault_reveal": Entry(kwargs=_row(VaultSecretFactory), method="post", tenant_object=True),
    "tiers:signature_create": Entry(kwargs=_row(UrlAttachmentFactory), tenant_object=True),
    "tiers:sign": Entry(kwargs=_token, permission=None, statuses=PUBLIC),
    "tiers:sign_document": Entry(kwargs=_token_of_a_file, permission=None, statuses=PUBLIC),
}
