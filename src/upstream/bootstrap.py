"""First run: load the bundled real data into empty embedded stores.

``make run`` calls this before starting the web app. It only loads what is missing, so
running it again does nothing (and never duplicates a month).
"""

from __future__ import annotations

from collections.abc import Iterator

from upstream.area import area_from_settings
from upstream.config import Settings
from upstream.events import EventStore
from upstream.ingest import POLICE_UK_FORMATS, discover, ingest_files

__all__ = ["bootstrap"]


def bootstrap(settings: Settings) -> Iterator[str]:
    """Load bundled police.uk data if the event store has none; yield progress lines."""
    store = EventStore(settings.events_dir)
    police = settings.bundled_data / "police_uk"
    if store.has("police_uk_street") or store.has("police_uk_stop_search"):
        yield f"event store at {store.root} already holds police.uk data; nothing to load"
        return
    inputs, skipped = discover([police])
    result = ingest_files(
        inputs,
        POLICE_UK_FORMATS,
        store,
        area_from_settings(settings),
        quarantine_dir=settings.quarantine_dir,
        skipped=skipped,
    )
    for f in result.files:
        yield (f"loaded {f.stored:,} {f.kind} rows ({f.months[0]} to {f.months[-1]}) from {f.name}")
