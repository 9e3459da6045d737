"""Real-browser test harness: headless Chromium driven by Playwright against the live app.

Server: pytest-django's ``live_server`` (a thread of this process) rather than a separate
server process. It is the more robust of the two here:

- it uses exactly the test settings and the test database pytest-django created (name, the
  flush between tests, ``--reuse-db``/``--create-db``), with no second process to configure,
  start, wait for, and kill when a test run is interrupted;
- it takes a free port itself and serves static files through Django's finders, so no
  ``collectstatic`` is needed;
- requesting it makes the test transactional, so rows created by the factories are committed
  and visible to the server thread, and removed after the test.

A separate process would not spare us the one wrinkle below either, because the test body
still creates its rows with the ORM while Playwright is running.

Async-safety workaround: Playwright's sync API drives an asyncio event loop in the main thread
and leaves it marked as running between calls. Django then sees "an async context" and refuses
every ORM call of the test body and fixtures (``SynchronousOnlyOperation``), although they are
plain synchronous code. For the browser tests only, ``DJANGO_ALLOW_ASYNC_UNSAFE=true`` is set
while Playwright runs: the ``browser`` fixture sets it just before starting Playwright and
restores it just after stopping it. That is why the fixture is scoped to this package, not to
the whole session: it lives as long as the browser tests (the session of Chromium they share),
and neither the relaxed check nor Playwright's loop leaks into the rest of the suite, which
pytest-django runs after the transactional browser tests.

Database: a transactional test empties every table when it ends; ``flush`` then sends
post_migrate, whose handlers put back the role groups and the reference data the migrations
wrote, so the tests that follow (and the next ``--reuse-db`` run) find them.

Every page records CSP violations (console messages and ``securitypolicyviolation`` events)
and uncaught script errors; the test fails at teardown if there was any.
"""

from __future__ import annotations

import pytest

from tests.e2e.helpers import CHROMIUM_ARGS, chromium_path, new_context, running_in_ci, watched_page

NOT_FOUND_FR = "Chromium introuvable (/usr/bin/chromium ou « chromium » dans le PATH)"
NOT_FOUND_EN = "Chromium not found (/usr/bin/chromium or `chromium` on PATH)"
SKIP_REASON = f"{NOT_FOUND_FR} : tests navigateur ignorés. {NOT_FOUND_EN}: browser tests skipped."
CI_FAILURE = (
    f"{NOT_FOUND_FR} alors que CI est défini : en CI les tests navigateur ne sont jamais ignorés. "
    f"{NOT_FOUND_EN} while CI is set: browser tests are never skipped in CI."
)


@pytest.fixture(scope="package")
def browser(django_db_setup):
    """One headless Chromium shared by the browser tests (skipped without Chromium, except in CI)."""
    executable = chromium_path()
    if executable is None:
        if running_in_ci():
            pytest.fail(CI_FAILURE, pytrace=False)
        pytest.skip(SKIP_REASON)

    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        playwright = sync_playwright().start()
        try:
            chromium = playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
        finally:
            playwright.stop()


@pytest.fixture
def browser_context(browser, live_server):
    """A fresh browser context (cookies, storage) per test, pointed at the live server."""
    context = new_context(browser, live_server.url)
    yield context
    context.close()


@pytest.fixture
def csp_watcher(browser_context):
    _page, watcher = watched_page(browser_context)
    yield watcher
    violations = watcher.violations()
    errors = list(watcher.page_errors)
    if violations:
        pytest.fail("Violation(s) de la Content-Security-Policy :\n" + "\n".join(violations), pytrace=False)
    if errors:
        pytest.fail("Erreur(s) JavaScript non interceptée(s) :\n" + "\n".join(errors), pytrace=False)


@pytest.fixture
def page(csp_watcher):
    """A page of a fresh context; any CSP violation or script error seen fails the test."""
    return csp_watcher.page
