"""The admin: scoped to the tenant it works in, superuser included (row-level security binds it too)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse
from django_scopes import scope

from crm.models import AuditEntry, BusinessLine, ExportJob, Membership
from tests.factories import BusinessLineFactory, MembershipFactory, UserFactory, member

PROJECT_APPS = ("crm", "tiers", "parc", "ventes", "fidelite", "synthese")

MISSING = "n\u2019existe pas"  # Django admin's French message for a missing (or another tenant's) row


def _inline_management(prefix: str, total: int = 0, initial: int = 0) -> dict[str, int]:
    return {
        f"{prefix}-TOTAL_FORMS": total,
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }


def _no_membership_inlines() -> dict[str, int]:
    return {
        **_inline_management("membershipbusinessline_set"),
        **_inline_management("membershiporganisation_set"),
    }


@pytest.fixture
def tenant_admin(tenant):
    """A staff user with the Administrateur role in ``tenant`` (not a superuser)."""
    return member(tenant, "Administrateur", is_staff=True, username="admin-acme")


@pytest.fixture
def superuser(db):
    return UserFactory(username="plateforme", is_staff=True, is_superuser=True)


# --- Tenant administrator ---------------------------------------------------------------------------


def test_admin_business_line_list_shows_only_the_tenant_rows(login, tenant, other_tenant, tenant_admin):
    BusinessLineFactory(tenant=tenant, name="Impression ACME")
    BusinessLineFactory(tenant=other_tenant, name="Téléphonie AUTRE")

    response = login(tenant_admin).get(reverse("admin:crm_businessline_changelist"))

    assert response.status_code == 200
    assert "Impression ACME" in response.text
    assert "Téléphonie AUTRE" not in response.text


def test_admin_change_page_refused_for_another_tenant_row(login, other_tenant, tenant_admin):
    foreign = BusinessLineFactory(tenant=other_tenant, name="Téléphonie AUTRE")

    response = login(tenant_admin).get(
        reverse("admin:crm_businessline_change", args=[foreign.pk]), follow=True
    )

    assert response.redirect_chain[0] == (reverse("admin:index"), 302)
    assert MISSING in response.text
    assert "Téléphonie AUTRE" not in response.text


def test_admin_business_line_created_in_the_administrator_tenant(login, tenant, tenant_admin):
    response = login(tenant_admin).post(
        reverse("admin:crm_businessline_add"), {"code": "IMP", "name": "Impression"}
    )

    assert response.status_code == 302
    with scope(tenant=tenant):
        created = BusinessLine.objects.get(code="IMP")
    assert created.tenant == tenant


def test_admin_business_line_refused_when_code_exists_in_the_tenant(login, tenant, tenant_admin):
    BusinessLineFactory(tenant=tenant, code="IMP")

    response = login(tenant_admin).post(
        reverse("admin:crm_businessline_add"), {"code": "IMP", "name": "Impression"}
    )

    assert response.status_code == 200
    assert "Un objet Activité avec ces champs Société et Code existe déjà." in response.text


def test_admin_business_line_code_may_repeat_another_tenant_code(login, tenant, other_tenant, tenant_admin):
    BusinessLineFactory(tenant=other_tenant, code="IMP")

    response = login(tenant_admin).post(
        reverse("admin:crm_businessline_add"), {"code": "IMP", "name": "Impression"}
    )

    assert response.status_code == 302
    with scope(tenant=tenant):
        assert BusinessLine.objects.filter(code="IMP").count() == 1


def test_admin_refused_to_a_commercial_who_is_not_staff(login, tenant):
    commercial = member(tenant, "Commercial")

    response = login(commercial).get(reverse("admin:crm_businessline_changelist"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_admin_add_refused_to_a_staff_technician(login, tenant):
    technician = member(tenant, "Technicien", is_staff=True)
    client = login(technician)

    listing = client.get(reverse("admin:crm_businessline_changelist"))
    adding = client.post(reverse("admin:crm_businessline_add"), {"code": "IMP", "name": "Impression"})

    assert listing.status_code == 200
    assert adding.status_code == 403
    with scope(tenant=tenant):
        assert not BusinessLine.objects.exists()


def test_admin_company_list_shows_only_the_administrator_company(login, tenant, other_tenant, tenant_admin):
    client = login(tenant_admin)

    listing = client.get(reverse("admin:crm_company_changelist"))
    foreign = client.get(reverse("admin:crm_company_change", args=[other_tenant.pk]), follow=True)

    assert tenant.name in listing.text
    assert other_tenant.name not in listing.text
    assert MISSING in foreign.text


def test_admin_foreign_key_choices_limited_to_the_tenant(login, tenant, other_tenant, tenant_admin):
    BusinessLineFactory(tenant=tenant, name="Impression ACME")
    BusinessLineFactory(tenant=other_tenant, name="Téléphonie AUTRE")
    seat = Membership.unscoped.get(user=tenant_admin)

    response = login(tenant_admin).get(reverse("admin:crm_membership_change", args=[seat.pk]))

    assert response.status_code == 200
    assert "Impression ACME" in response.text
    assert "Téléphonie AUTRE" not in response.text


def test_admin_user_list_shows_only_users_with_a_seat_in_the_tenant(
    login, tenant, other_tenant, tenant_admin
):
    colleague = member(tenant, "Commercial", username="collegue-acme")
    outsider = member(other_tenant, "Commercial", username="concurrent-autre")
    client = login(tenant_admin)

    listing = client.get(reverse("admin:auth_user_changelist"))
    foreign = client.get(reverse("admin:auth_user_change", args=[outsider.pk]), follow=True)

    assert colleague.username in listing.text
    assert outsider.username not in listing.text
    assert MISSING in foreign.text


def test_admin_user_list_hides_superusers_from_a_tenant_administrator(login, tenant, tenant_admin, superuser):
    MembershipFactory(tenant=tenant, user=superuser, role=Group.objects.get(name="Administrateur"))

    response = login(tenant_admin).get(reverse("admin:auth_user_changelist"))

    assert response.status_code == 200
    assert superuser.username not in response.text


def test_admin_password_change_refused_for_a_user_of_another_company_too(
    login, tenant, other_tenant, tenant_admin
):
    shared = member(tenant, "Commercial")
    MembershipFactory(tenant=other_tenant, user=shared)
    own = member(tenant, "Commercial")
    client = login(tenant_admin)

    refused = client.get(reverse("admin:auth_user_password_change", args=[shared.pk]))
    accepted = client.get(reverse("admin:auth_user_password_change", args=[own.pk]))

    assert refused.status_code == 403
    assert accepted.status_code == 200


def test_admin_user_created_with_a_seat_in_the_administrator_tenant(login, tenant, tenant_admin):
    commercial = Group.objects.get(name="Commercial")
    data = {
        "username": "nouveau",
        "usable_password": "true",
        "password1": "Un-mot-de-passe-solide-42",
        "password2": "Un-mot-de-passe-solide-42",
        **_inline_management("memberships", total=1),
        "memberships-0-role": commercial.pk,
        "memberships-0-licence": "crm",
        "memberships-0-is_active": "on",
    }

    response = login(tenant_admin).post(reverse("admin:auth_user_add"), data)

    assert response.status_code == 302
    seat = Membership.unscoped.get(user__username="nouveau")
    assert (seat.tenant, seat.role) == (tenant, commercial)
    with scope(tenant=tenant):
        entry = AuditEntry.objects.get(action="membership.create")
    assert entry.object_id == str(seat.pk)


def test_admin_user_refused_without_a_seat_when_created_by_a_tenant_administrator(login, tenant_admin):
    data = {
        "username": "sans-siege",
        "usable_password": "true",
        "password1": "Un-mot-de-passe-solide-42",
        "password2": "Un-mot-de-passe-solide-42",
        **_inline_management("memberships", total=0),
    }

    response = login(tenant_admin).post(reverse("admin:auth_user_add"), data)

    assert response.status_code == 200
    assert "Veuillez soumettre au moins 1 formulaire." in response.text
    assert not UserFactory._meta.model.objects.filter(username="sans-siege").exists()


def test_admin_membership_role_change_is_audited(login, tenant, tenant_admin):
    commercial = member(tenant, "Commercial")
    seat = Membership.unscoped.get(user=commercial)
    manager = Group.objects.get(name="Manager")
    data = {"role": manager.pk, "licence": "crm", "is_active": "on", **_no_membership_inlines()}

    response = login(tenant_admin).post(reverse("admin:crm_membership_change", args=[seat.pk]), data)

    assert response.status_code == 302
    seat.refresh_from_db()
    assert seat.role == manager
    with scope(tenant=tenant):
        entry = AuditEntry.objects.get(action="membership.change")
    assert entry.actor == tenant_admin
    assert entry.object_id == str(seat.pk)
    assert entry.changes == {"role_id": [Group.objects.get(name="Commercial").pk, manager.pk]}


def test_admin_membership_save_without_change_is_not_audited(login, tenant, tenant_admin):
    seat = Membership.unscoped.get(user=member(tenant, "Commercial"))
    data = {"role": seat.role_id, "licence": "crm", "is_active": "on", **_no_membership_inlines()}

    response = login(tenant_admin).post(reverse("admin:crm_membership_change", args=[seat.pk]), data)

    assert response.status_code == 302
    with scope(tenant=tenant):
        assert not AuditEntry.objects.filter(action="membership.change").exists()


def test_admin_parameter_refused_when_value_out_of_range(login, tenant_admin):
    data = {"key": "NOMBRE_MOIS_SYNTHESE_CLIENT", "value": "0"}

    response = login(tenant_admin).post(reverse("admin:crm_parameter_add"), data)

    assert response.status_code == 200
    assert "La valeur doit être au moins 1." in response.text


def test_admin_parameter_set_through_the_service_and_audited(login, tenant, tenant_admin):
    data = {"key": "NOMBRE_MOIS_SYNTHESE_CLIENT", "value": "24"}

    response = login(tenant_admin).post(reverse("admin:crm_parameter_add"), data)

    assert response.status_code == 302
    with scope(tenant=tenant):
        entry = AuditEntry.objects.get(action="parameter.set")
    assert entry.changes == {"NOMBRE_MOIS_SYNTHESE_CLIENT": [12, 24]}


def test_admin_global_reference_data_read_only_for_a_tenant_administrator(login, tenant_admin):
    client = login(tenant_admin)

    listing = client.get(reverse("admin:crm_country_changelist"))
    adding = client.get(reverse("admin:crm_country_add"))

    assert listing.status_code == 200
    assert adding.status_code == 403


def test_admin_roles_refused_to_a_tenant_administrator(login, tenant_admin):
    response = login(tenant_admin).get(reverse("admin:auth_group_changelist"))

    assert response.status_code == 403


# --- Read-only admins ----------------------------------------------------------------------------------


@pytest.mark.parametrize("model", [AuditEntry, ExportJob])
@pytest.mark.parametrize("is_superuser", [False, True])
def test_admin_service_rows_have_no_add_change_or_delete(tenant, model, is_superuser):
    user = member(tenant, "Administrateur", is_staff=True, is_superuser=is_superuser)
    request = RequestFactory().get("/admin/")
    request.user, request.tenant = user, tenant
    model_admin = admin.site._registry[model]

    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_admin_audit_entry_add_page_refused(login, tenant_admin):
    response = login(tenant_admin).get(reverse("admin:crm_auditentry_add"))

    assert response.status_code == 403


def test_admin_audit_entry_shown_read_only(login, tenant, tenant_admin):
    with scope(tenant=tenant):
        entry = AuditEntry.objects.create(tenant=tenant, action="test.action", object_repr="Objet audité")

    response = login(tenant_admin).get(reverse("admin:crm_auditentry_change", args=[entry.pk]))

    assert response.status_code == 200
    assert "Objet audité" in response.text
    assert 'name="_save"' not in response.text


# --- Superuser -----------------------------------------------------------------------------------------


def _seat(user, tenant):
    return MembershipFactory(tenant=tenant, user=user, role=Group.objects.get(name="Administrateur"))


def test_admin_superuser_sees_only_the_rows_of_the_company_it_works_in(
    login, tenant, other_tenant, superuser
):
    _seat(superuser, tenant)
    BusinessLineFactory(tenant=tenant, name="Impression ACME")
    BusinessLineFactory(tenant=other_tenant, name="Téléphonie AUTRE")

    response = login(superuser).get(reverse("admin:crm_businessline_changelist"))

    assert response.status_code == 200
    assert "Impression ACME" in response.text
    assert "Téléphonie AUTRE" not in response.text


def test_admin_superuser_without_a_seat_sees_no_tenant_row_and_may_add_none(
    login, tenant, other_tenant, superuser
):
    BusinessLineFactory(tenant=other_tenant, name="Téléphonie AUTRE")
    client = login(superuser)

    listing = client.get(reverse("admin:crm_businessline_changelist"))
    adding = client.get(reverse("admin:crm_businessline_add"))
    companies = client.get(reverse("admin:crm_company_changelist"))

    assert listing.status_code == 200
    assert "Téléphonie AUTRE" not in listing.text
    assert adding.status_code == 403
    assert "Autre Société" in companies.text  # the global data stays the superuser's


def test_admin_superuser_creates_a_row_in_the_company_it_works_in(login, tenant, other_tenant, superuser):
    _seat(superuser, other_tenant)

    response = login(superuser).post(
        reverse("admin:crm_businessline_add"), {"tenant": tenant.pk, "code": "IMP", "name": "Impression"}
    )

    assert response.status_code == 302
    with scope(tenant=other_tenant):
        assert BusinessLine.objects.get(code="IMP").tenant == other_tenant
    with scope(tenant=tenant):
        assert not BusinessLine.objects.exists()


def test_admin_superuser_refused_a_related_row_of_another_tenant(login, tenant, other_tenant, superuser):
    _seat(superuser, tenant)
    user = UserFactory()
    foreign_line = BusinessLineFactory(tenant=other_tenant)
    data = {
        "user": user.pk,
        "role": Group.objects.get(name="Commercial").pk,
        "licence": "crm",
        "is_active": "on",
        **_inline_management("membershipbusinessline_set", total=1),
        "membershipbusinessline_set-0-business_line": foreign_line.pk,
        **_inline_management("membershiporganisation_set"),
    }

    response = login(superuser).post(reverse("admin:crm_membership_add"), data)

    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.text
    assert not Membership.unscoped.filter(user=user).exists()


def test_admin_superuser_creates_a_membership_with_lines_of_its_tenant(login, tenant, superuser):
    _seat(superuser, tenant)
    user = UserFactory()
    line = BusinessLineFactory(tenant=tenant)
    data = {
        "user": user.pk,
        "role": Group.objects.get(name="Commercial").pk,
        "licence": "crm",
        "is_active": "on",
        **_inline_management("membershipbusinessline_set", total=1),
        "membershipbusinessline_set-0-business_line": line.pk,
        **_inline_management("membershiporganisation_set"),
    }

    response = login(superuser).post(reverse("admin:crm_membership_add"), data)

    assert response.status_code == 302
    seat = Membership.unscoped.get(user=user)
    with scope(tenant=tenant):
        assert list(seat.business_lines.all()) == [line]
        assert AuditEntry.objects.filter(action="membership.create", object_id=str(seat.pk)).exists()


def test_admin_roles_are_read_only_even_for_a_superuser(login, superuser):
    role = Group.objects.get(name="Commercial")
    before = set(role.permissions.values_list("pk", flat=True))
    client = login(superuser)

    assert client.get(reverse("admin:auth_group_change", args=[role.pk])).status_code == 200
    response = client.post(
        reverse("admin:auth_group_change", args=[role.pk]), {"name": "Commercial", "permissions": []}
    )

    assert response.status_code == 403
    assert set(role.permissions.values_list("pk", flat=True)) == before
    assert client.get(reverse("admin:auth_group_add")).status_code == 403


# --- Registration ----------------------------------------------------------------------------------------


def _admin_covered_models() -> set[type]:
    """Models registered in the admin, and models edited as an inline of a registered admin."""
    covered = set(admin.site._registry)
    for model_admin in admin.site._registry.values():
        covered.update(inline.model for inline in model_admin.inlines)
    return covered


# Models the admin cannot show, with the reason.
NOT_IN_ADMIN = {
    # A composite primary key (tenant, entry, token): Django's admin has no URL for such rows; the
    # index's entries (crm.SearchEntry) are registered read-only instead.
    "crm.SearchToken",
}


def test_every_model_with_a_table_of_the_project_is_in_the_admin():
    covered = _admin_covered_models()
    missing = [
        model._meta.label
        for app_label in PROJECT_APPS
        for model in apps.get_app_config(app_label).get_models()
        if model._meta.managed
        and not model._meta.proxy
        and model not in covered
        and model._meta.label not in NOT_IN_ADMIN
    ]

    assert missing == [], f"Register these models in their app's admin.py: {missing}"


def test_tenant_models_use_the_tenant_admin():
    from crm.admin_base import TenantAdmin, _TenantInline
    from crm.models import TenantModel

    wrong = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if issubclass(model, TenantModel) and not isinstance(model_admin, TenantAdmin)
    ]
    wrong_inlines = [
        inline.model._meta.label
        for model_admin in admin.site._registry.values()
        for inline in model_admin.inlines
        if issubclass(inline.model, TenantModel) and not issubclass(inline, _TenantInline)
    ]

    assert (wrong, wrong_inlines) == ([], [])


def test_admin_superuser_creates_a_user_with_a_seat_in_the_company_it_works_in(
    login, tenant, other_tenant, superuser
):
    _seat(superuser, other_tenant)
    commercial = Group.objects.get(name="Commercial")
    data = {
        "username": "nouveau-autre",
        "usable_password": "true",
        "password1": "Un-mot-de-passe-solide-42",
        "password2": "Un-mot-de-passe-solide-42",
        **_inline_management("memberships", total=1),
        "memberships-0-tenant": tenant.pk,
        "memberships-0-role": commercial.pk,
        "memberships-0-licence": "artis",
        "memberships-0-is_active": "on",
    }

    response = login(superuser).post(reverse("admin:auth_user_add"), data)

    assert response.status_code == 302
    seat = Membership.unscoped.get(user__username="nouveau-autre")
    assert (seat.tenant, seat.role) == (other_tenant, commercial)


def test_admin_superuser_without_a_seat_gives_no_seat(login, tenant, superuser):
    data = {
        "username": "sans-societe",
        "usable_password": "true",
        "password1": "Un-mot-de-passe-solide-42",
        "password2": "Un-mot-de-passe-solide-42",
        **_inline_management("memberships", total=1),
        "memberships-0-role": Group.objects.get(name="Commercial").pk,
        "memberships-0-licence": "artis",
        "memberships-0-is_active": "on",
    }

    response = login(superuser).post(reverse("admin:auth_user_add"), data)

    assert response.status_code == 200
    assert "Veuillez soumettre au plus 0 formulaire." in response.text
    assert not Membership.unscoped.filter(user__username="sans-societe").exists()


@pytest.mark.parametrize("audience", ["tenant_admin", "superuser"])
def test_admin_every_list_add_and_change_page_renders(request, login, tenant, audience):
    user = request.getfixturevalue(audience)
    if audience == "superuser":
        _seat(user, tenant)
    BusinessLineFactory(tenant=tenant)
    with scope(tenant=tenant):
        AuditEntry.objects.create(tenant=tenant, action="test.action")
        ExportJob.objects.create(tenant=tenant, owner=user, exporter="users", format="xlsx")
    client = login(user)
    pages = []
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        pages.append(reverse("admin:{}_{}_changelist".format(*info)))
        pages.append(reverse("admin:{}_{}_add".format(*info)))
        with scope(tenant=tenant):
            row = model_admin.get_queryset(_admin_request(user, tenant)).first()
        if row is not None:
            pages.append(reverse("admin:{}_{}_change".format(*info), args=[row.pk]))

    statuses = {page: client.get(page).status_code for page in pages}

    assert set(statuses.values()) <= {200, 403}, statuses
    assert statuses[reverse("admin:crm_businessline_add")] == 200


def _admin_request(user, tenant):
    request = RequestFactory().get("/admin/")
    request.user, request.tenant = user, tenant
    return request
