"""The permission matrix registry (STYLE.md §20): how to call every URL, and what each actor gets.

tests/test_permission_matrix.py walks every pattern of the URL resolver and calls each one as
every actor of ``ACTORS``. A pattern is either

- an ``Entry`` in the ``ENTRIES`` dict of its app's ``tests/<app>/matrix.py`` or of one area
  module ``tests/<app>/matrix_<area>.py``, keyed by its
  namespaced URL name (``"exports:status"``), saying how to build the URL kwargs (from data the
  entry creates in tenant A), the method, POST data and headers, the status that means success,
  and whether the URL points at a tenant-A object (then tenant B's user gets 404); or
- excluded, in an ``EXCLUDED`` dict (the platform's below, or an app's own), with a written
  reason. A key is a URL name, ``"namespace:*"`` for a whole namespace, or ``"view:<dotted path>"``
  for a view callable (for unnamed patterns, such as media serving in DEBUG).

An unmapped pattern fails the test. The expected status of each actor comes from the view's
declared permission: ``permission_required`` on a class view (crm.views.base.
TenantPermissionRequiredMixin) or on a function view; None means "any member of the tenant".

Adding an app's URLs::

    # tests/parc/matrix_assets.py
    from tests.matrix import Entry

    def _asset(ctx):
        with ctx.in_tenant():
            return {"pk": AssetFactory(tenant=ctx.tenant).pk}

    ENTRIES = {"parc:asset_detail": Entry(kwargs=_asset, tenant_object=True)}
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from django_scopes import scope

from crm.rights import ADMINISTRATEUR, ROLES, role_grants

PROJECT_APPS = ("crm", "tiers", "parc", "ventes", "fidelite", "synthese")

ANONYMOUS = "anonymous"
NO_MEMBERSHIP = "no_membership"
OTHER_TENANT = "other_tenant"
# Tenant B's user holds the most powerful role, so a 404 there can only come from the tenancy.
OTHER_TENANT_ROLE = ADMINISTRATEUR
ACTORS = (ANONYMOUS, NO_MEMBERSHIP, *ROLES, OTHER_TENANT)


class _Sentinel:
    def __init__(self, label: str) -> None:
        self.label = label

    def __repr__(self) -> str:
        return f"<{self.label}>"


FROM_VIEW: Any = _Sentinel("the view's own permission_required")
UNDECLARED: Any = _Sentinel("no permission_required declared")


@dataclass(frozen=True)
class MatrixContext:
    """What an entry's factories may use. Data is created in ``tenant`` (tenant A)."""

    tenant: Any
    other_tenant: Any
    actor: str
    user: Any  # None for the anonymous actor
    membership: Any  # the actor's own active membership, or None

    def in_tenant(self):
        """``with ctx.in_tenant():`` tenant-A queries and factories."""
        return scope(tenant=self.tenant)

    def tenant_user(self):
        """The owner of the objects a factory creates: the actor when they are a member of tenant
        A, else a new Administrateur of tenant A (so other actors meet somebody else's row)."""
        if self.membership is not None and self.membership.tenant_id == self.tenant.pk:
            return self.user
        from tests.factories import member

        return member(self.tenant, ADMINISTRATEUR)


def _no_kwargs(ctx: MatrixContext) -> dict:
    return {}


@dataclass(frozen=True)
class Entry:
    """How to call one URL and what success looks like."""

    kwargs: Callable[[MatrixContext], dict] = _no_kwargs
    method: str = "get"
    data: Callable[[MatrixContext], dict] | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    # The status of an allowed actor: 200, or 302 for a POST that redirects after success.
    success: int = 200
    # The URL names a tenant-A object: tenant B's user must get 404 (as for a missing row).
    tenant_object: bool = False
    # For views the project does not own (django.contrib.auth's): the permission to assume.
    permission: Any = FROM_VIEW
    # Per-actor statuses that differ from the derived ones; say why next to the entry.
    statuses: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Pattern:
    """One URL pattern of the resolver."""

    name: str | None  # namespaced ("exports:status"), None when the pattern has no name
    namespace: str
    route: str
    callback: Callable

    @property
    def key(self) -> str:
        return self.name or f"<unnamed {self.route}>"

    @property
    def view_path(self) -> str:
        view = getattr(self.callback, "view_class", self.callback)
        return f"{view.__module__}.{view.__qualname__}"


