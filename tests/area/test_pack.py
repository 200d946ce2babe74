"""Area packs: the bundled pack, the manifest, and a clear message for every broken pack."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from upstream.area import AreaError, area_from_settings, load_area, pack_digest
from upstream.area.pack import definitions_from_settings
from upstream.config import BUNDLED_AREA, PROJECT_ROOT, Settings


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    """A copy of the bundled pack, free to break."""
    return Path(shutil.copytree(BUNDLED_AREA, tmp_path / "pack"))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_bundled_pack_has_every_layer(area) -> None:
    assert area.name == "Waltham Forest" and area.whole and area.mps_borough == "Waltham Forest"
    assert area.has(
        "boundary", "lsoa11", "lsoa11_population", "lsoa21", "lsoa21_population", "msoa21",
        "imd2019", "schools", "stations", "town_centres", "school_terms",
    )  # fmt: skip
    assert area.folder == BUNDLED_AREA.resolve()
    assert len(area.town_centres) == 7 and area.town_centres["name"].is_unique
    # placement decides what is inside: the 88 schools are all in the borough, 12 of the 45
    # rail, Underground and Overground stations (the others are within 2 km of it)
    assert len(area.schools) == 88 and area.schools["inside"].all()
    assert int(area.schools["secondary"].sum()) == 17
    assert len(area.stations) == 45
    assert sorted(area.stations.loc[area.stations["inside"], "name"]) == [
        "Blackhorse Road station",
        "Chingford station",
        "Highams Park station",
        "Lea Bridge station",
        "Leyton Midland Road station",
        "Leyton station",
        "Leytonstone High Road station",
        "Leytonstone station",
        "St James Street station",
        "Walthamstow Central station",
        "Walthamstow Queens Road station",
        "Wood Street station",
    ]
    assert area.imd is not None and len(area.imd) == 144 and set(area.imd) <= set(range(1, 11))
    cal = area.calendar
    assert cal is not None and len(cal.terms) == 36
    assert (str(cal.first_day), str(cal.last_day)) == ("2020-09-01", "2026-08-31")
    assert cal.after_school_window == (15 * 60 + 15, 17 * 60 + 15)
    assert all(area.lacks(c) is None for c in ("rates", "deprivation", "school_days"))


def test_a_copied_pack_loads_the_same(pack: Path, area) -> None:
    copy = load_area(pack)
    assert copy.name == area.name and copy.layers == area.layers
    assert copy.boundary.equals(area.boundary)
    assert copy.lsoas["lsoa_code"].tolist() == area.lsoas["lsoa_code"].tolist()


def rm(name: str):
    return lambda p: os.remove(p / name)


def sub(name: str, old: str, new: str):
    return lambda p: edit(p / name, old, new)


def sub_all(name: str, old: str, new: str):
    return lambda p: (p / name).write_text((p / name).read_text().replace(old, new))


TOML = "area.toml"
LSOA = "waltham_forest_lsoa.geojson"
IMD = "waltham_forest_imd2019_lsoa11.csv"
IMD_ROW = "E01004327,Waltham Forest 028A,E09000031,Waltham Forest,7992,6354,9107,16857,18334,8686"
IMD_RANKS = ",2075,6800,"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (rm("waltham_forest_schools.csv"),
         r"\[schools\] file waltham_forest_schools.csv not found in .*pack"),
        (rm(TOML), r"pack: not an area pack: it has no area.toml"),
        (sub(TOML, "format = 1", "format = 7"), r"area.toml: format must be 1"),
        (sub(TOML, "[stations]", "[staions]"), r"unknown key\(s\) \['staions'\]"),
        (sub(TOML, 'name = "Waltham Forest"\n', ""), r"name .* is missing"),
        (sub(TOML, "[boundary]", "[boundary_old]"), r"unknown key"),
        (sub(TOML, "[lsoa11]\nfile", "[lsoa11]\nignored"), r"\[lsoa11\] has no file"),
        (sub(TOML, f'file = "{LSOA}"', 'file = "../x.geojson"'), r"must be inside the pack"),
        (sub(TOML, f'[lsoa11]\nfile = "{LSOA}"\n', ""),
         r"\[lsoa11_population\] needs the \[lsoa11\] layer, which is missing"),
        (sub("waltham_forest_schools.csv", ",easting,", ",eastings,"),
         r"waltham_forest_schools.csv: missing column\(s\) easting \(the schools layer needs "
         r"name, phase, easting, northing\)"),
        (sub("town_centres.csv", "Leyton,538000,", "Leyton,5380O0,"),
         r"town_centres.csv: line 4, easting: '5380O0' is not a usable number"),
        (sub("town_centres.csv", "Wood Street,", ","), r"town_centres.csv: line 7: name is empty"),
        (sub("town_centres.csv", "Leyton,", "Leyton,"), None),  # unchanged: a control
        (sub(LSOA, '"lsoa_code"', '"code"'), rf"{LSOA}: feature 1: lsoa_code is empty"),
        (sub_all(LSOA, '"lsoa_code"', '"code"'), rf"{LSOA}: missing column\(s\) lsoa_code"),
        (lambda p: (p / "waltham_forest_boundary.geojson").write_text("{not json"),
         r"waltham_forest_boundary.geojson: cannot read the boundary file"),
        (sub("school_terms.csv", "2022-09-05", "2022-09-31"),
         r"school_terms.csv line 14, first_day: '2022-09-31' is not a date"),
        (sub("school_terms.csv", "2022-10-31,", "2022-10-01,"),
         r"school_terms.csv line 15: term starts 2022-10-01, before the previous one ends"),
        (sub(IMD, f"{IMD_ROW}{IMD_RANKS}3,", f"{IMD_ROW}{IMD_RANKS}13,"),
         r"imd2019_lsoa11.csv: line 2, index_of_multiple_deprivation_imd_decile: deciles run"),
    ],
)  # fmt: skip
def test_a_broken_pack_is_refused_naming_the_file_and_what_is_wrong(pack, change, message):
    change(pack)
    if message is None:
        load_area(pack)
        return
    with pytest.raises(AreaError, match=message):
        load_area(pack)


def test_a_missing_folder_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(AreaError, match=r"no such area pack folder \(UPSTREAM_AREA_DIR\)"):
        load_area(tmp_path / "nowhere")


def test_the_cache_follows_the_packs_content(pack: Path) -> None:
    settings = Settings(area_dir=pack)
    first = area_from_settings(settings)
    assert area_from_settings(settings) is first  # loaded once per version of the content
    digest = pack_digest(pack)
    edit(pack / "area.toml", 'name = "Waltham Forest"', 'name = "Walthamstow and around"')
    assert pack_digest(pack) != digest
    assert area_from_settings(settings).name == "Walthamstow and around"
    # a file the manifest names counts too, not only the manifest
    digest = pack_digest(pack)
    edit(pack / "town_centres.csv", "Leyton,538000,", "Leyton,538010,")
    assert pack_digest(pack) != digest
    assert area_from_settings(settings).town_centres.set_index("name").loc["Leyton", "x"] == 538010
    # a file the manifest does not name does not
    digest = pack_digest(pack)
    (pack / "notes.txt").write_text("hello")
    assert pack_digest(pack) == digest


def test_a_pack_can_set_local_definitions_under_the_setting(pack: Path, tmp_path: Path) -> None:
    (pack / "definitions.toml").write_text('[harm.weights]\n"Robbery" = 111.0\n"Drugs" = 5.0\n')
    with (pack / "area.toml").open("a", encoding="utf-8") as fh:
        fh.write('\n[definitions]\nfile = "definitions.toml"\n')
    assert definitions_from_settings(Settings(area_dir=pack)).harm_weights["Robbery"] == 111.0
    mine = tmp_path / "mine.toml"
    mine.write_text('[harm.weights]\n"Robbery" = 222.0\n')
    both = definitions_from_settings(Settings(area_dir=pack, definitions_file=mine))
    assert both.harm_weights["Robbery"] == 222.0  # the setting wins over the pack
    assert both.harm_weights["Drugs"] == 5.0  # and keeps the pack's other keys


def upstream(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "upstream.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200", **env},
        cwd=PROJECT_ROOT,
        timeout=300,
    )


def test_commands_say_in_one_line_what_is_wrong_with_the_pack(pack: Path, tmp_path) -> None:
    os.remove(pack / "waltham_forest_schools.csv")
    env = {"UPSTREAM_AREA_DIR": str(pack), "UPSTREAM_DATA_DIR": str(tmp_path / "var")}
    for args in (
        ["area", "check"],
        ["profile", "--out", str(tmp_path / "r.html")],
        ["forecast", "--until", "2017-01", "--out", str(tmp_path / "c.csv")],
    ):
        done = upstream(*args, env=env)
        assert done.returncode == 1, (args, done.stderr)
        assert "[schools] file waltham_forest_schools.csv not found" in done.stderr
        assert "Traceback" not in done.stderr
    assert not (tmp_path / "r.html").exists() and not (tmp_path / "c.csv").exists()


def test_the_retired_boundary_setting_is_refused_not_ignored(tmp_path) -> None:
    """Before area packs, UPSTREAM_BOUNDARY_FILE named the area; set now, it would silently
    give Waltham Forest, so it is refused."""
    done = upstream("status", env={"UPSTREAM_BOUNDARY_FILE": str(tmp_path / "b.geojson")})
    assert done.returncode == 1
    assert "UPSTREAM_BOUNDARY_FILE is no longer read" in done.stderr
    assert "UPSTREAM_AREA_DIR" in done.stderr and "Traceback" not in done.stderr


def test_check_prints_what_the_bundled_pack_supports() -> None:
    done = upstream("area", "check", env={})
    assert done.returncode == 0, done.stderr
    assert "Waltham Forest: 38.81 km²" in done.stdout
    assert "Not supported" not in done.stdout
