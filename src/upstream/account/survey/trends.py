"""Change across survey waves, with tests that use the effective sample sizes.

Waves are independent samples, so the variance of a difference between two waves' shares
is the sum of their variances, each ``p (1 - p) / n_eff`` (Kish). Two readings per
question:

* **change**: latest wave against the one before and against the first, with a 95%
  interval for the difference in percentage points and a two-sided z-test;
* **trend**: the weighted least-squares line through every wave's share (weights the
  inverse of each wave's variance, waves placed by calendar quarter so gaps count), with
  the slope per year, its 95% interval and a z-test of no trend. The variances are known
  from the design, so the slope's standard error is not rescaled by the residuals.

A change is only called when its interval excludes zero (p < 0.05); otherwise the reading
says no clear change.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

from upstream.account.survey.estimates import Z95, estimate_table

__all__ = ["Change", "Trend", "change", "quarter_index", "question_trends", "trend"]


def quarter_index(wave: str) -> int:
    """``'2025Q3'`` -> a running quarter number, so waves a year apart are 4 apart."""
    return int(wave[:4]) * 4 + int(wave[5]) - 1


@dataclass(frozen=True)
class Change:
    """The difference between two waves' shares (later minus earlier)."""

    start: str
    end: str
    difference: float
    ci_low: float
    ci_high: float
    z: float
    p_value: float


@dataclass(frozen=True)
class Trend:
    """The straight-line trend across waves: change per year in the share."""

    waves: int
    slope_per_year: float
    ci_low: float
    ci_high: float
    z: float
    p_value: float


def _p(z: float) -> float:
    return float(2 * norm.sf(abs(z))) if not math.isnan(z) else math.nan


def change(p1: float, se1: float, p2: float, se2: float, start: str = "", end: str = "") -> Change:
    """The change from share ``p1`` (standard error ``se1``) to ``p2`` with its test."""
    diff = p2 - p1
    se = math.sqrt(se1 * se1 + se2 * se2)
    z = diff / se if se > 0 else math.nan
    return Change(start, end, diff, diff - Z95 * se, diff + Z95 * se, z, _p(z))


def trend(waves: Sequence[str], shares: Sequence[float], ses: Sequence[float]) -> Trend | None:
    """The inverse-variance weighted line through the waves' shares (None under 3 waves)."""
    if len(waves) < 3:
        return None
    x = np.array([quarter_index(w) for w in waves], dtype="float64") / 4.0  # years
    y = np.asarray(shares, dtype="float64")
    w = 1.0 / np.square(np.asarray(ses, dtype="float64"))
    xbar = float((w * x).sum() / w.sum())
    ybar = float((w * y).sum() / w.sum())
    sxx = float((w * (x - xbar) ** 2).sum())
    slope = float((w * (x - xbar) * (y - ybar)).sum()) / sxx
    se = math.sqrt(1.0 / sxx)
    z = slope / se
    return Trend(len(waves), slope, slope - Z95 * se, slope + Z95 * se, z, _p(z))


def question_trends(responses: pd.DataFrame, questions: Sequence[str]) -> pd.DataFrame:
    """Per question: latest share, change on the previous and first wave, and trend.

    Returns one row per question with at least two waves: ``question``, ``first``,
    ``previous``, ``latest`` (waves), ``estimate`` (latest), ``change_previous``,
    ``change_previous_low/high``, ``p_previous``, ``change_first``, ``change_first_low/high``,
    ``p_first``, ``slope_per_year``, ``slope_low/high``, ``p_trend`` (NaN under 3 waves).
    """
    table = estimate_table(responses, questions)
    rows = []
    for name, part in table.groupby("question", sort=False):
        part = part.sort_values("wave", key=lambda s: s.map(quarter_index))
        if len(part) < 2:
            continue
        last, prev, first = part.iloc[-1], part.iloc[-2], part.iloc[0]
        cp = change(prev.estimate, prev.se_kish, last.estimate, last.se_kish, prev.wave, last.wave)
        cf = change(
            first.estimate, first.se_kish, last.estimate, last.se_kish, first.wave, last.wave
        )
        tr = trend(list(part["wave"]), list(part["estimate"]), list(part["se_kish"]))
        nan = math.nan
        rows.append(
            {
                "question": name,
                "first": first.wave,
                "previous": prev.wave,
                "latest": last.wave,
                "estimate": last.estimate,
                "change_previous": cp.difference,
                "change_previous_low": cp.ci_low,
                "change_previous_high": cp.ci_high,
                "p_previous": cp.p_value,
                "change_first": cf.difference,
                "change_first_low": cf.ci_low,
                "change_first_high": cf.ci_high,
                "p_first": cf.p_value,
                "slope_per_year": tr.slope_per_year if tr else nan,
                "slope_low": tr.ci_low if tr else nan,
                "slope_high": tr.ci_high if tr else nan,
                "p_trend": tr.p_value if tr else nan,
            }
        )
    return pd.DataFrame(rows)
