"""How concentrated events are across places (grid cells, LSOAs), in numbers and words.

Pure functions: counts per place in, numbers and sentences out. Ties between cells with
the same count break deterministically (count descending, then cell id ascending), so
the same data always name the same busiest cell.

* :func:`concentration` ranks cells and measures the busiest cells' share;
* :func:`top_shares` gives the share of events in the busiest 1%, 5% and 10% of places;
* :func:`lorenz` and :func:`gini` describe the whole distribution: the Lorenz curve plots
  the cumulative share of events against the cumulative share of places (quietest first),
  and the Gini coefficient is one minus twice the area under it (0 when every place has the
  same count, approaching 1 when one place has them all). With fewer events than places
  even a random scatter gives a high Gini, so :func:`gini` also reports the
  Bernasco-Steenbeek (2017) generalised Gini, which measures against the most even spread
  the number of events allows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "BusiestCell",
    "Concentration",
    "GiniResult",
    "concentration",
    "gini",
    "lorenz",
    "reading",
    "top_shares",
]


@dataclass(frozen=True)
class Concentration:
    """Events per study-area cell, ranked, and the share held by the busiest cells.

    Attributes
    ----------
    ranked
        One row per study-area cell (``cell_id``, ``count``), busiest first; ties by
        ``cell_id`` ascending. Cells with no events are included with count 0.
    total
        Events in study-area cells.
    outside
        Events in cells that are not study-area cells (edge cells whose centre lies
        outside the boundary), which the ranking leaves out.
    top_fraction
        The fraction of cells called "the busiest" (0.05 for the busiest 5%).
    top_cells
        How many cells that is: ``ceil(top_fraction * cells)``, at least one.
    top_events
        Events in those cells.
    """

    ranked: pd.DataFrame
    total: int
    outside: int
    top_fraction: float
    top_cells: int
    top_events: int

    @property
    def cells(self) -> int:
        """Number of study-area cells."""
        return len(self.ranked)

    @property
    def top_share(self) -> float:
        """Share of events (0 to 1) held by the busiest cells; 0 when there are none."""
        return self.top_events / self.total if self.total else 0.0

    @property
    def busiest(self) -> tuple[int, int] | None:
        """(cell id, count) of the busiest cell, or None when no cell has an event."""
        if self.total == 0:
            return None
        first = self.ranked.iloc[0]
        return int(first["cell_id"]), int(first["count"])


def concentration(
    counts: pd.Series, study_cells: Sequence[int] | np.ndarray, top_fraction: float = 0.05
) -> Concentration:
    """Rank study-area cells by event count and measure the busiest cells' share.

    Parameters
    ----------
    counts
        Event count per cell, indexed by cell id (cells may repeat; they are summed).
    study_cells
        Ids of every study-area cell (from :func:`upstream.area.study_grid`).
    top_fraction
        Fraction of cells to call the busiest, in (0, 1].

    Returns
    -------
    Concentration
    """
    if not 0 < top_fraction <= 1:
        raise ValueError(f"top_fraction must be in (0, 1], got {top_fraction}")
    cells = pd.Index(np.asarray(study_cells, dtype="int64"), name="cell_id").unique()
    summed = counts.groupby(level=0).sum().astype("int64")
    summed.index = summed.index.astype("int64")
    inside = summed.reindex(cells, fill_value=0)
    outside = int(summed[~summed.index.isin(cells)].sum())
    ranked = (
        pd.DataFrame({"cell_id": cells.to_numpy(), "count": inside.to_numpy()})
        .sort_values(["count", "cell_id"], ascending=[False, True], kind="mergesort")
        .reset_index(drop=True)
    )
    # round() first so 0.05 * 620 (31.000000000000004 in floating point) gives 31, not 32
    top_cells = max(1, math.ceil(round(top_fraction * len(ranked), 9))) if len(ranked) else 0
    return Concentration(
        ranked=ranked,
        total=int(ranked["count"].sum()),
        outside=outside,
        top_fraction=top_fraction,
        top_cells=top_cells,
        top_events=int(ranked["count"].iloc[:top_cells].sum()),
    )


@dataclass(frozen=True)
class BusiestCell:
    """Where the busiest cell is, in words people recognise."""

    x_centre: float
    y_centre: float
    lsoa_name: str | None = None
    location: str | None = None
    """The police.uk location text most often recorded for events in the cell."""


def _pct(share: float) -> str:
    return f"{share * 100:.1f}%"


def reading(
    result: Concentration,
    *,
    area_name: str,
    first_month: str,
    last_month: str,
    recorded: int,
    cell_size: int,
    what: str = "serious-violence crimes",
    busiest: BusiestCell | None = None,
) -> str:
    """One plain-English paragraph describing ``result``.

    Parameters
    ----------
    recorded
        Events of this kind stored for the period (normally ``total + outside``).
    """
    period = (
        f"In {first_month}"
        if first_month == last_month
        else f"Between {first_month} and {last_month}"
    )
    if recorded == 0:
        return f"{period}, no {what} were recorded in {area_name}."
    opening = f"{period}, {recorded:,} {what} were recorded in {area_name}."
    if result.total == 0 or result.cells == 0:
        return f"{opening} None fell in the {cell_size} m grid cells of the study area."
    pct = round(result.top_fraction * 100, 6)
    pct_label = f"{pct:g}%"
    of_what = "of them"
    if result.outside:
        of_what = (
            f"of the {result.total:,} in study-area cells ({result.outside:,} more fell in "
            "edge cells whose centre lies outside the boundary)"
        )
    held = (
        f"The busiest {pct_label} of {cell_size} m cells ({result.top_cells:,} of "
        f"{result.cells:,}) held {_pct(result.top_share)} {of_what}"
    )
    _, count = result.busiest or (0, 0)
    where = ""
    if busiest is not None:  # place names first; the grid reference for analysts last
        if busiest.location:
            where += f', most often recorded as "{busiest.location}"'
        if busiest.lsoa_name:
            where += f" in LSOA {busiest.lsoa_name}"
        grid = f"E {busiest.x_centre:,.0f} N {busiest.y_centre:,.0f}"
        where += f" (grid reference {grid}),"
    noun = what if count != 1 else what.rstrip("s")
    return f"{opening} {held}; the busiest cell{where} had {count:,} {noun}."


def top_shares(
    counts: pd.Series | np.ndarray, fractions: Sequence[float] = (0.01, 0.05, 0.1)
) -> pd.DataFrame:
    """Share of events in the busiest ``fraction`` of places, for each fraction.

    Returns
    -------
    pandas.DataFrame
        One row per fraction: ``fraction``, ``places`` (``ceil(fraction * n)``, at least
        one), ``events`` and ``share`` (0 to 1; 0 when there are no events).
    """
    values = np.sort(np.asarray(counts, dtype="float64"))[::-1]
    total = float(values.sum())
    rows = []
    for f in fractions:
        if not 0 < f <= 1:
            raise ValueError(f"fractions must be in (0, 1], got {f}")
        k = max(1, math.ceil(round(f * len(values), 9))) if len(values) else 0
        events = float(values[:k].sum())
        rows.append((f, k, events, events / total if total else 0.0))
    return pd.DataFrame(rows, columns=["fraction", "places", "events", "share"])


def lorenz(counts: pd.Series | np.ndarray) -> pd.DataFrame:
    """The Lorenz curve: places sorted quietest first, cumulative shares of places and events.

    Returns
    -------
    pandas.DataFrame
        ``place_share`` and ``event_share``, starting at (0, 0) and ending at (1, 1).
    """
    values = np.sort(np.asarray(counts, dtype="float64"))
    n = len(values)
    total = values.sum()
    place = np.arange(n + 1) / n if n else np.array([0.0])
    cum = np.concatenate([[0.0], np.cumsum(values)])
    event = cum / total if total else np.zeros(n + 1)
    return pd.DataFrame({"place_share": place, "event_share": event})


@dataclass(frozen=True)
class GiniResult:
    """Gini coefficient of events across places, plain and generalised."""

    gini: float
    generalised: float
    places: int
    events: int


def gini(counts: pd.Series | np.ndarray) -> GiniResult:
    """Gini coefficient of a count per place (and the generalised Gini for sparse events).

    ``gini = sum_i sum_j |x_i - x_j| / (2 n^2 mean)``, equal to one minus twice the area
    under the Lorenz curve. The generalised Gini (after Bernasco and Steenbeek 2017,
    *Journal of Quantitative Criminology* 33) rescales it so that 0 is the most even spread
    the number of events allows (``min(n, events)`` places with events, as equal as
    possible) and 1 stays "one place has every event".
    """
    values = np.sort(np.asarray(counts, dtype="float64"))
    n = len(values)
    total = float(values.sum())
    if n == 0 or total == 0:
        return GiniResult(float("nan"), float("nan"), n, int(total))
    ranks = np.arange(1, n + 1)
    # sum over ordered pairs of |x_i - x_j| = 2 * sum_i (2i - n - 1) x_(i)
    g = float((2 * ranks - n - 1) @ values / (n * total))
    m = min(n, int(total))
    # the most even spread: m places with events (as equal as possible), n - m with none
    even = np.zeros(n)
    share, extra = divmod(int(total), m)
    even[n - m :] = share
    even[n - extra :] += 1
    g_min = float((2 * ranks - n - 1) @ np.sort(even) / (n * total))
    g_max = (n - 1) / n  # every event in one place
    generalised = (g - g_min) / (g_max - g_min) if g_max > g_min else float("nan")
    return GiniResult(g, max(0.0, generalised), n, int(total))
