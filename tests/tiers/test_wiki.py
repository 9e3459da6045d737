"""Wiki pages: create, edit, delete with confirmation, plain text rendered escaped with line
breaks, the "Wiki" section (customer and its sites) with a fixed query count."""

from __future__ import annotations

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope

from crm.models import AuditEntry
from tests.factories import member
from tests.tiers.factories import SiteFactory
from tests.tiers.factories_records import WikiPageFactory
from tests.tiers.factories_sites_banks import CustomerFactory, reserved_customer
from tiers.models import WikiPage
from tiers.services.wiki import wiki_page_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def tech(tenant):
    return member(tenant, "Technicien")


def _kwargs(target) -> dict:
    return {"content_type": ContentType.objects.get_for_model(target).pk, "object_id": target.pk}


def test_create_on_a_site_stores_customer_and_site(tenant, tech, login):
    site = SiteFactory(tenant=tenant, third_party=CustomerFactory(tenant=tenant))

    response = login(tech).post(
        reverse("tiers:wiki_create", kwargs=_kwargs(site)), {"title": "Accès", "body": "Badge à l'accueil"}
    )

    with scope(tenant=tenant):
        page = WikiPage.objects.get()
        assert AuditEntry.objects.filter(action="wiki.create").count() == 1
    assert response.status_code == 302 and response.url == reverse(
        "tiers:wiki_detail", kwargs={"pk": page.pk}
    )
    assert (page.customer_id, page.site_id, page.updated_by) == (site.third_party_id, site.pk, tech)


def test_a_title_is_required(tenant, tech, login):
    customer = CustomerFactory(tenant=tenant)

    with scope(tenant=tenant), pytest.raises(ValidationError) as error:
        wiki_page_create(tenant=tenant, actor=tech, target=customer, title="  ")
    page = login(tech).post(
        reverse("tiers:wiki_create", kwargs=_kwargs(customer)), {"title": " ", "body": "x"}
    )

    assert error.value.message_dict == {"title": ["Le titre est obligatoire."]}
    assert page.status_code == 200 and "field-invalid" in page.content.decode()


def test_body_is_escaped_and_keeps_its_lines(tenant, tech, login):
    page = WikiPageFactory(customer=CustomerFactory(tenant=tenant), body="<script>alert(1)</script>\nLigne 2")

    content = login(tech).get(reverse("tiers:wiki_detail", kwargs={"pk": page.pk})).content.decode()

    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>Ligne 2" in content


def test_edit_and_delete_with_confirmation(tenant, tech, login):
    page = WikiPageFactory(customer=CustomerFactory(tenant=tenant), title="Ancien")
    manager = member(tenant, "Manager")

    login(tech).post(reverse("tiers:wiki_update", kwargs={"pk": page.pk}), {"title": "Nouveau", "body": "b"})
    page.refresh_from_db()
    refused = login(tech).post(reverse("tiers:wiki_delete", kwargs={"pk": page.pk}))
    confirm = login(manager).get(reverse("tiers:wiki_delete", kwargs={"pk": page.pk}))
    deleted = login(manager).post(reverse("tiers:wiki_delete", kwargs={"pk": page.pk}))

    assert page.title == "Nouveau"
    assert refused.status_code == 403
    assert "Supprimer la page « Nouveau » ?" in confirm.content.decode()
    assert deleted.status_code == 302
    with scope(tenant=tenant):
        assert not WikiPage.objects.exists()


def test_pages_of_a_hidden_customer_or_another_tenant_are_404(tenant, other_tenant, tech, login):
    hidden = WikiPageFactory(customer=reserved_customer(tenant))
    foreign = WikiPageFactory(customer=CustomerFactory(tenant=other_tenant))
    client = login(tech)

    assert client.get(reverse("tiers:wiki_detail", kwargs={"pk": hidden.pk})).status_code == 404
    assert client.get(reverse("tiers:wiki_detail", kwargs={"pk": foreign.pk})).status_code == 404
    assert client.get(reverse("tiers:wiki_list", kwargs=_kwargs(hidden.customer))).status_code == 404


def _customer_with_pages(tenant, count: int):
    customer = CustomerFactory(tenant=tenant)
    site = SiteFactory(tenant=tenant, third_party=customer)
    for index in range(count):
        WikiPageFactory(customer=customer, title=f"Client {index}")
        WikiPageFactory(
            customer=customer,
            site=site,
            title=f"Accès site {index}",
            **{"target_type": ContentType.objects.get_for_model(site), "target_id": site.pk},
        )
    return customer


def test_wiki_section_lists_customer_and_site_pages_with_a_fixed_query_count(
    tenant, tech, login, django_assert_num_queries
):
    small, large = _customer_with_pages(tenant, 1), _customer_with_pages(tenant, 5)
    client = login(tech)
    client.get(reverse("tiers:detail", kwargs={"pk": small.pk}))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("tiers:detail", kwargs={"pk": small.pk}))
    with django_assert_num_queries(len(few)):
        content = client.get(reverse("tiers:detail", kwargs={"pk": large.pk})).content.decode()

    assert "section-wiki" in content
    assert len(re.findall(r">Client \d<", content)) == 5 and len(re.findall(r">Accès site \d<", content)) == 5
