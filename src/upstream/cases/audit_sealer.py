"""Sealing audit events into the chain in the background, shortly after their commit.

A request that recorded an audit event only *asks* for a sealing and returns; one thread per
case store seals everything waiting, in one short transaction, a moment later. Under load
that seals dozens of events at once instead of one transaction per request, and no request
waits for the chain. Nothing depends on the timing for correctness: an event is complete
(with its MAC) when its own transaction commits, and any sealing, by any process, takes every
event still waiting (:func:`upstream.cases.audit_chain.seal`). :meth:`AuditSealer.flush`
seals synchronously; it runs when the store is disposed and when the process exits, so a
command-line run leaves nothing waiting.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections.abc import Callable

__all__ = ["AuditSealer"]

_LOG = logging.getLogger("upstream.cases")
_RETRY_S = 0.05


class AuditSealer:
    """Calls ``seal`` (which returns how many events it sealed, or ``None`` when another
    process held the chain) on a background thread ``delay_s`` after the first request."""

    def __init__(self, seal: Callable[[], int | None], delay_s: float) -> None:
        self._seal = seal
        self._delay_s = delay_s
        self._wanted = threading.Event()
        self._stopped = threading.Event()
        self._guard = threading.Lock()  # one sealing at a time in this process
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._count_lock = threading.Lock()
        self._asked = 0  # requests so far, and how many of them a finished sealing covered
        self._covered = 0
        self._registered = False

    def request(self) -> None:
        """Ask for the events just committed to be sealed soon."""
        with self._count_lock:
            self._asked += 1
        if self._delay_s <= 0:
            self.flush()
            return
        self._ensure_thread()
        self._wanted.set()

    def flush(self) -> int:
        """Seal every event waiting now, in this thread; returns how many."""
        total = 0
        with self._guard:
            asked = self._asked
            while True:
                sealed = self._safe_seal()
                if sealed is None:  # another process is sealing: it takes ours too or we retry
                    time.sleep(_RETRY_S)
                    continue
                if sealed < 0:  # failed (logged): the next sealing catches up
                    return total
                total += sealed
                if sealed == 0:
                    self._covered = max(self._covered, asked)
                    return total

    def pending(self) -> bool:
        """Whether a request since the last complete sealing may have left events waiting."""
        return self._asked > self._covered

    def stop(self) -> None:
        """Stop the thread after sealing what is waiting."""
        self._stopped.set()
        self._wanted.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=10)
        self._thread = None
        if self.pending():
            self.flush()
        self._stopped.clear()

    def _ensure_thread(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        with self._start_lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="audit-sealer", daemon=True)
                self._thread.start()
                if not self._registered:
                    atexit.register(self._at_exit)
                    self._registered = True

    def _run(self) -> None:
        while not self._stopped.is_set():
            self._wanted.wait()
            if self._stopped.is_set():
                return
            self._stopped.wait(self._delay_s)  # let a burst of requests gather
            self._wanted.clear()
            with self._guard:
                asked = self._asked
                sealed = self._safe_seal()
                if sealed is not None and sealed >= 0:
                    self._covered = max(self._covered, asked)
            if sealed is None:
                self._wanted.set()  # another process held the chain: try again shortly
                self._stopped.wait(_RETRY_S)

    def _at_exit(self) -> None:
        if self.pending():
            self.flush()

    def _safe_seal(self) -> int | None:
        """How many events were sealed; ``None`` when another process held the chain; -1
        when sealing failed."""
        try:
            return self._seal()
        except Exception as exc:  # the work is committed; the next sealing catches up
            _LOG.error("sealing the audit chain failed: %s", type(exc).__name__)
            return -1
