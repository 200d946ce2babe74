"""Placebo tests: the same estimate where no intervention happened.

* **In time**: the series is cut at the real start and the evaluation re-run with invented
  starts inside the pre-period, each with the real evaluation's design: at least ``min_pre``
  months before it and as many months after it as the real one had (at least ``min_post``;
  at most half the pre-period beyond ``min_pre``, so there are starts to try), the later
  months left out. Nothing started then, so about 5% of these should be "significant"
  at the 5% level if the intervals are honest.
* **In space**: the evaluation is re-run, with the real start, on comparison areas where
  nothing started.

Either way the real estimate is ranked among the placebos: the share of placebo effects at
least as far from "no change" (on the log scale) as the real one, counting the real one
(``(1 + k) / (1 + n)``) is a permutation p-value that does not lean on the model's
standard errors.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from upstream.account.evaluation.its import ItsResult, fit_its
from upstream.account.evaluation.series import MIN_PRE_MONTHS, CountSeries, series_from_frame

__all__ = ["PlaceboResult", "placebo_in_space", "placebo_in_time", "rank_p_value"]


@dataclass(frozen=True)
class PlaceboResult:
    """Placebo estimates and how the real one ranks among them."""

    kind: str
    labels: tuple[str, ...]
    rate_ratios: tuple[float, ...]
    p_values: tuple[float, ...]
    real_rate_ratio: float

    @property
    def n(self) -> int:
        """How many placebos were run."""
        return len(self.labels)

    @property
    def share_significant(self) -> float | None:
        """Share of placebos with p < 0.05 (about 0.05 when the intervals are honest)."""
        return sum(p < 0.05 for p in self.p_values) / self.n if self.n else None

    @property
    def rank_p(self) -> float | None:
        """Permutation p-value of the real estimate among the placebos."""
        return rank_p_value(self.real_rate_ratio, self.rate_ratios) if self.n else None

    def summary(self) -> dict[str, object]:
        """JSON-ready figures."""
        return {
            "kind": self.kind,
            "n": self.n,
            "share_significant": self.share_significant,
            "rank_p_value": self.rank_p,
            "placebos": [
                {"label": lab, "rate_ratio": rr, "p_value": p}
                for lab, rr, p in zip(self.labels, self.rate_ratios, self.p_values, strict=True)
            ],
        }


def rank_p_value(real: float, placebos: tuple[float, ...] | list[float]) -> float:
    """``(1 + #placebos at least as extreme as real) / (1 + #placebos)`` on the log scale."""
    size = abs(math.log(real))
    k = sum(abs(math.log(p)) >= size - 1e-12 for p in placebos)
    return (1 + k) / (1 + len(placebos))


def placebo_in_time(
    series: CountSeries,
    real: ItsResult,
    *,
    min_pre: int = MIN_PRE_MONTHS,
    min_post: int = 3,
    fit: Callable[[CountSeries, pd.Period], ItsResult] = fit_its,
) -> PlaceboResult:
    """Re-run ``fit`` at every possible invented start before the real one (pre-period only)."""
    start = pd.Period(real.start, freq="M")
    pre = series.frame[series.months < start]
    cut = CountSeries(frame=pre, source=series.source, has_exposure=series.has_exposure)
    months = cut.months
    post = max(min_post, min(real.n_post, (len(months) - min_pre) // 2))
    labels, ratios, ps = [], [], []
    for i in range(min_pre, len(months) - post + 1):
        fake = months[i]
        window = CountSeries(cut.frame.iloc[: i + post], cut.source, cut.has_exposure)
        if window.frame["count"].iloc[:i].sum() == 0 or window.frame["count"].iloc[i:].sum() == 0:
            continue  # no rate ratio without offences on both sides
        res = fit(window, fake)
        labels.append(str(fake))
        ratios.append(res.rate_ratio)
        ps.append(res.p_value)
    return PlaceboResult("time", tuple(labels), tuple(ratios), tuple(ps), real.rate_ratio)


def placebo_in_space(
    comparisons: Mapping[str, pd.Series],
    real: ItsResult,
    *,
    fit: Callable[[CountSeries, pd.Period], ItsResult] = fit_its,
) -> PlaceboResult:
    """Re-run ``fit`` with the real start on each comparison area's monthly counts."""
    start = pd.Period(real.start, freq="M")
    labels, ratios, ps = [], [], []
    for name, counts in comparisons.items():
        after = counts.index.astype(str) >= real.start
        if counts[after].sum() == 0 or counts[~after].sum() == 0:
            continue  # no offences before or after: no rate ratio to compare
        res = fit(series_from_frame(counts, source=name), start)
        labels.append(name)
        ratios.append(res.rate_ratio)
        ps.append(res.p_value)
    return PlaceboResult("space", tuple(labels), tuple(ratios), tuple(ps), real.rate_ratio)
