"""The risk a plan covers: next month's forecast per grid cell, weighted to the hours after
school where event times allow.

The forecast comes from :func:`upstream.forecast.service.forecast_cells` (expected
serious-violence crimes per cell, or expected harm). Posts are staffed on school days in the
after-school window (15:00 to 17:30 by default), so where partnership incidents with exact
times exist, each cell's score is scaled by the share of its timed incidents that fell in that
window on a school day:

* the share is counted over the incidents within ``smooth_m`` metres of the cell's centre
  (one cell holds too few), and
* shrunk toward the area-wide share with the weight of ``prior`` incidents,
  ``s = (k + prior * s0) / (n + prior)``, so a cell with few timed incidents keeps about the
  area's share and one with many gets its own.

The score is then the expected number (or harm) in the window on school days next month.
police.uk data carry the month only: without timed incidents the posts use all-day risk,
and :attr:`RiskSurface.note` says so.

**Demand points.** A cell is 150 m across and a post covers 250 m, so placing each cell's
risk at its centre misplaces it by up to 106 m. police.uk records every crime at one of a
fixed set of anonymous map points, and serious violence recurs at the same ones, so each
cell's score is spread over the map points in it in proportion to the serious-violence
crimes recorded at each up to ``until`` (:func:`demand_points`); a cell where none was ever
recorded keeps its score at its centre. The cell totals are unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from upstream.analysis.timing import known_times
from upstream.area import Area, SchoolCalendar, cell_ids
from upstream.forecast.base import ForecastError
from upstream.forecast.service import forecast_cells
from upstream.plan.coverage import PlanError
from upstream.vocab import month_index, month_label

__all__ = [
    "DEFAULT_PLAN_METHOD",
    "DEFAULT_RECURRENCE",
    "DEFAULT_WINDOW",
    "MIN_TIMED",
    "RiskSurface",
    "blend_demand",
    "demand_points",
    "parse_window",
    "recurrence_points",
    "risk_surface",
    "window_mask",
]

DEFAULT_WINDOW = ("15:00", "17:30")
"""The after-school window posts are staffed in, local time."""

DEFAULT_RECURRENCE = 0.0
"""Weight of the recent crimes at each map point in the demand (``--recurrence``): 0 plans
on the forecast alone; 0.5 would be half forecast, half the last 12 months' crimes where
they were recorded. Chosen with :data:`DEFAULT_PLAN_METHOD` and
:data:`upstream.plan.posts.DEFAULT_CORRIDOR` on the validation months 2016-07..2016-12 of
``benchmarks/target.py`` by its pre-stated rule (re-run when rail and Overground stations
joined the area pack and so changed the school journeys)."""

DEFAULT_PLAN_METHOD = "ensemble"
"""The forecast method posts are planned from: the forecast's ensemble (one learned model,
the count, the point process), chosen on the same validation months as
:data:`DEFAULT_RECURRENCE`. The forecast pages keep their own default."""

MIN_TIMED = 30
"""Fewer timed incidents than this give no usable timing: the posts use all-day risk."""

_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class RiskSurface:
    """Risk per study-area cell for the month after ``until``."""

    cells: pd.DataFrame
    """``x_min``, ``y_min``, ``cell_size``, ``x``, ``y`` (the centre), ``all_day`` (the
    forecast) and ``score`` (the risk planned for: ``all_day`` times the cell's window
    share when timed, else ``all_day``)."""
    until: str
    """The last month of data used."""
    target: str
    """``"count"`` (serious-violence crimes) or ``"harm"``."""
    window: tuple[str, str]
    timed: bool
    """True when the scores are weighted to the window on school days."""
    demand: pd.DataFrame
    """``x``, ``y``, ``weight``: the cells' scores spread over the map points where
    serious violence was recorded in them (:func:`demand_points`); what posts cover."""
    note: str
    """How the risk was made, in one or two plain sentences (always shown with a plan)."""
    synthetic: bool = False
    """True when synthetic incidents weighted the risk: the plan must be labelled so."""

    @property
    def month(self) -> str:
        """The month the plan is for (the one after ``until``)."""
        return month_label(month_index(self.until) + 1)


def parse_window(start: str, end: str) -> tuple[int, int]:
    """The window ``HH:MM`` to ``HH:MM`` as minutes after midnight, ``[start, end)``.

    Raises
    ------
    PlanError
        If either is not a time of day, or the window is empty.
    """
    minutes = []
    for label, text in (("start", start), ("end", end)):
        match = _CLOCK.match(str(text).strip())
        if not match:
            raise PlanError(f"the window {label} must be a time HH:MM, got {text!r}")
        minutes.append(int(match.group(1)) * 60 + int(match.group(2)))
    if minutes[1] <= minutes[0]:
        raise PlanError(f"the window {start} to {end} is empty: its end must be after its start")
    return minutes[0], minutes[1]


def window_mask(
    occurred: pd.Series, calendar: SchoolCalendar | None, window: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """For each instant: whether its date is one the calendar covers, and whether it fell
    in ``window`` (minutes after midnight, local time) on a school day."""
    local = known_times(occurred)
    known = local.notna().to_numpy()
    days = pd.Series(local.dt.date, index=local.index)
    covered = np.zeros(len(local), dtype=bool)
    if calendar is not None:
        covered = known & ((days >= calendar.first_day) & (days <= calendar.last_day)).fillna(
            False
        ).to_numpy(dtype=bool)
    hit = np.zeros(len(local), dtype=bool)
    idx = np.flatnonzero(covered)
    if idx.size:
        sub = local.iloc[idx]
        minute = (sub.dt.hour * 60 + sub.dt.minute).to_numpy()
        in_window = (minute >= window[0]) & (minute < window[1])
        assert calendar is not None
        hit[idx] = in_window & calendar.is_school_day(sub)
    return covered, hit


def _timing(
    cells: pd.DataFrame,
    incidents: pd.DataFrame | None,
    calendar: SchoolCalendar | None,
    window: tuple[int, int],
    until: str,
    *,
    target: str,
    smooth_m: float,
    prior: float,
) -> tuple[np.ndarray | None, str, bool]:
    """Per-cell window shares (or None) with the note, and whether synthetic incidents
    gave them."""
    label = f"{_clock(window[0])} to {_clock(window[1])}"
    all_day = (
        "Posts use all-day risk: police.uk data give the month of each crime, not its time, "
        f"so the risk cannot be weighted to school days {label}"
    )
    if incidents is None or incidents.empty:
        return None, all_day + " (no partnership incidents with times in the event store).", False
    if calendar is None:
        return None, all_day + " (the area pack has no school terms).", False
    chosen = incidents[incidents["is_target"].to_numpy(dtype=bool)]
    chosen = chosen[chosen["month"].astype(str).map(month_index) <= month_index(until)]
    covered, hit = window_mask(chosen["occurred"], calendar, window)
    n = int(covered.sum())
    if n < MIN_TIMED:
        return (
            None,
            all_day
            + (
                f" (only {n} timed serious-violence incident(s) up to {until} on dates the "
                f"school calendar covers; at least {MIN_TIMED} are needed)."
            ),
            False,
        )
    weight = chosen["harm"].to_numpy("float64") if target == "harm" else np.ones(len(chosen))
    weight = np.where(covered, weight, 0.0)
    x = chosen["x"].to_numpy("float64")
    y = chosen["y"].to_numpy("float64")
    share0 = float(weight[hit].sum() / weight.sum()) if weight.sum() > 0 else 0.0
    tree = cKDTree(np.column_stack([x, y]))
    near = tree.query_ball_point(
        np.column_stack([cells["x"].to_numpy(), cells["y"].to_numpy()]), r=smooth_m
    )
    k = np.array([weight[i][hit[i]].sum() if i else 0.0 for i in near], dtype="float64")
    total = np.array([weight[i].sum() if i else 0.0 for i in near], dtype="float64")
    scale = prior * (weight[covered].mean() if covered.any() else 1.0)
    share = (k + scale * share0) / (total + scale)
    synthetic = "synthetic" in chosen and bool(chosen["synthetic"].astype(bool)[covered].any())
    source = (
        "synthetic partnership incidents (demonstration only)"
        if synthetic
        else ("partnership incidents")
    )
    note = (
        f"Risk weighted to school days {label}: {share0:.0%} of {n:,} timed serious-violence "
        f"{source} fell in that window on a school day. Each cell's forecast is scaled by the "
        f"share within {smooth_m:,.0f} m of it, shrunk toward the area's share with the weight "
        f"of {prior:g} incidents, so scores are expected "
        f"{'harm' if target == 'harm' else 'crimes'} in the window on school days next month."
    )
    return share, note, synthetic


def demand_points(cells: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Each cell's ``score`` spread over the points where ``events`` lie in it.

    Parameters
    ----------
    cells
        ``x_min``, ``y_min``, ``cell_size``, ``x``, ``y`` (centre) and ``score``.
    events
        Past events (``x``, ``y``) whose places share out each cell's score: a point gets
        the share of the cell's events recorded at it. Cells holding none keep their score
        at their centre.

    Returns
    -------
    pandas.DataFrame
        ``x``, ``y``, ``weight``; the weights of each cell sum to its score.
    """
    size = int(cells["cell_size"].iloc[0]) if len(cells) else 150
    cell_of = cell_ids(cells["x_min"].to_numpy(), cells["y_min"].to_numpy(), size)
    score = pd.Series(cells["score"].to_numpy("float64"), index=cell_of)
    points = events.groupby(["x", "y"]).size().rename("n").reset_index()
    points["cell"] = cell_ids(points["x"].to_numpy(), points["y"].to_numpy(), size)
    points = points[points["cell"].isin(score.index)]
    per_cell = points.groupby("cell")["n"].sum()
    points = points.assign(
        weight=points["cell"].map(score) * points["n"] / points["cell"].map(per_cell)
    )
    empty = ~np.isin(cell_of, per_cell.index.to_numpy())
    centres = pd.DataFrame(
        {"x": cells["x"].to_numpy()[empty], "y": cells["y"].to_numpy()[empty],
         "weight": score.to_numpy()[empty]}
    )  # fmt: skip
    out = pd.concat([points[["x", "y", "weight"]], centres], ignore_index=True)
    return out.sort_values(["x", "y"], kind="mergesort").reset_index(drop=True)


