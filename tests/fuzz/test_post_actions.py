"""The POST-only actions (a button on another page: change a status, switch company, save the
synthèse's columns...), fuzzed: the fields of their permission-matrix entry (tests/matrix.py
``Entry.data``) get hostile values; never a server error, and a refusal (4xx, or the page again
with an error) writes nothing. A redirect may be an accepted action or a refusal told by a
flash message: each example is rolled back either way."""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from tests import matrix
from tests.fuzz.form_fuzz import check_answer
from tests.fuzz.html_forms import FormField
from tests.fuzz.probe import writes_by_table
from tests.fuzz.strategies import OMIT, field_values
from tests.fuzz.targets import NOT_FUZZED, url_for

# One request each, no page to parse: 33 examples per action in "ci" (333 in "resilience").
ACTION_EXAMPLES_SHARE = 3


def _post_actions() -> list[str]:
    registry = matrix.registry()
    return sorted(
        pattern.name
        for pattern in matrix.resolver_patterns()
        if registry.exclusion_for(pattern) is None
        and pattern.name in registry.entries
        and registry.entries[pattern.name].method == "post"
        and registry.entries[pattern.name].data is not None
        and pattern.name not in NOT_FUZZED
    )


POST_ACTIONS = _post_actions()


def _ctx(tenant, other_tenant, user):
    from crm.models import Membership

    membership = Membership.unscoped.filter(user=user, tenant=tenant).first()
    return matrix.MatrixContext(
        tenant=tenant, other_tenant=other_tenant, actor=membership.role.name, user=user, membership=membership
    )


@pytest.mark.parametrize("url_name", POST_ACTIONS)
def test_post_action_survives_fuzzing(fuzz_client, fuzz_user, tenant, other_tenant, url_name):
    url = url_for(url_name, tenant, other_tenant, fuzz_user)
    valid = matrix.registry().entries[url_name].data(_ctx(tenant, other_tenant, fuzz_user))
    fields = [FormField(name, "text", str(value)) for name, value in valid.items()]
    strategy = st.fixed_dictionaries({item.name: field_values(item, []) for item in fields})

    @settings(max_examples=max(10, settings.default.max_examples // ACTION_EXAMPLES_SHARE))
    @given(generated=strategy)
    def run(generated):
        sent = {name: values for name, values in generated.items() if values != OMIT}
        with transaction.atomic():
            before = writes_by_table()
            response = fuzz_client.post(url, sent)
            after = writes_by_table()
            transaction.set_rollback(True)
        if 300 <= response.status_code < 400:
            fuzz_client.force_login(fuzz_user)  # an accepted company switch changes the session
        check_answer(response, before, after, sent)

    run()
