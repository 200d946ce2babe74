"""Where risk is changing: emerging hot spots of serious violence on the study grid.

A window of months ending at ``until`` is cut into time slices (months, or blocks of three
months counted back from ``until``); the serious-violence events of each slice are counted
per grid cell, and :mod:`upstream.analysis.emergingstats` gives each cell a Gi* z-score per
slice, hot and cold spots under false-discovery-rate control, the Mann-Kendall trend of
its z-scores and a category (new, consecutive, intensifying, persistent, diminishing,
sporadic, oscillating, historical, no pattern), so planners see places getting worse
before they top the counts.

The default cell is 250 m, not the 150 m of the forecast. Waltham Forest's ~585
serious-violence crimes a month leave four in five 150 m cells empty in a month (0.34 a
cell on average; 0.93 at 250 m), and the analytical Gi* test leans towards calling hot
spots when counts are that small: with each month's real total scattered at random over
the real grid (no hot spot exists), 150 m cells gave 1.9 cells called hot a month and 2.5
cells a falsely categorised pattern per run, 250 m cells 0.37 and 0.4
(``benchmarks/emerging.py``, 10 runs each). Larger cells blur places; 250 m keeps a
square a planner can walk (the Gi* neighbourhood is 750 m across).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from upstream.analysis.emergingstats import (
    CATEGORIES,
    CATEGORY_LABELS,
    categorise,
    category_reason,
    gi_star_z,
    hot_cold,
    trend_tests,
)
from upstream.analysis.hotspots import grid_weights
from upstream.analysis.placenames import name_cells
from upstream.area import Area, cell_corners, cell_ids, inside_mask, study_grid
from upstream.vocab import is_month, month_index, month_label

__all__ = [
    "DEFAULT_CELL",
    "MIN_SLICES",
    "SLICE_MONTHS",
    "EmergingError",
    "EmergingHotSpots",
    "TimeSlices",
    "emerging_from_counts",
    "emerging_hot_spots",
    "slice_counts",
    "summary",
    "time_slices",
]

DEFAULT_CELL = 250
"""Cell size in metres (see the module's note on sparse counts)."""
MIN_SLICES = 6
"""Fewest slices for a trend: with 5 the smallest Mann-Kendall p-value is 0.028 (6: 0.009)."""
SLICE_MONTHS = {"month": 1, "quarter": 3}
"""Months per time slice, by the name of the slice."""


class EmergingError(ValueError):
    """An emerging hot-spot analysis that cannot be run (bad window, too few slices...)."""


@dataclass(frozen=True)
class TimeSlices:
    """The time slices of an analysis, oldest first.

    Attributes
    ----------
    unit
        ``"month"`` or ``"quarter"`` (three consecutive months counted back from the last).
    months
        The ``YYYY-MM`` months of each slice.
    before_data
        Months of the requested window before the data begin (left out).
    partial
        Months at the start too few to make a whole quarter (left out).
    """

    unit: str
    months: tuple[tuple[str, ...], ...]
    before_data: tuple[str, ...] = ()
    partial: tuple[str, ...] = ()

    @property
    def labels(self) -> tuple[str, ...]:
        """``2017-12`` for a month, ``2017-10..2017-12`` for a quarter."""
        return tuple(m[0] if len(m) == 1 else f"{m[0]}..{m[-1]}" for m in self.months)

    @property
    def first(self) -> str:
        return self.months[0][0]

    @property
    def last(self) -> str:
        return self.months[-1][-1]


def time_slices(
    covered: Iterable[str],
    until: str,
    months: int = 24,
    unit: str = "month",
    *,
    min_slices: int = MIN_SLICES,
) -> TimeSlices:
    """The slices of the ``months`` months ending at ``until``, within the months covered.

    Parameters
    ----------
    covered
        The months the data cover (any crime type): a window is trimmed to start at the
        first of them; a month missing inside it is refused (a gap is not "no crime").

    Raises
    ------
    EmergingError
        On a malformed ``until``, an unknown unit, ``until`` outside the data, a gap, or
        fewer than ``min_slices`` slices.
    """
    if not is_month(until):
        raise EmergingError(f"--until must be a month YYYY-MM, got {until!r}")
    if unit not in SLICE_MONTHS:
        raise EmergingError(f"--slice must be month or quarter, got {unit!r}")
    if months < 1:
        raise EmergingError(f"--months must be 1 or more, got {months}")
    have = sorted({str(m) for m in covered})
    if not have:
        raise EmergingError("no events to analyse")
    if until > have[-1] or until < have[0]:
        raise EmergingError(f"--until {until} is outside the data ({have[0]} to {have[-1]})")
    end = month_index(until)
    start = max(end - months + 1, month_index(have[0]))
    window = [month_label(i) for i in range(start, end + 1)]
    missing = sorted(set(window) - set(have))
    if missing:
        raise EmergingError(
            f"the data have no rows for {', '.join(missing)}: a gap is not a month without "
            "crime; choose --until and --months around it"
        )
    step = SLICE_MONTHS[unit]
    n = len(window) // step
    kept = window[len(window) - n * step :]
    before = [month_label(i) for i in range(end - months + 1, start)]
    if n < min_slices:
        raise EmergingError(
            f"only {n} {unit}(s) of data from {window[0]} to {until}; a trend needs at least "
            f"{min_slices} (a longer --months, or --slice month)"
        )
    slices = tuple(tuple(kept[i : i + step]) for i in range(0, len(kept), step))
    partial = window[: len(window) - n * step]
    return TimeSlices(unit, slices, tuple(before), tuple(partial))


def slice_counts(
    events: pd.DataFrame, area: Area, ids: np.ndarray, cell_size: int, slices: TimeSlices
) -> np.ndarray:
    """Target events (``is_target``) per cell (rows, in the order of ``ids``) and slice.

    Only events inside the area's boundary (the placement edge rule) and in a cell of
    ``ids`` and a slice are counted.
    """
    ids = np.asarray(ids, dtype="int64")
    target = events[events["is_target"].astype(bool)]
    which = {m: i for i, months in enumerate(slices.months) for m in months}
    column = target["month"].astype(str).map(which).to_numpy(dtype="float64", na_value=np.nan)
    x = target["x"].to_numpy(dtype="float64")
    y = target["y"].to_numpy(dtype="float64")
    keys = cell_ids(x, y, cell_size)
    row = np.clip(np.searchsorted(ids, keys), 0, max(len(ids) - 1, 0))
    ok = (ids[row] == keys) & np.isfinite(column) & inside_mask(area.boundary, x, y)
    counts = np.zeros((len(ids), len(slices.months)))
    np.add.at(counts, (row[ok], column[ok].astype("int64")), 1.0)
    return counts


@dataclass(frozen=True)
class EmergingHotSpots:
    """The result of an analysis.

    Attributes
    ----------
    cells
        One row per study cell (columns in :func:`emerging_from_counts`, with place names
        and ``reason`` added by :func:`emerging_hot_spots`), most pressing category first.
    z
        Gi* z-scores: index ``cell_id``, one column per slice label.
    status
        +1 hot spot, -1 cold spot, 0 neither, shaped as ``z``.
    slices
        The time slices.
    alpha
        The false-discovery rate of both the hot spots and the trends.
    outside_grid
        Target events of the window inside the area but in an edge cell whose centre is
        outside it (not in the study grid, so not counted).
    """

    cells: pd.DataFrame
    z: pd.DataFrame
    status: pd.DataFrame
    slices: TimeSlices
    alpha: float
    outside_grid: int = 0

    @property
    def cell_size(self) -> int:
        return int(self.cells["cell_size"].iloc[0]) if len(self.cells) else DEFAULT_CELL


def emerging_from_counts(
    counts: np.ndarray, ids: np.ndarray, cell_size: int, *, alpha: float = 0.05
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Categorise every cell from its counts per slice.

    Parameters
    ----------
    counts
        Events per cell (rows, cells in the order of ``ids``) and slice (columns, oldest
        first).
    ids
        Grid cell ids (:func:`upstream.area.cell_ids`) on a grid of ``cell_size`` metres.

    Returns
    -------
    (pandas.DataFrame, numpy.ndarray, numpy.ndarray)
        The cells in the order given: ``cell_id``, ``x_min``, ``y_min``, ``cell_size``,
        ``category``, ``label``, ``trend_tau``, ``trend_s``, ``trend_p``, ``trend_q``,
        ``trend`` (+1, -1, 0), ``slices``, ``slices_hot``, ``slices_cold``, ``final_z``,
        ``events``; then the z-scores and the status (+1 hot, -1 cold, 0) per slice.
    """
    ids = np.asarray(ids, dtype="int64")
    counts = np.asarray(counts, dtype="float64")
    w = grid_weights(ids, cell_size)
    z = gi_star_z(counts, w)
    hot, cold, _ = hot_cold(z, alpha)
    nearby = counts.sum(axis=1) + np.asarray(w.sparse @ counts.sum(axis=1)).ravel()
    trends = trend_tests(z, nearby > 0, alpha)
    x_min, y_min = cell_corners(ids)
    categories = [
        categorise(hot[i], cold[i], int(t)) for i, t in enumerate(trends["trend"].to_numpy())
    ]
    frame = pd.DataFrame(
        {
            "cell_id": ids,
            "x_min": x_min,
            "y_min": y_min,
            "cell_size": int(cell_size),
            "category": categories,
            "label": [CATEGORY_LABELS[c] for c in categories],
        }
    )
    frame = pd.concat([frame, trends], axis=1)
    frame["slices"] = counts.shape[1]
    frame["slices_hot"] = hot.sum(axis=1).astype("int64")
    frame["slices_cold"] = cold.sum(axis=1).astype("int64")
    frame["final_z"] = z[:, -1]
    frame["events"] = counts.sum(axis=1).astype("int64")
    status = hot.astype("int64") - cold.astype("int64")
    return frame, z, status


def _ordered(frame: pd.DataFrame) -> pd.DataFrame:
    """Most pressing category first, then the highest latest z-score, then cell id."""
    rank = {c.name: i for i, c in enumerate(CATEGORIES)}
    key = frame["category"].map(rank)
    order = np.lexsort((frame["cell_id"].to_numpy(), -frame["final_z"].to_numpy(), key))
    return frame.iloc[order].reset_index(drop=True)


def emerging_hot_spots(
    events: pd.DataFrame,
    area: Area,
    until: str,
    *,
    months: int = 24,
    unit: str = "month",
    cell_size: int = DEFAULT_CELL,
    alpha: float = 0.05,
    described: pd.DataFrame | None = None,
) -> EmergingHotSpots:
    """Emerging hot spots of the target events on the study grid of ``area``.

    Parameters
    ----------
    events
        ``month``, ``x``, ``y`` (BNG) and ``is_target`` per event (as
        :func:`upstream.forecast.data.read_events_file` or ``street_events`` give them);
        rows of every crime type say which months the data cover.
    until
        The last month of the window (``YYYY-MM``).
    months, unit
        The window's length in months and the time slice (``month`` or ``quarter``).
    cell_size
        Grid cell size in metres.
    alpha
        False-discovery rate of the hot spots (per slice) and of the trends.
    described
        Crimes with ``x``, ``y`` and police.uk ``location`` to name streets; by default
        the target events themselves when ``events`` has a ``location`` column.

    Raises
    ------
    EmergingError
        See :func:`time_slices`; also when no target event falls in the window.
    """
    if cell_size <= 0:
        raise EmergingError(f"--cell must be a positive number of metres, got {cell_size}")
    slices = time_slices(events["month"].astype(str), until, months, unit)
    ids = study_grid(area, cell_size)["cell_id"].to_numpy(dtype="int64")  # ascending
    counts = slice_counts(events, area, ids, cell_size, slices)
    if not counts.any():
        raise EmergingError(
            f"no serious-violence events inside the area from {slices.first} to {slices.last}"
        )
    frame, z, status = emerging_from_counts(counts, ids, cell_size, alpha=alpha)
    if described is None and "location" in events:
        described = events[events["is_target"].astype(bool) & events["location"].notna()]
    window = {m for months in slices.months for m in months}
    target = events[events["is_target"].astype(bool) & events["month"].astype(str).isin(window)]
    inside = int(inside_mask(area.boundary, target["x"], target["y"]).sum())
    names = name_cells(area, frame["x_min"], frame["y_min"], cell_size, described)
    frame = pd.concat([frame, names[["street", "lsoa_name", "place"]]], axis=1)
    frame["reason"] = [
        category_reason(c, h, n, unit, tau, q)
        for c, h, n, tau, q in zip(
            frame["category"],
            frame["slices_hot"],
            frame["slices"],
            frame["trend_tau"],
            frame["trend_q"],
            strict=True,
        )
    ]
    index = pd.Index(ids, name="cell_id")
    return EmergingHotSpots(
        cells=_ordered(frame),
        z=pd.DataFrame(z, index=index, columns=list(slices.labels)),
        status=pd.DataFrame(status, index=index, columns=list(slices.labels)),
        slices=slices,
        alpha=alpha,
        outside_grid=inside - int(counts.sum()),
    )


def summary(cells: pd.DataFrame) -> pd.DataFrame:
    """Cells and events per category, every category listed (in :data:`CATEGORIES` order)."""
    rows = []
    for category in CATEGORIES:
        these = cells[cells["category"] == category.name]
        rows.append(
            {
                "category": category.name,
                "label": category.label,
                "cells": len(these),
                "events": int(these["events"].sum()),
            }
        )
    return pd.DataFrame(rows)
