"""The Content-Security-Policy holds in a real browser, and the violation detector really detects."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import CspWatcher, login_as, watched_page
from tests.factories import member

pytestmark = pytest.mark.browser

PROBES = {
    "inline-script": ("<script>document.title = 'exécuté';</script>", "script-src"),
    "style-attribute": ('<p style="color: red">rouge</p>', "style-src"),
    "style-element": ("<style>p { color: red; }</style>", "style-src"),
    "event-handler": ('<img src="data:," onload="document.title = \'exécuté\'" alt="">', "script-src"),
}


def _probe_page(body: str) -> str:
    return f"<!DOCTYPE html><html lang='fr'><head><title>sonde</title></head><body>{body}</body></html>"


def _wait_for_console_report(watcher: CspWatcher, tries: int = 40) -> None:
    for _ in range(tries):
        if watcher.console:
            return
        watcher.page.wait_for_timeout(50)


@pytest.mark.parametrize("probe", PROBES)
def test_csp_detector_reports_inline_code_under_our_policy(browser_context, live_server, probe):
    # Arrange: the policy the app really sends, on a page that breaks it.
    page, watcher = watched_page(browser_context)
    policy = page.request.get(f"{live_server.url}/compte/connexion/").headers["content-security-policy"]
    body, directive = PROBES[probe]
    page.route(
        "**/sonde-csp/",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": policy},
            body=_probe_page(body),
        ),
    )

    # Act
    page.goto("/sonde-csp/")
    page.wait_for_function("window.__cspViolations.length > 0")
    _wait_for_console_report(watcher)

    # Assert: both sources saw it, and the inline code did not run.
    assert "'unsafe-inline'" not in policy
    assert watcher.events()[0]["directive"].startswith(directive)
    assert any("Content Security Policy" in message for message in watcher.console)
    assert watcher.violations()
    expect(page).to_have_title("sonde")


def test_csp_detector_stays_silent_on_a_compliant_page(browser_context, live_server):
    page, watcher = watched_page(browser_context)

    page.goto("/compte/connexion/")
    expect(page.get_by_role("button", name="Se connecter")).to_be_visible()

    assert watcher.violations() == []


def test_htmx_loads_and_swaps_without_csp_violation(page, tenant):
    # Arrange
    login_as(page, member(tenant, "Commercial"))

    # Act: htmx is configured by the meta tag, then performs a request and a swap.
    page.wait_for_function("typeof window.htmx !== 'undefined'")
    config = page.evaluate(
        """() => ({
            loaded: typeof window.htmx,
            allowEval: htmx.config.allowEval,
            allowScriptTags: htmx.config.allowScriptTags,
            includeIndicatorStyles: htmx.config.includeIndicatorStyles,
            styleElements: document.querySelectorAll("style").length,
        })"""
    )
    page.evaluate("htmx.ajax('GET', '/synthese/', {target: '#content', select: '#content > *'})")

    # Assert (the page fixture fails the test on any CSP violation)
    assert config == {
        "loaded": "object",
        "allowEval": False,
        "allowScriptTags": False,
        "includeIndicatorStyles": False,
        "styleElements": 0,
    }
    expect(page.get_by_label("Client ou prospect")).to_be_visible()
