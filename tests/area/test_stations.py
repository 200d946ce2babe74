"""The bundled stations: the London-wide file, the Waltham Forest pack's, and their use."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pyproj import Transformer

from upstream.area import load_area
from upstream.area.build import build_london
from upstream.config import BUNDLED_AREA, BUNDLED_DATA, PROJECT_ROOT
from upstream.plan.journeys import school_journeys
from upstream.plotting import _short

LONDON = BUNDLED_DATA / "london" / "london_stations.csv"
TO_BNG = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)

# (latitude, longitude) as TfL's StopPoint lists give them (NaptanRailStation, and the
# Overground list for the stations in both): the rail stations the pack used to miss
SOURCE = {
    "Walthamstow Queens Road station": (51.581503, -0.023846),
    "St James Street station": (51.580981, -0.032918),
    "Wood Street station": (51.58658, -0.002405),
    "Highams Park station": (51.60835, -0.000222),
    "Chingford station": (51.633087, 0.009897),
    "Lea Bridge station": (51.566548, -0.036673),
    "Leyton Midland Road station": (51.569725, -0.008051),
    "Leytonstone High Road station": (51.563554, 0.008416),
    "Walthamstow Central station": (51.582919, -0.019815),  # its rail platforms
}


@pytest.fixture(scope="module")
def london() -> pd.DataFrame:
    return pd.read_csv(LONDON, dtype={"naptan_code": str}, keep_default_na=False)


def test_the_london_file_has_the_rail_stations_where_tfl_puts_them(london) -> None:
    rows = london.set_index("name")
    for name, (lat, lon) in SOURCE.items():
        assert name in rows.index, name
        x, y = TO_BNG.transform(lon, lat)
        row = rows.loc[name]
        assert np.hypot(row["easting"] - x, row["northing"] - y) <= 150, name
        assert "rail" in row["modes"].split(";"), name
    # one row for the interchange, with its Underground and rail platforms
    central = rows.loc["Walthamstow Central station"]
    assert central["modes"] == "underground;overground;rail"
    assert {"940GZZLUWWL", "910GWLTWCEN"} <= set(central["naptan_codes"].split(";"))
    assert rows.loc["Lea Bridge station", "modes"] == "rail"


def test_the_london_file_is_one_row_per_station_with_consistent_coordinates(london) -> None:
    assert len(london) > 550
    assert london["name"].is_unique and london["naptan_code"].is_unique
    assert london["name"].str.endswith(" station").all()
    modes = london["modes"].str.split(";").explode()
    assert set(modes) == {"underground", "overground", "elizabeth", "dlr", "rail"}
    counts = modes.value_counts()
    assert counts["underground"] > 250 and counts["rail"] > 300 and counts["dlr"] > 40
    x, y = TO_BNG.transform(london["longitude"].to_numpy(), london["latitude"].to_numpy())
    assert np.abs(london["easting"] - x).max() <= 1 and np.abs(london["northing"] - y).max() <= 1
    assert (london["distance_to_london_m"] <= 2000).all()
    assert london.loc[london["in_london"].astype(str) == "True", "distance_to_london_m"].eq(0).all()


def test_the_bundled_pack_has_the_rail_stations_inside_the_borough() -> None:
    area = load_area(BUNDLED_AREA)
    inside = set(area.stations.loc[area.stations["inside"], "name"])
    assert len(inside) >= 12
    assert set(SOURCE) <= inside
    table = pd.read_csv(BUNDLED_AREA / "waltham_forest_stations.csv", keep_default_na=False)
    assert (table["distance_to_wf_boundary_m"] <= 2000).all()
    flagged = set(table.loc[table["in_wf_boundary"].astype(str) == "True", "name"])
    assert flagged == inside  # the file's flag agrees with upstream's placement


def test_a_pack_whose_stations_have_no_modes_column_still_loads(tmp_path: Path) -> None:
    pack = Path(shutil.copytree(BUNDLED_AREA, tmp_path / "pack"))
    path = pack / "waltham_forest_stations.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame[["name", "easting", "northing"]].to_csv(path, index=False)
    old = load_area(pack)
    assert old.stations.equals(load_area(BUNDLED_AREA).stations)


def test_a_london_borough_pack_gets_its_stations(tmp_path: Path, london) -> None:
    newham = build_london(BUNDLED_DATA / "london", tmp_path / "newham", ["Newham"]).area
    assert newham.has("stations")
    inside = set(newham.stations.loc[newham.stations["inside"], "name"])
    assert {"Stratford station", "Forest Gate station", "Custom House station"} <= inside
    assert "Walthamstow Central station" not in set(newham.stations["name"])
    assert set(newham.stations["name"]) <= set(london["name"])


def test_school_journeys_go_to_rail_only_stations_and_their_labels_read(london) -> None:
    area = load_area(BUNDLED_AREA)
    lines = school_journeys(area).lines
    to_stations = set(lines.loc[lines["kind"] == "station", "destination"])
    no_tube = set(london.loc[~london["modes"].str.contains("underground"), "name"])
    assert to_stations & no_tube, "no journey ends at a rail or Overground station"
    assert _short("Walthamstow Queens Road station") == "Walthamstow Queens Road"
    assert _short("Leyton Underground Station") == "Leyton"  # packs named the old way


def test_the_committed_station_files_are_what_the_build_script_makes(tmp_path: Path) -> None:
    """The bundled files are reproducible offline from the extracts in data/london."""
    spec = importlib.util.spec_from_file_location(
        "build_london_stations", PROJECT_ROOT / "scripts" / "build_london_stations.py"
    )
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = script  # its dataclasses look their module up
    try:
        spec.loader.exec_module(script)
    finally:
        del sys.modules[spec.name]
    london, wf = tmp_path / "london.csv", tmp_path / "wf.csv"
    script.build(london, wf)
    committed = PROJECT_ROOT / "data"
    assert london.read_bytes() == (committed / "london" / "london_stations.csv").read_bytes()
    assert (
        wf.read_bytes()
        == (committed / "areas" / "waltham_forest" / "waltham_forest_stations.csv").read_bytes()
    )
