"""Disproportionality: rates by ethnic group against the resident population, with intervals.

For each group the rate is events per 1,000 residents of that group per year; the
**relative rate** is a group's rate over the reference group's (White, as in the Home
Office's stop-and-search statistics), with the exact conditional Poisson interval of
:func:`upstream.analysis.trends.poisson_ratio_ci` (resident numbers as exposures).

Resident numbers by ethnic group
--------------------------------
No Census 2021 table of ethnic group (for all ages or by age) is bundled with upstream, so
the shares of residents in each group are an **input**: :data:`ASSUMED_SHARES` holds the
defaults the maintainers chose, and a partnership replaces them with its own figures
(Census 2021 table TS021 for all ages; an ethnic group by age table for under-18s) in a
TOML file::

    [all_ages]
    source = "Census 2021 TS021, Waltham Forest"
    Asian = 0.201
    Black = 0.151
    Mixed = 0.071
    White = 0.528
    Other = 0.049

    [under_18]
    source = "..."
    Asian = 0.25
    ...

Every report that uses the shares prints them and their source, so nobody reads an
assumption as a census figure. Shares must be non-negative and are rescaled to sum to 1.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from upstream.analysis.rates import poisson_ci
from upstream.analysis.trends import poisson_ratio_ci
from upstream.vocab import ETHNIC_GROUPS

__all__ = [
    "ASSUMED_SHARES",
    "GROUPS",
    "PopulationShares",
    "PopulationSharesError",
    "load_population_shares",
    "relative_rates",
    "stop_search_group",
]

GROUPS = ETHNIC_GROUPS
"""The five ONS 2021 high-level ethnic groups, short names as stored (:mod:`upstream.vocab`)."""


@dataclass(frozen=True)
class PopulationShares:
    """Share of residents in each ethnic group, and where the shares come from."""

    shares: Mapping[str, float]
    source: str
    assumed: bool


ASSUMED_SHARES: dict[str, PopulationShares] = {
    "all_ages": PopulationShares(
        {"Asian": 0.20, "Black": 0.15, "Mixed": 0.07, "White": 0.53, "Other": 0.05},
        "ASSUMED: rounded shares chosen by the upstream maintainers to resemble the borough's "
        "published Census 2021 picture; not read from a census table bundled with upstream. "
        "Replace them with Census 2021 table TS021 for your area.",
        True,
    ),
    "under_18": PopulationShares(
        {"Asian": 0.25, "Black": 0.20, "Mixed": 0.12, "White": 0.38, "Other": 0.05},
        "ASSUMED: illustrative under-18 shares (the same assumption the synthetic borough is "
        "calibrated to); no ethnic group by age table is bundled. Replace them with a Census "
        "2021 ethnic group by age table for your area.",
        True,
    ),
}
"""Default resident shares by ethnic group: assumptions, labelled as such wherever shown."""


class PopulationSharesError(ValueError):
    """A population shares file cannot be used."""


def _validate(name: str, table: Mapping[str, object], origin: str) -> PopulationShares:
    values: dict[str, float] = {}
    for group in GROUPS:
        if group not in table:
            raise PopulationSharesError(f"{origin}: [{name}] has no share for {group!r}")
        try:
            values[group] = float(table[group])  # type: ignore[arg-type]
        except (TypeError, ValueError) as exc:
            raise PopulationSharesError(f"{origin}: [{name}] {group} is not a number") from exc
    unknown = sorted(set(table) - set(GROUPS) - {"source"})
    if unknown:
        raise PopulationSharesError(
            f"{origin}: [{name}] unknown group(s) {unknown}; use {list(GROUPS)}"
        )
    if any(v < 0 for v in values.values()) or sum(values.values()) <= 0:
        raise PopulationSharesError(f"{origin}: [{name}] shares must be non-negative")
    total = sum(values.values())
    source = str(table.get("source", f"supplied in {Path(origin).name}"))
    return PopulationShares({k: v / total for k, v in values.items()}, source, False)


def load_population_shares(path: Path | None = None) -> dict[str, PopulationShares]:
    """The default (assumed) shares, with any table in ``path`` replacing its default."""
    out = dict(ASSUMED_SHARES)
    if path is None:
        return out
    try:
        with Path(path).open("rb") as fh:
            raw = tomllib.load(fh)
    except FileNotFoundError as exc:
        raise PopulationSharesError(f"{path}: population shares file not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise PopulationSharesError(f"{path}: not valid TOML ({exc})") from exc
    for name, table in raw.items():
        if name not in ASSUMED_SHARES:
            raise PopulationSharesError(
                f"{path}: unknown table [{name}]; expected {sorted(ASSUMED_SHARES)}"
            )
        if not isinstance(table, dict):
            raise PopulationSharesError(f"{path}: [{name}] must be a table")
        out[name] = _validate(name, table, str(path))
    return out


_STOP_SEARCH_GROUPS = {g.lower(): g for g in GROUPS}


def stop_search_group(values: pd.Series) -> pd.Series:
    """police.uk officer-defined ethnicity mapped to the five groups (NA when not recorded)."""
    mapped = values.astype("string").str.strip().str.lower().map(_STOP_SEARCH_GROUPS)
    return mapped.astype("string")


def relative_rates(
    counts: pd.Series,
    shares: Mapping[str, float],
    population: float,
    *,
    years: float = 1.0,
    reference: str = "White",
    per: float = 1000.0,
    level: float = 0.95,
) -> pd.DataFrame:
    """Rate per resident of each group and its rate relative to ``reference``.

    Parameters
    ----------
    counts
        Events per group (index: group names; groups missing count 0; other keys ignored).
    shares
        Share of residents in each group.
    population
        Total residents (all groups).
    years
        Length of the period, in years.

    Returns
    -------
    pandas.DataFrame
        Indexed by group: ``count``, ``residents``, ``rate``, ``lower``, ``upper`` (per
        ``per`` residents per year, exact Poisson interval), ``relative_rate``, ``rr_lower``,
        ``rr_upper`` and ``p_value`` (exact conditional test against the reference group).
    """
    groups = [g for g in GROUPS if g in shares]
    if reference not in groups:
        raise ValueError(f"reference group {reference!r} has no population share")
    n = counts.reindex(groups, fill_value=0).fillna(0).astype("int64")
    residents = pd.Series({g: shares[g] * population for g in groups}, dtype="float64")
    lo, hi = poisson_ci(n.to_numpy(), level)
    scale = per / (residents.where(residents > 0) * years)
    ref_n, ref_pop = int(n[reference]), float(residents[reference])
    rr, rr_lo, rr_hi, pv = [], [], [], []
    for g in groups:
        if residents[g] <= 0 or ref_pop <= 0:
            rr.append(np.nan)
            rr_lo.append(np.nan)
            rr_hi.append(np.nan)
            pv.append(np.nan)
            continue
        r = poisson_ratio_ci(
            int(n[g]), ref_n, exposure_new=residents[g], exposure_old=ref_pop, level=level
        )
        rr.append(r.ratio)
        rr_lo.append(r.lower)
        rr_hi.append(r.upper)
        pv.append(r.p_value)
    return pd.DataFrame(
        {
            "count": n,
            "residents": residents,
            "rate": n * scale,
            "lower": lo * scale.to_numpy(),
            "upper": hi * scale.to_numpy(),
            "relative_rate": rr,
            "rr_lower": rr_lo,
            "rr_upper": rr_hi,
            "p_value": pv,
        },
        index=pd.Index(groups, name="group"),
    )
