"""Use cases the command line and the web app call: one forecast, one backtest.

Each takes plain inputs (events, the area, settings values) and returns frames; printing
and HTTP stay at the edges.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from upstream.area import Area
from upstream.forecast.backtest import BacktestResult, backtest, rolling_origins
from upstream.forecast.base import ForecastError
from upstream.forecast.data import Units, grid_units, lsoa_units
from upstream.forecast.registry import DEFAULT_METHOD, METHODS, make
from upstream.vocab import month_index

__all__ = ["OUTPUT_COLUMNS", "forecast_cells", "make_units", "run_backtest", "target_months"]

OUTPUT_COLUMNS = ("x_min", "y_min", "cell_size", "score")
"""The columns of ``upstream forecast --out``: the stable command-line contract."""


def target_months(events: pd.DataFrame) -> list[str]:
    """Months that hold target events, in order."""
    if "is_target" in events.columns:
        events = events[events["is_target"].to_numpy(dtype=bool)]
    return sorted(events["month"].astype(str).unique().tolist())


def make_units(area: Area, units: str = "grid", cell_size: int = 150) -> Units:
    """The grid (``cell_size`` metres) or the LSOAs of ``area``, with fixed covariates."""
    if units == "grid":
        return grid_units(area, cell_size)
    if units == "lsoa":
        try:
            return lsoa_units(area)
        except ValueError as exc:
            raise ForecastError(str(exc)) from exc
    raise ForecastError(f"units must be 'grid' or 'lsoa', got {units!r}")


def forecast_cells(
    events: pd.DataFrame,
    area: Area,
    until: str,
    *,
    cell_size: int = 150,
    method: str = DEFAULT_METHOD,
    target: str = "count",
) -> pd.DataFrame:
    """One row per study-area cell (by cell id): ``x_min, y_min, cell_size, score``.

    ``score`` is the expected number of target events (or expected harm) in the cell in
    the month after ``until``.

    Raises
    ------
    ForecastError
        If ``until`` is not a month, or the events hold no data for it (a forecast from
        a month with no data would silently treat it as a month without crime).
    """
    if method not in METHODS:
        raise ForecastError(f"unknown method {method!r}; choose from {', '.join(METHODS)}")
    try:
        last_wanted = month_index(until)
    except ValueError as exc:
        raise ForecastError(f"--until must be a month YYYY-MM, got {until!r}") from exc
    months = target_months(events)
    if not months:
        raise ForecastError("the events hold no serious-violence crimes inside the area")
    if last_wanted > month_index(months[-1]) or last_wanted < month_index(months[0]):
        raise ForecastError(
            f"--until {until} is outside the data, which cover {months[0]} to {months[-1]}"
        )
    units = grid_units(area, cell_size)
    scores = make(method, target=target).fit(events, units, until).predict(1)
    frame = units.frame()
    out = pd.DataFrame(
        {
            "x_min": frame["x_min"].to_numpy(),
            "y_min": frame["y_min"].to_numpy(),
            "cell_size": frame["cell_size"].to_numpy(),
            "score": scores.reindex(frame["cell_id"]).to_numpy(),
        }
    )
    return out


def run_backtest(
    events: pd.DataFrame,
    area: Area,
    *,
    methods: Sequence[str] | None = None,
    last: int = 12,
    units: str = "grid",
    cell_size: int = 150,
    target: str = "count",
    progress: Callable[[int, int], None] | None = None,
) -> BacktestResult:
    """Rolling-origin backtest over the ``last`` months of the events' data.

    ``progress(done, total)``: months tested so far of the total, called before the first
    and after each (for a progress bar).
    """
    names = list(methods) if methods else list(METHODS)
    unknown = [m for m in names if m not in METHODS]
    if unknown:
        raise ForecastError(f"unknown method(s) {unknown}; choose from {', '.join(METHODS)}")
    try:
        origins = rolling_origins(target_months(events), last)
    except ValueError as exc:
        raise ForecastError(str(exc)) from exc
    spatial = make_units(area, units, cell_size)
    if progress is None:
        return backtest(events, spatial, names, origins, target=target)
    report = progress
    done: list[str] = []

    def step(month: str) -> None:
        done.append(month)
        report(len(done), len(origins))

    report(0, len(origins))
    return backtest(events, spatial, names, origins, target=target, progress=step)
