"""Inputs of a forecast: the spatial units scored, and the events, from a file or the store.

Units are either the BNG-aligned study grid (:func:`grid_units`, the default 150 m) or the
area's LSOAs (:func:`lsoa_units`). Events are a frame with ``month``, ``x``, ``y`` (BNG),
``crime_type``, ``harm`` (the local harm weight) and ``is_target`` (the crime type counts as
serious violence here); partnership incidents add ``occurred`` (exact time).

:func:`read_events_file` reads a police.uk-format CSV or Parquet file with the ingest's
own validation (:data:`upstream.ingest.police_uk.STREET`), so a file the ingest would refuse
is refused here with the same message, and rows outside the area are counted, not hidden.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely
from scipy.sparse import csr_matrix
from scipy.spatial import cKDTree
from shapely.geometry.base import BaseGeometry

from upstream.area import Area, cell_ids, inside_mask, lsoa_positions, place_lonlat, study_grid
from upstream.definitions import Definitions
from upstream.events import EventStore
from upstream.vocab import local_month

__all__ = [
    "EventsFile",
    "Units",
    "as_units",
    "grid_units",
    "incident_events",
    "lsoa_units",
    "read_events_file",
    "street_events",
]


@dataclass(frozen=True, eq=False)
class Units:
    """The spatial units a forecast scores: grid cells or LSOAs, sorted by id.

    Attributes
    ----------
    kind
        ``"grid"`` or ``"lsoa"``.
    ids
        Unit ids, ascending: grid cell ids (``x_min * 10**7 + y_min``), or for LSOAs the
        position of the LSOA in code order.
    x, y
        Centroids (BNG metres).
    area
        Area of each unit in square metres.
    cell_size
        Grid cell size in metres (for LSOAs, the side of a square of the mean LSOA area).
    labels
        LSOA codes (LSOA units) or None.
    group
        Position of each unit's LSOA (for the LSOA-level features of the grid), -1 if none.
    features
        Fixed covariates per unit (row order = unit order), or None.
    missing_features
        Sentences saying which covariates the area pack cannot give, and why.
    polygons
        The LSOA polygons (LSOA units).
    boundary
        The area's boundary: only events inside it (the placement edge rule) are located in
        a unit, so nothing outside the area is ever used. None for hand-made grids.
    """

    kind: str
    ids: np.ndarray
    x: np.ndarray
    y: np.ndarray
    area: np.ndarray
    cell_size: float
    labels: np.ndarray | None = None
    group: np.ndarray | None = None
    features: pd.DataFrame | None = None
    missing_features: tuple[str, ...] = ()
    polygons: np.ndarray | None = field(default=None, repr=False)
    boundary: BaseGeometry | None = field(default=None, repr=False)

    @property
    def n(self) -> int:
        return int(self.ids.size)

    def locate(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Position of the unit holding each point (-1 when in none, or outside the area).

        A grid cell holds the points of its square; an LSOA those the placement edge rule
        gives it (:func:`upstream.area.lsoa_positions`).
        """
        x = np.asarray(x, dtype="float64")
        y = np.asarray(y, dtype="float64")
        out = np.full(x.shape, -1, dtype="int64")
        ok = np.isfinite(x) & np.isfinite(y)
        if self.boundary is not None:
            ok &= inside_mask(self.boundary, x, y)
        idx = np.flatnonzero(ok)
        if self.kind == "grid":
            ids = cell_ids(x[idx], y[idx], int(self.cell_size))
            where = np.clip(np.searchsorted(self.ids, ids), 0, self.n - 1)
            hit = self.ids[where] == ids
            out[idx[hit]] = where[hit]
            return out
        assert self.polygons is not None
        out[idx] = lsoa_positions(self.polygons, x[idx], y[idx], nearest=True)
        return out

    def neighbours(self, radius: float, *, include_self: bool = False) -> csr_matrix:
        """Sparse 0/1 matrix: unit j is within ``radius`` metres (centroids) of unit i."""
        tree = cKDTree(np.column_stack([self.x, self.y]))
        pairs = tree.query_pairs(radius, output_type="ndarray")
        rows = np.concatenate([pairs[:, 0], pairs[:, 1]])
        cols = np.concatenate([pairs[:, 1], pairs[:, 0]])
        if include_self:
            rows = np.concatenate([rows, np.arange(self.n)])
            cols = np.concatenate([cols, np.arange(self.n)])
        data = np.ones(rows.size)
        return csr_matrix((data, (rows, cols)), shape=(self.n, self.n))

    def frame(self) -> pd.DataFrame:
        """One row per unit: ``cell_id``, ``x``, ``y`` and, for the grid, corners and size."""
        out = pd.DataFrame({"cell_id": self.ids, "x": self.x, "y": self.y, "area": self.area})
        if self.kind == "grid":
            size = int(self.cell_size)
            out["x_min"] = (self.x - size / 2).round().astype("int64")
            out["y_min"] = (self.y - size / 2).round().astype("int64")
            out["cell_size"] = size
        if self.labels is not None:
            out["lsoa_code"] = self.labels
        return out


