"""The security headers and the strict Content-Security-Policy hold in every environment.

No browser here: the settings modules, the headers of real responses, and the HTML of the base
layout (no inline script, no style attribute, no inline event handler) are checked directly.
The real-browser side is tests/e2e/test_csp.py.
"""

from __future__ import annotations

import importlib
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import RequestFactory

from tests.factories import BusinessLineFactory, MembershipFactory, member

SETTINGS_MODULES = ["crm.settings.base", "crm.settings.local", "crm.settings.test", "crm.settings.production"]
UNSAFE_SOURCES = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:", "http:", "https:")
TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"


def _settings_module(name: str, monkeypatch):
    if name == "crm.settings.production":
        # Production refuses to start without a secret key and vault keys; import it afresh with them.
        monkeypatch.setenv("SECRET_KEY", "cle-de-test-pour-les-en-tetes-de-securite-0123456789")
        monkeypatch.setenv("VAULT_KEYS", "O7bb_uBCL2HIeYEpDPEu7p7Yk-WdMBO8GuWmejsO7ec=")
        monkeypatch.delitem(sys.modules, name, raising=False)
    return importlib.import_module(name)


@pytest.mark.parametrize("module_name", SETTINGS_MODULES)
def test_csp_is_the_same_strict_policy_in_every_settings_module(module_name, monkeypatch):
    # Act
    module = _settings_module(module_name, monkeypatch)
    directives = module.CONTENT_SECURITY_POLICY["DIRECTIVES"]

    # Assert
    assert module.CONTENT_SECURITY_POLICY == settings.CONTENT_SECURITY_POLICY
    assert getattr(module, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None) is None  # enforced, not reported
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    for directive in ("default-src", "script-src", "style-src"):
        assert not set(UNSAFE_SOURCES) & set(directives[directive]), directive
    assert module.X_FRAME_OPTIONS == "DENY"
    assert module.SECURE_CONTENT_TYPE_NOSNIFF is True
    assert module.SECURE_REFERRER_POLICY == "same-origin"


