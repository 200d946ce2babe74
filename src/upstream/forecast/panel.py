"""Crime counted per area and month, turned into what the forecasters take.

Some published crime data come as counts, not as one row per crime: the Metropolitan
Police's recorded crime per ward (April 2010 onwards, all London) and per 2021 LSOA (March
2024 onwards), by crime category. The forecasters of :mod:`upstream.forecast` learn from
*events* (one row per crime with ``month``, ``x``, ``y`` and ``is_target``), so these
helpers turn a count table into events without changing a single count:

* :func:`complete_panel` adds up the counts per area and month into a target count (the
  serious-violence categories) and a context count (every other category), and puts back
  the area-months a file leaves out because nothing was recorded (as zeros);
* :func:`pseudo_events` writes one event per counted crime, placed at one point standing
  for its area and dated to its month only. Binning those events by area and month gives
  back exactly the counts of the table, so every count-based method sees the same numbers;
  only methods that look at where inside an area crimes fell (kernel density, prospective
  hot-spotting, the point process) are affected, because every crime of an area sits on
  the same point;
* :func:`isolated_units` makes spatial units for areas we have no boundaries for (London
  wards): equal-sized squares far apart from each other, so no area counts as another's
  neighbour and "share of the area" means "share of the areas";
* :func:`first_context_month` says how far back the LightGBM model's context features can
  look, so context events older than that can be left out to save memory.

All functions are pure: they read nothing but their arguments. The 2021 LSOAs of the MPS
LSOA series are :func:`upstream.forecast.data.lsoa_units` with ``vintage=2021``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from upstream.area.grid import CELL_ID_FACTOR, cell_id
from upstream.forecast.data import Units
from upstream.forecast.features import RINGS
from upstream.vocab import month_index

__all__ = [
    "MPS_SERIOUS_VIOLENCE",
    "complete_panel",
    "first_context_month",
    "isolated_units",
    "month_range",
    "pseudo_events",
]

MPS_SERIOUS_VIOLENCE: tuple[str, ...] = (
    "VIOLENCE AGAINST THE PERSON",
    "ROBBERY",
    "POSSESSION OF WEAPONS",
)
"""MPS major crime categories closest to the definitions' police.uk serious-violence types.

police.uk's "Violence and sexual offences", "Robbery" and "Possession of weapons" map to
the MPS majors VIOLENCE AGAINST THE PERSON, ROBBERY and POSSESSION OF WEAPONS. police.uk's
first type also holds sexual offences; the MPS publishes those as a separate major
category at ward level and not at all at LSOA level, so they are left out everywhere.
"""

_ISOLATION = float(np.ceil(2 * RINGS[-1][1]))
"""Spacing of :func:`isolated_units`, in cell sizes: twice the outermost feature ring."""


def month_range(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` inclusive, as ``YYYY-MM``.

    Parameters
    ----------
    first, last
        Months in ``YYYY-MM`` form.

    Returns
    -------
    list of str
        Consecutive months; empty when ``last`` is before ``first``.
    """
    start, end = month_index(first), month_index(last)
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(start, end + 1)]


