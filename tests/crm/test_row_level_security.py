"""Row-level security, the database's backstop behind django-scopes (crm.rls, crm.services
.tenant_binding, crm.services.db_roles): proven alone, with the ORM scope switched off."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from crm.models import BusinessLine, Company, Membership
from crm.rls import POLICY
from crm.services.tenant_binding import current_binding, database_binding, tenant_context
from tests.factories import BusinessLineFactory, CompanyFactory, member

PROBE_URLS = "tests.crm.rls_probe_urls"


def _fetch(sql: str, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchall()


# --- The policies and the role ----------------------------------------------------------------------


def test_every_table_with_a_tenant_column_has_the_tenant_policy(db):
    tables = {
        table
        for (table,) in _fetch(
            "SELECT table_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND column_name = 'tenant_id'"
        )
    }
    protected = {
        name
        for name, enabled in _fetch(
            "SELECT c.relname, c.relrowsecurity FROM pg_class c "
            "JOIN pg_policies p ON p.tablename = c.relname AND p.policyname = %s "
            "WHERE c.relnamespace = 'public'::regnamespace",
            [POLICY],
        )
        if enabled
    }
    model_tables = {
        model._meta.db_table
        for model in apps.get_models()
        if any(field.column == "tenant_id" for field in model._meta.local_fields)
    }

    assert model_tables <= tables
    assert sorted(tables - protected) == [], "tenant tables without row-level security"


def test_the_application_role_is_bound_by_the_policies(db):
    (row,) = _fetch(
        "SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = %s",
        [settings.DATABASE_APP_ROLE],
    )
    owners = {
        owner for (owner,) in _fetch("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'")
    }

    assert row == (False, False, False, False)
    assert settings.DATABASE_APP_ROLE not in owners


def test_no_role_and_no_password_in_a_migration():
    statement = re.compile(r"\b(CREATE|ALTER)\s+(ROLE|USER)\b|PASSWORD\s+'", re.IGNORECASE)
    for path in settings.BASE_DIR.glob("*/migrations/*.py"):
        assert statement.search(path.read_text()) is None, path


# --- The backstop alone, in a real request ------------------------------------------------------------


@pytest.mark.urls(PROBE_URLS)
def test_a_request_of_tenant_a_sees_and_writes_none_of_tenant_b_rows_without_the_orm_scope(
    login, tenant, other_tenant
):
    BusinessLineFactory(tenant=tenant, name="Impression ACME")
    BusinessLineFactory(tenant=other_tenant, name="Téléphonie AUTRE")
    client = login(member(tenant, "Manager"))

    answer = client.get(reverse("rls_probe"), {"other": other_tenant.pk}).json()

    assert answer["raw_rows"] == [[tenant.pk, "Impression ACME"]]
    assert answer["orm_names"] == ["Impression ACME"]
    assert (answer["role"], answer["bound_tenant"]) == (settings.DATABASE_APP_ROLE, str(tenant.pk))
    assert "row-level security policy" in answer["insert_refusal"]
    assert answer["other_rows_updated"] == 0
    with scope(tenant=other_tenant):
        assert list(BusinessLine.objects.values_list("name", flat=True)) == ["Téléphonie AUTRE"]


@pytest.mark.urls(PROBE_URLS)
def test_the_same_request_of_tenant_a_may_write_its_own_rows(login, tenant, other_tenant):
    client = login(member(tenant, "Manager"))

    answer = client.get(reverse("rls_probe"), {"other": tenant.pk}).json()

    assert answer["insert_refusal"] == ""
    with scope(tenant=tenant):
        assert BusinessLine.objects.filter(code="INTRUS").exists()


@pytest.mark.urls(PROBE_URLS)
def test_an_anonymous_request_sees_no_tenant_row(client, tenant, other_tenant):
    BusinessLineFactory(tenant=tenant)
    BusinessLineFactory(tenant=other_tenant)

    answer = client.get(reverse("rls_probe_anonymous")).json()

    assert answer == {"raw_count": 0, "orm_count": 0}


@pytest.mark.urls(PROBE_URLS)
def test_after_the_request_the_binding_is_gone(login, tenant, other_tenant):
    client = login(member(tenant, "Manager"))
    client.get(reverse("rls_probe"), {"other": other_tenant.pk})

    ((role, bound),) = _fetch("SELECT current_user, current_setting('crm.tenant_id', true)")

    assert role != settings.DATABASE_APP_ROLE
    assert bound in ("", None)


# --- Before a tenant is known, and across tenants -------------------------------------------------------


def test_before_a_tenant_is_bound_a_user_reads_only_their_own_memberships(db):
    first, second = CompanyFactory(code="un"), CompanyFactory(code="deux")
    user = member(first, "Commercial")
    Membership.unscoped.create(tenant=second, user=user, role=Membership.unscoped.get(user=user).role)
    stranger = member(first, "Commercial")

    with database_binding(tenant_id=None, user_id=user.pk):
        mine = sorted(Membership.unscoped.values_list("tenant__code", "user_id"))

    assert mine == [("deux", user.pk), ("un", user.pk)]
    assert stranger.pk not in {user_id for _code, user_id in mine}


def test_without_any_binding_value_the_role_sees_nothing(tenant):
    BusinessLineFactory(tenant=tenant)

    with database_binding(tenant_id=None), scopes_disabled():
        assert BusinessLine.objects.count() == 0
    with tenant_context(tenant):
        assert BusinessLine.objects.count() == 1


def test_bindings_nest_and_restore(tenant, other_tenant):
    with tenant_context(tenant):
        with tenant_context(other_tenant):
            assert _fetch("SELECT current_setting('crm.tenant_id')") == [(str(other_tenant.pk),)]
        assert _fetch("SELECT current_setting('crm.tenant_id')") == [(str(tenant.pk),)]
    assert current_binding().tenant_id is None


@pytest.mark.django_db(transaction=True)
def test_a_session_binding_outside_a_transaction_survives_a_reconnection():
    company = Company.objects.create(code="rls-session", name="Session")
    with tenant_context(company):
        assert not connection.in_atomic_block
        connection.close()  # a network blip: the next query opens a new connection
        ((role, bound),) = _fetch("SELECT current_user, current_setting('crm.tenant_id', true)")
        assert (role, bound) == (settings.DATABASE_APP_ROLE, str(company.pk))
    ((role, bound),) = _fetch("SELECT current_user, current_setting('crm.tenant_id', true)")
    assert role != settings.DATABASE_APP_ROLE
    assert bound in ("", None)


def test_a_write_refused_by_the_policy_leaves_the_transaction_usable(tenant, other_tenant):
    with (
        tenant_context(tenant),
        pytest.raises(DatabaseError, match="row-level security"),
        transaction.atomic(),
    ):
        BusinessLine.objects.create(tenant=other_tenant, code="X", name="X")
    with tenant_context(other_tenant):
        assert not BusinessLine.objects.filter(code="X").exists()
