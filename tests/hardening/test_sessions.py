"""Sessions end: one past its expiry is no longer authenticated, and changing the password logs
out every other session of the user while the one that changed it stays logged in."""

from __future__ import annotations

import datetime

from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import member

OLD_PASSWORD = "motdepasse-test"
NEW_PASSWORD = "Tournesol-Quai-47-Brume"
LOGIN_URL = reverse("login")


def _logged_in_client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=OLD_PASSWORD)
    return client


def test_session_cookie_age_is_a_working_day(settings):
    assert settings.SESSION_COOKIE_AGE == 10 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_a_session_past_its_expiry_is_no_longer_authenticated(tenant, settings):
    client = _logged_in_client(member(tenant, "Commercial"))
    assert client.get(reverse("home")).status_code == 200
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value

    store = SessionStore(session_key=session_key)
    store.load()
    store.set_expiry(timezone.now() - datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + 1))
    store.save()

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response.url.startswith(LOGIN_URL)


def test_a_password_change_logs_out_the_other_sessions_only(tenant):
    user = member(tenant, "Commercial")
    changer = _logged_in_client(user)
    other = _logged_in_client(user)
    assert other.get(reverse("home")).status_code == 200

    changed = changer.post(
        reverse("password_change"),
        {"old_password": OLD_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert changed.status_code == 302 and changed.url == reverse("password_change_done")
    assert changer.get(reverse("home")).status_code == 200
    logged_out = other.get(reverse("home"))
    assert logged_out.status_code == 302 and logged_out.url.startswith(LOGIN_URL)
