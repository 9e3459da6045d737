"""Login throttling (django-axes, off in the other tests): below the failure limit the right
password still logs in; at the limit even the right password is refused with the French lockout
page."""

from __future__ import annotations

import pytest
from axes.utils import reset
from django.urls import reverse

from tests.factories import member

PASSWORD = "motdepasse-test"
LOCKOUT_TEXT = (
    "Votre compte est temporairement bloqué après plusieurs échecs. "
    "Réessayez dans quelques minutes ou contactez votre administrateur."
)


@pytest.fixture
def axes_on(settings, db):
    settings.AXES_ENABLED = True
    reset()
    yield settings.AXES_FAILURE_LIMIT
    reset()


def _attempt(client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_the_right_password_after_fewer_failures_than_the_limit_logs_in(client, tenant, axes_on):
    user = member(tenant, "Commercial")
    for _attempt_number in range(axes_on - 1):
        refused = _attempt(client, user.username, "mauvais-mot-de-passe")
        assert refused.status_code == 200

    response = _attempt(client, user.username, PASSWORD)

    assert response.status_code == 302 and response.url == reverse("home")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_the_right_password_is_refused_once_the_limit_is_reached(client, tenant, axes_on):
    user = member(tenant, "Commercial")
    for _attempt_number in range(axes_on):
        _attempt(client, user.username, "mauvais-mot-de-passe")

    response = _attempt(client, user.username, PASSWORD)

    assert response.status_code == 429
    content = response.content.decode()
    assert "Trop de tentatives de connexion" in content
    assert LOCKOUT_TEXT.replace("'", "&#x27;") in content or LOCKOUT_TEXT in content
    assert "_auth_user_id" not in client.session


def test_a_lockout_is_per_user_another_user_still_logs_in(client, tenant, axes_on):
    locked = member(tenant, "Commercial")
    other = member(tenant, "Commercial")
    for _attempt_number in range(axes_on):
        _attempt(client, locked.username, "mauvais-mot-de-passe")

    response = _attempt(client, other.username, PASSWORD)

    assert response.status_code == 302
