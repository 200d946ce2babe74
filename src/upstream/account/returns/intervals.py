"""Intervals for reach: a share (Wilson score) and a ratio of two shares (Katz log method).

Both treat counts as independent draws. Participants in returns are counted per return,
so a young person who attends in two quarters counts twice: the intervals then describe
participant-quarters, not people, and are somewhat too narrow for people.
"""

from __future__ import annotations

import math

from scipy.stats import binomtest, norm

__all__ = ["ratio_interval", "share_interval"]


def share_interval(k: int, n: int, level: float = 0.95) -> tuple[float, float, float]:
    """``k`` of ``n`` as a share with its Wilson score interval: (share, low, high).

    NaNs when ``n`` is 0.
    """
    if n <= 0:
        return math.nan, math.nan, math.nan
    ci = binomtest(int(k), int(n)).proportion_ci(confidence_level=level, method="wilson")
    return k / n, float(ci.low), float(ci.high)


def ratio_interval(
    k1: int, n1: int, k2: int, n2: int, level: float = 0.95
) -> tuple[float, float, float]:
    """The ratio of shares ``(k1/n1) / (k2/n2)`` with the Katz log interval.

    ``se(log ratio) = sqrt(1/k1 - 1/n1 + 1/k2 - 1/n2)``; when ``k1`` or ``k2`` is 0, half is
    added to both counts and both totals (so the interval stays finite). NaNs when either
    total is 0.
    """
    if n1 <= 0 or n2 <= 0:
        return math.nan, math.nan, math.nan
    a, b, c, d = float(k1), float(n1), float(k2), float(n2)
    if a == 0 or c == 0:
        a, b, c, d = a + 0.5, b + 0.5, c + 0.5, d + 0.5
    ratio = (a / b) / (c / d)
    se = math.sqrt(max(1 / a - 1 / b + 1 / c - 1 / d, 0.0))
    z = float(norm.ppf(0.5 + level / 2))
    return ratio, ratio * math.exp(-z * se), ratio * math.exp(z * se)