def grid_units(area: Area, cell_size: int = 150, *, covariates: bool = True) -> Units:
    """The study-area grid as :class:`Units` (cells whose centre is inside the area).

    With ``covariates`` the fixed covariates of :mod:`upstream.forecast.covariates` are
    attached (distance to schools and town centres, LSOA deprivation and population
    density), from the area pack's layers.
    """
    grid = study_grid(area, cell_size)
    return units_from_grid(grid, area, covariates=covariates)


def units_from_grid(
    grid: pd.DataFrame, area: Area | None = None, *, covariates: bool = False
) -> Units:
    """:class:`Units` from a study grid frame (``cell_id``, ``x_min``, ``y_min``, ``cell_size``).

    With ``area``, events outside its boundary are never located, and each cell's LSOA
    (``group``) is the one holding its centre."""
    grid = grid.sort_values("cell_id", kind="mergesort")
    size = int(grid["cell_size"].iloc[0])
    x = grid["x_min"].to_numpy(dtype="float64") + size / 2
    y = grid["y_min"].to_numpy(dtype="float64") + size / 2
    group = None
    feats = None
    missing: tuple[str, ...] = ()
    if area is not None and not area.lsoas.empty:
        group = lsoa_positions(area.lsoas.geometry.to_numpy(), x, y, nearest=True)
    if covariates and area is not None:
        from upstream.forecast.covariates import fixed_covariates, missing_covariates

        feats = fixed_covariates(x, y, area)
        missing = missing_covariates(area)
    return Units(
        kind="grid",
        ids=grid["cell_id"].to_numpy(dtype="int64"),
        x=x,
        y=y,
        area=np.full(x.shape, float(size * size)),
        cell_size=float(size),
        group=group,
        features=feats,
        missing_features=missing,
        boundary=area.boundary if area is not None else None,
    )


def lsoa_units(area: Area, *, vintage: int = 2011, covariates: bool = True) -> Units:
    """The area's LSOAs as :class:`Units`, one per LSOA in code order.

    Parameters
    ----------
    vintage
        2011 (the geography police.uk used until 2023, the default) or 2021 (that of the
        MPS LSOA series and of police.uk since 2023; ``area.lsoas_2021``).
    covariates
        Attach the fixed covariates of :mod:`upstream.forecast.covariates` at each LSOA's
        representative point (deprivation and density from the 2011 LSOA holding it).

    Returns Units with ``labels`` the LSOA codes, ``x``, ``y`` a point inside each polygon
    (``point_on_surface``) and ``area`` in square metres. Raises ValueError when the area
    pack has no LSOAs of that vintage.
    """
    if vintage not in (2011, 2021):
        raise ValueError(f"LSOA vintage must be 2011 or 2021, got {vintage}")
    lsoas = area.lsoas if vintage == 2011 else area.lsoas_2021
    if lsoas is None or lsoas.empty:
        raise ValueError(
            f"Forecasts by LSOA need {vintage} LSOA boundaries, which this area pack does not "
            "have; use the grid"
        )
    lsoas = lsoas.sort_values("lsoa_code").reset_index(drop=True)
    geoms = lsoas.geometry.to_numpy()
    centre = shapely.point_on_surface(geoms)
    x = np.asarray(shapely.get_x(centre), dtype="float64")
    y = np.asarray(shapely.get_y(centre), dtype="float64")
    areas = np.asarray(shapely.area(geoms), dtype="float64")
    feats = None
    missing: tuple[str, ...] = ()
    if covariates:
        from upstream.forecast.covariates import fixed_covariates, missing_covariates

        feats = fixed_covariates(x, y, area)
        missing = missing_covariates(area)
    return Units(
        kind="lsoa",
        ids=np.arange(len(lsoas), dtype="int64"),
        x=x,
        y=y,
        area=areas,
        cell_size=float(np.sqrt(np.mean(areas))),
        labels=lsoas["lsoa_code"].astype(str).to_numpy(),
        group=np.arange(len(lsoas), dtype="int64"),
        features=feats,
        missing_features=missing,
        polygons=geoms,
        boundary=area.boundary,
    )


