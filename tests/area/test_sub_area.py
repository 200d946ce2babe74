"""The profile, the forecast and the home page on packs other than the bundled one.

The strongest check that nothing outside an area is used: build everything twice for the
same sub-area pack, once from the whole borough's event store and once from a store that
holds only the sub-area's rows (ingested with the sub-area pack), and compare. Any view that
counted a row outside the sub-area would differ.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from upstream.area import area_from_settings, place_xy
from upstream.area.build import SubArea, build_london, build_sub_area
from upstream.bootstrap import bootstrap
from upstream.config import BUNDLED_AREA, BUNDLED_DATA, Settings
from upstream.definitions import load_definitions
from upstream.events import EventStore
from upstream.forecast.summary import forecast_section
from upstream.report.profile import build_profile, render_sections
from upstream.web.views import serious_violence_map

SOUTH = ("E02000920", "E02000921", "E02000922")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def south(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("packs") / "south"
    build_sub_area(BUNDLED_AREA, out, SubArea(msoas=SOUTH), "Leyton and around")
    return out


@pytest.fixture(scope="module")
def south_only(south: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The bundled data loaded with the sub-area pack: only its rows are stored."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("south_only"), area_dir=south)
    lines = list(bootstrap(settings))
    assert any("SYNTHETIC incidents" in line for line in lines)
    return settings


def _sections(profile, upto: int) -> list[str]:
    return [str(render_sections(replace(profile, sections=[s]))) for s in profile.sections[:upto]]


def test_the_profile_and_forecast_of_a_sub_area_use_nothing_outside_it(
    bundled_settings: Settings, south: Path, south_only: Settings
) -> None:
    whole_store = bundled_settings.model_copy(update={"area_dir": south})
    from_whole = build_profile(whole_store)
    from_part = build_profile(south_only)
    assert from_whole.area_name == "Leyton and around"
    # sections 1-7 (headline to forecast) are identical; section 8 describes the stores
    assert _sections(from_whole, 7) == _sections(from_part, 7)
    assert [s.title for s in from_whole.sections[:7]] == [s.title for s in from_part.sections[:7]]
    forecast = forecast_section(EventStore(bundled_settings.events_dir), whole_store)
    assert forecast == forecast_section(EventStore(south_only.events_dir), south_only)
    # and it is about the sub-area: its cells lie inside it, fewer than the borough's
    area = area_from_settings(south_only)
    top = forecast["top_cells"]
    assert place_xy(area, [c["x"] for c in top], [c["y"] for c in top]).inside.all()
    borough = forecast_section(EventStore(bundled_settings.events_dir), bundled_settings)
    assert forecast["cells"] < borough["cells"] / 5
    assert forecast["area_name"] == "Leyton and around"


def test_the_home_page_map_of_a_sub_area_counts_only_its_crimes(
    bundled_settings: Settings, south: Path
) -> None:
    store = EventStore(bundled_settings.events_dir)
    area = area_from_settings(bundled_settings.model_copy(update={"area_dir": south}))
    types = load_definitions().serious_violence
    vm = serious_violence_map(store, area, types)
    assert vm is not None
    rows = store.query("SELECT crime_type, x, y FROM street")
    rows = rows[rows["crime_type"].isin(types)]
    inside = place_xy(area, rows["x"], rows["y"]).inside
    assert vm.recorded == int(inside.sum()) < len(rows) / 5
    assert int(np.nansum(vm.monthly)) == vm.recorded


def test_a_london_borough_pack_says_in_place_what_it_cannot_show(
    bundled_settings: Settings, tmp_path: Path
) -> None:
    """Hackney's pack has no LSOAs, populations or town centres; the Waltham Forest data in
    the store lie outside it. Nothing falls back to Waltham Forest: every section says why."""
    build_london(
        BUNDLED_DATA / "london", tmp_path / "hackney", ["Hackney"], terms_from=BUNDLED_AREA
    )
    settings = bundled_settings.model_copy(update={"area_dir": tmp_path / "hackney"})
    profile = build_profile(settings)
    html = "".join(_sections(profile, 8))
    assert profile.area_name == "Hackney"
    assert "Waltham Forest" not in "".join(_sections(profile, 7))
    assert (
        "This section needs 2011 LSOA boundaries and 2011 LSOA populations (ONS mid-year "
        "estimates), which this area pack does not have." in html
    )
    assert "No serious violence inside Hackney is loaded." in html
    assert "No located crime or incident data inside Hackney are loaded." in html
    # the Waltham Forest extract's incidents without a location are not Hackney's
    assert profile.summary[0].startswith("No partnership incident data")
    assert "REAL: MPS knife-injury victims aged 1-24 (not domestic abuse), Hackney" in html
    section = forecast_section(EventStore(bundled_settings.events_dir), settings)
    assert section == {
        "available": False,
        "reason": "No serious violence inside Hackney is loaded.",
    }
