"""An intervention's region and its monthly counts from police.uk data: LSOAs, schools'
surroundings, a drawn area; checked against police.uk's own LSOA codes."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import shapely
from typer.testing import CliRunner

from upstream.account.evaluation.region import RegionError, monthly_counts, region_of
from upstream.area import area_from_settings
from upstream.cli import app
from upstream.config import get_settings

STREET = get_settings().bundled_data / "police_uk" / "waltham_forest_street.parquet"


@pytest.fixture(scope="module")
def area():  # type: ignore[no-untyped-def]
    return area_from_settings(get_settings())


def test_monthly_counts_fills_every_month() -> None:
    events = pd.DataFrame({"month": ["2020-01", "2020-01", "2020-03", "2020-03"],
                           "x": [5.0, 50.0, 5.0, 5.0], "y": [5.0, 5.0, 5.0, 5.0]})  # fmt: skip
    counts = monthly_counts(events, shapely.box(0, 0, 10, 10), ["2020-01", "2020-02", "2020-03"])
    assert counts.tolist() == [1, 0, 2]


def test_region_errors_name_the_option(area, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RegionError, match="exactly one"):
        region_of(area)
    with pytest.raises(RegionError, match="exactly one"):
        region_of(area, lsoas=["E01004327"], schools_radius=300)
    with pytest.raises(RegionError, match="--lsoa: E01999999 is not a 2011 LSOA"):
        region_of(area, lsoas=["E01999999"])
    bad = tmp_path / "drawn.geojson"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(RegionError, match=r"drawn\.geojson: not a readable GeoJSON"):
        region_of(area, geojson=bad)
    far = tmp_path / "far.geojson"
    far.write_text(json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature",
        "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[[-3, 53], [-3, 53.01],
        [-2.99, 53.01], [-3, 53]]]}}]}), encoding="utf-8")  # fmt: skip
    with pytest.raises(RegionError, match="does not overlap"):
        region_of(area, geojson=far)


def test_schools_surroundings_grow_with_the_radius(area) -> None:  # type: ignore[no-untyped-def]
    small = region_of(area, schools_radius=200)
    large = region_of(area, schools_radius=600)
    assert small.area < large.area <= area.boundary.area
    assert large.contains(small.buffer(-1))


def test_counts_cli_matches_police_uk_lsoa_codes(tmp_path: Path) -> None:
    codes = ["E01004349", "E01004327"]
    out = tmp_path / "counts.csv"
    comp = tmp_path / "comp.csv"
    dep = tmp_path / "dep.csv"
    args = ["evaluate", "counts", "--events", str(STREET), "--lsoa", codes[0], "--lsoa",
            codes[1], "--crime-type", "Violence and sexual offences", "--out", str(out),
            "--comparisons-out", str(comp), "--deprivation-out", str(dep)]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    counts = pd.read_csv(out, dtype={"month": str}).set_index("month")["count"]
    raw = pd.read_parquet(STREET)
    raw = raw[raw["lsoa_code"].isin(codes) & (raw["crime_type"] == "Violence and sexual offences")]
    expected = raw.groupby(raw["month"].astype(str)).size()
    assert len(counts) == 21 and counts.sum() > 50
    assert counts.reindex(expected.index).tolist() == expected.tolist()
    pool = pd.read_csv(comp)
    assert set(codes).isdisjoint(pool["area"]) and pool["area"].nunique() > 100
    deps = pd.read_csv(dep).set_index("area")["deprivation"]
    assert "treated" in deps.index and 1 <= deps["treated"] <= 10
    bad = CliRunner().invoke(app, [*args[:4], "--lsoa", "E01999999", "--out", str(out)])
    assert bad.exit_code == 1 and "E01999999 is not a 2011 LSOA" in bad.output
