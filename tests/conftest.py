"""Fixtures shared by every test folder."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django_scopes import scope

from crm.rights import ROLES
from tests.factories import CompanyFactory, member


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database as production has it: migrated by the owner, then the init step that
    creates the application role and grants it the data rights (crm.services.db_roles). Requests
    and tasks run as that role (row-level security); test code outside them runs as the owner."""
    with django_db_blocker.unblock():
        call_command("init_db_roles", verbosity=0, stdout=None)


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


@pytest.fixture
def celery_eager():
    """Run queued Celery tasks in-process, even when REDIS_URL is set (restored afterwards)."""
    from tests.celery_worker import celery_conf

    with celery_conf(task_always_eager=True):
        yield


@pytest.fixture
def celery_worker(transactional_db, settings, tmp_path):
    """A real Celery worker (needs REDIS_URL) on a private queue, reading the test database:
    use it with committed data (transactional_db). Files go to a temporary MEDIA_ROOT shared
    with the worker. Skipped without REDIS_URL, except on CI where it fails."""
    from tests.celery_worker import celery_worker_running

    settings.MEDIA_ROOT = tmp_path / "media"
    with celery_worker_running(tmp_path) as worker:
        yield worker