def as_units(grid: Any) -> Units:
    """Accept :class:`Units` or a study grid frame from :func:`upstream.area.study_grid`."""
    if isinstance(grid, Units):
        return grid
    if isinstance(grid, pd.DataFrame) and {"cell_id", "x_min", "y_min", "cell_size"} <= set(
        grid.columns
    ):
        return units_from_grid(grid)
    raise TypeError("grid must be Units or a study grid frame (cell_id, x_min, y_min, cell_size)")


# ---- events ---------------------------------------------------------------------------
def _label(frame: pd.DataFrame, definitions: Definitions, types: Sequence[str] | None) -> None:
    target_types = list(types) if types is not None else list(definitions.serious_violence)
    crime = frame["crime_type"].astype("string")
    frame["is_target"] = crime.isin(target_types).fillna(False).to_numpy(dtype=bool)
    frame["harm"] = definitions.harm_weight(crime.astype(object)).to_numpy(dtype="float64")


def street_events(
    store: EventStore,
    definitions: Definitions,
    *,
    crime_types: Sequence[str] | None = None,
    context: bool = True,
    location: bool = False,
) -> pd.DataFrame:
    """police.uk street-level crime from the event store, labelled for forecasting.

    Target events are the serious-violence crime types of ``definitions`` (or
    ``crime_types``); with ``context`` the other crime types come too, marked
    ``is_target = False`` (methods that can use them as context do; the others ignore them).
    With ``location``, police.uk's ``location`` ("On or near Hoe Street") comes too, to
    name streets.
    """
    extra = ", location" if location else ""
    if not store.has("police_uk_street"):
        columns = ["month", "x", "y", "crime_type", "harm", "is_target"]
        return pd.DataFrame(columns=[*columns, "location"] if location else columns)
    frame = store.query(
        f"SELECT month, x, y, crime_type{extra} FROM street WHERE x IS NOT NULL AND y IS NOT NULL"
    )
    frame["month"] = frame["month"].astype(str)
    _label(frame, definitions, crime_types)
    if not context:
        frame = frame[frame["is_target"]].reset_index(drop=True)
    return frame


