"""Sections that take seconds to compute, kept on disk per version of what they depend on.

A section (a JSON-ready dict) depends on the store version (:func:`upstream.version.store_version`:
the event store, the area pack, the definitions and the code) and sometimes on user files
outside the store (a safe-space list, a deployment register). It is computed once per
version of those (by ``upstream bootstrap`` or the first page view) and shared by every
worker process and restart; older versions of the same section are removed.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from upstream.config import Settings
from upstream.digests import files_digest

__all__ = ["cached_section"]


def cached_section(
    settings: Settings,
    name: str,
    build: Callable[[], dict[str, Any]],
    *,
    files: Sequence[Path] = (),
) -> dict[str, Any]:
    """``build()``, or its copy on disk for the current store version and ``files``."""
    from upstream.version import store_version

    key = store_version(settings)
    if files:  # a missing file counts too: creating it changes the key
        extra = files_digest([Path(f) for f in files])
        key = hashlib.sha256(f"{key}|{extra}".encode()).hexdigest()[:24]
    folder = settings.data_dir / "cache"
    path = folder / f"{name}-{key}.json"
    if path.exists():
        with path.open(encoding="utf-8") as fh:
            cached: dict[str, Any] = json.load(fh)
        return cached
    section = build()
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob(f"{name}-*.json"):
        old.unlink(missing_ok=True)
    tmp = folder / f".{path.name}.{uuid.uuid4().hex}.tmp"
    tmp.write_text(json.dumps(section), encoding="utf-8")
    os.replace(tmp, path)
    return section
