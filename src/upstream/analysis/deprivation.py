"""Deprivation: rates per 1,000 residents by Index of Multiple Deprivation decile.

Events are counted per LSOA, LSOAs are grouped by their national IMD decile (1 = among the
10% most deprived neighbourhoods in England, 10 = the 10% least deprived), and each
decile's rate per 1,000 residents per year is given with an exact Poisson interval. The
deciles are the area pack's IMD 2019 deciles of the 2011 LSOAs police.uk used (and the ONS
mid-2020 populations of the same LSOAs; :attr:`upstream.area.Area.imd`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from upstream.analysis.rates import rate_table
from upstream.analysis.trends import RatioCI, poisson_ratio_ci

__all__ = ["DecileRates", "rates_by_decile"]


@dataclass(frozen=True)
class DecileRates:
    """Rates by decile, and the most against the least deprived decile present."""

    table: pd.DataFrame
    """Indexed by decile: ``lsoas``, ``count``, ``population``, ``rate``, ``lower``, ``upper``."""
    most: int
    least: int
    comparison: RatioCI


def rates_by_decile(
    counts: pd.Series, population: pd.Series, deciles: pd.Series, *, years: float
) -> DecileRates | None:
    """Rates per 1,000 residents per year by IMD decile.

    Parameters
    ----------
    counts
        Events per LSOA code (codes with no events may be missing).
    population, deciles
        Residents and IMD decile per LSOA code (LSOAs missing from either are left out).
    years
        Length of the period counted, in years.
    """
    frame = pd.DataFrame({"population": population, "decile": deciles}).dropna()
    if frame.empty:
        return None
    frame["count"] = counts.reindex(frame.index, fill_value=0).fillna(0)
    grouped = frame.groupby("decile").agg(
        lsoas=("population", "size"), count=("count", "sum"), population=("population", "sum")
    )
    grouped.index = grouped.index.astype("int64")
    rates = rate_table(grouped["count"], grouped["population"], years=years)
    table = pd.concat([grouped[["lsoas"]], rates], axis=1)
    table = table.sort_index()
    most, least = int(table.index[0]), int(table.index[-1])
    n = table["count"].to_numpy(dtype="int64")
    people = table["population"].to_numpy(dtype="float64")
    comparison = poisson_ratio_ci(
        int(n[0]), int(n[-1]), exposure_new=people[0], exposure_old=people[-1]
    )
    return DecileRates(table, most, least, comparison)
