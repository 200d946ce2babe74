"""Shared fixtures: real stores in temporary folders, built from the bundled real data."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from upstream.area import Area, area_from_settings
from upstream.config import PROJECT_ROOT, Settings
from upstream.events import EventStore

BUNDLED = PROJECT_ROOT / "data"
STREET_PARQUET = BUNDLED / "police_uk" / "waltham_forest_street.parquet"
STOP_SEARCH_PARQUET = BUNDLED / "police_uk" / "waltham_forest_stop_search.parquet"


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test gets its own data dir, so no test can touch ./var or another test's store."""
    monkeypatch.setenv("UPSTREAM_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("UPSTREAM_DEFINITIONS_FILE", raising=False)
    yield


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "var")


@pytest.fixture
def store(settings: Settings) -> EventStore:
    return EventStore(settings.events_dir)


@pytest.fixture(scope="session")
def area() -> Area:
    return area_from_settings(Settings(data_dir=Path(os.devnull)))


@pytest.fixture(scope="session")
def street_rows() -> pd.DataFrame:
    """The bundled real police.uk street-level rows (48,216, 2016-04 to 2017-12)."""
    return pd.read_parquet(STREET_PARQUET)


@pytest.fixture(scope="session")
def stop_search_rows() -> pd.DataFrame:
    """The bundled real stop-and-search rows (25,005)."""
    return pd.read_parquet(STOP_SEARCH_PARQUET)
