"""Build ``data/london/london_stations.csv`` and the Waltham Forest pack's stations file.

Runs offline from the two text extracts in ``data/london/stations_source/`` (see
``data/london/SOURCES.md`` for where they came from and how they were cut):

* ``tfl_stations_extract.csv``: TfL's Underground, Overground, Elizabeth line and DLR
  stations, one row per TfL station (a hub groups the stop areas of one interchange), with
  the lines calling at each NaPTAN stop area (``line_groups``: ``CODE:line line;CODE:line``);
* ``rail_stations_extract.csv``: NaPTAN rail stations (National Rail, and the Overground and
  Elizabeth line stations that are also rail stations) in a box around Greater London.

A rail station is merged into the TfL station that lists its NaPTAN code, else into one
with the same name (ignoring a "London " prefix, a "(London)" qualifier, case and
punctuation) within 500 m, else into one within 100 m; otherwise it is a station of its own.
Stations within 2 km of Greater London are kept. Easting and northing are computed with
pyproj (EPSG:4326 to EPSG:27700).

Usage (from the repository root)::

    .venv/bin/python scripts/build_london_stations.py
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "data" / "london" / "stations_source"
LONDON = ROOT / "data" / "london"
WF = ROOT / "data" / "areas" / "waltham_forest"

KEEP_WITHIN_M = 2000.0
SAME_NAME_M = 500.0
ANY_NAME_M = 100.0

UNDERGROUND = {
    "bakerloo", "central", "circle", "district", "hammersmith-city", "jubilee",
    "metropolitan", "northern", "piccadilly", "victoria", "waterloo-city",
}  # fmt: skip
OVERGROUND = {"liberty", "lioness", "mildmay", "suffragette", "weaver", "windrush"}
MODE_ORDER = ("underground", "overground", "elizabeth", "dlr", "rail")
LABEL = {
    "underground": "Underground",
    "overground": "Overground",
    "elizabeth": "Elizabeth line",
    "dlr": "DLR",
    "rail": "rail",
}
NOT_STATIONS = {
    "910GHTRWCBS": "Heathrow Central Bus Station (a coach link, not a rail station)",
    "910GILFENBP": "Newbury Park (Underground only; no rail service calls)",
}
"""NaPTAN rail codes in the extract that are not rail stations pupils could use."""

TO_BNG = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)


@dataclass
class Station:
    name: str
    lat: float
    lon: float
    tfl_id: str = ""
    codes: list[str] = field(default_factory=list)
    modes: set[str] = field(default_factory=set)


def _modes(lines: set[str]) -> set[str]:
    out = set()
    for line in lines:
        if line in UNDERGROUND:
            out.add("underground")
        elif line in OVERGROUND:
            out.add("overground")
        elif line in ("elizabeth", "dlr"):
            out.add(line)
    return out  # trams are not stations here


def _key(name: str) -> str:
    name = re.sub(r"\s+Station$", "", name)
    name = re.sub(r"^London\s+", "", name)
    name = name.replace("(London)", "").replace("&", "and")
    return re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()


def _clean(name: str) -> str:
    name = re.sub(r"\s+Station$", "", name.strip())
    return name.replace(" (London)", "")


def _metres(a: Station, lat: float, lon: float) -> float:
    x0, y0 = TO_BNG.transform(a.lon, a.lat)
    x1, y1 = TO_BNG.transform(lon, lat)
    return float(np.hypot(x1 - x0, y1 - y0))


def read_tfl(path: Path) -> list[Station]:
    stations = []
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            codes: list[str] = []
            lines: set[str] = set()
            for group in row["line_groups"].split(";"):
                code, _, ids = group.partition(":")
                codes.append(code)
                lines |= set(ids.split())
            modes = _modes(lines)
            if not modes:
                continue
            stations.append(
                Station(
                    _clean(row["name"]), float(row["lat"]), float(row["lon"]), row["tfl_id"],
                    list(dict.fromkeys(codes)), modes,
                )
            )  # fmt: skip
    return stations


def merge_rail(stations: list[Station], path: Path) -> list[Station]:
    by_code = {c: s for s in stations for c in s.codes}
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            code, lat, lon = row["naptan_id"], float(row["lat"]), float(row["lon"])
            if code in NOT_STATIONS:
                continue
            home = by_code.get(code)
            if home is None:
                near = sorted((_metres(s, lat, lon), i) for i, s in enumerate(stations))
                same = [i for d, i in near if d <= SAME_NAME_M]
                same = [i for i in same if _key(stations[i].name) == _key(row["name"])]
                if same:
                    home = stations[same[0]]
                elif near and near[0][0] <= ANY_NAME_M and stations[near[0][1]].tfl_id:
                    home = stations[near[0][1]]
            if home is None:
                stations.append(Station(_clean(row["name"]), lat, lon, "", [code], {"rail"}))
            else:
                home.modes.add("rail")
                if code not in home.codes:
                    home.codes.append(code)
    return stations


def _primary(codes: list[str]) -> str:
    for prefix in ("940GZZLU", "910G", "940GZZDL"):
        for code in codes:
            if code.startswith(prefix):
                return code
    return codes[0]


def table(stations: list[Station]) -> pd.DataFrame:
    rows = []
    for s in stations:
        modes = [m for m in MODE_ORDER if m in s.modes]
        x, y = TO_BNG.transform(s.lon, s.lat)
        rows.append(
            {
                "naptan_code": _primary(s.codes),
                "name": s.name,
                "modes": ";".join(modes),
                "longitude": round(s.lon, 6),
                "latitude": round(s.lat, 6),
                "easting": round(x),
                "northing": round(y),
                "naptan_codes": ";".join(sorted(s.codes)),
                "tfl_id": s.tfl_id,
            }
        )
    out = pd.DataFrame(rows)
    twice = out["name"].duplicated(keep=False)
    first = out["modes"].str.split(";").str[0].map(LABEL)
    out.loc[twice, "name"] = out.loc[twice, "name"] + " (" + first[twice] + ")"
    if out["name"].duplicated().any():
        raise SystemExit(f"duplicate names: {sorted(out.loc[out['name'].duplicated(), 'name'])}")
    out["name"] = out["name"] + " station"
    return out


def _within(frame: pd.DataFrame, boundary: shapely.Geometry) -> tuple[np.ndarray, np.ndarray]:
    pts = shapely.points(frame["easting"].to_numpy(float), frame["northing"].to_numpy(float))
    inside = shapely.contains(boundary, pts)
    distance = np.where(inside, 0.0, shapely.distance(boundary, pts))
    return inside, np.round(distance).astype(int)


def main() -> None:
    frame, near = build(LONDON / "london_stations.csv", WF / "waltham_forest_stations.csv")
    modes = frame["modes"].str.split(";").explode().value_counts()
    print(f"london_stations.csv: {len(frame)} stations ({int(frame['in_london'].sum())} inside)")
    print("  by mode: " + ", ".join(f"{m} {modes.get(m, 0)}" for m in MODE_ORDER))
    print(f"waltham_forest_stations.csv: {len(near)} ({int(near['in_wf_boundary'].sum())} inside)")


def build(london_out: Path, wf_out: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Write the London stations file and the Waltham Forest pack's to these paths, from the
    extracts; returns both tables."""
    stations = merge_rail(
        read_tfl(SOURCE / "tfl_stations_extract.csv"), SOURCE / "rail_stations_extract.csv"
    )
    frame = table(stations)
    boroughs = gpd.read_file(LONDON / "london_boroughs.geojson").to_crs(27700)
    london = shapely.make_valid(shapely.union_all(boroughs.geometry.to_numpy()))
    inside, distance = _within(frame, london)
    frame = frame.assign(in_london=inside, distance_to_london_m=distance)
    frame = frame[frame["distance_to_london_m"] <= KEEP_WITHIN_M]
    frame = frame.sort_values("name").reset_index(drop=True)
    frame.to_csv(london_out, index=False, lineterminator="\n")

    wf = gpd.read_file(WF / "waltham_forest_boundary.geojson").to_crs(27700)
    boundary = shapely.make_valid(shapely.union_all(wf.geometry.to_numpy()))
    inside, distance = _within(frame, boundary)
    near = frame.assign(in_wf_boundary=inside, distance_to_wf_boundary_m=distance)
    near = near[near["distance_to_wf_boundary_m"] <= KEEP_WITHIN_M]
    cols = ["naptan_code", "name", "modes", "longitude", "latitude", "easting", "northing"]
    near = near[[*cols, "in_wf_boundary", "distance_to_wf_boundary_m"]]
    near = near.sort_values(["distance_to_wf_boundary_m", "name"])
    near.to_csv(wf_out, index=False, lineterminator="\n")
    return frame, near


if __name__ == "__main__":
    main()
