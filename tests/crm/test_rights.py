import pytest
from django.contrib.auth.models import Group
from django_scopes import scope
from guardian.shortcuts import assign_perm

from crm.models import BusinessLine, Membership
from crm.rights import ROLES, active_membership, apply_role_grants
from crm.services.tenancy import membership_activate
from tests.factories import BusinessLineFactory, UserFactory, member

# DESIGN.md §4 is the contract: (permission, Commercial, Technicien, Manager, Administrateur)
CONTRACT = [
    ("crm.export_data", True, False, True, True),
    ("crm.reveal_secret", False, True, True, True),
    ("crm.view_closed_accounts", False, False, True, True),
    ("crm.validate_prospect", True, False, True, True),
    ("crm.merge_thirdparty", False, False, True, True),
    ("crm.delete_thirdparty", False, False, True, True),
    ("crm.manage_parameters", False, False, False, True),
    ("crm.view_businessline", True, True, True, True),
    ("crm.change_businessline", False, False, False, True),
    ("crm.change_parameter", False, False, False, True),
    ("crm.add_membership", False, False, False, True),
    ("crm.view_auditentry", False, False, True, True),
    # tiers: sales edit master data, technicians read it, only managers and admins delete
    ("tiers.view_thirdparty", True, True, True, True),
    ("tiers.add_thirdparty", True, False, True, True),
    ("tiers.change_thirdparty", True, False, True, True),
    ("tiers.delete_thirdparty", False, False, True, True),
    ("tiers.view_contact", True, True, True, True),
    ("tiers.add_contact", True, False, True, True),
    ("tiers.change_contact", True, False, True, True),
    ("tiers.add_site", True, False, True, True),
    ("tiers.change_bankaccount", True, False, True, True),
    ("tiers.change_shipto", True, False, True, True),
    ("tiers.change_thirdpartyalloweduser", False, False, True, True),
    ("tiers.view_segmentvalue", True, True, True, True),
    ("tiers.change_segmentvalue", False, False, False, True),
]


@pytest.mark.parametrize(("perm", *ROLES), CONTRACT)
def test_role_grants_follow_the_design_table(tenant, perm, Commercial, Technicien, Manager, Administrateur):
    expected = dict(zip(ROLES, (Commercial, Technicien, Manager, Administrateur), strict=True))
    for role, allowed in expected.items():
        user = member(tenant, role)
        assert user.has_perm(perm) is allowed, (role, perm)


def test_role_grants_are_applied_idempotently(db):
    before = {g.name: set(g.permissions.values_list("pk", flat=True)) for g in Group.objects.all()}
    apply_role_grants()
    apply_role_grants()
    after = {g.name: set(g.permissions.values_list("pk", flat=True)) for g in Group.objects.all()}
    assert before == after
    assert set(ROLES) <= set(after)


def test_permissions_come_from_the_active_membership_not_from_user_groups(tenant, other_tenant):
    user = member(tenant, "Technicien")
    user.groups.add(Group.objects.get(name="Administrateur"))  # must be ignored
    with scope(tenant=other_tenant):
        manager_seat = Membership.objects.create(
            tenant=other_tenant, user=user, role=Group.objects.get(name="Manager")
        )
    technician_seat = Membership.unscoped.get(user=user, tenant=tenant)

    membership_activate(user, technician_seat)
    assert not user.has_perm("crm.export_data")
    assert not user.has_perm("crm.manage_parameters")

    membership_activate(user, manager_seat)
    assert user.has_perm("crm.export_data")


def test_user_with_several_memberships_and_no_choice_has_no_permission(tenant, other_tenant):
    user = member(tenant, "Manager")
    with scope(tenant=other_tenant):
        Membership.objects.create(tenant=other_tenant, user=user, role=Group.objects.get(name="Manager"))
    assert active_membership(user) is None
    assert not user.has_perm("crm.export_data")


def test_inactive_membership_grants_nothing(tenant):
    user = member(tenant, "Administrateur")
    Membership.unscoped.filter(user=user).update(is_active=False)
    assert not UserFactory._meta.model.objects.get(pk=user.pk).has_perm("crm.view_businessline")


def test_object_permission_needs_the_role_permission_too(tenant):
    line = BusinessLineFactory(tenant=tenant)
    technician = member(tenant, "Technicien")  # role may view business lines, not change them
    assign_perm("crm.change_businessline", technician, line)
    assign_perm("crm.view_businessline", technician, line)
    fresh = type(technician).objects.get(pk=technician.pk)
    assert not fresh.has_perm("crm.change_businessline", line)
    assert fresh.has_perm("crm.view_businessline", line)


def test_object_permission_is_required_on_top_of_the_role(tenant):
    line = BusinessLineFactory(tenant=tenant)
    other_line = BusinessLineFactory(tenant=tenant)
    admin = member(tenant, "Administrateur")
    assign_perm("crm.change_businessline", admin, line)
    fresh = type(admin).objects.get(pk=admin.pk)
    assert fresh.has_perm("crm.change_businessline", line)
    assert not fresh.has_perm("crm.change_businessline", other_line)
    with scope(tenant=tenant):
        assert BusinessLine.objects.count() == 2
