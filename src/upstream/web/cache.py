"""A small per-app cache for page data that is costly to build and changes only on ingest."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

__all__ = ["PageCache"]

T = TypeVar("T")


class PageCache:
    """Keep the last few values built per (name, version) key.

    The version is whatever changes when the inputs change (for the event store, the
    manifest's modification time), so a stale value is never served after a commit.
    Building is serialised by a lock: two requests arriving together build once.
    """

    def __init__(self, maxsize: int = 8) -> None:
        self.maxsize = maxsize
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, name: str, version: Hashable, build: Callable[[], T]) -> T:
        """The cached value for ``(name, version)``, building it with ``build()`` if absent."""
        key = (name, version)
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
            value = build()
            self._values[key] = value
            while len(self._values) > self.maxsize:
                self._values.popitem(last=False)
            return value

    def clear(self) -> None:
        """Forget every cached value."""
        with self._lock:
            self._values.clear()
