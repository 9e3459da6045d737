"""Helpers of the browser tests: Chromium discovery, the CSP violation watcher and the real login."""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Error, Page, expect

# Debian's Chromium. Playwright's own browser downloads are never used: the system browser is
# what CI installs and what the developers' machines have.
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "motdepasse-test"  # the password tests/factories.py gives every user

# Recorded in every document before any of the page's own scripts runs. Playwright injects it
# through the DevTools protocol, so the page's CSP does not apply to it.
CSP_INIT_SCRIPT = """
(() => {
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolations.push({
      directive: event.effectiveDirective || event.violatedDirective,
      blocked: event.blockedURI,
      sample: event.sample,
      source: event.sourceFile,
      line: event.lineNumber,
    });
  });
})();
"""
CSP_CONSOLE_MARKERS = ("Content Security Policy", "Content-Security-Policy")


def chromium_path() -> str | None:
    """The Chromium executable, or None when this machine has none."""
    for candidate in CHROMIUM_CANDIDATES:
        found = candidate if Path(candidate).is_absolute() else shutil.which(candidate)
        if found and os.access(found, os.X_OK):
            return found
    return None


def running_in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no", "off"}


@dataclass
class CspWatcher:
    """Collects the CSP violations of one page, across every document it loads.

    Two sources, because each misses cases the other sees: Chromium logs every refused inline
    script, style or eval on the console (kept across navigations), and the
    ``securitypolicyviolation`` events land in ``window.__cspViolations`` (read from the current
    document at the end of the test).
    """

    page: Page
    console: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("console", self._on_console)
        self.page.on("pageerror", self._on_page_error)

    def _on_console(self, message: ConsoleMessage) -> None:
        if any(marker in message.text for marker in CSP_CONSOLE_MARKERS):
            self.console.append(message.text)

    def _on_page_error(self, error: Error) -> None:
        self.page_errors.append(str(error))

    def events(self) -> list[dict]:
        """The violation events of the document now shown (empty if the page is closed)."""
        if self.page.is_closed():
            return []
        try:
            return self.page.evaluate("window.__cspViolations || []")
        except Error:  # a navigation is tearing the document down
            return []

    def violations(self) -> list[str]:
        found = list(self.console)
        found += [
            f"{v['directive']} bloqué : {v['blocked']} ({v['source']}:{v['line']})" for v in self.events()
        ]
        return found


def watched_page(context: BrowserContext) -> tuple[Page, CspWatcher]:
    """A new page of ``context`` whose CSP violations and script errors are recorded."""
    context.add_init_script(CSP_INIT_SCRIPT)
    page = context.new_page()
    return page, CspWatcher(page)


def new_context(browser: Browser, base_url: str) -> BrowserContext:
    # bypass_csp stays False: the point is to run under the real policy.
    context = browser.new_context(base_url=base_url, locale="fr-FR", bypass_csp=False)
    context.set_default_timeout(10_000)
    return context


# Django's French uses a typographic apostrophe (U+2019); accept both.
USERNAME_LABEL = re.compile(r"^Nom d[\u2019']utilisateur")


def login_as(page: Page, user, password: str = PASSWORD) -> None:
    """Log ``user`` in through the real French login form and wait for the home page."""
    page.goto("/compte/connexion/")
    page.get_by_label(USERNAME_LABEL).fill(user.get_username())
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("navigation", name="Navigation principale")).to_be_visible()
    page.wait_for_load_state("load")  # deferred scripts (htmx, app.js) have run
