"""Weighted estimates from the resident survey, with design-based intervals.

For one question, the estimate is the weighted share of respondents who gave one of the
answers its measure counts (e.g. *very* or *fairly worried*), among those who answered
(``dont_know`` is an answer; not asked is not)::

    p = sum(w * y) / sum(w)

Weights make the sample stand for the residents but cost precision. The *Kish effective
sample size* ``n_eff = (sum w)^2 / sum(w^2)`` is the number of unweighted respondents that
would give the same precision; the 95% interval is Wilson's score interval at ``n_eff``
(it stays inside 0-100% and behaves for small shares). The linearised (Taylor) standard
error of the ratio, ``sqrt(n / (n - 1) * sum(w^2 (y - p)^2)) / sum(w)``, is given beside it
as a check: it is what survey packages report for a single-stage design without strata
(for a subgroup, as a domain of the wave's whole sample).

A subgroup with fewer than :data:`MIN_BASE` respondents, or an effective sample below it,
is flagged ``small``: its interval is too wide to read and the web page withholds it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

from upstream.account.survey.schema import GROUPS, question

__all__ = [
    "BY",
    "MIN_BASE",
    "Estimate",
    "estimate_table",
    "kish_n_eff",
    "weighted_proportion",
    "wilson",
]

MIN_BASE = 30
"""Respondents (and effective respondents) a subgroup needs before its estimate is read."""
BY = ("area", *GROUPS)
"""What estimates may be broken down by."""
Z95 = float(norm.ppf(0.975))


def kish_n_eff(weights: np.ndarray) -> float:
    """Kish's effective sample size ``(sum w)^2 / sum(w^2)`` (0 for no weights)."""
    w = np.asarray(weights, dtype="float64")
    total = float(w.sum())
    return total * total / float((w * w).sum()) if len(w) else 0.0


def wilson(p: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Wilson's score interval for a share ``p`` of ``n`` (possibly effective) trials."""
    if n <= 0 or math.isnan(p):
        return math.nan, math.nan
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Estimate:
    """A weighted share with its base, effective base and 95% interval."""

    n: int
    n_eff: float
    estimate: float
    ci_low: float
    ci_high: float
    se_kish: float
    se_linear: float
    small: bool


def weighted_proportion(
    counted: np.ndarray, weights: np.ndarray, n_design: int | None = None
) -> Estimate:
    """The weighted share of ``counted`` (booleans) with its design-based interval.

    ``n_design`` is the number of respondents in the whole sample when these are a
    subgroup (a *domain*): the linearised variance's ``n / (n - 1)`` uses it, as survey
    packages do for domain estimates. Default: the respondents given.
    """
    y = np.asarray(counted, dtype="float64")
    w = np.asarray(weights, dtype="float64")
    n = len(w)
    if n == 0:
        nan = math.nan
        return Estimate(0, 0.0, nan, nan, nan, nan, nan, True)
    total = float(w.sum())
    p = float((w * y).sum()) / total
    n_eff = kish_n_eff(w)
    low, high = wilson(p, n_eff)
    se_kish = math.sqrt(p * (1 - p) / n_eff)
    resid = w * (y - p)
    m = n_design or n
    se_linear = math.sqrt(m / (m - 1) * float((resid * resid).sum())) / total if m > 1 else math.nan
    small = n < MIN_BASE or n_eff < MIN_BASE
    return Estimate(n, n_eff, p, low, high, se_kish, se_linear, small)


def estimate_table(
    responses: pd.DataFrame,
    questions: Sequence[str],
    *,
    by: str | None = None,
    waves: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Estimates per question, wave and (optionally) subgroup.

    Parameters
    ----------
    responses
        Stored responses (:func:`upstream.account.survey.store.load_responses`).
    questions
        Question names (:data:`~upstream.account.survey.schema.QUESTIONS`).
    by
        A characteristic or ``area`` to break down by (one of :data:`BY`), or None.
    waves
        The waves to keep (default: all).

    Returns
    -------
    pandas.DataFrame
        ``question``, ``measure``, ``wave``, ``by``, ``group``, then the fields of
        :class:`Estimate`; ``group`` is ``all`` without ``by``.
    """
    if by is not None and by not in BY:
        raise ValueError(f"by: {by!r} is not one of {', '.join(BY)}")
    frame = responses if waves is None else responses[responses["wave"].isin(waves)]
    rows = []
    for name in questions:
        q = question(name)
        answered = frame[frame[name].notna()]
        keys = ["wave"] if by is None else ["wave", by]
        in_wave = answered.groupby("wave").size().to_dict()
        for key, part in answered.groupby(keys, sort=True):
            wave, group = (key[0], "all") if by is None else key
            est = weighted_proportion(
                part[name].isin(q.counted).to_numpy(),
                part["weight"].to_numpy(),
                int(in_wave[wave]),
            )
            rows.append(
                {
                    "question": name,
                    "measure": q.measure,
                    "wave": str(wave),
                    "by": by or "all",
                    "group": str(group),
                }
                | asdict(est)
            )
    columns = ["question", "measure", "wave", "by", "group", *Estimate.__dataclass_fields__]
    return pd.DataFrame(rows, columns=columns)
