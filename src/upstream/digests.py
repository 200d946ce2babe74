"""Content digests of files, recomputed only when a file changes.

Caches key on what their inputs hold, not on modification times alone (a copied or restored
file can keep its time). Hashing on every page view would be wasteful, so a digest is kept
with the files' ``stat`` signature (size, modification and change times, inode) and
recomputed only when that changes: asking again costs a few ``stat`` calls. The change time
(``ctime``) moves on every write and cannot be set back, so even a rewrite that keeps the
size and restores the modification time is seen.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["files_digest"]

_known: dict[tuple[str, ...], tuple[tuple[Any, ...], str]] = {}
_lock = threading.Lock()


def _signature(paths: Sequence[Path]) -> tuple[Any, ...]:
    out: list[Any] = []
    for p in paths:
        try:
            st = p.stat()
            out.append((st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino))
        except (FileNotFoundError, NotADirectoryError):
            out.append(None)
    return tuple(out)


def files_digest(paths: Sequence[Path], root: Path | None = None) -> str:
    """SHA-256 (hex) of the files' names (relative to ``root``) and content, in order.

    A missing file counts as its name and a marker, so creating it changes the digest.
    """
    paths = [Path(p) for p in paths]
    key = tuple(str(p) for p in paths)
    sig = _signature(paths)
    with _lock:
        known = _known.get(key)
    if known is not None and known[0] == sig:
        return known[1]
    digest = hashlib.sha256()
    for path in paths:
        name = path.relative_to(root) if root is not None else path
        digest.update(str(name).encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except (FileNotFoundError, NotADirectoryError):
            digest.update(b"(missing)")
        digest.update(b"\0")
    value = digest.hexdigest()
    with _lock:
        _known[key] = (sig, value)
    return value