def resolver_patterns() -> list[Pattern]:
    """Every pattern of the root URLconf, through includes, namespaced; the first of a name wins
    (the one ``reverse`` uses when two patterns share a name and their arguments)."""
    seen: dict[str, Pattern] = {}
    for pattern in _walk(get_resolver(), (), ""):
        seen.setdefault(pattern.key, pattern)
    return list(seen.values())


def _walk(resolver: URLResolver, namespaces: tuple[str, ...], prefix: str) -> Iterator[Pattern]:
    for item in resolver.url_patterns:
        route = prefix + str(item.pattern)
        if isinstance(item, URLResolver):
            inner = (*namespaces, item.namespace) if item.namespace else namespaces
            yield from _walk(item, inner, route)
        elif isinstance(item, URLPattern):
            name = ":".join((*namespaces, item.name)) if item.name else None
            yield Pattern(name=name, namespace=":".join(namespaces), route=route, callback=item.callback)


def declared_permission(pattern: Pattern) -> Any:
    """The view's ``permission_required`` (None: any member), or UNDECLARED."""
    holder = getattr(pattern.callback, "view_class", pattern.callback)
    return getattr(holder, "permission_required", UNDECLARED)


def role_has(role: str, permission: Any) -> bool:
    if permission is None:
        return True
    wanted = [permission] if isinstance(permission, str) else list(permission)
    granted = {f"{app}.{codename}" for app, codename in role_grants.permissions_by_role()[role]}
    return set(wanted) <= granted


def expected_status(entry: Entry, actor: str, permission: Any) -> int:
    """What ``actor`` must get, from the declared permission and the entry."""
    if actor in entry.statuses:
        return entry.statuses[actor]
    if actor == ANONYMOUS:
        return 302  # to the login page (LoginRequiredMiddleware)
    if actor == NO_MEMBERSHIP:
        return 403  # crm.middleware.TenantScopeMiddleware: no company, no business page
    if actor == OTHER_TENANT:
        if entry.tenant_object:
            return 404
        actor = OTHER_TENANT_ROLE
    return entry.success if role_has(actor, permission) else 403


# Patterns the matrix does not call, each with its reason. Apps may add their own in EXCLUDED.
PLATFORM_EXCLUDED = {
    "admin:*": (
        "The Django admin has its own permission checks (is_staff, then the role's model "
        "permissions, scoped by crm.admin_base.TenantAdmin), covered in tests/crm/test_admin.py."
    ),
    "view:django.views.static.serve": (
        "Media files are served by Django only with DEBUG on the development machine; in "
        "production the web server serves them, and exports are downloaded through exports:download."
    ),
}


@dataclass
class Registry:
    entries: dict[str, Entry]
    excluded: dict[str, str]

    def exclusion_for(self, pattern: Pattern) -> str | None:
        """The reason ``pattern`` is excluded, or None."""
        if pattern.name in self.excluded:
            return self.excluded[pattern.name]
        view_key = f"view:{pattern.view_path}"
        if view_key in self.excluded:
            return self.excluded[view_key]
        namespaces = pattern.namespace.split(":") if pattern.namespace else []
        for depth in range(len(namespaces), 0, -1):
            key = ":".join(namespaces[:depth]) + ":*"
            if key in self.excluded:
                return self.excluded[key]
        return None


def _matrix_modules() -> list[str]:
    """``tests/<app>/matrix.py`` and ``tests/<app>/matrix_<area>.py`` of every project app: each
    area of an app keeps its own entries."""
    names = []
    for app_label in PROJECT_APPS:
        folder = Path(__file__).parent / app_label
        for info in sorted(pkgutil.iter_modules([str(folder)]), key=lambda info: info.name):
            if info.name == "matrix" or info.name.startswith("matrix_"):
                names.append(f"tests.{app_label}.{info.name}")
    return names


def registry() -> Registry:
    """The platform exclusions merged with every app's ``tests/<app>/matrix.py``.

    Called by the test module (not at import), so app modules may import Entry from here.
    A key defined twice is an error.
    """
    entries: dict[str, Entry] = {}
    excluded: dict[str, str] = dict(PLATFORM_EXCLUDED)
    for module_name in _matrix_modules():
        module = importlib.import_module(module_name)
        for target, source in ((entries, "ENTRIES"), (excluded, "EXCLUDED")):
            for key, value in getattr(module, source, {}).items():
                if key in entries or key in excluded:
                    raise ValueError(f"{module_name}.{source}: {key!r} is already in the matrix")
                target[key] = value
    return Registry(entries=entries, excluded=excluded)
