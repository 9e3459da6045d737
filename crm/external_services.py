"""Plumbing shared by the interfaces to external services (geocoder, company registry…).

Each interface (tiers/geocoding.py, tiers/sirene.py) keeps its own backends and its own French
messages; what they share lives here: a registry of named backends, and a JSON GET over
http.client whose failures come back as one exception with a ``kind`` the interface turns into
its message.
"""

from __future__ import annotations

import http.client
import json
import urllib.parse
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

Backend = TypeVar("Backend", bound=type)


class BackendRegistry(dict):
    """Backends of one interface by name; ``@registry.register("name")`` adds a class."""

    def register(self, name: str) -> Callable[[Backend], Backend]:
        def decorator(backend: Backend) -> Backend:
            self[name] = backend
            return backend

        return decorator


class JsonGetError(Exception):
    """A failed JSON GET. ``kind`` is one of the constants below; ``status`` the HTTP status
    when the server answered (``STATUS``)."""

    BAD_URL = "bad_url"  # not an http(s) URL: the service is not configured
    TIMEOUT = "timeout"
    UNREACHABLE = "unreachable"
    STATUS = "status"  # any answer other than 200
    UNREADABLE = "unreadable"  # a 200 whose body is not JSON

    def __init__(self, kind: str, status: int | None = None) -> None:
        super().__init__(kind if status is None else f"{kind} (HTTP {status})")
        self.kind = kind
        self.status = status


def json_get(url: str, *, timeout: float, headers: Mapping[str, str] | None = None) -> Any:
    """GET ``url`` and decode its JSON body; every failure raises JsonGetError. The connection
    is always closed (urllib leaks it on a read timeout)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise JsonGetError(JsonGetError.BAD_URL)
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(parts.hostname, parts.port, timeout=timeout)
    target = f"{parts.path or '/'}?{parts.query}" if parts.query else parts.path or "/"
    try:
        connection.request("GET", target, headers={"Accept": "application/json", **(headers or {})})
        response = connection.getresponse()
        body = response.read()
    except TimeoutError as exc:
        raise JsonGetError(JsonGetError.TIMEOUT) from exc
    except (OSError, http.client.HTTPException) as exc:
        raise JsonGetError(JsonGetError.UNREACHABLE) from exc
    finally:
        connection.close()
    if response.status != 200:
        raise JsonGetError(JsonGetError.STATUS, response.status)
    try:
        return json.loads(body)
    except ValueError as exc:
        raise JsonGetError(JsonGetError.UNREADABLE) from exc
