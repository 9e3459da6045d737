"""Production settings pass Django's deployment checks with no warning, and their security values
(HSTS, secure cookies, strict CSP, framing, referrer) are on. Both run in a subprocess with the
environment production needs, so the test process's own settings stay untouched."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
PRINT_SETTINGS = """
import json
from django.conf import settings as s
directives = s.CONTENT_SECURITY_POLICY["DIRECTIVES"]
print(json.dumps({
    "script_src": list(directives["script-src"]),
    "style_src": list(directives["style-src"]),
    "default_src": list(directives["default-src"]),
    "frame_ancestors": list(directives["frame-ancestors"]),
    "report_only": getattr(s, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None),
    "x_frame_options": s.X_FRAME_OPTIONS,
    "referrer_policy": s.SECURE_REFERRER_POLICY,
    "nosniff": s.SECURE_CONTENT_TYPE_NOSNIFF,
    "session_cookie_secure": s.SESSION_COOKIE_SECURE,
    "session_cookie_httponly": s.SESSION_COOKIE_HTTPONLY,
    "csrf_cookie_secure": s.CSRF_COOKIE_SECURE,
    "hsts_seconds": s.SECURE_HSTS_SECONDS,
    "hsts_subdomains": s.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "ssl_redirect": s.SECURE_SSL_REDIRECT,
    "debug": s.DEBUG,
    "upload_handlers": list(s.FILE_UPLOAD_HANDLERS),
    "file_upload_max_memory_size": s.FILE_UPLOAD_MAX_MEMORY_SIZE,
    "data_upload_max_memory_size": s.DATA_UPLOAD_MAX_MEMORY_SIZE,
}))
"""


def _production_env() -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "SECURE_", "DEBUG", "PYTEST"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="crm.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        VAULT_KEYS=Fernet.generate_key().decode(),
        ALLOWED_HOSTS="crm.example.fr",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/crm360_dev",
        REDIS_URL="redis://127.0.0.1:6379/12",
    )
    return env


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_passes_without_any_warning():
    result = _run("manage.py", "check", "--deploy", "--fail-level", "WARNING")

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output
    assert "?: (security" not in output
    assert "System check identified no issues" in output


def test_production_security_values():
    result = _run("manage.py", "shell", "-c", PRINT_SETTINGS)
    assert result.returncode == 0, result.stderr

    values = json.loads(result.stdout.strip().splitlines()[-1])

    for directive in ("script_src", "style_src", "default_src"):
        assert "'unsafe-inline'" not in values[directive], directive
        assert "'unsafe-eval'" not in values[directive], directive
    assert values["frame_ancestors"] == ["'none'"]
    assert values["report_only"] is None
    assert values["x_frame_options"] == "DENY"
    assert values["referrer_policy"] == "same-origin"
    assert values["nosniff"] is True
    assert values["session_cookie_secure"] is True
    assert values["session_cookie_httponly"] is True
    assert values["csrf_cookie_secure"] is True
    assert values["hsts_seconds"] >= 31536000
    assert values["hsts_subdomains"] is True
    assert values["ssl_redirect"] is True
    assert values["debug"] is False
    assert values["upload_handlers"][0] == "tiers.files.UploadSizeLimitHandler"
    assert values["file_upload_max_memory_size"] <= 5 * 1024 * 1024
    assert values["data_upload_max_memory_size"] <= 5 * 1024 * 1024
