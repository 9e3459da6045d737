"""The permission matrix (STYLE.md §20): every URL of the resolver, for every actor → expected status.

How to call each URL lives in tests/matrix.py and the apps' tests/<app>/matrix.py; the expected
status comes from the view's declared permission and the role grants (crm.rights).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from crm.models import Membership
from tests import matrix
from tests.factories import UserFactory, member

PATTERNS = {pattern.key: pattern for pattern in matrix.resolver_patterns()}
REGISTRY = matrix.registry()


def _cases():
    for key, pattern in PATTERNS.items():
        if REGISTRY.exclusion_for(pattern) is not None:
            continue
        if pattern.name not in REGISTRY.entries:
            yield pytest.param(key, None, id=f"{key}-unmapped")
            continue
        for actor in matrix.ACTORS:
            yield pytest.param(key, actor, id=f"{key}-{actor}")


def _actor_user(actor: str, tenant, other_tenant):
    if actor == matrix.ANONYMOUS:
        return None
    if actor == matrix.NO_MEMBERSHIP:
        return UserFactory()
    if actor == matrix.OTHER_TENANT:
        return member(other_tenant, matrix.OTHER_TENANT_ROLE)
    return member(tenant, actor)


@pytest.mark.parametrize(("url_key", "actor"), list(_cases()))
def test_permission_matrix(client, tenant, other_tenant, url_key, actor):
    pattern = PATTERNS[url_key]
    if actor is None:
        pytest.fail(
            f"{url_key} ({pattern.route}, {pattern.view_path}) is not in the permission matrix: "
            "add an Entry to tests/<app>/matrix.py, or an exclusion with its reason."
        )
    entry = REGISTRY.entries[pattern.name]
    permission = (
        matrix.declared_permission(pattern) if entry.permission is matrix.FROM_VIEW else entry.permission
    )
    assert permission is not matrix.UNDECLARED, (
        f"{pattern.view_path} declares no permission_required (None means any member of the tenant)"
    )
    user = _actor_user(actor, tenant, other_tenant)
    membership = Membership.unscoped.filter(user=user).first() if user is not None else None
    if user is not None:
        client.force_login(user)
    ctx = matrix.MatrixContext(
        tenant=tenant, other_tenant=other_tenant, actor=actor, user=user, membership=membership
    )
    url = reverse(pattern.name, kwargs=entry.kwargs(ctx))
    data = entry.data(ctx) if entry.data is not None else None

    response = getattr(client, entry.method)(url, data, headers=dict(entry.headers))

    expected = matrix.expected_status(entry, actor, permission)
    assert response.status_code == expected, f"{actor} on {entry.method.upper()} {url}"
    if actor == matrix.ANONYMOUS and expected == 302:
        assert response.url.startswith(reverse("login"))


def test_permission_matrix_entries_name_existing_urls():
    names = {pattern.name for pattern in PATTERNS.values()}

    stale = sorted(set(REGISTRY.entries) - names)

    assert stale == [], f"Matrix entries for URL names that no longer exist: {stale}"


def test_permission_matrix_exclusions_match_urls_and_give_a_reason():
    names = {pattern.name for pattern in PATTERNS.values()}
    namespaces = {pattern.namespace for pattern in PATTERNS.values()}

    stale = [
        key
        for key in REGISTRY.excluded
        if not key.startswith("view:")  # view exclusions may exist only in some settings (DEBUG)
        and key not in names
        and not (key.endswith(":*") and any(ns.startswith(key[:-2]) for ns in namespaces))
    ]
    without_reason = [key for key, reason in REGISTRY.excluded.items() if len(reason.strip()) < 20]

    assert (stale, without_reason) == ([], [])


def test_permission_matrix_expects_tenant_b_to_get_404_on_tenant_objects():
    entry = matrix.Entry(tenant_object=True)

    assert matrix.expected_status(entry, matrix.OTHER_TENANT, None) == 404
    assert matrix.expected_status(entry, "Technicien", "crm.view_exportjob") == 403
    assert matrix.expected_status(entry, "Commercial", "crm.view_exportjob") == 200
