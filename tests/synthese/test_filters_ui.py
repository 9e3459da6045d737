"""The synthèse's filter block and tab bar: business lines (all by default), history period,
site; the row filters and "Supprimer filtre"; the counts and the "filter active" marker."""

from __future__ import annotations

import pytest
from django.http import QueryDict
from django.urls import reverse
from django_scopes import scope

from crm.models import BusinessLine
from synthese.context import context_from_query
from tests.factories import BusinessLineFactory, member
from tests.synthese.frame_support import customer_of_size, fake_tabs  # noqa: F401 (fixture)
from tiers import models as tiers

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fake_tabs")]


def url(customer, query: str = "") -> str:
    base = reverse("synthese:customer", kwargs={"pk": customer.pk})
    return f"{base}?{query}" if query else base


@pytest.fixture
def commercial(tenant):
    return member(tenant, "Commercial")


def test_business_lines_from_the_form_boxes_or_a_list(tenant, in_tenant, commercial):
    customer = customer_of_size(tenant, 1)
    lines = [BusinessLineFactory(tenant=tenant) for _ in range(3)]
    for query in (
        f"activites={lines[0].pk}&activites={lines[1].pk}",
        f"activites={lines[1].pk},{lines[0].pk}",
    ):
        ctx = context_from_query(QueryDict(query), tenant=tenant, user=commercial, customer=customer)
        assert ctx.business_line_ids == tuple(sorted([lines[0].pk, lines[1].pk]))


def test_every_business_line_checked_is_no_filter(tenant, in_tenant, commercial):
    customer = customer_of_size(tenant, 1)
    BusinessLineFactory(tenant=tenant)
    lines = BusinessLine.objects.filter(tenant=tenant)
    query = "&".join(f"activites={line.pk}" for line in lines)
    ctx = context_from_query(QueryDict(query), tenant=tenant, user=commercial, customer=customer)
    assert ctx.business_line_ids is None


def test_filter_form_shows_every_line_checked_by_default(tenant, commercial, login):
    customer = customer_of_size(tenant, 1)
    lines = [BusinessLineFactory(tenant=tenant, name=f"Activité {n}") for n in range(2)]
    html = login(commercial).get(url(customer)).content.decode()
    for line in lines:
        assert f'name="activites" value="{line.pk}" checked' in html
    html = login(commercial).get(url(customer, f"activites={lines[0].pk}")).content.decode()
    assert f'name="activites" value="{lines[0].pk}" checked' in html
    assert f'name="activites" value="{lines[1].pk}">' in html


def test_filter_form_keeps_the_period_site_and_tab(tenant, commercial, login):
    customer = customer_of_size(tenant, 1)
    with scope(tenant=tenant):
        site = tiers.Site.objects.get(third_party=customer, is_main=False)
    html = login(commercial).get(url(customer, f"mois=6&site={site.pk}&onglet=crm")).content.decode()
    assert 'name="mois" min="1" max="240" value="6"' in html
    assert f'<option value="{site.pk}" selected>' in html
    assert 'name="onglet" value="crm"' in html


def test_site_filter_changes_the_counts_and_marks_the_tabs(tenant, commercial, login):
    customer = customer_of_size(tenant, 3)
    with scope(tenant=tenant):
        site = tiers.Site.objects.filter(third_party=customer, is_main=False).first()
    response = login(commercial).get(url(customer))
    assert [(tab["count"], tab["filtered"]) for tab in response.context["tabs"]] == [(4, False), (4, False)]
    assert response.context["clear_url"] == ""
    response = login(commercial).get(url(customer, f"site={site.pk}"))
    assert [(tab["count"], tab["filtered"]) for tab in response.context["tabs"]] == [(1, True), (1, True)]
    assert 'class="tab-filtered"' in response.content.decode()


def test_a_site_of_another_customer_is_ignored(tenant, commercial, login):
    customer = customer_of_size(tenant, 1)
    other = customer_of_size(tenant, 1)
    with scope(tenant=tenant):
        foreign_site = tiers.Site.objects.filter(third_party=other).first()
    response = login(commercial).get(url(customer, f"site={foreign_site.pk}"))
    assert response.context["ctx"].site_id is None
    assert [tab["count"] for tab in response.context["tabs"]] == [2, 2]


def test_supprimer_filtre_returns_to_the_state_before_the_row_filter(tenant, commercial, login):
    customer = customer_of_size(tenant, 2)
    line = BusinessLineFactory(tenant=tenant)
    BusinessLineFactory(tenant=tenant)
    with scope(tenant=tenant):
        site = tiers.Site.objects.filter(third_party=customer, is_main=False).first()
    response = login(commercial).get(
        url(customer, f"onglet=crm&activites={line.pk}&mois=3&site={site.pk}&ligne=x-1")
    )
    expected = url(customer, f"onglet=crm&activites={line.pk}&mois=3")
    assert response.context["clear_url"] == expected
    html = response.content.decode()
    assert f'id="supprimer-filtre" href="{expected.replace("&", "&amp;")}"' in html
    # Following it: no row filter, the other filters kept.
    ctx = login(commercial).get(expected).context["ctx"]
    assert (ctx.site_id, ctx.business_line_ids, ctx.months, ctx.tab) == (None, (line.pk,), 3, "crm")


def test_tab_links_keep_the_filters_and_drop_the_highlighted_row(tenant, commercial, login):
    customer = customer_of_size(tenant, 1)
    response = login(commercial).get(url(customer, "mois=6&ligne=commande-3"))
    tab = response.context["tabs"][1]
    assert tab["url"] == url(customer, "onglet=crm&mois=6")
    assert f'hx-get="{tab["url"].replace("&", "&amp;")}"' in response.content.decode()
