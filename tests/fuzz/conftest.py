"""Fuzz tests (tests/fuzz/): hypothesis profiles, the ``resilience`` marker and shared fixtures.

Profiles, chosen with the ``HYPOTHESIS_PROFILE`` environment variable:

- ``ci`` (default): 100 examples for the main forms (identity, address, bank account, order,
  meter reading), 30 for the other forms, 33 for the POST actions, 10 query strings per list page and
  synthèse tab, 50 requests per JSON endpoint (tests/fuzz/targets.py and each test module).
- ``dev``: 10 examples everywhere, while working on the tests.
- ``resilience``: 1,000 examples for the main forms; run it with
  ``HYPOTHESIS_PROFILE=resilience pytest -m resilience tests/fuzz``.
"""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, settings

from crm.rights import ADMINISTRATEUR
from tests.factories import member

_COMMON = {
    # Each example is one request against the real database: seconds, not milliseconds, on a
    # loaded machine; the deadline only catches a request that hangs.
    "deadline": timedelta(seconds=10),
    # No example database on disk: the runs are independent, a failure prints its example.
    "database": None,
    "suppress_health_check": [
        HealthCheck.function_scoped_fixture,  # the client and tenant are reused across examples
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
    "print_blob": True,
}
settings.register_profile("ci", max_examples=100, **_COMMON)
settings.register_profile("resilience", max_examples=1000, **_COMMON)
# A quick look while writing a test: 10 examples everywhere.
settings.register_profile("dev", max_examples=10, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_configure(config):
    # pyproject.toml registers the marker too and leaves it out of the default run (-m 'not resilience').
    config.addinivalue_line(
        "markers",
        "resilience: long fuzz runs (HYPOTHESIS_PROFILE=resilience pytest -m resilience tests/fuzz)",
    )


@pytest.fixture(autouse=True)
def uninstrumented_templates(monkeypatch):
    """Render templates without the test runner's instrumentation: Django's test environment
    sends ``template_rendered`` for every template and include, and the test client copies the
    context each time (for ``response.context``). The fuzz tests read the HTML only, and a form
    page has thousands of includes: this halves the time of an example."""
    from django.template import Template
    from django.test.utils import _TestState

    saved = getattr(_TestState, "saved_data", None)
    if saved is not None:
        monkeypatch.setattr(Template, "_render", saved.template_render)


@pytest.fixture
def fuzz_user(tenant):
    """The user who fills the forms: an Administrateur of ``tenant`` (every form is open to them)."""
    return member(tenant, ADMINISTRATEUR)


@pytest.fixture
def fuzz_client(client, fuzz_user):
    client.force_login(fuzz_user)
    return client
