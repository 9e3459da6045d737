"""Load: 50 logged-in users for 60 s against a real gunicorn on the medium demo data, 0 errors.

Server: gunicorn, 4 sync workers, timeout 30 s, DEBUG off, crm.settings.local, its own
PostgreSQL and Redis (tests/resilience/conftest.py). Users: the 50 ``chargeNN`` members of the
largest demo company (8 role / licence / business line profiles, tests/resilience/load_users.py),
each logged in through the real login form. Think time: uniform 1-3 s (RESILIENCE_THINK).
Request mix: see tests/resilience/load.py. Figures: printed and written to
var/resilience/load.json, with those of one user alone (the unloaded service times).
"""

from __future__ import annotations

import os
import random
import time

import pytest

from tests.resilience import data, load
from tests.resilience.harness import PROJECT_DIR
from tests.resilience.load_users import ROLE_MIX, load_usernames

pytestmark = [pytest.mark.resilience, pytest.mark.timeout(900)]

USERS = 50
DURATION = 60.0
# Think time between a user's requests, uniform; RESILIENCE_THINK="5,15" explores another load.
THINK = tuple(float(part) for part in os.environ.get("RESILIENCE_THINK", "1,3").split(","))
GUNICORN_WORKERS = 4
RESULTS = PROJECT_DIR / "var" / "resilience" / "load.json"


def role_profiles(base_url: str, usernames: list[str], prefixes: list[str]) -> dict[int, load.RoleProfile]:
    """One warm-up per role profile (its first user): lists, tabs and customers it may open."""
    profiles = {}
    for number, username in enumerate(usernames[: len(ROLE_MIX)]):
        profile = load.role_profile(base_url, username, prefixes)
        assert profile.customers, f"{username} ({ROLE_MIX[number]}) finds no customer by quick search"
        assert profile.list_paths and profile.tabs, f"{username} ({ROLE_MIX[number]}) opens no list or tab"
        profiles[number] = profile
    return profiles


def test_fifty_users_for_a_minute_without_error(stack_factory):
    # Arrange: the server, the users logged in through the form, each role's warm-up.
    stack = stack_factory()
    server = stack.gunicorn(workers=GUNICORN_WORKERS, timeout=30)
    tenant_id = data.company_id(stack.pg, data.load_company_code(stack.pg))
    prefixes = data.search_prefixes(stack.pg, tenant_id)
    usernames = load_usernames(USERS)
    profiles = role_profiles(server.base_url, usernames, prefixes)
    users = [
        load.LoadUser(
            base_url=server.base_url,
            session=load.login(server.base_url, username),
            profile=profiles[number % len(ROLE_MIX)],
            prefixes=prefixes,
            rng=random.Random(number),
        )
        for number, username in enumerate(usernames)
    ]

    alone = load.summary(load.baseline(users[1]), duration=1.0)
    load.print_table("One user alone (no think time)", alone)

    # Act
    started = time.monotonic()
    samples = load.run_users(users, duration=DURATION, think=THINK)
    elapsed = time.monotonic() - started

    # Assert: every request answered 2xx/3xx within the timeout; figures for the report.
    figures = load.summary(samples, duration=elapsed)
    load.print_table(
        f"Load: {USERS} users, {DURATION:.0f} s, think {THINK[0]:.0f}-{THINK[1]:.0f} s, "
        f"gunicorn {GUNICORN_WORKERS} workers",
        figures,
    )
    load.dump(
        RESULTS,
        {
            "users": USERS,
            "duration_s": DURATION,
            "think_s": THINK,
            "gunicorn_workers": GUNICORN_WORKERS,
            "figures": figures,
            "one_user_alone": alone,
        },
    )
    assert len(samples) >= USERS
    assert figures["overall"]["errors"] == 0, load.errors_report(samples)
