"""Counts as rates: exact Poisson confidence intervals and rates per 1,000 residents.

A count of crimes in a period is treated as one draw from a Poisson distribution, so how
sure we are about a rate comes from the count alone. Two intervals are offered:

* :func:`poisson_ci`, the exact (Garwood 1936) interval from chi-squared quantiles,
  ``[chi2(a/2; 2x) / 2, chi2(1 - a/2; 2x + 2) / 2]``; for 10 events the 95% interval is
  4.795 to 18.390;
* :func:`byar_ci`, Byar's close approximation to it (Breslow and Day 1987), used by many
  public-health tools.

Populations are treated as known (no sampling error), as is usual for census counts.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["AgeBand", "byar_ci", "poisson_ci", "rate_table", "residents_in_bands"]


def _z(level: float) -> float:
    if not 0 < level < 1:
        raise ValueError(f"confidence level must be between 0 and 1, got {level}")
    return float(stats.norm.ppf(0.5 + level / 2))


def poisson_ci(
    count: int | float | Sequence[float] | np.ndarray, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) confidence interval for a Poisson mean, given observed counts.

    Parameters
    ----------
    count
        Observed count(s), non-negative.
    level
        Confidence level, e.g. 0.95.

    Returns
    -------
    lower, upper : numpy.ndarray
        The interval for each count (lower is 0 for a count of 0).
    """
    _z(level)
    x = np.asarray(count, dtype="float64")
    if np.any(x < 0):
        raise ValueError("counts must not be negative")
    alpha = 1 - level
    with np.errstate(invalid="ignore"):
        lower = np.where(x > 0, stats.chi2.ppf(alpha / 2, 2 * x) / 2, 0.0)
    upper = stats.chi2.ppf(1 - alpha / 2, 2 * x + 2) / 2
    return np.asarray(lower, dtype="float64"), np.asarray(upper, dtype="float64")


def byar_ci(
    count: int | float | Sequence[float] | np.ndarray, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Byar's approximation to the exact Poisson interval (good from a count of about 5).

    ``lower = x (1 - 1/(9x) - z/(3 sqrt x))^3`` and
    ``upper = (x+1) (1 - 1/(9(x+1)) + z/(3 sqrt(x+1)))^3``; the lower limit is 0 for x = 0.
    """
    z = _z(level)
    x = np.asarray(count, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = np.where(x > 0, x * (1 - 1 / (9 * x) - z / (3 * np.sqrt(x))) ** 3, 0.0)
    x1 = x + 1
    upper = x1 * (1 - 1 / (9 * x1) + z / (3 * np.sqrt(x1))) ** 3
    return np.asarray(np.maximum(lower, 0.0)), np.asarray(upper)


def rate_table(
    counts: pd.Series,
    population: pd.Series,
    *,
    years: float = 1.0,
    per: float = 1000.0,
    level: float = 0.95,
) -> pd.DataFrame:
    """Rate per ``per`` residents per year, with an exact Poisson interval, for each key.

    Parameters
    ----------
    counts
        Events per key (an LSOA code, a decile, a group). Keys missing here count 0.
    population
        Residents per key; keys with no or zero population get no rate (NaN).
    years
        Length of the period the counts cover, in years.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``population``: ``count``, ``population``, ``rate``, ``lower``, ``upper``.
    """
    if years <= 0:
        raise ValueError(f"years must be positive, got {years}")
    pop = population.astype("float64")
    n = counts.reindex(pop.index, fill_value=0).astype("float64").fillna(0.0)
    lo, hi = poisson_ci(n.to_numpy(), level)
    scale = per / (pop.where(pop > 0) * years)
    return pd.DataFrame(
        {
            "count": n.astype("int64"),
            "population": pop,
            "rate": n * scale,
            "lower": lo * scale,
            "upper": hi * scale,
        },
        index=pop.index,
    )


AgeBand = tuple[int, int | None]
"""An age band ``(first, end)``: ages ``first`` to ``end - 1``; ``end`` None for "and over"."""


def residents_in_bands(
    census: Sequence[tuple[AgeBand, float]], bands: Sequence[AgeBand]
) -> list[float]:
    """Residents in each of ``bands``, from residents counted in other age bands.

    A census band is split across single years of age evenly (the usual assumption when
    single-year counts are not to hand: 16-24 gives 2/9 of its residents to ages 16 and 17).
    An open band ("65 and over") cannot be split, so a wanted band may only take all of it
    (the wanted band is itself open and starts at or below it) or none.

    Parameters
    ----------
    census
        ``((first, end), residents)`` per census band, bands not overlapping.
    bands
        The bands wanted.

    Returns
    -------
    list of float
        Residents per band of ``bands``, in order.

    Raises
    ------
    ValueError
        When a wanted band needs part of an open census band.
    """
    out = []
    for first, end in bands:
        total = 0.0
        for (c_first, c_end), residents in census:
            if c_end is None:
                if end is None and first <= c_first:
                    total += residents  # the whole open band lies inside the wanted one
                elif end is None or end > c_first:
                    wanted = f"{first}+" if end is None else f"{first}-{end - 1}"
                    raise ValueError(f"age band {wanted} needs part of the open band {c_first}+")
                continue
            top = c_end if end is None else min(end, c_end)
            overlap = top - max(first, c_first)
            if overlap > 0:
                total += residents * overlap / (c_end - c_first)
        out.append(total)
    return out
