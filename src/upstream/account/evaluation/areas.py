"""Where an evaluation's counts come from: the London borough comparison pool.

:func:`london_panel` reads the bundled MPS borough series (``data/london``) as one column
per borough, months with no row read as zero (as the data's SOURCES.md says), leaving out
the rows that are not boroughs. :func:`borough_deprivation` gives each borough's mean IMD
2019 rank over its LSOAs (lower = more deprived) for matching comparison areas.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

__all__ = ["NOT_BOROUGHS", "borough_deprivation", "london_panel", "london_series_names"]

NOT_BOROUGHS = frozenset({"Other / NK", "Unknown", "London Heathrow and London City Airports"})


def london_series_names(path: Path) -> list[str]:
    """The series in the bundled MPS borough file."""
    return sorted(pd.read_parquet(path, columns=["series"])["series"].unique().tolist())


def london_panel(
    path: Path, series: str, first: str | None = None, last: str | None = None
) -> pd.DataFrame:
    """Monthly counts of ``series``: index ``YYYY-MM`` (every month), one column per borough.

    Raises
    ------
    ValueError
        ``series`` is not in the file.
    """
    data = pd.read_parquet(path)
    rows = data[(data["series"] == series) & ~data["borough"].isin(NOT_BOROUGHS)]
    if rows.empty:
        known = ", ".join(london_series_names(path))
        raise ValueError(f"{path}: no series {series!r} (the file has: {known})")
    wide = rows.pivot_table(index="month", columns="borough", values="count", aggfunc="sum")
    months = pd.period_range(wide.index.min(), wide.index.max(), freq="M").astype(str)
    wide = wide.reindex(months).fillna(0).astype(int)
    wide.index.name = "month"
    wide.columns.name = None
    lo = first or months[0]
    hi = last or months[-1]
    return wide.loc[lo:hi]


def borough_deprivation(imd_csv: Path) -> pd.Series:
    """Mean IMD 2019 rank of each borough's LSOAs (index: borough name)."""
    imd = pd.read_csv(imd_csv, usecols=["lad19_name", "index_of_multiple_deprivation_imd_rank"])
    return imd.groupby("lad19_name")["index_of_multiple_deprivation_imd_rank"].mean()
