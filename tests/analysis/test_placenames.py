"""Place names from police.uk location descriptions and the nearest named place."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from upstream.analysis.placenames import (
    describe_place,
    landmark,
    name_cells,
    nearest_names,
    place_names,
    street,
)
from upstream.area import load_area
from upstream.area.build import build_london
from upstream.config import BUNDLED_AREA, BUNDLED_DATA, Settings
from upstream.plotting import reference_traces


def test_streets_and_landmarks_are_told_apart() -> None:
    assert street("On or near Hoe Street") == "Hoe Street"
    assert street("On or near St James's Street") == "St James's Street"
    assert street("On or near The Ridgeway") == "The Ridgeway"
    for not_a_street in (
        "On or near Supermarket",
        "On or near Sports/recreation Area",
        "On or near Leytonstone (lu Station)",
        "No Location",
        "",
        None,
        float("nan"),
    ):
        assert street(not_a_street) is None, not_a_street
    assert landmark("On or near Bus/coach Station") == "bus/coach station"
    assert landmark("On or near Leytonstone (lu Station)") == "Leytonstone station"
    assert landmark("On or near Hoe Street") is None


def test_each_place_is_named_by_its_commonest_street_and_landmark() -> None:
    keys = [1, 1, 1, 1, 2, 2, 3]
    descriptions = [
        "On or near Hoe Street",
        "On or near Hoe Street",
        "On or near Forest Road",
        "On or near Supermarket",
        "On or near Petrol Station",
        "On or near Petrol Station",
        "No Location",
    ]
    names = place_names(keys, descriptions)
    assert names.loc[1, "street"] == "Hoe Street" and names.loc[1, "landmark"] == "supermarket"
    assert names.loc[2, "street"] is None and names.loc[2, "landmark"] == "petrol station"
    assert names.loc[3, "street"] is None and names.loc[3, "landmark"] is None
    # ties go to the alphabetically first name, so two runs always agree
    tie = place_names([7, 7], ["On or near Zeta Road", "On or near Alpha Road"])
    assert tie.loc[7, "street"] == "Alpha Road"


def test_the_nearest_named_place_and_its_distance() -> None:
    names, metres = nearest_names(
        np.array([0.0, 1000.0]),
        np.array([0.0, 0.0]),
        np.array([30.0, 1000.0]),
        np.array([40.0, 300.0]),
        ["School A", "School B"],
    )
    assert names == ["School A", "School B"]
    assert np.allclose(metres, [50.0, 300.0])
    none, far = nearest_names(np.array([1.0]), np.array([2.0]), np.array([]), np.array([]), [])
    assert none == [None] and np.isnan(far[0])


def test_a_place_is_described_in_one_line() -> None:
    assert (
        describe_place(
            "Hoe Street", "supermarket", "Waltham Forest 021C", "Walthamstow Academy", 236
        )
        == "Hoe Street (near a supermarket), Waltham Forest 021C; 240 m from Walthamstow Academy"
    )
    assert describe_place(None, "Leytonstone station", None) == "near Leytonstone station"
    assert describe_place(None, None, "Waltham Forest 001A") == "unnamed place, Waltham Forest 001A"


def test_the_bundled_data_names_most_places() -> None:
    path = Settings().bundled_data / "police_uk" / "waltham_forest_street.parquet"
    data = pd.read_parquet(path, columns=["location"])
    streets = data["location"].map(street)
    assert streets.notna().mean() > 0.75  # most crimes are described at a street
    assert "Hoe Street" in set(streets.dropna())


def test_a_pack_without_lsoas_or_stations_names_what_it_can(tmp_path: Path) -> None:
    folder = build_london(
        BUNDLED_DATA / "london", tmp_path / "hackney", ["Hackney"], terms_from=BUNDLED_AREA
    ).folder
    manifest = folder / "area.toml"  # a borough pack has stations: take them out
    text = manifest.read_text(encoding="utf-8")
    assert '[stations]\nfile = "stations.csv"\n' in text
    manifest.write_text(text.replace('[stations]\nfile = "stations.csv"\n', ""), "utf-8")
    hackney = load_area(folder)
    assert not hackney.has("stations")
    x0, y0, _, _ = hackney.boundary.bounds
    names = name_cells(hackney, [x0 + 2000], [y0 + 2000], 150)
    assert names.loc[0, "lsoa_name"] is None and names.loc[0, "street"] is None
    assert isinstance(names.loc[0, "school"], str) and names.loc[0, "school_m"] >= 0
    assert names.loc[0, "place"].startswith("unnamed place; ")
    layers = {t.name for t in reference_traces(hackney)}
    assert layers == {"Secondary schools", "School names"}  # no LSOAs, stations or centres
