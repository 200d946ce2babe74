"""Reach: do programmes reach the young people, and the places, violence harms most?

Two comparisons, each with 95% intervals (:mod:`upstream.account.returns.intervals`):

* **Groups.** Participants' make-up by age band, sex and ethnic group (from the returns)
  against the make-up of victims under 25 (from the partnership data in the event store:
  real whenever any is loaded, else the synthetic borough, and then said so). For each
  group: its share of participants, its share of victims, and their ratio. A ratio whose
  interval lies below 1 means the group is under-reached relative to its share of victims.
  Categories not recorded (``unknown``, ``not stated``) are left out of both shares, and so
  are participants aged 25 or over from the age comparison (victims are under 25).
* **Places.** The areas of highest harm are the fifth of the area's 2011 LSOAs with the most
  violence against under-25s in the partnership data over the returns' quarters (or, without
  partnership data, the most harm-weighted police.uk serious violence in the last 12
  months). The share of participants living there (of those whose home LSOA is in the area)
  is set against those LSOAs' share of residents: a ratio above 1 means the programmes
  reach those places more than their population alone would give.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from upstream.account.returns.intervals import ratio_interval, share_interval
from upstream.account.returns.series import totals
from upstream.vocab import ETHNIC_GROUPS

__all__ = [
    "COMPARED",
    "PlaceReach",
    "group_reach",
    "participant_areas",
    "participant_groups",
    "place_reach",
    "quarter_months",
    "victim_groups",
]

COMPARED: dict[str, tuple[str, ...]] = {
    "age": ("0-9", "10-14", "15-17", "18-24"),
    "sex": ("male", "female", "other"),
    "ethnicity": ETHNIC_GROUPS,
}
"""Per dimension, the categories compared (what is not recorded is left out)."""
_MEASURE = {
    "age": "participants_age",
    "sex": "participants_sex",
    "ethnicity": "participants_ethnicity",
}
_AGE_EDGES = [0, 10, 15, 18, 25]


def participant_groups(returns: pd.DataFrame) -> pd.DataFrame:
    """Participants per dimension and category (``dimension, category, count``)."""
    parts = []
    for dimension, measure in _MEASURE.items():
        rows = returns[returns["measure"] == measure]
        counts = rows.groupby("category")["value"].sum()
        parts.append(
            pd.DataFrame(
                {
                    "dimension": dimension,
                    "category": list(COMPARED[dimension]),
                    "count": [int(counts.get(c, 0)) for c in COMPARED[dimension]],
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def victim_groups(involvements: pd.DataFrame) -> pd.DataFrame:
    """Victims under 25 per dimension and category (``dimension, category, count``).

    ``involvements`` has ``role``, ``age``, ``sex``, ``ethnicity_self_defined`` and
    ``ethnicity_officer_defined``; ethnicity is the self-defined group where given, else
    the officer-defined one.
    """
    victims = involvements[involvements["role"] == "victim"]
    age = pd.to_numeric(victims["age"], errors="coerce")
    young = victims[age.lt(25).fillna(False).to_numpy(dtype=bool)]
    young_age = pd.to_numeric(young["age"], errors="coerce")
    band = pd.cut(young_age, _AGE_EDGES, right=False, labels=list(COMPARED["age"]))
    own = young["ethnicity_self_defined"].astype("string")
    officer = young["ethnicity_officer_defined"].astype("string")
    ethnicity = own.where(own.isin(ETHNIC_GROUPS), officer)
    values = {
        "age": band.astype("string"),
        "sex": young["sex"].astype("string"),
        "ethnicity": ethnicity,
    }
    parts = []
    for dimension, cats in COMPARED.items():
        counts = values[dimension].value_counts()
        parts.append(
            pd.DataFrame(
                {
                    "dimension": dimension,
                    "category": list(cats),
                    "count": [int(counts.get(c, 0)) for c in cats],
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def _verdict(victims: int, low: float, high: float) -> str:
    if victims == 0:
        return "no victims in this group to compare with"
    if math.isnan(low):
        return "cannot tell (no data)"
    if high < 1:
        return "under-reached"
    if low > 1:
        return "reached beyond their share of victims"
    return "not distinguishable from their share of victims"


def group_reach(participants: pd.DataFrame, victims: pd.DataFrame) -> pd.DataFrame:
    """Participants' shares against victims' shares, per dimension and category.

    Both frames have ``dimension, category, count`` (:func:`participant_groups`,
    :func:`victim_groups`). Returns one row per category with ``participants``,
    ``participant_share`` (``_low``/``_high``: Wilson 95%), ``victims``, ``victim_share``
    (and its interval), ``ratio`` of the shares with its Katz 95% interval, and a
    ``verdict``.
    """
    merged = participants.merge(
        victims, on=["dimension", "category"], how="outer", suffixes=("_p", "_v")
    ).fillna({"count_p": 0, "count_v": 0})
    rows = []
    for dimension, part in merged.groupby("dimension", sort=False):
        n_p = int(part["count_p"].sum())
        n_v = int(part["count_v"].sum())
        for _, row in part.iterrows():
            k_p, k_v = int(row["count_p"]), int(row["count_v"])
            p, p_lo, p_hi = share_interval(k_p, n_p)
            v, v_lo, v_hi = share_interval(k_v, n_v)
            r, r_lo, r_hi = ratio_interval(k_p, n_p, k_v, n_v)
            if k_v == 0:  # a ratio to nothing says nothing
                r = r_lo = r_hi = math.nan
            rows.append(
                {
                    "dimension": dimension,
                    "category": row["category"],
                    "participants": k_p,
                    "participant_share": p,
                    "participant_low": p_lo,
                    "participant_high": p_hi,
                    "victims": k_v,
                    "victim_share": v,
                    "victim_low": v_lo,
                    "victim_high": v_hi,
                    "ratio": r,
                    "ratio_low": r_lo,
                    "ratio_high": r_hi,
                    "verdict": _verdict(k_v, r_lo, r_hi),
                }
            )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class PlaceReach:
    """How far participants live in the areas of highest harm (see the module docstring)."""

    top_areas: list[str]
    areas: int  # LSOAs compared
    harm_share: float  # of the harm, in the top areas
    population_share: float  # of residents, in the top areas
    participants_in_top: int
    participants_placed: int  # with a home LSOA in the area
    participant_share: float
    participant_low: float
    participant_high: float
    ratio: float  # participant share / population share
    ratio_low: float
    ratio_high: float
    not_placed: dict[str, int] = field(default_factory=dict)  # outside, unknown, ward, ...

    @property
    def verdict(self) -> str:
        """Plain words for the ratio's interval."""
        if math.isnan(self.ratio_low):
            return "cannot tell (no participant has a home LSOA in the area)"
        if self.ratio_low > 1:
            return "the programmes reach the highest-harm areas more than their population gives"
        if self.ratio_high < 1:
            return "the programmes reach the highest-harm areas less than their population gives"
        return "reach into the highest-harm areas is not distinguishable from their population"


