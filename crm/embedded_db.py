"""Embedded PostgreSQL for machines without a database server.

When ``DATABASE_URL`` is not set, settings call :func:`database_settings`, which starts
(or reuses) a pgserver instance whose data lives under ``var/pgdata``. The server is
started with a long-lived owner: it keeps running after the starting process exits, so
``manage.py`` commands, the dev server and the test run all share it.
"""

from __future__ import annotations

import warnings
from pathlib import Path

EMBEDDED_DB_NAME = "crm360"


def _server(data_dir: Path):
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        # pgserver asks platformdirs for a runtime directory, which warns when XDG_RUNTIME_DIR is unset.
        warnings.simplefilter("ignore")
        import pgserver  # imported lazily: only machines without DATABASE_URL need it

        return pgserver.get_server(data_dir, cleanup_mode=None)


def database_settings(data_dir: Path) -> dict:
    """Return a Django DATABASES entry for the embedded server, creating the database once."""
    server = _server(data_dir)
    socket_dir = server.get_postmaster_info().socket_dir
    _ensure_database(str(socket_dir), EMBEDDED_DB_NAME)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": EMBEDDED_DB_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(socket_dir),
        "PORT": "",
    }


def _ensure_database(host: str, name: str) -> None:
    import psycopg

    with psycopg.connect(host=host, user="postgres", dbname="postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def stop(data_dir: Path) -> None:
    """Stop the embedded server (``make stop-db``)."""
    if not (data_dir / "postmaster.pid").exists():
        return
    server = _server(data_dir)
    server.cleanup_mode = "stop"
    server._cleanup()
