"""The synthetic planning kit: safe spaces a user file could hold, and a CCTV history, all
labelled synthetic and written idempotently."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import STREET_PARQUET

from upstream.area import Area
from upstream.definitions import load_definitions
from upstream.forecast.data import read_events_file
from upstream.plan.cctv import read_register
from upstream.plan.spaces import open_after_school
from upstream.plan.spaces_file import DEMO_SPACES_FILE, read_spaces_file
from upstream.synth.kit import demo_safe_spaces, write_demo_kit


def test_demo_spaces_pass_validation_and_are_labelled(tmp_path: Path, area: Area) -> None:
    frame = demo_safe_spaces(area)
    path = tmp_path / "spaces.csv"
    frame.to_csv(path, index=False)
    read = read_spaces_file(path, area, quarantine_dir=tmp_path / "q")
    spaces = read.spaces
    assert len(spaces) == len(frame) and read.quarantine is None
    assert spaces["synthetic"].all()
    assert spaces["name"].str.endswith("(synthetic)").all()
    assert {"library", "shop", "youth hub"} <= set(spaces["kind"])
    opening = open_after_school(spaces["opening_hours"], (900, 1050))
    assert 0 < opening["open_after_school"].sum() < len(spaces)
    assert demo_safe_spaces(area).equals(frame)  # the same seed, the same spaces


def test_write_demo_kit_is_idempotent(tmp_path: Path, area: Area) -> None:
    events = read_events_file(STREET_PARQUET, area, load_definitions(), location=True).events
    register = tmp_path / "plan" / "cctv_deployments.csv"
    lines = write_demo_kit(tmp_path / "synthetic", register, area, events)
    assert all("SYNTHETIC" in line for line in lines)
    assert "24 added" in lines[1]
    history = read_register(register)
    assert len(history) == 24 and history["synthetic"].all()
    assert history["camera"].str.startswith("demo camera").all()
    # the history lies inside the data, so before/after has both sides
    assert history["start"].min() >= "2017-01-01" and history["end"].max() <= "2017-12-31"
    again = write_demo_kit(tmp_path / "synthetic", register, area, events)
    assert "0 added, 0 replaced, 24 already there" in again[1]
    assert (tmp_path / "synthetic" / DEMO_SPACES_FILE).is_file()


def test_demo_kit_from_the_event_store_as_bootstrap_would(tmp_path: Path) -> None:
    """The call ``make run`` makes: police.uk from the store, streets from its locations."""
    from upstream.area import area_from_settings, definitions_from_settings
    from upstream.config import Settings
    from upstream.events import EventStore
    from upstream.forecast.data import street_events
    from upstream.ingest import POLICE_UK_FORMATS, discover, ingest_files
    from upstream.plan.cctv import register_path

    settings = Settings(data_dir=tmp_path / "var")
    area = area_from_settings(settings)
    store = EventStore(settings.events_dir)
    inputs, skipped = discover([settings.bundled_data / "police_uk"])
    ingest_files(inputs, POLICE_UK_FORMATS, store, area,
                 quarantine_dir=settings.quarantine_dir, skipped=skipped)  # fmt: skip
    events = street_events(store, definitions_from_settings(settings), location=True)
    assert events["location"].str.startswith("On or near").mean() > 0.9
    lines = write_demo_kit(
        settings.data_dir / "synthetic", register_path(settings.data_dir), area, events
    )
    assert len(lines) == 2
    history = read_register(register_path(settings.data_dir))
    assert len(history) == 24 and history["street"].notna().all()
