"""Bind a database connection to a tenant, for the row-level security policies (crm.rls).

Binding sets three things in one statement: the role (``DATABASE_APP_ROLE``, the role the
policies restrict: a no-op where the application already logs in as it), the tenant and the
user. Inside a transaction they are transaction-local (``set_config(..., true)``): the request's
transaction ends and the binding with it, so a pooled connection never carries a tenant over.
Outside one (a task, a command, an ``on_commit`` callback) they hold for the connection's
session until the context exits, and are applied again if the connection is re-opened
meanwhile.

``tenant_context(tenant)`` is what code uses: the django-scopes scope and the binding together.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.signals import connection_created
from django_scopes import scope

from crm.rls import TENANT_SETTING, USER_SETTING

UNBOUND_ROLE = "none"  # set_config('role', 'none') goes back to the login role


@dataclass(frozen=True)
class Binding:
    role: str
    tenant_id: int | None
    user_id: int | None


UNBOUND = Binding(role=UNBOUND_ROLE, tenant_id=None, user_id=None)


def _app_role() -> str:
    return settings.DATABASE_APP_ROLE


def _apply(connection, binding: Binding, *, local: bool) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('role', %s, %s), set_config(%s, %s, %s), set_config(%s, %s, %s)",
            [
                binding.role,
                local,
                TENANT_SETTING,
                "" if binding.tenant_id is None else str(binding.tenant_id),
                local,
                USER_SETTING,
                "" if binding.user_id is None else str(binding.user_id),
                local,
            ],
        )


def _stack(connection) -> list[tuple[Binding, bool]]:
    if not hasattr(connection, "crm_bindings"):
        connection.crm_bindings = []
    return connection.crm_bindings


def current_binding(using: str = DEFAULT_DB_ALIAS) -> Binding:
    stack = _stack(connections[using])
    return stack[-1][0] if stack else UNBOUND


@contextmanager
def database_binding(
    *, tenant_id: int | None, user_id: int | None = None, using: str = DEFAULT_DB_ALIAS
) -> Iterator[Binding]:
    """Bind the connection to ``tenant_id`` (None: the role only, no tenant rows) until exit."""
    connection = connections[using]
    binding = Binding(role=_app_role(), tenant_id=tenant_id, user_id=user_id)
    local = connection.in_atomic_block
    stack = _stack(connection)
    previous = stack[-1][0] if stack else UNBOUND
    _apply(connection, binding, local=local)
    stack.append((binding, local))
    try:
        yield binding
    finally:
        stack.pop()
        _restore(connection, previous, local=local)


def _restore(connection, previous: Binding, *, local: bool) -> None:
    if connection.connection is None:
        return  # closed meanwhile: a new connection starts unbound
    if local:
        if not connection.in_atomic_block:
            return  # the transaction ended, and its settings with it
        if connection.needs_rollback:
            return  # the rollback to the savepoint restores the settings
    _apply(connection, previous, local=local)


@contextmanager
def tenant_context(tenant, *, user_id: int | None = None) -> Iterator[None]:
    """Work inside ``tenant``: the django-scopes scope and the database binding together."""
    with scope(tenant=tenant), database_binding(tenant_id=tenant.pk, user_id=user_id):
        yield


def tenant_of_token(function: str, digest: str):
    """The company that a pre-tenant lookup function (crm.rls.pre_tenant_lookup) gives for a
    token's hash, or None. The only read a token-authenticated request makes before its tenant
    is bound."""
    from crm.models import Company

    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s)", [digest])
        tenant_id = cursor.fetchone()[0]
    return Company.objects.filter(pk=tenant_id).first() if tenant_id else None


def _rebind_reopened(sender, connection, **kwargs) -> None:
    """A connection re-opened inside a session-level binding (a task after a network blip)
    gets the binding again rather than silently seeing no rows."""
    stack = getattr(connection, "crm_bindings", None)
    if stack and not stack[-1][1]:
        _apply(connection, stack[-1][0], local=False)


connection_created.connect(_rebind_reopened, dispatch_uid="crm.tenant_binding.rebind")