def complete_panel(
    frame: pd.DataFrame,
    unit: str,
    target: Sequence[str],
    *,
    category: str = "major_category",
    count: str = "count",
    units: Sequence[str] | None = None,
    months: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Target and context counts for every unit and month, zeros included.

    Parameters
    ----------
    frame
        Long count table: one row per (unit, month, category, ...) with a non-negative
        whole-number ``count``. Rows may be missing where nothing was recorded.
    unit
        Column naming the area (e.g. ``"ward_code"`` or ``"lsoa_code"``).
    target
        Values of ``category`` that are target crimes; every other value is context.
    category
        Column holding the crime category.
    count
        Column holding the count.
    units
        The areas to return, in this order (default: every area in ``frame``, sorted).
        Rows of other areas are dropped.
    months
        The months to return (default: every month from the first to the last in
        ``frame``). Rows of other months are dropped.

    Returns
    -------
    pandas.DataFrame
        Columns ``unit`` (named as given), ``month``, ``target`` and ``context`` (int64),
        one row per area and month, ordered by area (as ``units``) then month.

    Raises
    ------
    ValueError
        If a count is negative, missing or not a whole number, or a month is not
        ``YYYY-MM``.
    """
    values = pd.to_numeric(frame[count], errors="coerce").to_numpy(dtype="float64")
    if np.isnan(values).any() or (values < 0).any() or (values != np.round(values)).any():
        raise ValueError(f"column {count!r} must hold non-negative whole numbers")
    month_text = frame["month"].astype(str)
    if months is None:
        present = sorted(set(month_text))
        months = month_range(present[0], present[-1]) if present else []
    months = list(months)
    for m in months:
        month_index(m)  # refuses anything but YYYY-MM
    if units is None:
        units = sorted(set(frame[unit].astype(str)))
    units = list(units)
    # position of each row's unit and month in the lists asked for (-1: not asked for)
    u_pos = pd.Index(units).get_indexer(pd.Index(frame[unit].astype(str))).astype("int64")
    m_pos = pd.Index(months).get_indexer(pd.Index(month_text)).astype("int64")
    keep = (u_pos >= 0) & (m_pos >= 0)
    is_target = frame[category].astype(str).isin(list(target)).to_numpy(dtype=bool)
    cell = u_pos * len(months) + m_pos
    size = len(units) * len(months)
    tgt = np.bincount(cell[keep & is_target], values[keep & is_target], minlength=size)
    ctx = np.bincount(cell[keep & ~is_target], values[keep & ~is_target], minlength=size)
    return pd.DataFrame(
        {
            unit: np.repeat(np.asarray(units, dtype=object), len(months)),
            "month": np.tile(np.asarray(months, dtype=object), len(units)),
            "target": np.round(tgt).astype("int64"),
            "context": np.round(ctx).astype("int64"),
        }
    )


def pseudo_events(
    panel: pd.DataFrame,
    unit: str,
    x: pd.Series,
    y: pd.Series,
    *,
    context: bool = True,
    context_from: str | None = None,
) -> pd.DataFrame:
    """One event per counted crime, at its area's point, dated to its month.

    Parameters
    ----------
    panel
        From :func:`complete_panel`: ``unit``, ``month``, ``target``, ``context``.
    unit
        The column naming the area.
    x, y
        The point standing for each area (BNG metres), indexed by area.
    context
        Also write the context crimes (``is_target`` False).
    context_from
        First month (``YYYY-MM``) whose context crimes are written; earlier ones are left
        out (see :func:`first_context_month`). None: all of them.

    Returns
    -------
    pandas.DataFrame
        Columns ``month``, ``x``, ``y``, ``is_target``: first every target crime, then
        every context crime, each block in the order of ``panel``. No exact times, so
        methods place each event at mid-month, as for police.uk data.

    Raises
    ------
    KeyError
        If an area of ``panel`` has no point in ``x`` or ``y``.
    """
    codes = panel[unit].astype(str)
    missing = sorted(set(codes) - set(x.index.astype(str)) | set(codes) - set(y.index.astype(str)))
    if missing:
        raise KeyError(f"no point for {len(missing)} area(s), e.g. {missing[0]!r}")
    px = x.set_axis(x.index.astype(str)).reindex(codes).to_numpy(dtype="float64")
    py = y.set_axis(y.index.astype(str)).reindex(codes).to_numpy(dtype="float64")
    month = panel["month"].astype(str).to_numpy(dtype=object)
    blocks = [(panel["target"].to_numpy(dtype="int64"), True)]
    if context:
        n_ctx = panel["context"].to_numpy(dtype="int64").copy()
        if context_from is not None:
            start = month_index(context_from)
            before = np.array([month_index(m) < start for m in month], dtype=bool)
            n_ctx[before] = 0
        blocks.append((n_ctx, False))
    parts = []
    for n, flag in blocks:
        parts.append(
            pd.DataFrame(
                {
                    "month": np.repeat(month, n),
                    "x": np.repeat(px, n),
                    "y": np.repeat(py, n),
                    "is_target": np.full(int(n.sum()), flag),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def isolated_units(group: np.ndarray, *, cell_size: float = 100.0) -> Units:
    """Units for areas without geometry: equal squares, far apart, in the given order.

    Unit ``i`` is a square cell of ``cell_size`` metres on a sparse lattice, corners 13
    cell sizes apart (twice the outermost neighbourhood ring of the features). So every
    unit has the same area (coverage is a share of the *units*, and PAI equals hit rate /
    share of units); no unit lies within another's rings (ring features are empty); and a
    point is placed by the grid rule, with no polygons. The coordinates mean nothing.

    Parameters
    ----------
    group
        One integer per unit (e.g. its borough, from 0): the LSOA-level features of
        :mod:`upstream.forecast.features` become features of this group.
    cell_size
        Side of each square in metres (a whole number).

    Returns
    -------
    Units
        ``kind="grid"``, ids ascending in the order given; ``x``, ``y`` the squares'
        centres (use them with :func:`pseudo_events`).
    """
    group = np.asarray(group, dtype="int64")
    size = float(cell_size)
    if size <= 0 or size != round(size):
        raise ValueError("cell_size must be a positive whole number of metres")
    spacing = int(_ISOLATION * size)
    per_column = CELL_ID_FACTOR // spacing - 1  # corners' northings stay below the factor
    i = np.arange(group.size, dtype="int64")
    x_min = (i // per_column) * spacing
    y_min = (i % per_column) * spacing
    return Units(
        kind="grid",
        ids=cell_id(x_min, y_min),
        x=x_min + size / 2,
        y=y_min + size / 2,
        area=np.full(group.size, size * size),
        cell_size=size,
        group=group,
    )


def first_context_month(origin: str, train_months: int, lookback: int = 12) -> str:
    """The earliest month whose context events can change a LightGBM forecast at ``origin``.

    The model trains on the ``train_months`` months up to ``origin``, and its context
    features (``ctx3``, ``ctx12``, ``lsoa_ctx12``, ``ring1_ctx12``) look back at most
    ``lookback`` months before each training month, so context before
    ``origin - train_months - lookback + 1`` is never read. Counts are whole numbers, so
    leaving it out gives exactly the same features and forecast (a test checks this).

    Parameters
    ----------
    origin
        The first (earliest) origin of a backtest, ``YYYY-MM``.
    train_months
        The model's ``train_months``.
    lookback
        The longest context window of the features, in months.
    """
    period = pd.Period(origin, freq="M") - (train_months + lookback - 1)
    return str(period)
