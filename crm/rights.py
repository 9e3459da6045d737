"""Rights: the role-grants registry and the membership-based permission backends.

A user's permissions come from the role of the *active membership* (a user can be Manager in
one company and Commercial in another), never from ``user.groups``. Object permissions
(django-guardian) are a second gate on top of the role: both must allow.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth.backends import ModelBackend
from guardian.backends import ObjectPermissionBackend

COMMERCIAL = "Commercial"
TECHNICIEN = "Technicien"
MANAGER = "Manager"
ADMINISTRATEUR = "Administrateur"
ROLES = (COMMERCIAL, TECHNICIEN, MANAGER, ADMINISTRATEUR)

VIEW = ("view",)
EDIT = ("view", "add", "change")
ALL = ("view", "add", "change", "delete")


class RoleGrantsRegistry:
    """Each app declares, in its ``grants.py``, what each role may do with its own models.

    A grant is either ``"app_label.codename"`` (a custom permission) or ``("model", actions)``
    where model is the lower-case model name of the declaring app and actions a tuple of
    view/add/change/delete.
    """

    def __init__(self) -> None:
        self._grants: dict[str, dict[str, list]] = {}

    def register(self, app_label: str, grants: dict[str, Iterable]) -> None:
        unknown = set(grants) - set(ROLES)
        if unknown:
            raise ValueError(f"Unknown roles in {app_label} grants: {sorted(unknown)}")
        self._grants[app_label] = {role: list(items) for role, items in grants.items()}

    def permissions_by_role(self) -> dict[str, set[tuple[str, str]]]:
        """{role: {(app_label, codename), ...}} from every registered app."""
        result: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for app_label, grants in self._grants.items():
            for role, items in grants.items():
                for item in items:
                    if isinstance(item, str):
                        perm_app, codename = item.split(".", 1)
                        result[role].add((perm_app, codename))
                    else:
                        model_name, actions = item
                        for action in actions:
                            result[role].add((app_label, f"{action}_{model_name}"))
        return result


role_grants = RoleGrantsRegistry()


def apply_role_grants(app_config=None, using="default", **kwargs) -> None:
    """post_migrate: create the four roles and set exactly their registered permissions (idempotent).

    post_migrate is sent once per app; permissions of every app exist only after the last one,
    so the grants are applied then.
    """
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if app_config is not None and app_config is not with_models[-1]:
        return

    wanted = role_grants.permissions_by_role()
    for role in ROLES:
        group, _ = Group.objects.using(using).get_or_create(name=role)
        pairs = wanted.get(role, set())
        if not pairs:
            group.permissions.clear()
            continue
        query = Q()
        for app_label, codename in pairs:
            query |= Q(content_type__app_label=app_label, codename=codename)
        permissions = list(Permission.objects.using(using).filter(query).select_related("content_type"))
        found = {(p.content_type.app_label, p.codename) for p in permissions}
        missing = pairs - found
        if missing:
            raise LookupError(f"Granted permissions that do not exist: {sorted(missing)}")
        group.permissions.set(permissions)


def active_membership(user):
    """The membership whose role gives the user's permissions now.

    Set by the tenancy middleware for web requests (and by tasks and tests through
    ``crm.services.tenancy.membership_activate``). Outside those, a user with exactly one
    active membership uses it; otherwise none (fail closed).
    """
    if not getattr(user, "is_authenticated", False):
        return None
    if hasattr(user, "active_membership"):
        return user.active_membership
    from crm.models import Membership

    memberships = list(Membership.unscoped.filter(user=user, is_active=True).select_related("tenant")[:2])
    user.active_membership = memberships[0] if len(memberships) == 1 else None
    return user.active_membership


class MembershipBackend(ModelBackend):
    """Authenticates like ModelBackend; permissions come from the active membership's role only."""

    def get_user_permissions(self, user_obj, obj=None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        membership = active_membership(user_obj)
        if membership is None or not membership.is_active:
            return set()
        cache = getattr(user_obj, "_membership_perm_cache", None)
        if cache is None or cache[0] != membership.pk:
            from django.contrib.auth.models import Permission

            rows = Permission.objects.filter(group=membership.role_id).values_list(
                "content_type__app_label", "codename"
            )
            cache = (membership.pk, {f"{app}.{codename}" for app, codename in rows})
            user_obj._membership_perm_cache = cache
        return cache[1]

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        return self.get_group_permissions(user_obj, obj)


class MembershipObjectBackend(ObjectPermissionBackend):
    """django-guardian object permissions, only where the role already grants the model permission."""

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        if obj is None or not user_obj.is_active:
            return False
        if perm not in MembershipBackend().get_all_permissions(user_obj):
            return False
        return super().has_perm(user_obj, perm, obj)

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if obj is None:
            return set()
        role_perms = MembershipBackend().get_all_permissions(user_obj)
        app_label = obj._meta.app_label
        return {
            perm
            for perm in super().get_all_permissions(user_obj, obj)
            if f"{app_label}.{perm}" in role_perms or perm in role_perms
        }
