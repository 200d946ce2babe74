"""``upstream area build``: sub-areas of the bundled pack, and London boroughs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from upstream.area import BNG, AreaError, load_area, place_xy
from upstream.area.build import MARGIN, SubArea, build_london, build_sub_area
from upstream.config import BUNDLED_AREA, BUNDLED_DATA, PROJECT_ROOT

SOUTH = ("E02000920", "E02000921", "E02000922")  # Waltham Forest 026-028, around Leyton


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "upstream.cli", "area", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "250", **(env or {})},
        cwd=PROJECT_ROOT,
        timeout=300,
    )


def test_a_sub_area_by_msoa_keeps_what_lies_in_it(tmp_path: Path, area) -> None:
    built = build_sub_area(BUNDLED_AREA, tmp_path / "south", SubArea(msoas=SOUTH), "South")
    sub = built.area
    assert sub.name == "South" and not sub.whole and sub.mps_borough == "Waltham Forest"
    assert built.notes == []  # MSOAs are made of whole LSOAs: everything nests
    msoas = area.msoas_2021[area.msoas_2021["msoa_code"].isin(SOUTH)]
    union = shapely.union_all(msoas.geometry.to_numpy())
    assert sub.boundary.symmetric_difference(union).area / union.area < 0.001
    # the LSOAs are the parent's, whole, those lying in the sub-area; populations unchanged
    lsoas = sub.lsoas.set_index("lsoa_code")
    parent = area.lsoas.set_index("lsoa_code").loc[lsoas.index]
    assert 10 <= len(lsoas) <= 20
    assert (lsoas["population"] == parent["population"]).all()
    inside = shapely.area(shapely.intersection(parent.geometry.to_numpy(), sub.boundary))
    assert (inside / shapely.area(parent.geometry.to_numpy()) > 0.99).all()
    assert sub.imd is not None and set(sub.imd.index) == set(lsoas.index)
    assert sub.census_age is not None and len(sub.census_age) == len(sub.lsoas_2021)
    # schools and stations within the margin of the new boundary, inside decided on load
    d = shapely.distance(sub.boundary, shapely.points(sub.schools["x"], sub.schools["y"]))
    assert (d <= MARGIN).all() and 0 < sub.schools["inside"].sum() < len(sub.schools)
    stations = area.stations
    in_union = shapely.contains_xy(union, stations["x"], stations["y"])
    assert (
        set(sub.stations.loc[sub.stations["inside"], "name"])
        == set(stations.loc[in_union, "name"])
        == {"Leyton station", "Leytonstone High Road station"}
    )
    assert sub.calendar == area.calendar
    assert (tmp_path / "south" / "SOURCES.md").read_text().startswith("# South")
    assert not list(tmp_path.glob(".south.building-*"))


def test_a_sub_area_by_lsoa_codes(tmp_path: Path, area) -> None:
    codes = ("E01004327", "E01004328", "E01004329")
    sub = build_sub_area(BUNDLED_AREA, tmp_path / "three", SubArea(lsoas=codes)).area
    assert sub.lsoas["lsoa_code"].tolist() == list(codes)
    assert sub.population == int(
        area.lsoas.set_index("lsoa_code").loc[list(codes)].population.sum()
    )
    assert sub.name == (
        "Waltham Forest: Waltham Forest 028A, Waltham Forest 028B, Waltham Forest 028C"
    )  # named as the pack names the LSOAs


def test_wards_that_do_not_follow_lsoa_edges_leave_the_lsoa_layers_out(tmp_path: Path, area):
    """No ward boundaries are bundled: a user's ward file is used as given. Wards whose edges
    cut LSOAs get no LSOA layers (a whole LSOA's residents are not given to part of it)."""
    msoas = area.msoas_2021.iloc[:2]
    wards = gpd.GeoDataFrame(
        {"ward_name": ["Larkswood", "Endlebury"]},
        geometry=msoas.geometry.translate(140, 90).to_numpy(),
        crs=BNG,
    ).to_crs("EPSG:4326")
    wards.to_file(tmp_path / "wards.geojson", driver="GeoJSON")
    built = build_sub_area(
        BUNDLED_AREA,
        tmp_path / "ward",
        SubArea(wards_file=tmp_path / "wards.geojson", wards=("larkswood",)),
    )
    assert "Larkswood" in built.area.name  # the ward's name as the file spells it
    assert not built.area.has("lsoa11") and not built.area.has("lsoa21")
    assert not built.area.has("lsoa11_population") and not built.area.has("imd2019")
    assert any("lsoa11 left out: its polygons do not nest" in n for n in built.notes)
    assert built.area.lacks("rates") == (
        "This section needs 2011 LSOA boundaries and 2011 LSOA populations (ONS mid-year "
        "estimates), which this area pack does not have."
    )
    with pytest.raises(AreaError, match=r"ward 'Nowhere' is not in .*wards.geojson"):
        build_sub_area(
            BUNDLED_AREA,
            tmp_path / "x",
            SubArea(wards_file=tmp_path / "wards.geojson", wards=("Nowhere",)),
        )
    assert not (tmp_path / "x").exists()


def test_bad_choices_are_refused_and_nothing_is_left_behind(tmp_path: Path) -> None:
    with pytest.raises(AreaError, match=r"MSOA 'E02999999' is not in Waltham Forest"):
        build_sub_area(BUNDLED_AREA, tmp_path / "a", SubArea(msoas=("E02999999",)))
    with pytest.raises(AreaError, match="no ward boundaries are bundled"):
        build_sub_area(BUNDLED_AREA, tmp_path / "a", SubArea(wards=("Larkswood",)))
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "x").write_text("mine")
    with pytest.raises(AreaError, match="already exists"):
        build_sub_area(BUNDLED_AREA, tmp_path / "taken", SubArea(msoas=SOUTH))
    assert (tmp_path / "taken" / "x").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]


