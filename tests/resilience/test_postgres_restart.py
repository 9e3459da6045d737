"""PostgreSQL restarted under traffic (``pg_ctl restart -m fast``: every session is cut).

Requests in flight may fail, but cleanly: a 500 page (templates/500.html) or a 503, never a hang
beyond gunicorn's timeout and never a dropped connection. The application recovers by itself:
Django's persistent connections (conn_max_age=60) are checked before reuse
(conn_health_checks=True), so the first request of each gunicorn worker after the restart
reconnects, and every request started once the server is back succeeds.

Figures (printed, var/resilience/postgres_restart.json): how long the restart took, the failed
requests, and the recovery time: from PostgreSQL accepting connections again to the first
successful request that started after that.
"""

from __future__ import annotations

import random
import threading
import time

import pytest

from tests.resilience import data, load
from tests.resilience.harness import PROJECT_DIR
from tests.resilience.load_users import load_usernames
from tests.resilience.test_load import role_profiles

pytestmark = [pytest.mark.resilience, pytest.mark.timeout(900)]

USERS = 10
DURATION = 40.0
RESTART_AT = 12.0
THINK = (0.2, 0.6)
GUNICORN_TIMEOUT = 30
SERVER_ERROR_TITLE = "Erreur du serveur"
RESULTS = PROJECT_DIR / "var" / "resilience" / "postgres_restart.json"


def test_postgres_restart_fails_cleanly_and_recovers_by_itself(stack_factory):
    # Arrange: gunicorn (4 workers), 10 users already logged in and warmed up.
    stack = stack_factory()
    server = stack.gunicorn(workers=4, timeout=GUNICORN_TIMEOUT)
    tenant_id = data.company_id(stack.pg, data.load_company_code(stack.pg))
    prefixes = data.search_prefixes(stack.pg, tenant_id)
    usernames = load_usernames(USERS)
    profiles = role_profiles(server.base_url, usernames, prefixes)
    users = [
        load.LoadUser(
            base_url=server.base_url,
            session=load.login(server.base_url, username),
            profile=profiles[number % len(profiles)],
            prefixes=prefixes,
            rng=random.Random(100 + number),
        )
        for number, username in enumerate(usernames)
    ]
    restart: dict[str, float] = {}

    def restart_postgres() -> None:
        time.sleep(RESTART_AT)
        restart["begin"] = time.monotonic()
        stack.pg.restart()
        restart["up"] = time.monotonic()

    restarter = threading.Thread(target=restart_postgres, daemon=True)

    # Act: traffic for 40 s; PostgreSQL restarted after 12 s.
    restarter.start()
    samples = load.run_users(users, duration=DURATION, think=THINK)
    restarter.join(timeout=60)

    # Assert: the restart happened during the traffic.
    assert "up" in restart, "pg_ctl restart did not finish"
    begin, up = restart["begin"], restart["up"]
    failed = [sample for sample in samples if not sample.ok]
    # No hang, no dropped connection: every request got an answer within gunicorn's timeout.
    assert all(sample.status is not None for sample in samples), load.errors_report(samples)
    assert max(sample.seconds for sample in samples) < GUNICORN_TIMEOUT, load.errors_report(samples)
    # Failures are clean error pages, and only around the restart.
    for sample in failed:
        assert sample.status in (500, 503), load.errors_report(samples)
        assert sample.status == 503 or SERVER_ERROR_TITLE in sample.error, sample.error[:500]
        assert sample.started <= up, f"failed after the restart: {sample}"
    # Recovery: requests started after PostgreSQL is back succeed.
    after = [sample for sample in samples if sample.started >= up]
    assert after and all(sample.ok for sample in after), load.errors_report(after)
    first_success = min(sample.ended for sample in after)
    figures = {
        "users": USERS,
        "requests": len(samples),
        "pg_ctl_restart_s": round(up - begin, 2),
        "failed_requests": len(failed),
        "failed_statuses": sorted({sample.status for sample in failed}),
        "recovery_s_after_postgres_up": round(first_success - up, 3),
        "recovery_s_after_restart_began": round(first_success - begin, 3),
        "requests_after_restart": len(after),
    }
    print(f"\nPostgreSQL restart: {figures}")
    load.dump(RESULTS, figures)
