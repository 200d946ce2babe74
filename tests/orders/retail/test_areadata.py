"""Area risk from a real event store: police.uk possession-of-weapons crimes per map point
over the latest months loaded, ingested as any police.uk file is."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tests.conftest import STREET_PARQUET
from upstream.area import area_from_settings, place_xy
from upstream.config import Settings
from upstream.events import EventStore
from upstream.ingest import POLICE_UK_FORMATS, discover, ingest_files
from upstream.orders.retail.areadata import WEAPONS, schools_of, weapon_points
from upstream.testing import write_street_csv


def test_weapon_crimes_of_the_latest_months_per_map_point(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "var")
    store = EventStore(settings.events_dir)
    assert weapon_points(store, 12)[1] is None  # nothing loaded: no area risk
    rows = pd.read_parquet(STREET_PARQUET)
    rows = rows[rows["month"].between("2017-07", "2017-12")]
    inputs, skipped = discover(write_street_csv(rows, tmp_path / "in"))
    area = area_from_settings(settings)
    ingest_files(inputs, POLICE_UK_FORMATS, store, area,
                 quarantine_dir=settings.quarantine_dir, skipped=skipped)  # fmt: skip
    points, span = weapon_points(store, 3)
    assert span == "2017-10 to 2017-12"
    stored = store.query("SELECT month, crime_type, x, y FROM street WHERE x IS NOT NULL")
    expected = stored[
        (stored["crime_type"] == WEAPONS) & (stored["month"].astype(str) >= "2017-10")
    ]
    assert int(points["n"].sum()) == len(expected) > 0
    assert len(points) == len(expected.groupby(["x", "y"]))
    schools = schools_of(area)
    assert list(schools.columns) == ["name", "x", "y"] and len(schools) > 5
    assert place_xy(area, schools["x"], schools["y"]).inside.any()
