"""Apps split their views into one module per area, each with its own ``urlpatterns``; an app's
urls.py concatenates them with ``area_urlpatterns`` (an area still being built may be absent)."""

from __future__ import annotations

from collections.abc import Iterable
from importlib import import_module


def area_modules(package: str, names: Iterable[str]) -> list:
    """The modules ``package.<name>`` that exist, in order; an import error inside one is raised."""
    modules = []
    for name in names:
        try:
            modules.append(import_module(f"{package}.{name}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{package}.{name}":
                raise
    return modules


def area_urlpatterns(package: str, names: Iterable[str]) -> list:
    return [pattern for module in area_modules(package, names) for pattern in module.urlpatterns]
