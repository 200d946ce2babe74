"""What a source reads from: the settings, the area and the event store (one snapshot)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from upstream.area import Area, area_from_settings
from upstream.config import Settings
from upstream.events import EventStore, Snapshot

__all__ = ["OutcomeContext"]


@dataclass
class OutcomeContext:
    """The stores of one computation. The event store is read through one snapshot, so every
    measure sees the same data even if an ingest commits meanwhile."""

    settings: Settings

    @cached_property
    def area(self) -> Area:
        """The partnership area (from the area pack the settings name)."""
        return area_from_settings(self.settings)

    @cached_property
    def snapshot(self) -> Snapshot:
        """One snapshot of the event store."""
        return EventStore(self.settings.events_dir).snapshot()
