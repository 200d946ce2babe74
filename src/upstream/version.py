"""The store version: one key for every cache of upstream.

Anything upstream computes from the stores (the home page, the profile, the forecast and
its backtest) depends on four things, and :func:`store_version` changes when any does:

* the **event store**: its manifest (every commit writes a new one, with a new generation);
* the **area pack**: its manifest and every file it names (:func:`upstream.area.pack_digest`);
* the **local definitions**: the pack's and ``UPSTREAM_DEFINITIONS_FILE``'s content;
* the **code**: the package version and a hash of the package's source files and templates,
  so a cache written by older code is never served by newer code.

The web app's page cache, the forecast's disk cache and the profile key on it. The area is
cached per pack content (its part of this version), since it does not depend on events.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from upstream import __version__
from upstream.area.pack import pack_digest
from upstream.config import Settings
from upstream.digests import files_digest
from upstream.events import EventStore

__all__ = ["code_version", "store_version"]

_PACKAGE = Path(__file__).resolve().parent
_CODE_SUFFIXES = (".py", ".toml", ".html", ".css", ".js")


@cache
def code_version() -> str:
    """The package version and a hash of its source files (computed once per process)."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(_PACKAGE.rglob("*")):
        if path.suffix in _CODE_SUFFIXES and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(_PACKAGE)).encode() + b"\0")
            digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:12]}"


def store_version(settings: Settings) -> str:
    """A key that changes whenever anything a page, report or forecast shows may change."""
    manifest = EventStore(settings.events_dir).manifest_path
    definitions = [Path(settings.definitions_file)] if settings.definitions_file else []
    parts = (
        code_version(),
        files_digest([manifest]),
        pack_digest(settings.area_dir),
        files_digest(definitions),
    )
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:24]