def incident_events(
    store: EventStore,
    definitions: Definitions,
    *,
    synthetic: bool | None = None,
    crime_types: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Partnership incidents (timestamped) from the event store, labelled for forecasting.

    Read from the store's ``incidents`` view: ``occurred`` is ``occurred_from`` as an exact
    UTC instant (the start of the range the incident happened in), ``month`` its
    Europe/London calendar month, ``crime_type`` the police.uk crime type (``offence``),
    and ``weapon``, ``injury`` and ``synthetic`` as stored. ``is_target`` and ``harm``
    follow ``definitions`` as for police.uk rows. Incidents without a place or a time are
    left out (they cannot be put in a cell or a month).

    Parameters
    ----------
    synthetic
        True for synthetic rows only, False for real rows only, None for both. Results on
        synthetic rows must be labelled so.
    crime_types
        Target crime types instead of the definitions' serious violence.
    """
    cols = [
        "month", "x", "y", "crime_type", "harm", "is_target", "occurred",
        "weapon", "injury", "synthetic",
    ]  # fmt: skip
    if not any(p.source.startswith("incidents_") for p in store.partitions()):
        return pd.DataFrame(columns=cols)
    where = ""
    if synthetic is not None:
        where = f" AND coalesce(synthetic, false) = {'true' if synthetic else 'false'}"
    frame = store.query(
        "SELECT occurred_from AS occurred, offence AS crime_type, x, y, weapon, injury, "
        "coalesce(synthetic, false) AS synthetic FROM incidents "
        "WHERE x IS NOT NULL AND y IS NOT NULL AND occurred_from IS NOT NULL"
        + where
        + " ORDER BY occurred_from, x, y, offence"
    )
    occurred = pd.to_datetime(frame["occurred"], utc=True)
    frame["occurred"] = occurred
    frame["month"] = local_month(occurred)
    _label(frame, definitions, crime_types)
    return frame[cols].reset_index(drop=True)


@dataclass(frozen=True)
class EventsFile:
    """A police.uk file read for forecasting, with what happened to its rows."""

    events: pd.DataFrame
    rows_read: int
    outside_area: int
    unplaced: int
    rejected: int


def read_events_file(
    path: Path,
    area: Area,
    definitions: Definitions,
    *,
    max_rejects: int = 0,
    crime_types: Sequence[str] | None = None,
) -> EventsFile:
    """Read a police.uk street-level CSV or Parquet file, validated as the ingest does.

    The events carry police.uk's ``location`` ("On or near Hoe Street") besides the
    forecasting columns, so plans can name streets
    (:mod:`upstream.analysis.placenames`).

    Raises
    ------
    upstream.ingest.IngestError
        If the file is unusable, or more than ``max_rejects`` rows fail validation (the
        message names the file, line and field of the first).
    """
    from upstream.ingest import IngestError
    from upstream.ingest.files import InputFile, _describe_name
    from upstream.ingest.police_uk import STREET
    from upstream.ingest.tabular import TextReader

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise IngestError(str(path), "--events must be a police.uk CSV or Parquet file")
    if not path.is_file():
        raise IngestError(str(path), "file not found")
    kind, month = _describe_name(path.name)
    if kind not in (None, "street"):
        raise IngestError(str(path), f"a {kind} file holds no street-level crime")

    def opener(p: Path = path) -> Any:
        return p.open("rb")

    inp = InputFile(str(path), suffix[1:], opener, "street", month)
    reader = TextReader(inp, STREET.columns, STREET.optional)
    parts: list[pd.DataFrame] = []
    rejected = []
    rows = outside = unplaced = 0
    for batch in reader.batches():
        rows += batch.num_rows
        cleaned = STREET.clean(batch, inp, reader.unit)
        rejected.extend(cleaned.rejected)
        t = cleaned.table
        lon = np.asarray(t.column("longitude").to_numpy(zero_copy_only=False), "float64")
        lat = np.asarray(t.column("latitude").to_numpy(zero_copy_only=False), "float64")
        placed = place_lonlat(area, lon, lat)
        x, y = placed.x, placed.y
        unplaced += int(placed.unplaced.sum())
        outside += int(placed.outside.sum())
        keep = np.flatnonzero(placed.inside)
        parts.append(
            pd.DataFrame(
                {
                    "month": np.asarray(t.column("month").to_pylist(), dtype=object)[keep],
                    "x": x[keep],
                    "y": y[keep],
                    "crime_type": np.asarray(t.column("crime_type").to_pylist(), dtype=object)[
                        keep
                    ],
                    "location": np.asarray(t.column("location").to_pylist(), dtype=object)[keep],
                }
            )
        )
    rejected = reader.malformed + rejected
    if len(rejected) > max_rejects:
        first = rejected[0]
        raise IngestError(
            str(path),
            f"{len(rejected)} row(s) failed validation; the first: {first.reason}",
            line=first.line,
            field=first.field,
            unit=first.unit,
        )
    frame = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=["month", "x", "y", "crime_type", "location"])
    )
    _label(frame, definitions, crime_types)
    return EventsFile(frame, rows + len(reader.malformed), outside, unplaced, len(rejected))
