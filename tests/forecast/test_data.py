"""Reading events for a forecast: validation as at ingest, units on the grid and LSOAs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.forecast.conftest import write_events_csv
from upstream.area import Area
from upstream.config import Settings
from upstream.definitions import load_definitions
from upstream.events import EventStore
from upstream.forecast.data import incident_events, lsoa_units, read_events_file, street_events
from upstream.ingest import IngestError


def test_bundled_file_reads_completely(wf_events: pd.DataFrame) -> None:
    assert len(wf_events) == 48_216
    assert int(wf_events["is_target"].sum()) == 12_288
    sv = wf_events[wf_events["is_target"]]
    assert set(sv["crime_type"]) == {
        "Violence and sexual offences",
        "Robbery",
        "Possession of weapons",
    }
    weights = sv.groupby("crime_type")["harm"].first().to_dict()
    assert weights == {
        "Violence and sexual offences": 60.0,
        "Robbery": 100.0,
        "Possession of weapons": 30.0,
    }


def test_bad_row_is_refused_naming_file_line_and_field(
    tmp_path: Path, area: Area, street_rows: pd.DataFrame
) -> None:
    rows = street_rows[street_rows["month"] == "2017-01"].head(20).copy()
    rows.iloc[5, rows.columns.get_loc("crime_type")] = "Jaywalking"
    path = tmp_path / "events.csv"
    write_events_csv(rows, path)
    with pytest.raises(IngestError) as info:
        read_events_file(path, area, load_definitions())
    message = str(info.value)
    assert "events.csv" in message and "line 7" in message and "Crime type" in message
    ok = read_events_file(path, area, load_definitions(), max_rejects=1)
    assert ok.rejected == 1 and len(ok.events) == 19


def test_location_descriptions_come_only_when_asked(
    tmp_path: Path, area: Area, street_rows: pd.DataFrame, bundled_settings: Settings
) -> None:
    rows = street_rows[street_rows["month"] == "2017-01"].head(30).copy()
    rows.iloc[3, rows.columns.get_loc("location")] = ""
    path = write_events_csv(rows, tmp_path / "events.csv")
    plain = read_events_file(path, area, load_definitions()).events
    assert "location" not in plain  # 'upstream forecast' reads what it always did
    named = read_events_file(path, area, load_definitions(), location=True).events
    assert named.drop(columns="location").equals(plain)
    expected = [v if isinstance(v, str) and v else None for v in rows["location"].astype(object)]
    got = [None if pd.isna(v) else v for v in named["location"]]
    assert got == expected and got[3] is None
    store = EventStore(bundled_settings.events_dir)
    stored = street_events(store, load_definitions(), location=True)
    assert "location" not in street_events(store, load_definitions())
    assert stored["location"].str.startswith("On or near").mean() > 0.99


def test_other_files_are_refused(tmp_path: Path, area: Area) -> None:
    path = tmp_path / "events.txt"
    path.write_text("hello")
    with pytest.raises(IngestError, match="CSV or Parquet"):
        read_events_file(path, area, load_definitions())
    with pytest.raises(IngestError, match="not found"):
        read_events_file(tmp_path / "missing.csv", area, load_definitions())


def test_lsoa_units_locate_points_in_their_lsoa(area: Area) -> None:
    units = lsoa_units(area)
    assert units.n == 144 and units.kind == "lsoa"
    assert units.labels is not None and list(units.labels) == sorted(units.labels)
    pos = units.locate(units.x, units.y)  # each LSOA's own interior point
    assert np.array_equal(pos, np.arange(units.n))
    assert units.locate(np.array([0.0]), np.array([0.0]))[0] == -1
    assert units.features is not None and units.features["imd_decile"].between(1, 10).all()
    recent = lsoa_units(area, vintage=2021, covariates=False)
    assert recent.n == 146 and recent.features is None
    assert np.array_equal(recent.locate(recent.x, recent.y), np.arange(recent.n))
    with pytest.raises(ValueError, match="2011 or 2021"):
        lsoa_units(area, vintage=2001)


def test_incident_events_read_exact_times_from_the_store(
    tmp_path: Path, area: Area, store: EventStore
) -> None:
    from upstream.ingest import discover
    from upstream.ingest.partnership import ingest_partnership
    from upstream.synth import generate, write

    borough = generate(seed=3, months=2, end="2024-03")  # spans the spring clock change
    files = write(borough, tmp_path / "synth")
    inputs, _ = discover([p for p in files if p.name.startswith(("incidents_", "involve"))])
    ingest_partnership(
        inputs, ["incidents", "involvements"], store, area, quarantine_dir=tmp_path / "q"
    )
    definitions = load_definitions()
    events = incident_events(store, definitions)
    made = borough.incidents
    assert len(events) == len(made)  # every generated incident is placed in the borough
    assert str(events["occurred"].dt.tz) == "UTC"
    assert events["occurred"].is_monotonic_increasing
    assert sorted(events["occurred"]) == sorted(made["occurred_from"].dt.tz_convert("UTC"))
    local = events["occurred"].dt.tz_convert("Europe/London").dt.strftime("%Y-%m")
    assert (events["month"] == local).all() and set(events["month"]) == {"2024-02", "2024-03"}
    assert events["synthetic"].all() and events["is_target"].all()
    assert set(events["weapon"]) <= set(made["weapon"].astype(str))
    assert set(events["injury"]) <= set(made["injury"].astype(str))
    weights = definitions.harm_weights
    assert (events["harm"] == events["crime_type"].map(weights)).all()
    assert incident_events(store, definitions, synthetic=False).empty
    assert len(incident_events(store, definitions, synthetic=True)) == len(events)
