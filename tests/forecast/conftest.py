"""Fixtures for the forecasting tests: the real bundled events, and tiny hand-made grids."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from tests.conftest import STREET_PARQUET
from tests.web.conftest import bundled_settings  # noqa: F401  (for the CLI tests)
from upstream.area import BNG, Area
from upstream.definitions import load_definitions
from upstream.forecast.data import Units, grid_units, read_events_file

X0, Y0 = 500_000, 200_000
"""Lower-left corner of the tiny test grids (BNG metres)."""


def tiny_area(cells: int = 5, size: int = 100) -> Area:
    """A square area of ``cells`` x ``cells`` cells, with no LSOAs."""
    box = shapely.box(X0, Y0, X0 + cells * size, Y0 + cells * size)
    empty = gpd.GeoDataFrame(
        {"lsoa_code": [], "lsoa_name": [], "population": []}, geometry=[], crs=BNG
    )
    return Area(name="Test square", boundary=box, lsoas=empty)


def tiny_units(cells: int = 5, size: int = 100) -> Units:
    """The grid of :func:`tiny_area` as Units (ids ascending)."""
    from upstream.area import study_grid
    from upstream.forecast.data import units_from_grid

    return units_from_grid(study_grid(tiny_area(cells, size), size))


def at_cell(i: int, j: int, size: int = 100) -> tuple[float, float]:
    """Centre of cell (column i, row j) of the tiny grid."""
    return X0 + i * size + size / 2, Y0 + j * size + size / 2


def events_frame(rows: list[tuple[str, int, int]], size: int = 100) -> pd.DataFrame:
    """Events at cell centres: (month, column, row) each; harm 10 each."""
    xy = [at_cell(i, j, size) for _, i, j in rows]
    return pd.DataFrame(
        {
            "month": [m for m, _, _ in rows],
            "x": [p[0] for p in xy],
            "y": [p[1] for p in xy],
            "harm": np.full(len(rows), 10.0),
            "is_target": True,
        }
    )


@pytest.fixture(scope="session")
def wf_events() -> pd.DataFrame:
    """The bundled real police.uk rows, read and labelled as ``upstream forecast`` does."""
    from upstream.area import area_from_settings
    from upstream.config import Settings

    area = area_from_settings(Settings())
    return read_events_file(STREET_PARQUET, area, load_definitions()).events


@pytest.fixture(scope="session")
def wf_grid() -> Units:
    """The Waltham Forest 150 m study grid with fixed covariates."""
    from upstream.area import area_from_settings
    from upstream.config import Settings

    return grid_units(area_from_settings(Settings()), 150)


def write_events_csv(rows: pd.DataFrame, path: Path) -> Path:
    """Street-level rows (canonical names) as one police.uk-format CSV of any months."""
    from upstream.ingest.police_uk import STREET_COLUMNS

    out = rows[list(STREET_COLUMNS)].rename(columns=STREET_COLUMNS)
    out.to_csv(path, index=False)
    return path
