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
from upstream.plan.spaces_file import read_spaces_file
from upstream.synth.kit import SPACES_FILE, demo_safe_spaces, write_demo_kit


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
    events = read_events_file(STREET_PARQUET, area, load_definitions()).events
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
    assert (tmp_path / "synthetic" / SPACES_FILE).is_file()
