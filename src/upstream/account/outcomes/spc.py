"""Statistical process control: u-charts and p-charts with 3-sigma limits and run rules.

A control chart says whether one month's value is within the variation the baseline period
shows, so ordinary month-to-month noise is not read as change (Montgomery, *Introduction to
Statistical Quality Control*, 7th ed., sections 7.2 and 7.3).

* **u-chart** (counts per unit of exposure ``n_i``; for monthly counts ``n_i = 1``): centre
  ``u = sum(c) / sum(n)`` over the baseline, limits ``u +/- 3 sqrt(u / n_i)`` (lower limit
  not below 0).
* **p-chart** (proportions of ``n_i``): centre ``p = sum(x) / sum(n)`` over the baseline,
  limits ``p +/- 3 sqrt(p (1 - p) / n_i)`` within 0 and 1; none for a period with ``n_i = 0``.
* **Disparity ratios**: given both groups' events, the group's share ``s_i`` of them is a
  proportion, so the chart is a p-chart of ``s_i`` drawn on the ratio scale
  (``ratio = s / (1 - s) * scale``).

Run rules, as NHS England's *Making Data Count* applies them to every point:

* ``outside``: a point beyond a 3-sigma limit;
* ``shift``: 7 or more consecutive points on the same side of the centre line;
* ``trend``: 7 or more consecutive points each higher (or each lower) than the one before;
* ``two_of_three``: two of three consecutive points beyond 2 sigma on the same side.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

__all__ = ["RULES", "RUN_LENGTH", "control_chart", "run_rules"]

RUN_LENGTH = 7
RULES = ("outside", "shift", "trend", "two_of_three")


def _flag_runs(condition: NDArray[np.bool_], length: int) -> NDArray[np.bool_]:
    """True for every element of a run of ``length`` or more consecutive True values."""
    out = np.zeros(len(condition), dtype=bool)
    start = None
    for i, value in enumerate([*condition.tolist(), False]):
        if value and start is None:
            start = i
        elif not value and start is not None:
            if i - start >= length:
                out[start:i] = True
            start = None
    return out


def _trend(values: NDArray[np.float64], length: int) -> NDArray[np.bool_]:
    """True for every point of ``length`` or more points each higher (or each lower) than the
    one before (``length - 1`` moves in a row)."""
    out = np.zeros(len(values), dtype=bool)
    moves = np.diff(values)
    for step in (moves > 0, moves < 0):
        run = _flag_runs(step, length - 1)  # move i joins point i and point i + 1
        out[:-1] |= run
        out[1:] |= run
    return out


def run_rules(
    values: NDArray[np.float64], centre: NDArray[np.float64], sigma: NDArray[np.float64]
) -> list[list[str]]:
    """Which run rules each point breaks (``RULES`` names). Points without a value or limit
    (NaN) break none and interrupt runs."""
    v, c, s = (np.asarray(a, dtype="float64") for a in (values, centre, sigma))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(s > 0, (v - c) / s, np.where(v > c, np.inf, np.where(v < c, -np.inf, 0.0)))
    z[~np.isfinite(v) | ~np.isfinite(c)] = np.nan
    known = ~np.isnan(z)
    flags: dict[str, NDArray[np.bool_]] = {"outside": known & (np.abs(z) > 3)}
    above, below = known & (z > 0), known & (z < 0)
    flags["shift"] = _flag_runs(above, RUN_LENGTH) | _flag_runs(below, RUN_LENGTH)
    flags["trend"] = _trend(v, RUN_LENGTH)
    two = np.zeros(len(v), dtype=bool)
    for side in (known & (z > 2), known & (z < -2)):
        for i in range(len(v) - 2):
            window = side[i : i + 3]
            if window.sum() >= 2:
                two[i : i + 3] |= window
    flags["two_of_three"] = two
    return [[rule for rule in RULES if flags[rule][i]] for i in range(len(v))]


def control_chart(
    unit: str,
    frame: pd.DataFrame,
    baseline: NDArray[np.bool_],
    scale: float = 1.0,
    sigmas: float = 3.0,
) -> pd.DataFrame:
    """Centre line, limits and run-rule signals for every period of ``frame``.

    Parameters
    ----------
    unit
        ``count`` (u-chart), ``proportion`` (p-chart) or ``ratio`` (p-chart of the group's
        share, on the ratio scale).
    frame
        ``numerator`` and ``denominator`` per period, in time order.
    baseline
        True for the periods the centre line is estimated from.

    Returns
    -------
    pandas.DataFrame
        ``centre``, ``lcl``, ``ucl`` (on the measure's scale) and ``signals`` (list of rules
        broken), indexed like ``frame``.
    """
    num = frame["numerator"].to_numpy(dtype="float64")
    den = frame["denominator"].to_numpy(dtype="float64")
    base = np.asarray(baseline, dtype=bool)
    if unit == "ratio":  # chart the group's share of both groups' events
        num, den = num, num + den
    total = den[base].sum()
    centre = num[base].sum() / total if total > 0 else np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        y = np.where(den > 0, num / den, np.nan)
        if unit == "count":
            sigma = np.sqrt(centre / den)
        else:
            sigma = np.where(den > 0, np.sqrt(centre * (1 - centre) / den), np.nan)
    lcl = np.maximum(centre - sigmas * sigma, 0.0)
    ucl = centre + sigmas * sigma
    if unit != "count":
        ucl = np.minimum(ucl, 1.0)
    signals = run_rules(y, np.full(len(y), centre), sigma)
    out = pd.DataFrame(
        {"centre": centre, "lcl": lcl, "ucl": ucl, "signals": signals}, index=frame.index
    )
    if unit == "ratio":
        with np.errstate(divide="ignore", invalid="ignore"):
            for column in ("centre", "lcl", "ucl"):
                s = out[column].to_numpy(dtype="float64")
                out[column] = np.where(s < 1, s / (1 - s) * scale, np.inf)
    return out
