"""The profile's place maps carry named reference layers, and its hot spots are named
(issue 12, part 3)."""

from __future__ import annotations

from upstream.config import Settings
from upstream.report.model import Figure, Table
from upstream.report.profile import build_profile


def test_hot_spots_are_named_and_the_place_maps_carry_reference_layers(
    police_only_settings: Settings,
) -> None:
    profile = build_profile(police_only_settings)
    (place,) = [s for s in profile.sections if s.id == "place"]
    (named,) = [
        b for b in place.blocks if isinstance(b, Table) and "hot-spot squares, named" in b.caption
    ]
    assert named.columns[:4] == ["Rank", "Street (or landmark)", "LSOA", "Nearest secondary school"]
    assert len(named.rows) == 10
    assert all(r[1] != "–" and r[2].startswith("Waltham Forest ") for r in named.rows)
    assert all(r[3].endswith(" m)") for r in named.rows)
    counts = [int(r[4].replace(",", "")) for r in named.rows]
    assert counts == sorted(counts, reverse=True)
    maps = [
        b
        for s in profile.sections
        for b in s.blocks
        if isinstance(b, Figure) and b.id in ("hotspots-grid", "lsoa-rates")
    ]
    assert len(maps) == 2
    for figure in maps:
        names = {t.name for t in figure.figure.data}
        assert {"Town centres", "Stations", "Secondary schools"} <= names, figure.id


def test_the_forecast_section_names_its_top_places(police_only_settings: Settings) -> None:
    profile = build_profile(police_only_settings)
    (forecast,) = [s for s in profile.sections if s.id == "forecast"]
    (table,) = [
        b for b in forecast.blocks if isinstance(b, Table) and "highest forecast" in b.caption
    ]
    assert [r[0] for r in table.rows] == [str(k) for k in range(1, 11)]
    assert sum(r[1] != "–" for r in table.rows) >= 8
    scores = [float(r[4]) for r in table.rows]
    assert scores == sorted(scores, reverse=True)
