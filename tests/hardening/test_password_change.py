"""The password validators guard the password change page (/compte/mot-de-passe/): a short,
common, numeric password or one too close to the username is refused with French messages; a
strong one is accepted."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import member

OLD_PASSWORD = "motdepasse-test"


@pytest.fixture
def user(tenant):
    return member(tenant, "Commercial", username="martine.durand")


def _change(client, new_password: str):
    return client.post(
        reverse("password_change"),
        {"old_password": OLD_PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )


def _errors(response) -> list[str]:
    return response.context["form"].errors["new_password2"]


def test_a_numeric_common_password_is_refused(client, user):
    client.force_login(user)

    response = _change(client, "12345678")

    assert response.status_code == 200
    assert _errors(response) == [
        "Ce mot de passe est trop courant.",
        "Ce mot de passe est entièrement numérique.",
    ]
    user.refresh_from_db()
    assert user.check_password(OLD_PASSWORD)


def test_a_password_too_close_to_the_username_is_refused(client, user):
    client.force_login(user)

    response = _change(client, "martine.durand1")

    assert response.status_code == 200
    assert "Le mot de passe est trop semblable au champ «\u00a0nom d\u2019utilisateur\u00a0»." in _errors(
        response
    )
    user.refresh_from_db()
    assert user.check_password(OLD_PASSWORD)


def test_a_short_password_is_refused(client, user):
    client.force_login(user)

    response = _change(client, "Xk9!q")

    assert "Ce mot de passe est trop court. Il doit contenir au minimum 8 caractères." in _errors(response)


def test_a_strong_password_is_accepted(client, user):
    client.force_login(user)

    response = _change(client, "Tournesol-Quai-47-Brume")

    assert response.status_code == 302 and response.url == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password("Tournesol-Quai-47-Brume")