def recurrence_points(
    events: pd.DataFrame, until: str, *, months: int = 12, target: str = "count"
) -> pd.DataFrame:
    """Mean monthly serious violence at each map point over the last ``months`` months.

    Parameters
    ----------
    events
        Serious-violence events (``month``, ``x``, ``y``; ``harm`` with ``target="harm"``).
    until
        The last month counted; the window is the ``months`` months up to it, or fewer
        where the events start later (the mean is over the months the window holds).

    Returns
    -------
    pandas.DataFrame
        ``x``, ``y``, ``weight`` (crimes, or harm, per month), sorted by ``x`` then ``y``.
    """
    if not len(events):
        return pd.DataFrame({"x": [], "y": [], "weight": []})
    month = events["month"].astype(str).map(month_index)
    last = month_index(until)
    first = max(last - months + 1, int(month.min()))
    rows = events[((month >= first) & (month <= last)).to_numpy()]
    weight = rows["harm"].to_numpy("float64") if target == "harm" else np.ones(len(rows))
    span = max(last - first + 1, 1)
    out = rows[["x", "y"]].assign(weight=weight / span).groupby(["x", "y"], as_index=False).sum()
    return out.sort_values(["x", "y"], kind="mergesort").reset_index(drop=True)


def _check_recurrence(weight: float) -> None:
    if not 0.0 <= weight <= 1.0:
        raise PlanError(f"--recurrence must be between 0 and 1, got {weight:g}")


