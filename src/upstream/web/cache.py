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

    The version is the store version (:func:`upstream.version.store_version`), which changes
    whenever the inputs do, so a stale value is never served after a commit. Two requests for
    the same key arriving together build it once: the second waits for the first. A build
    holds only its own key's lock, never the cache's, so while the profile takes seconds to
    build, every other page is served (or built) at once.
    """

    def __init__(self, maxsize: int = 8) -> None:
        self.maxsize = maxsize
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()  # guards the two dicts only, for microseconds
        self._building: dict[Hashable, threading.Lock] = {}

    def _cached(self, key: Hashable) -> tuple[bool, Any]:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return True, self._values[key]
            return False, None

    def get(self, name: str, version: Hashable, build: Callable[[], T]) -> T:
        """The cached value for ``(name, version)``, building it with ``build()`` if absent."""
        key = (name, version)
        found, value = self._cached(key)
        if found:
            return value
        with self._lock:
            key_lock = self._building.setdefault(key, threading.Lock())
        with key_lock:
            found, value = self._cached(key)  # built by another request while we waited
            if found:
                return value
            try:
                value = build()
                with self._lock:
                    self._values[key] = value
                    while len(self._values) > self.maxsize:
                        self._values.popitem(last=False)
            finally:
                with self._lock:
                    self._building.pop(key, None)
            return value

    def clear(self) -> None:
        """Forget every cached value."""
        with self._lock:
            self._values.clear()