def test_production_settings_refused_without_secret_key(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delitem(sys.modules, "crm.settings.production", raising=False)

    with pytest.raises(ImproperlyConfigured, match=r"SECRET_KEY must be set in production\."):
        importlib.import_module("crm.settings.production")


def test_production_settings_refused_without_vault_keys(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("SECRET_KEY", "cle-de-test-pour-les-en-tetes-de-securite-0123456789")
    monkeypatch.delenv("VAULT_KEYS", raising=False)
    monkeypatch.delitem(sys.modules, "crm.settings.production", raising=False)

    with pytest.raises(ImproperlyConfigured, match=r"VAULT_KEYS must be set in production"):
        importlib.import_module("crm.settings.production")


def _assert_security_headers(response) -> None:
    policy = response.headers["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert "unsafe" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_logged_in_page_carries_the_security_headers(client, tenant, other_tenant):
    # Arrange
    client.force_login(member(tenant, "Commercial"))
    member(other_tenant, "Manager")

    # Act
    response = client.get("/")

    # Assert
    assert response.status_code == 200
    _assert_security_headers(response)
    assert "Autre Société" not in response.content.decode()


def test_login_page_carries_the_security_headers(client, db):
    response = client.get("/compte/connexion/")

    assert response.status_code == 200
    _assert_security_headers(response)


def test_not_found_page_carries_the_security_headers(client, tenant):
    client.force_login(member(tenant, "Commercial"))

    response = client.get("/nexiste-pas/")

    assert response.status_code == 404
    _assert_security_headers(response)


class InlineCodeFinder(HTMLParser):
    """Collects what a strict CSP would block: inline scripts, <style>, style and on* attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.offences: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = {name.lower(): value for name, value in attrs}
        self.tags.append(tag)
        if tag == "script" and not names.get("src"):
            self.offences.append(f"<script> sans src à la ligne {self.getpos()[0]}")
        if tag == "style":
            self.offences.append(f"<style> à la ligne {self.getpos()[0]}")
        for name, value in names.items():
            if name == "style":
                self.offences.append(f'style="{value}" sur <{tag}> à la ligne {self.getpos()[0]}')
            if name.startswith("on"):
                self.offences.append(f"{name} sur <{tag}> à la ligne {self.getpos()[0]}")
            if name in {"href", "src", "action"} and (value or "").strip().lower().startswith("javascript:"):
                self.offences.append(f"{name}=javascript: sur <{tag}> à la ligne {self.getpos()[0]}")


def _inline_code(html: str) -> InlineCodeFinder:
    finder = InlineCodeFinder()
    finder.feed(html)
    finder.close()
    return finder


@pytest.fixture
def busy_member(tenant, other_tenant):
    """A member with two companies and business lines: every part of the top bar is rendered."""
    user = member(tenant, "Administrateur", is_staff=True)
    MembershipFactory(tenant=other_tenant, user=user)
    BusinessLineFactory(tenant=tenant, code="IMP", name="Impression")
    return user


@pytest.mark.parametrize("url", ["/", "/synthese/", "/exports/", "/compte/mot-de-passe/"])
def test_base_layout_pages_have_no_inline_script_or_style(client, busy_member, url):
    # Arrange
    client.force_login(busy_member)

    # Act
    response = client.get(url, follow=True)
    finder = _inline_code(response.content.decode())

    # Assert: the layout is there, with scripts only as files.
    assert "script" in finder.tags and "header" in finder.tags and "nav" in finder.tags
    assert finder.offences == []


def test_login_page_has_no_inline_script_or_style(client, db):
    response = client.get("/compte/connexion/")
    finder = _inline_code(response.content.decode())

    assert "form" in finder.tags and "script" in finder.tags
    assert finder.offences == []


def test_not_found_page_has_no_inline_script_or_style(client, busy_member):
    client.force_login(busy_member)

    response = client.get("/nexiste-pas/")
    finder = _inline_code(response.content.decode())

    assert response.status_code == 404
    assert "main" in finder.tags and "script" in finder.tags
    assert finder.offences == []


@pytest.mark.parametrize(
    "template",
    [
        "500.html",
        "403.html",
        "404.html",
        "registration/lockout.html",
        "registration/password_change_done.html",
    ],
)
def test_error_and_account_templates_have_no_inline_script_or_style(rf: RequestFactory, template, db):
    request = rf.get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()

    finder = _inline_code(render_to_string(template, request=request))

    assert "script" in finder.tags
    assert finder.offences == []


def test_inline_code_finder_refuses_inline_script_and_style():
    html = (
        '<script>alert(1)</script><p style="color:red" onclick="x()">a</p><style>p{}</style>'
        '<a href="javascript:void(0)">b</a><script src="/static/js/app.js"></script>'
    )

    offences = _inline_code(html).offences

    assert len(offences) == 5


INLINE_SCRIPT_IN_SOURCE = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>|\son[a-z]+=|javascript:", re.IGNORECASE)
INLINE_STYLE_IN_SOURCE = re.compile(r"<style[\s>]|\sstyle=", re.IGNORECASE)


def _is_print_template(path: Path) -> bool:
    """Printed documents (print*.html, or any template of a pdf/ folder) go to WeasyPrint, never to
    a browser: they may hold a <style>."""
    return path.name.startswith("print") or "pdf" in path.parts


def test_no_template_contains_inline_script_or_style():
    offences = []
    for path in sorted(TEMPLATES_DIR.rglob("*.html")):
        source = path.read_text(encoding="utf-8")
        patterns = [INLINE_SCRIPT_IN_SOURCE] + ([] if _is_print_template(path) else [INLINE_STYLE_IN_SOURCE])
        offences += [
            f"{path.relative_to(TEMPLATES_DIR)}: {match.group(0)}"
            for pattern in patterns
            for match in pattern.finditer(source)
        ]

    assert offences == []
