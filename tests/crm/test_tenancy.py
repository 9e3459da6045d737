import pytest
from django.urls import reverse
from django_scopes import ScopeError, scope

from crm.models import BusinessLine, Membership
from tests.factories import BusinessLineFactory, UserFactory, member


def test_query_without_scope_raises(tenant):
    BusinessLineFactory(tenant=tenant)
    with pytest.raises(ScopeError):
        list(BusinessLine.objects.all())


def test_query_inside_scope_sees_only_its_tenant(tenant, other_tenant):
    mine = BusinessLineFactory(tenant=tenant, name="Impression")
    BusinessLineFactory(tenant=other_tenant, name="Téléphonie")
    with scope(tenant=tenant):
        assert list(BusinessLine.objects.all()) == [mine]


def test_every_domain_table_has_its_own_tenant_column():
    from django.apps import apps

    domain_apps = {"crm", "tiers", "parc", "ventes", "fidelite", "synthese"}
    # Platform and global reference tables (DESIGN.md §4: reference data is global or per tenant).
    platform = {"Company", "Country", "Currency", "BusinessPermission", "PostalCode", "NafCode"}
    for model in apps.get_models():
        if model._meta.app_label in domain_apps and model.__name__ not in platform:
            field = model._meta.get_field("tenant")
            assert field.related_model.__name__ == "Company", model


def test_every_tenant_unique_constraint_and_index_starts_with_tenant():
    from django.apps import apps

    for model in apps.get_models():
        if not any(f.name == "tenant" for f in model._meta.fields):
            continue
        for constraint in model._meta.constraints:
            fields = getattr(constraint, "fields", ())
            if fields:
                assert fields[0] == "tenant", (model, constraint.name)
        for index in model._meta.indexes:
            assert index.fields[0] == "tenant", (model, index.name)


def test_user_without_membership_reaches_no_business_page(client, db):
    user = UserFactory()
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 403
    assert "rattaché à aucune société" in response.content.decode()


def test_user_of_inactive_membership_reaches_no_business_page(client, tenant):
    user = member(tenant)
    Membership.unscoped.filter(user=user).update(is_active=False)
    client.force_login(user)
    assert client.get(reverse("synthese:search")).status_code == 403


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_is_french(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Se connecter" in response.content.decode()
    assert response["Content-Language"] == "fr"


def test_request_runs_in_active_membership_scope(client, tenant, other_tenant):
    user = member(tenant)
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.context["current_tenant"] == tenant
    assert "ACME Bureautique" in response.content.decode()


def test_tenant_switch_changes_company_and_role(client, tenant, other_tenant):
    user = member(tenant, "Manager")
    with scope(tenant=other_tenant):
        from django.contrib.auth.models import Group

        other = Membership.objects.create(
            tenant=other_tenant, user=user, role=Group.objects.get(name="Technicien")
        )
    client.force_login(user)
    assert client.get(reverse("home")).context["current_membership"].role.name == "Manager"

    response = client.post(reverse("tenant_switch"), {"membership": other.pk})

    assert response.status_code == 302
    page = client.get(reverse("home"))
    assert page.context["current_tenant"] == other_tenant
    assert page.context["current_membership"].role.name == "Technicien"


def test_tenant_switch_refused_for_a_company_of_someone_else(client, tenant, other_tenant):
    user = member(tenant)
    stranger_membership = Membership.unscoped.get(user=member(other_tenant))
    client.force_login(user)

    response = client.post(reverse("tenant_switch"), {"membership": stranger_membership.pk})

    assert response.status_code == 403
    assert client.get(reverse("home")).context["current_tenant"] == tenant


def test_business_lines_default_to_the_users_own_then_follow_the_selector(client, tenant, other_tenant):
    from tests.factories import MembershipFactory

    impression = BusinessLineFactory(tenant=tenant, code="IMP", name="Impression")
    informatique = BusinessLineFactory(tenant=tenant, code="INF", name="Informatique")
    foreign = BusinessLineFactory(tenant=other_tenant, code="TEL", name="Téléphonie")
    user = UserFactory()
    membership = MembershipFactory(tenant=tenant, user=user)
    with scope(tenant=tenant):
        membership.business_lines.add(impression, through_defaults={"tenant": tenant})
    client.force_login(user)
    assert client.get(reverse("home")).context["selected_business_line_ids"] == [impression.pk]

    client.post(reverse("business_lines_update"), {"business_lines": [informatique.pk]})
    assert client.get(reverse("home")).context["selected_business_line_ids"] == [informatique.pk]

    # another tenant's business line is not a valid choice: nothing is changed
    response = client.post(reverse("business_lines_update"), {"business_lines": [foreign.pk]}, follow=True)
    assert "Sélection d&#x27;activités invalide." in response.content.decode()
    assert client.get(reverse("home")).context["selected_business_line_ids"] == [informatique.pk]

    # the selection lasts until logout
    client.post(reverse("logout"))
    client.force_login(user)
    assert client.get(reverse("home")).context["selected_business_line_ids"] == [impression.pk]
