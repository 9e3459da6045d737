"""Per-user, per-tenant preferences of the synthèse: the API, the column choice of a tab (saved,
then given to the tab's render as ``exclude``) and the isolation between users and tenants."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_scopes import scope

from synthese.models import UserPreference
from synthese.preferences import EXPORT_SELECTION, columns_excluded, preference_get, preference_set
from tests.factories import member
from tests.synthese.frame_support import customer_of_size, fake_tabs  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_preference_get_default_then_set_value(tenant, in_tenant):
    user = member(tenant, "Commercial")
    assert preference_get(user, tenant, EXPORT_SELECTION, ["affaires"]) == ["affaires"]
    preference_set(user, tenant, EXPORT_SELECTION, ["parc", "dit"])
    preference_set(user=user, tenant=tenant, key=EXPORT_SELECTION, value=["parc"])
    assert preference_get(user=user, tenant=tenant, key=EXPORT_SELECTION) == ["parc"]
    assert UserPreference.objects.filter(tenant=tenant, user=user).count() == 1


def test_preferences_are_per_user_and_per_tenant(tenant, other_tenant):
    user, colleague = member(tenant, "Commercial"), member(tenant, "Commercial")
    with scope(tenant=tenant):
        preference_set(user, tenant, EXPORT_SELECTION, ["parc"])
        assert preference_get(colleague, tenant, EXPORT_SELECTION) is None
    with scope(tenant=other_tenant):
        assert preference_get(user, other_tenant, EXPORT_SELECTION) is None


@pytest.mark.usefixtures("fake_tabs")
def test_column_choice_saved_and_applied(tenant, login):
    customer = customer_of_size(tenant, 1)
    user = member(tenant, "Commercial")
    save = reverse("synthese:columns", kwargs={"pk": customer.pk, "tab": "sites"})
    data = {"offertes": ["nom", "ville", "activite"], "colonnes": ["nom"]}
    response = login(user).post(f"{save}?mois=6", data)
    assert response.status_code == 302
    assert (
        response["Location"]
        == reverse("synthese:customer", kwargs={"pk": customer.pk}) + "?onglet=sites&mois=6"
    )
    with scope(tenant=tenant):
        assert columns_excluded(user=user, tenant=tenant, tab_key="sites") == ["activite", "ville"]
    html = login(user).get(response["Location"]).content.decode()
    assert "exclus=activite,ville" in html
    # htmx: the tab's body comes back; "Toutes" shows every column again.
    response = login(user).post(save, {"offertes": ["nom"], "toutes": "1"}, headers={"HX-Request": "true"})
    assert response.content.decode().startswith('<section id="onglet-sites"')
    with scope(tenant=tenant):
        assert columns_excluded(user=user, tenant=tenant, tab_key="sites") == []


@pytest.mark.usefixtures("fake_tabs")
def test_column_choice_keeps_only_column_names(tenant, login):
    """Found by tests/fuzz: a NUL byte in a posted column name was a server error (JSON storage)."""
    customer = customer_of_size(tenant, 1)
    user = member(tenant, "Commercial")
    save = reverse("synthese:columns", kwargs={"pk": customer.pk, "tab": "sites"})
    data = {"offertes": ["nom", "ville\x00", "a b", "x" * 101, "activite"], "colonnes": ["activite"]}

    response = login(user).post(save, data)

    assert response.status_code == 302
    with scope(tenant=tenant):
        assert columns_excluded(user=user, tenant=tenant, tab_key="sites") == ["nom"]


@pytest.mark.usefixtures("fake_tabs")
def test_column_choice_of_a_hidden_tab_or_another_tenant_is_404(tenant, other_tenant, login):
    customer = customer_of_size(tenant, 1)
    user = login(member(tenant, "Commercial"))
    hidden = reverse("synthese:columns", kwargs={"pk": customer.pk, "tab": "secret"})
    assert user.post(hidden, {"offertes": ["x"]}).status_code == 404
    foreign = customer_of_size(other_tenant, 1)
    url = reverse("synthese:columns", kwargs={"pk": foreign.pk, "tab": "sites"})
    assert user.post(url, {"offertes": ["x"]}).status_code == 404
