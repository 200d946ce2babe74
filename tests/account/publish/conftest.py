"""A small synthetic event store: few incidents per MSOA and quarter, so many small counts."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from upstream.area.model import Area
from upstream.config import Settings
from upstream.events import EventStore


@pytest.fixture
def small_store(tmp_path: Path, settings: Settings, area: Area) -> Path:
    """Six months of the synthetic borough (two whole quarters), thinned to one incident in
    twenty, ingested like a real extract into the test's data dir."""
    from upstream.ingest import discover
    from upstream.ingest.partnership import ingest_partnership
    from upstream.synth import generate, write

    borough = generate(seed=7, months=6, end="2024-06")
    kept = borough.incidents.iloc[::20]
    ids = set(kept["incident_id"])
    small = dataclasses.replace(
        borough,
        incidents=kept.reset_index(drop=True),
        involvements=borough.involvements[borough.involvements["incident_id"].isin(ids)],
    )
    files = write(small, tmp_path / "synth")
    inputs, _ = discover([p for p in files if p.name.startswith(("incidents_", "involve"))])
    ingest_partnership(
        inputs,
        ["incidents", "involvements"],
        EventStore(settings.events_dir),
        area,
        quarantine_dir=tmp_path / "q",
    )
    return settings.data_dir