def test_a_london_borough_pack_has_what_the_london_files_give(tmp_path: Path) -> None:
    built = build_london(
        BUNDLED_DATA / "london", tmp_path / "hackney", ["Hackney"], terms_from=BUNDLED_AREA
    )
    hackney = built.area
    assert hackney.name == "Hackney" and hackney.whole and hackney.mps_borough == "Hackney"
    assert hackney.layers == {"boundary", "imd2019", "schools", "stations", "school_terms"}
    assert hackney.area_km2 == pytest.approx(19.0, abs=0.5)
    imd = pd.read_csv(tmp_path / "hackney" / "imd2019_lsoa11.csv")
    assert set(imd["lad19_code"]) == {"E09000012"} and len(imd) == 144
    schools = hackney.schools
    d = shapely.distance(hackney.boundary, shapely.points(schools["x"], schools["y"]))
    assert (d <= MARGIN).all()
    # every school of the London file inside Hackney is in the pack, inside
    gias = pd.read_csv(BUNDLED_DATA / "london" / "london_schools_gias_2025.csv")
    placed = gias[place_xy(hackney, gias["easting"], gias["northing"]).inside]
    assert sorted(placed["name"]) == sorted(schools.loc[schools["inside"], "name"])
    assert (placed["la_name"] == "Hackney").mean() > 0.95
    assert schools["serves_11_plus"].any() and not schools["serves_11_plus"].all()
    # and every bundled London station inside Hackney, named as in the London file
    london = pd.read_csv(BUNDLED_DATA / "london" / "london_stations.csv")
    placed = london[place_xy(hackney, london["easting"], london["northing"]).inside]
    stations = hackney.stations
    assert sorted(placed["name"]) == sorted(stations.loc[stations["inside"], "name"])
    assert {"Hackney Central station", "Dalston Junction station"} <= set(placed["name"])
    d = shapely.distance(hackney.boundary, shapely.points(stations["x"], stations["y"]))
    assert (d <= MARGIN).all()
    for capability in ("rates", "deprivation", "school_distance", "lsoa_units", "pop_density"):
        assert hackney.lacks(capability) is not None
    assert hackney.lacks("school_days") is None and hackney.lacks("dist_school") is None


def test_all_of_london(tmp_path: Path) -> None:
    london = build_london(BUNDLED_DATA / "london", tmp_path / "london", []).area
    assert london.name == "London" and london.mps_borough is None
    assert london.area_km2 == pytest.approx(1572, rel=0.01)
    assert not london.has("school_terms")  # none asked for
    with pytest.raises(AreaError, match=r"borough 'Gotham' is not in the London boroughs"):
        build_london(BUNDLED_DATA / "london", tmp_path / "g", ["Gotham"])


def test_the_command_builds_a_pack_and_says_what_it_cannot_support(tmp_path: Path) -> None:
    done = cli("build", str(tmp_path / "hackney"), "--borough", "hackney")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert f"wrote the area pack {tmp_path / 'hackney'}" in out
    assert "yes  Ingest, the home page map" in out
    assert (
        "no   Rates per 1,000 residents by LSOA, and LSOA hot spots: needs 2011 LSOA "
        "boundaries and 2011 LSOA populations (ONS mid-year estimates), which this area pack "
        "does not have" in out
    )
    assert "no   forecast covariate: Distance to the nearest town centre: needs town centres" in out
    assert f"Use it with UPSTREAM_AREA_DIR={tmp_path / 'hackney'}" in out
    assert load_area(tmp_path / "hackney").name == "Hackney"
    # a sub-area of the pack UPSTREAM_AREA_DIR names (default: the bundled pack)
    done = cli("build", str(tmp_path / "south"), *[a for m in SOUTH for a in ("--msoa", m)])
    assert done.returncode == 0, done.stderr
    assert "Not supported" not in done.stdout
    # one kind of choice at a time, and a ward file for wards
    for args in (
        ["--msoa", SOUTH[0], "--borough", "Hackney"],
        [],
        ["--ward", "Larkswood"],
        ["--wards", str(tmp_path / "w.geojson")],
        ["--borough", "Hackney", "--london"],
    ):
        done = cli("build", str(tmp_path / "bad"), *args)
        assert done.returncode == 1 and "error:" in done.stderr, args
        assert "Traceback" not in done.stderr
    assert not (tmp_path / "bad").exists()
