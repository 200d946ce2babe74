"""Change over time: monthly series, 12-month comparisons and the exact Poisson ratio test.

"40 offences last year, 52 this year" is judged against chance with the exact conditional
test for two Poisson counts: given ``n = x1 + x2`` events in all, ``x2`` is binomial with
``p = r t2 / (t1 + r t2)`` where ``r`` is the ratio of the rates and ``t1``, ``t2`` the
exposures (here the lengths of the two periods). A Clopper-Pearson interval for ``p``,
mapped back to ``r``, is the exact interval for the ratio, and the two-sided binomial test
of ``r = 1`` gives the p-value (Armitage, Berry and Matthews, *Statistical Methods in
Medical Research*, 4th ed., section 5.2; the method of R's ``poisson.test``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from scipy import stats

from upstream.formatting import p_equals, percent

__all__ = [
    "PeriodComparison",
    "RatioCI",
    "compare_periods",
    "monthly_reading",
    "monthly_series",
    "poisson_ratio_ci",
    "ratio_reading",
    "rolling_summary",
]


@dataclass(frozen=True)
class RatioCI:
    """Ratio of two Poisson rates (``new / old``) with its exact interval and p-value."""

    new: int
    old: int
    ratio: float
    lower: float
    upper: float
    p_value: float
    level: float

    @property
    def significant(self) -> bool:
        """True when the interval excludes 1 (no change)."""
        return bool(self.lower > 1 or self.upper < 1)


def poisson_ratio_ci(
    new: int,
    old: int,
    *,
    exposure_new: float = 1.0,
    exposure_old: float = 1.0,
    level: float = 0.95,
) -> RatioCI:
    """Exact confidence interval for the ratio of two Poisson rates (conditional method).

    Parameters
    ----------
    new, old
        The two counts; the ratio is ``(new / exposure_new) / (old / exposure_old)``.
    exposure_new, exposure_old
        Person-time, days or months each count covers (equal for two 12-month periods).
    level
        Confidence level.

    Returns
    -------
    RatioCI
        ``ratio`` is NaN when both counts are 0, infinite when only ``old`` is; the interval
        is then ``[lower, inf]``.
    """
    if new < 0 or old < 0:
        raise ValueError("counts must not be negative")
    if exposure_new <= 0 or exposure_old <= 0:
        raise ValueError("exposures must be positive")
    alpha = 1 - level
    n = new + old
    scale = exposure_old / exposure_new
    if n == 0:
        return RatioCI(new, old, float("nan"), 0.0, float("inf"), 1.0, level)
    p_lo = stats.beta.ppf(alpha / 2, new, old + 1) if new > 0 else 0.0
    p_hi = stats.beta.ppf(1 - alpha / 2, new + 1, old) if old > 0 else 1.0

    def odds(p: float) -> float:
        return float("inf") if p >= 1 else float(p / (1 - p) * scale)

    ratio = float("inf") if old == 0 else new / old * scale
    p0 = exposure_new / (exposure_new + exposure_old)
    p_value = float(stats.binomtest(new, n, p0).pvalue)
    return RatioCI(new, old, ratio, odds(float(p_lo)), odds(float(p_hi)), p_value, level)


def monthly_series(months: pd.Series, first: str, last: str, window: int = 12) -> pd.DataFrame:
    """Count per month from ``first`` to ``last`` with a rolling mean over ``window`` months.

    Parameters
    ----------
    months
        Counts indexed by ``YYYY-MM`` (months missing here count 0).

    Returns
    -------
    pandas.DataFrame
        Index ``month`` (``YYYY-MM``); columns ``count`` and ``rolling`` (the mean of the
        ``window`` months ending there; NaN until ``window`` months are available).
    """
    index = [str(p) for p in pd.period_range(first, last, freq="M")]
    count = months.groupby(level=0).sum().reindex(index, fill_value=0).astype("int64")
    rolling = count.astype("float64").rolling(window, min_periods=window).mean()
    frame = pd.DataFrame({"count": count, "rolling": rolling})
    frame.index.name = "month"
    return frame


@dataclass(frozen=True)
class PeriodComparison:
    """The latest ``months`` months against the ``months`` before them."""

    latest: tuple[str, str]
    previous: tuple[str, str]
    result: RatioCI

    @property
    def change(self) -> float:
        """Relative change, e.g. 0.3 for a 30% rise (NaN when the earlier count is 0)."""
        r = self.result
        return r.new / r.old - 1 if r.old else float("nan")


def compare_periods(
    monthly: pd.Series, end: str, months: int = 12, level: float = 0.95
) -> PeriodComparison | None:
    """Compare the ``months`` months ending at ``end`` with the ``months`` before them.

    Returns None unless ``monthly`` (counts by ``YYYY-MM``) covers both periods fully.
    """
    stop = pd.Period(end, freq="M")
    latest = [str(stop - i) for i in range(months - 1, -1, -1)]
    previous = [str(stop - months - i) for i in range(months - 1, -1, -1)]
    if not set(latest + previous) <= set(monthly.index):
        return None
    new = int(monthly.loc[latest].sum())
    old = int(monthly.loc[previous].sum())
    result = poisson_ratio_ci(new, old, level=level)
    return PeriodComparison((latest[0], latest[-1]), (previous[0], previous[-1]), result)


def _pct(x: float) -> str:
    """The size of a change: ``7%``; ``less than 1%`` for a change that rounds to 0%."""
    text = percent(abs(x))
    return "less than 1%" if text == "0%" else text


def ratio_reading(cmp: PeriodComparison, what: str) -> str:
    """One plain-English paragraph on a 12-month comparison, saying how sure we can be."""
    r = cmp.result
    a, b = cmp.previous, cmp.latest
    level = f"{r.level * 100:.0f}%"
    head = f"There were {r.new:,} {what} in {b[0]} to {b[1]}, against {r.old:,} in {a[0]} to {a[1]}"
    if r.old == 0 and r.new == 0:
        return f"{head}: none in either period, so there is no change to measure."
    if r.old == 0:
        return f"{head}. With none in the earlier period, no ratio can be given."
    direction = "a rise" if r.new > r.old else "a fall" if r.new < r.old else "no change"
    size = f" of {_pct(cmp.change)}" if r.new != r.old else ""
    interval = (
        f"The {level} confidence interval for the ratio of the two rates is "
        f"{r.lower:.2f} to {r.upper:.2f}"
    )
    if r.significant:
        verdict = (
            f"it excludes 1, so a change this large is unlikely to be chance alone "
            f"(exact test {p_equals(r.p_value)})."
        )
    else:
        verdict = (
            f"it includes 1 (no change), so the difference could be chance variation in "
            f"counts this small (exact test {p_equals(r.p_value, digits=2)})."
        )
    return f"{head}: {direction}{size}. {interval}; {verdict}"


def rolling_summary(series: pd.DataFrame) -> str:
    """A sentence on the latest 12-month average against the first one in the series."""
    roll = series["rolling"].dropna()
    if roll.empty:
        return "The series is shorter than 12 months, so no 12-month average is drawn."
    first, last = float(roll.iloc[0]), float(roll.iloc[-1])
    return (
        f"The 12-month average went from {first:.1f} a month (12 months to {roll.index[0]}) "
        f"to {last:.1f} a month (12 months to {roll.index[-1]})."
    )


def monthly_reading(monthly: pd.Series, what: str) -> str:
    """A plain-English reading of a monthly line chart.

    Parameters
    ----------
    monthly
        Count per ``YYYY-MM`` in order; NaN for months with no data loaded (gaps).
    what
        What is counted, plural (``"serious-violence crimes"``).

    Returns
    -------
    str
        The average month and the busiest and quietest months, then the latest 12 months
        against the 12 before them with its confidence interval (:func:`ratio_reading`)
        when the loaded months cover both; else says why no comparison is made.
    """
    known = monthly.dropna()
    if known.empty:
        return f"No months of {what} are loaded."
    gaps = int(monthly.isna().sum())
    high, low = int(known.to_numpy().argmax()), int(known.to_numpy().argmin())
    text = (
        f"On average {known.mean():,.0f} {what} a month over the {len(known)} months loaded "
        f"(busiest {known.index[high]}: {int(known.iloc[high]):,}; quietest "
        f"{known.index[low]}: {int(known.iloc[low]):,})."
    )
    if gaps:
        months = "1 month in the range is" if gaps == 1 else f"{gaps} months in the range are"
        text += f" {months} not loaded (gaps in the line)."
    cmp = compare_periods(known, str(known.index[-1]))
    if cmp is None:
        return text + (
            " Fewer than 24 months in a row end at the latest, so the last 12 months are not "
            "compared with the 12 before them; single months rise and fall by chance."
        )
    return f"{text} {ratio_reading(cmp, what)}"
