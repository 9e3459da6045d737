"""Domain events: how an app tells apps to its right that something happened.

The emitting app declares the event name; apps to its right subscribe a handler in their
``AppConfig.ready``. ``emit`` must be called inside a transaction and runs every handler
synchronously in it, so the write and its consequences commit or roll back together.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from django.db import transaction

Handler = Callable[..., None]


class EventRegistry:
    def __init__(self) -> None:
        self._declared: dict[str, str] = {}
        self._handlers: dict[str, list[Handler]] = defaultdict(list)

    def declare(self, name: str, description: str = "") -> None:
        self._declared[name] = description

    def subscribe(self, name: str, handler: Handler) -> None:
        if name not in self._declared:
            raise LookupError(f"Unknown domain event {name!r}: declare it in the emitting app first.")
        if handler not in self._handlers[name]:
            self._handlers[name].append(handler)

    def unsubscribe(self, name: str, handler: Handler) -> None:
        if handler in self._handlers.get(name, []):
            self._handlers[name].remove(handler)

    def emit(self, name: str, **payload) -> int:
        """Run the handlers of ``name`` in the current transaction; returns how many ran."""
        if name not in self._declared:
            raise LookupError(f"Unknown domain event {name!r}.")
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError(f"Domain event {name!r} must be emitted inside transaction.atomic().")
        handlers = list(self._handlers.get(name, []))
        for handler in handlers:
            handler(**payload)
        return len(handlers)

    def declared(self) -> dict[str, str]:
        return dict(self._declared)


domain_events = EventRegistry()
