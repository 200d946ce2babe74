"""The store version: one key for every cache, changing with the store, pack, definitions, code."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd

from tests.conftest import STREET_PARQUET
from upstream import __version__
from upstream.area import area_from_settings
from upstream.area.build import SubArea, build_sub_area
from upstream.config import BUNDLED_AREA, Settings
from upstream.events import EventStore
from upstream.forecast.summary import cached_forecast_section
from upstream.ingest import POLICE_UK_FORMATS, discover, ingest_files
from upstream.testing import write_street_csv
from upstream.version import code_version, store_version


def _ingest(settings: Settings, rows: pd.DataFrame, folder: Path) -> None:
    files = write_street_csv(rows, folder)
    inputs, skipped = discover(files)
    ingest_files(
        inputs,
        POLICE_UK_FORMATS,
        EventStore(settings.events_dir),
        area_from_settings(settings),
        quarantine_dir=settings.quarantine_dir,
        skipped=skipped,
    )


def test_the_version_changes_with_each_input_and_only_then(tmp_path: Path) -> None:
    pack = Path(shutil.copytree(BUNDLED_AREA, tmp_path / "pack"))
    mine = tmp_path / "mine.toml"
    mine.write_text('[harm.weights]\n"Robbery" = 120.0\n')
    settings = Settings(data_dir=tmp_path / "var", area_dir=pack, definitions_file=mine)
    seen = [store_version(settings)]
    assert store_version(settings) == seen[0]  # stable while nothing changes

    street = pd.read_parquet(STREET_PARQUET)
    _ingest(settings, street[street["month"] == "2017-01"], tmp_path / "in1")  # a commit
    seen.append(store_version(settings))

    town = pack / "town_centres.csv"  # a pack file, same size, same modification time
    stat = town.stat()
    town.write_text(town.read_text().replace("Leyton,538000", "Leyton,538001"))
    os.utime(town, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    seen.append(store_version(settings))

    stat = mine.stat()  # the definitions, likewise: the content counts, not the clock
    mine.write_text('[harm.weights]\n"Robbery" = 130.0\n')
    os.utime(mine, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    seen.append(store_version(settings))

    assert len(set(seen)) == len(seen), seen
    assert store_version(settings) == seen[-1]


def test_the_code_version_names_the_package_version() -> None:
    assert code_version().startswith(f"{__version__}+") and code_version() == code_version()


def test_the_forecast_disk_cache_follows_the_pack(tmp_path: Path) -> None:
    """Regression: the forecast's disk cache was keyed by the boundary file's path, so a pack
    edited in place kept serving the old forecast."""
    pack = tmp_path / "south"
    build_sub_area(BUNDLED_AREA, pack, SubArea(msoas=("E02000920", "E02000921")), "South")
    settings = Settings(data_dir=tmp_path / "var", area_dir=pack)
    street = pd.read_parquet(STREET_PARQUET)
    _ingest(settings, street[street["month"].between("2017-01", "2017-05")], tmp_path / "in")
    store = EventStore(settings.events_dir)
    first = cached_forecast_section(store, settings)
    assert first["available"] and first["area_name"] == "South"
    cached = tmp_path / "var" / "cache" / f"forecast-{store_version(settings)}.json"
    assert json.loads(cached.read_text()) == first
    manifest = pack / "area.toml"
    manifest.write_text(manifest.read_text().replace('name = "South"', 'name = "Leyton"'))
    second = cached_forecast_section(store, settings)
    assert second["area_name"] == "Leyton" and "Leyton" in second["reading"]
    assert not cached.exists()  # the old version's file is gone
    assert cached_forecast_section(store, settings) == second  # and the new one is kept
