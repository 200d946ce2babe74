"""Near repeats: the Knox test of space-time clustering.

After a violent incident, is another one more likely close by *and* soon after than chance
would give? The Knox test (Knox 1964, *Applied Statistics* 13) counts the pairs of events
that are close in both space (within ``metres``) and time (within ``days``). If when and
where things happen were unrelated, that count would be about
``pairs close in space x pairs close in time / all pairs``. The observed count over that
expectation is the **Knox ratio** (1 = no clustering; 2 = twice as many close pairs as
chance). Significance is by Monte Carlo: the event times are shuffled among the events
(keeping places and times as they are, breaking only their link), as in the Near Repeat
Calculator of Ratcliffe (2009). The p-value is ``(1 + shuffles at least as extreme) /
(1 + shuffles)``.

Pairs close in space are found with a k-d tree and pairs close in time by sorting, so the
test runs on tens of thousands of events.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from upstream.formatting import p_equals

__all__ = ["KnoxResult", "knox", "knox_reading"]


@dataclass(frozen=True)
class KnoxResult:
    """Outcome of a Knox test."""

    events: int
    metres: float
    days: float
    pairs: int
    close_in_space: int
    close_in_time: int
    observed: int
    expected: float
    p_value: float
    permutations: int

    @property
    def ratio(self) -> float:
        """Observed over expected close pairs (NaN when none are expected)."""
        return self.observed / self.expected if self.expected > 0 else float("nan")


def _close_in_time(t: np.ndarray, days: float) -> int:
    s = np.sort(t)
    return int((np.searchsorted(s, s + days, side="right") - np.arange(len(s)) - 1).sum())


def knox(
    x: np.ndarray,
    y: np.ndarray,
    t_days: np.ndarray,
    *,
    metres: float = 400.0,
    days: float = 14.0,
    permutations: int = 999,
    seed: int = 0,
) -> KnoxResult:
    """Knox test for events at BNG ``x``, ``y`` (metres) and times ``t_days`` (days).

    Two events are close in space when their distance is at most ``metres``, and close in
    time when their times differ by at most ``days``. Events with a missing coordinate or
    time are left out (the caller reports how many).
    """
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    t = np.asarray(t_days, dtype="float64")
    ok = np.isfinite(x) & np.isfinite(y) & np.isfinite(t)
    x, y, t = x[ok], y[ok], t[ok]
    n = len(t)
    pairs = n * (n - 1) // 2
    if n < 2:
        return KnoxResult(n, metres, days, 0, 0, 0, 0, float("nan"), 1.0, permutations)
    space = cKDTree(np.column_stack([x, y])).query_pairs(metres, output_type="ndarray")
    i, j = space[:, 0], space[:, 1]
    n_time = _close_in_time(t, days)
    observed = int((np.abs(t[i] - t[j]) <= days).sum())
    expected = len(i) * n_time / pairs
    rng = np.random.default_rng(seed)
    at_least = 0
    for _ in range(permutations):
        shuffled = rng.permutation(t)
        if int((np.abs(shuffled[i] - shuffled[j]) <= days).sum()) >= observed:
            at_least += 1
    p = (at_least + 1) / (permutations + 1)
    return KnoxResult(n, metres, days, pairs, len(i), n_time, observed, expected, p, permutations)


def knox_reading(result: KnoxResult, what: str) -> str:
    """One plain-English paragraph on a Knox test."""
    if result.events < 2 or result.pairs == 0:
        return f"There are too few {what} with a known place and time for a near-repeat test."
    head = (
        f"Of the {result.pairs:,} pairs among {result.events:,} {what}, {result.observed:,} "
        f"happened within {result.metres:,.0f} m and {result.days:g} days of each other, "
        f"against {result.expected:,.1f} expected if place and timing were unrelated"
    )
    if result.expected <= 0:
        return f"{head}."
    ratio = f"(a Knox ratio of {result.ratio:.2f})"
    if result.p_value <= 0.05 and result.ratio > 1:
        verdict = (
            f"Close pairs are more common than chance gives ({p_equals(result.p_value)} from "
            f"{result.permutations:,} shuffles of the dates): after one incident, the risk "
            "nearby is raised for a while, which supports a rapid local response."
        )
    else:
        verdict = (
            f"This is within what chance gives ({p_equals(result.p_value, digits=2)} from "
            f"{result.permutations:,} shuffles of the dates), so these data show no clear "
            "near-repeat pattern."
        )
    return f"{head} {ratio}. {verdict}"
