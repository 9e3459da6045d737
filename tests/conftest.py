"""Fixtures shared by every test folder."""

from __future__ import annotations

import pytest
from django_scopes import scope

from crm.rights import ROLES
from tests.factories import CompanyFactory, member


@pytest.fixture
def tenant(db):
    return CompanyFactory(code="acme", name="ACME Bureautique")


@pytest.fixture
def other_tenant(db):
    return CompanyFactory(code="autre", name="Autre Société")


@pytest.fixture
def in_tenant(tenant):
    """Run the test body inside the tenant's scope (as a request would)."""
    with scope(tenant=tenant):
        yield tenant


@pytest.fixture
def users_by_role(tenant):
    """One user per role in ``tenant`` (CRM licence)."""
    return {role: member(tenant, role) for role in ROLES}


@pytest.fixture
def login(client):
    """Log ``user`` in on the test client and return the client."""

    def _login(user):
        client.force_login(user)
        return client

    return _login
