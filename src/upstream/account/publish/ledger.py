"""What has been published before: every figure of every release, and whether it was ``[c]``.

Once a figure is published it is public for good, so a new release must not let it be
differenced against the old ones: a figure suppressed before stays suppressed, a figure shown
before is never chosen to protect another, and old period totals (an ``ALL`` over fewer
quarters) stay among the sums secondary suppression respects
(:func:`upstream.account.publish.suppress.publish_tables`). The ledger is one JSON file under
the data dir (``open-data/ledger.json``), shared by ``upstream publish`` and the /open-data
page, replaced atomically under a lock. It holds keys (MSOA codes, offence groups, quarters)
and flags, never counts.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from pathlib import Path

from upstream.account.publish.suppress import Key

__all__ = ["LEDGER", "LedgerError", "locked_ledger", "read_ledger", "write_ledger"]

LEDGER = Path("open-data") / "ledger.json"
"""Where the ledger lives, under the data dir."""


class LedgerError(ValueError):
    """A ledger file that cannot be read (refuse to publish rather than forget history)."""


def read_ledger(path: Path) -> dict[Key, bool]:
    """The ledger at ``path`` (empty if there is none yet)."""
    if not path.exists():
        return {}
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))["nodes"]
        return {
            (str(r["dim"]), None if r["value"] is None else str(r["value"]),
             tuple(str(q) for q in r["quarters"])): bool(r["suppressed"])
            for r in rows
        }  # fmt: skip
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise LedgerError(f"{path}: cannot read what was published before ({exc})") from None


def write_ledger(path: Path, ledger: dict[Key, bool]) -> None:
    """Replace the ledger at ``path`` atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [
        {"dim": d, "value": v, "quarters": list(q), "suppressed": s}
        for (d, v, q), s in sorted(
            ledger.items(), key=lambda kv: (kv[0][0], str(kv[0][1]), kv[0][2])
        )
    ]
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"version": 1, "nodes": rows}) + "\n", encoding="utf-8")
    os.replace(tmp, path)


@contextlib.contextmanager
def locked_ledger(path: Path) -> Iterator[None]:
    """Hold the ledger's lock: one release at a time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with (path.parent / ".ledger.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