def blend_demand(
    demand: pd.DataFrame,
    recent: pd.DataFrame,
    cells: pd.DataFrame,
    share: np.ndarray | None,
    weight: float,
) -> pd.DataFrame:
    """``(1 - weight) * demand + weight * recent``, point by point.

    ``recent`` points outside the study cells are dropped; with ``share`` (each cell's
    window share, in the order of ``cells``) a point's recent weight is scaled by its
    cell's. ``weight`` 0 gives ``demand`` unchanged; 1 gives the recent weights alone.
    """
    _check_recurrence(weight)
    if weight == 0.0 or not len(cells):
        return demand
    size = int(cells["cell_size"].iloc[0])
    cell_of = cell_ids(cells["x_min"].to_numpy(), cells["y_min"].to_numpy(), size)
    factor = pd.Series(share if share is not None else np.ones(len(cells)), index=cell_of)
    where = cell_ids(recent["x"].to_numpy(), recent["y"].to_numpy(), size)
    scale = pd.Series(where).map(factor).to_numpy("float64")
    inside = ~np.isnan(scale)
    parts = [
        demand.assign(weight=demand["weight"] * (1.0 - weight)),
        recent[inside].assign(weight=recent["weight"].to_numpy()[inside] * scale[inside] * weight),
    ]
    out = pd.concat(parts, ignore_index=True).groupby(["x", "y"], as_index=False)["weight"].sum()
    return out.sort_values(["x", "y"], kind="mergesort").reset_index(drop=True)


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def risk_surface(
    events: pd.DataFrame,
    area: Area,
    until: str,
    *,
    target: str = "count",
    cell_size: int = 150,
    method: str = DEFAULT_PLAN_METHOD,
    incidents: pd.DataFrame | None = None,
    window: tuple[str, str] = DEFAULT_WINDOW,
    smooth_m: float = 500.0,
    prior: float = 20.0,
    recurrence: float = DEFAULT_RECURRENCE,
    recurrence_months: int = 12,
) -> RiskSurface:
    """The risk to plan for in the month after ``until``, one row per study-area cell.

    Parameters
    ----------
    events
        Events as :func:`upstream.forecast.data.read_events_file` gives them.
    incidents
        Timed partnership incidents (:func:`upstream.forecast.data.incident_events`), or
        None: the scores are then all-day risk and the note says so.
    window
        The after-school window, ``("HH:MM", "HH:MM")`` local time.
    smooth_m, prior
        The radius each cell's window share is counted over, and the number of incidents'
        weight given to the area-wide share.
    recurrence, recurrence_months
        The weight (0 to 1) of the recent crimes at each map point in the demand, and how
        many months they are counted over (:func:`blend_demand`); 0 keeps the forecast alone.

    Raises
    ------
    PlanError
        If ``until`` is not a month or lies outside the data, no serious-violence crime
        happened up to it, or the window is empty.
    """
    if target not in ("count", "harm"):
        raise PlanError(f"the target must be 'count' or 'harm', got {target!r}")
    minutes = parse_window(*window)
    _check_recurrence(recurrence)
    try:
        last = month_index(until)
    except ValueError as exc:
        raise PlanError(f"--until must be a month YYYY-MM, got {until!r}") from exc
    target_rows = events[events["is_target"].to_numpy(dtype=bool)] if len(events) else events
    if not len(target_rows) or min(target_rows["month"].astype(str).map(month_index)) > last:
        raise PlanError(
            f"no serious-violence crimes inside the area up to --until {until}: "
            "nothing to plan from"
        )
    try:
        cells = forecast_cells(
            events, area, until, cell_size=cell_size, method=method, target=target
        )
    except ForecastError as exc:
        raise PlanError(str(exc)) from exc
    cells = cells.assign(
        x=cells["x_min"] + cells["cell_size"] / 2,
        y=cells["y_min"] + cells["cell_size"] / 2,
        all_day=cells["score"].clip(lower=0.0),
    )
    share, note, synthetic = _timing(
        cells,
        incidents,
        area.calendar,
        minutes,
        until,
        target=target,
        smooth_m=smooth_m,
        prior=prior,
    )
    cells["score"] = cells["all_day"] * share if share is not None else cells["all_day"]
    past = target_rows[target_rows["month"].astype(str).map(month_index) <= last]
    if recurrence > 0:
        note += (
            f" Demand blends the forecast ({1 - recurrence:.0%}) with the crimes recorded at "
            f"each map point in the last {recurrence_months} months ({recurrence:.0%})."
        )
    demand = blend_demand(
        demand_points(cells, past),
        recurrence_points(past, until, months=recurrence_months, target=target),
        cells,
        share,
        recurrence,
    )
    return RiskSurface(
        cells=cells[["x_min", "y_min", "cell_size", "x", "y", "all_day", "score"]],
        until=until,
        target=target,
        window=(_clock(minutes[0]), _clock(minutes[1])),
        timed=share is not None,
        note=note,
        demand=demand,
        synthetic=synthetic,
    )
