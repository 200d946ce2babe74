"""The disproportionality audit attached to every list of people.

For each of ethnic group, age band and sex, the list's make-up is set against three bases:
(a) suspects of serious violence in the same period, (b) victims harmed in it and (c)
residents. Each share has a Wilson interval and each ratio of shares (list over base) a
Katz log interval (:mod:`upstream.account.returns.intervals`). The list over-represents a
group relative to the suspect base *beyond chance* when the one-sided test of the log ratio,
Holm-adjusted over every group of every dimension, is below ``alpha / 2`` and the ratio's
lower bound exceeds 1: the warning then leads the audit.

The intervals treat the list and the base as independent samples. A list is usually drawn
from the suspects, which makes the two shares move together: the true interval is narrower,
so these intervals err on the side of not warning.

The Metropolitan Police's Gangs Violence Matrix is the published case in point: 78% of those
listed were Black against 27% of serious youth violence suspects.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd
from scipy.stats import norm
from statsmodels.stats.multitest import multipletests

from upstream.account.returns.intervals import ratio_interval, share_interval
from upstream.network.people import age_band, ages

__all__ = ["BASES", "DIMENSIONS", "Audit", "audit_table", "person_dimensions"]

DIMENSIONS = ("ethnic_group", "age_band", "sex")
BASES = ("suspects", "victims", "residents")
BASE_NAMES = {
    "suspects": "suspects of serious violence in the period",
    "victims": "victims harmed in the period",
    "residents": "residents",
}


@dataclass(frozen=True)
class Audit:
    """The audit: ``table`` (one row per dimension and group) and ``warnings`` (text, empty
    when no group is over-represented beyond chance)."""

    table: pd.DataFrame
    warnings: tuple[str, ...]
    level: float
    alpha: float


def person_dimensions(people: pd.DataFrame) -> pd.DataFrame:
    """Ethnic group, age band and sex of each person, indexed by id."""
    band = age_band(ages(people))
    return pd.DataFrame(
        {
            "ethnic_group": people["ethnic_group"].to_numpy(),
            "age_band": band.to_numpy(),
            "sex": people["sex"].to_numpy(),
        },
        index=people["id"].to_numpy(),
    )


def _counts(dims: pd.DataFrame, ids: Iterable[str]) -> dict[str, pd.Series]:
    chosen = dims.loc[[i for i in ids if i in dims.index]]
    return {d: chosen[d].value_counts() for d in DIMENSIONS}


def audit_table(
    list_ids: Iterable[str],
    dims: pd.DataFrame,
    bases: Mapping[str, Iterable[str] | Mapping[str, Mapping[str, int]]],
    level: float = 0.95,
    alpha: float = 0.05,
) -> Audit:
    """Audit the make-up of ``list_ids`` against each base.

    Parameters
    ----------
    list_ids
        The people on the list.
    dims
        From :func:`person_dimensions`.
    bases
        ``suspects``, ``victims`` (ids, looked up in ``dims``) and optionally ``residents``:
        either ids or counts ``{dimension: {group: count}}`` (e.g. census figures).
    """
    listed = _counts(dims, list(list_ids))
    counted = {
        name: (
            {d: pd.Series(dict(base.get(d, {})), dtype="int64") for d in DIMENSIONS}
            if isinstance(base, Mapping)
            else _counts(dims, base)
        )
        for name, base in bases.items()
    }
    z = float(norm.ppf(0.5 + level / 2))
    rows = []
    for d in DIMENSIONS:
        groups = sorted(set(listed[d].index) | set(counted.get("suspects", {}).get(d, {}).keys()))
        n = int(listed[d].sum())
        for g in groups:
            k = int(listed[d].get(g, 0))
            share, lo, hi = share_interval(k, n, level)
            row: dict[str, object] = {
                "dimension": d,
                "group": g,
                "list_n": k,
                "list_total": n,
                "list_share": share,
                "list_lo": lo,
                "list_hi": hi,
            }
            for name in BASES:
                if name not in counted:
                    continue
                c = counted[name][d]
                kb, nb = int(c.get(g, 0)), int(c.sum())
                ratio, r_lo, r_hi = ratio_interval(k, n, kb, nb, level)
                row |= {
                    f"{name}_n": kb,
                    f"{name}_total": nb,
                    f"{name}_share": kb / nb if nb else math.nan,
                    f"{name}_ratio": ratio,
                    f"{name}_ratio_lo": r_lo,
                    f"{name}_ratio_hi": r_hi,
                }
                if name == "suspects":
                    se = (math.log(r_hi) - math.log(r_lo)) / (2 * z) if r_lo > 0 else math.nan
                    p = float(norm.sf(math.log(ratio) / se)) if se > 0 else math.nan
                    row["suspects_p"] = p
            rows.append(row)
    table = pd.DataFrame(rows)
    warnings: list[str] = []
    if "suspects_p" in table and table["suspects_p"].notna().any():
        tested = table["suspects_p"].notna()
        adjusted = multipletests(table.loc[tested, "suspects_p"], method="holm")[1]
        table["suspects_p_holm"] = math.nan
        table.loc[tested, "suspects_p_holm"] = adjusted
        table["over_represented"] = (table["suspects_p_holm"] < alpha / 2) & (
            table["suspects_ratio_lo"] > 1
        )
        m = int(tested.sum())
        for r in table[table["over_represented"]].to_dict("records"):
            warnings.append(
                f"WARNING: the list over-represents {r['group']} "
                f"({str(r['dimension']).replace('_', ' ')}) relative to {BASE_NAMES['suspects']}: "
                f"{r['list_share']:.0%} of the list against {r['suspects_share']:.0%} of "
                f"suspects, ratio {r['suspects_ratio']:.2f} ({level:.0%} interval "
                f"{r['suspects_ratio_lo']:.2f} to {r['suspects_ratio_hi']:.2f}); beyond chance "
                f"after Holm's correction over {m} groups."
            )
    else:
        table["over_represented"] = False
    return Audit(table=table, warnings=tuple(warnings), level=level, alpha=alpha)