def place_reach(
    participant_areas: pd.Series,
    harm: pd.Series,
    population: pd.Series,
    top_fraction: float = 0.2,
) -> PlaceReach:
    """Participants living in the highest-harm LSOAs, against those LSOAs' residents.

    Parameters
    ----------
    participant_areas
        Participants per home area code (``participants_area`` categories: LSOA codes,
        ward codes, ``outside``, ``unknown``).
    harm
        Harm per LSOA code (counts or harm-weighted counts); LSOAs absent have none.
    population
        Residents per LSOA code: the LSOAs of the area.
    top_fraction
        The share of LSOAs that are the highest-harm areas (rounded up; ties in harm are
        broken by LSOA code, so the choice is deterministic).
    """
    pop = population.astype("float64")
    lsoas = pd.Index(sorted(pop.index))
    h = harm.reindex(lsoas, fill_value=0.0).astype("float64")
    order = sorted(lsoas, key=lambda c: (-h[c], c))
    n_top = max(1, math.ceil(top_fraction * len(lsoas)))
    top = order[:n_top]
    areas = participant_areas.groupby(level=0).sum()
    placed = areas[areas.index.isin(lsoas)]
    k = int(placed[placed.index.isin(top)].sum())
    n = int(placed.sum())
    share, lo, hi = share_interval(k, n)
    pop_share = float(pop[top].sum() / pop.sum())
    not_placed: dict[str, int] = {}
    for code, count in areas[~areas.index.isin(lsoas)].items():
        text = str(code)
        kind = (
            text
            if text in ("outside", "unknown")
            else ("ward" if text[:3] in ("E05", "W05") else "LSOA not in the area's 2011 LSOAs")
        )
        not_placed[kind] = not_placed.get(kind, 0) + int(count)
    total_harm = float(h.sum())
    return PlaceReach(
        top_areas=top,
        areas=len(lsoas),
        harm_share=float(h[top].sum() / total_harm) if total_harm > 0 else math.nan,
        population_share=pop_share,
        participants_in_top=k,
        participants_placed=n,
        participant_share=share,
        participant_low=lo,
        participant_high=hi,
        ratio=share / pop_share if n else math.nan,
        ratio_low=lo / pop_share if n else math.nan,
        ratio_high=hi / pop_share if n else math.nan,
        not_placed=not_placed,
    )


def participant_areas(returns: pd.DataFrame) -> pd.Series:
    """Participants per home area code, over the given return rows."""
    rows = returns[returns["measure"] == "participants_area"]
    return rows.groupby("category")["value"].sum().astype("int64")


def quarter_months(returns: pd.DataFrame) -> list[str]:
    """The ``YYYY-MM`` months of the quarters the returns cover."""
    months: set[str] = set()
    for quarter in totals(returns)["quarter"]:
        first = 3 * int(quarter[5]) - 2
        months.update(f"{quarter[:4]}-{m:02d}" for m in range(first, first + 3))
    return sorted(months)
