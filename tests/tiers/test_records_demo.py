"""Demo data of the customer's shared records (tiers/demo_records.py)."""

import io

import pytest
from django.core.management import call_command
from django_scopes import scope

from crm.models import Company
from tiers import vault
from tiers.models import Attachment, Exchange, VaultSecret, WikiPage

pytestmark = pytest.mark.django_db


def test_demo_seeds_documents_wiki_pages_secrets_and_exchanges_per_company():
    call_command("seed_demo", scale="small", stdout=io.StringIO())

    for company in Company.objects.filter(code__in=["durand", "martin"]):
        with scope(tenant=company):
            secrets = list(VaultSecret.objects.filter(tenant=company))
            assert Attachment.objects.filter(tenant=company, kind="url").count() == len(secrets) > 0
            assert WikiPage.objects.filter(tenant=company, site__isnull=False).exists()
            assert Exchange.objects.filter(tenant=company, target_type__model="servicerequest").exists()
            assert vault.decrypt(secrets[0].secret_encrypted).startswith("Demo-")
            assert b"Demo-" not in bytes(secrets[0].secret_encrypted)
