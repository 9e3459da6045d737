"""Every form of the application, fuzzed (hypothesis): never a server error; a refused form shows
a French error message and writes nothing.

The forms are found, not listed: every URL of the permission matrix (tests/matrix.py) whose view
may take a POST (and every section of the synthèse's customer record) is opened by an
Administrateur of the tenant; each POST form the page shows that posts back to it is parsed
(tests/fuzz/html_forms.py) and each visible field gets values chosen by its type and name
(tests/fuzz/strategies.py). Hidden fields and formset management forms are posted as rendered,
plus one formset row added from the page's ``<template>`` as its script would. A page without
such a form (a confirmation with only a button, a POST-only URL: 405) is skipped with its reason.
Example counts: tests/fuzz/targets.py (100 for the main forms in "ci", in `make test`; the other
forms in `make test-resilience`: 100 each, and 1,000 for the main forms in the ``resilience``
variants).
"""

from __future__ import annotations

import pytest
from hypothesis import settings

from tests.fuzz.form_fuzz import fuzz_form
from tests.fuzz.targets import MAIN_FORMS, examples_for, existing_codes, form_candidates, form_target

CANDIDATES = form_candidates()
# In `make test`: the main forms at the profile's full budget. The ~70 other forms (30 examples
# each in "ci", 100 in "resilience") run in `make test-resilience`: together they cost about five
# minutes, which the 25-minute budget of `make test` cannot take.
OTHER_FORMS = [name for name in CANDIDATES if name not in MAIN_FORMS]


# Forms of a visitor who is not logged in (a logged-in user is sent away from them).
ANONYMOUS_FORMS = {"login"}


def _fuzz(client, url_name, tenant, other_tenant, user, examples=None):
    if url_name in ANONYMOUS_FORMS:
        client.logout()
    target = form_target(client, url_name, tenant, other_tenant, user)
    if not target.forms:
        if url_name in MAIN_FORMS:
            pytest.fail(f"{url_name}: no form found on GET {target.url} ({target.status})")
        pytest.skip(f"GET {target.url} shows no form with fields to post ({target.status})")
    codes = existing_codes(tenant)
    for form in target.forms:
        count = examples or examples_for(url_name, len(target.forms))
        fuzz_form(
            client, target.post_url(form), form, None if url_name in ANONYMOUS_FORMS else user, codes, count
        )


@pytest.mark.parametrize("url_name", MAIN_FORMS)
def test_main_form_survives_fuzzing(fuzz_client, fuzz_user, tenant, other_tenant, url_name):
    _fuzz(fuzz_client, url_name, tenant, other_tenant, fuzz_user)


@pytest.mark.resilience
@pytest.mark.parametrize("url_name", OTHER_FORMS)
def test_form_survives_fuzzing(fuzz_client, fuzz_user, tenant, other_tenant, url_name):
    _fuzz(fuzz_client, url_name, tenant, other_tenant, fuzz_user)


@pytest.mark.resilience
@pytest.mark.timeout(3600)
@pytest.mark.parametrize("url_name", MAIN_FORMS)
def test_main_form_resilience(fuzz_client, fuzz_user, tenant, other_tenant, url_name):
    _fuzz(fuzz_client, url_name, tenant, other_tenant, fuzz_user, settings.default.max_examples)


def test_main_forms_are_discovered():
    assert set(MAIN_FORMS) <= set(CANDIDATES)
