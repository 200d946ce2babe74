"""Fairness of a plan: which neighbourhoods its sites cover, by deprivation and by who lives
there, against where the harm is.

A plan is a set of sites and a radius (Safer Routes posts, safe spaces, cameras). Its
*ground* is the union of the discs of that radius around its sites. For each 2011 LSOA:

* ``covered_m2``: the part of the LSOA inside the ground, and ``covered_fraction`` of its
  area; ``residents_covered`` = population x covered fraction (residents spread evenly);
* ``harm``: the harm (or count) of serious-violence crimes police.uk placed in the LSOA.

Per IMD 2019 decile (1 = most deprived tenth of England's neighbourhoods):
``coverage_share`` = the decile's share of the plan's ground, ``harm_share`` = its share of
the harm, and ``ratio`` = coverage share / harm share. A ratio of 1.8 means the plan
covers those neighbourhoods 1.8 times more than their share of harm would justify; 0.5
means half as much. The verdict sentences say this in words.

Resident make-up: Census 2021 age bands per 2021 LSOA (the pack's ``census_age``): the share
of each band's residents living on the plan's ground against the share of all residents.
The area packs hold no ethnic-group table per LSOA, so make-up by ethnicity cannot be shown
(:data:`MISSING`). police.uk places crimes where they happened, not where victims live: the
harm shares are of places, which is what a deployment can act on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from upstream.area import Area, place_xy
from upstream.plan.coverage import PlanError

__all__ = ["MISSING", "Fairness", "fairness", "ground", "lsoa_coverage", "verdicts"]

MISSING = (
    "Resident make-up by ethnic group is not shown: the area pack holds no Census 2021 "
    "ethnic-group table per LSOA (only age bands). Add one to the pack to compare it."
)
"""What the fairness view cannot show with the bundled data, said wherever it shows."""

_AGE_LABELS = {
    "age_0_15": "aged 0-15",
    "age_16_24": "aged 16-24",
    "age_25_34": "aged 25-34",
    "age_35_49": "aged 35-49",
    "age_50_64": "aged 50-64",
    "age_65_plus": "aged 65 and over",
}


def ground(x: np.ndarray, y: np.ndarray, radius: float) -> shapely.Geometry:
    """The union of the discs of ``radius`` metres around the sites (BNG)."""
    if radius <= 0:
        raise PlanError(f"the radius must be positive, got {radius}")
    points = shapely.points(np.asarray(x, "float64"), np.asarray(y, "float64"))
    return shapely.union_all(shapely.buffer(points, radius, quad_segs=32))


def lsoa_coverage(polygons: pd.Series | np.ndarray, cover: shapely.Geometry) -> np.ndarray:
    """Square metres of each polygon inside ``cover``."""
    geoms = np.asarray(polygons, dtype=object)
    return np.asarray(shapely.area(shapely.intersection(geoms, cover)), dtype="float64")


@dataclass(frozen=True)
class Fairness:
    """A plan's coverage by deprivation decile and by age band, against harm."""

    deciles: pd.DataFrame
    """Per IMD decile: ``decile``, ``lsoas``, ``population_share``, ``coverage_share``,
    ``residents_covered_share``, ``harm_share``, ``ratio``."""
    ages: pd.DataFrame
    """Per age band: ``band``, ``residents``, ``covered``, ``share_covered`` (empty when the
    pack has no Census age table)."""
    verdicts: list[str]
    missing: list[str]
    lsoas: pd.DataFrame
    """Per 2011 LSOA: ``lsoa_code``, ``decile``, ``population``, ``covered_fraction``,
    ``residents_covered``, ``harm``."""


SMALL_SHARE = 0.03
"""Below this share of both ground and harm a decile's ratio is noise: no ratio is given."""


def verdicts(deciles: pd.DataFrame, plan: str) -> list[str]:
    """Plain-English sentences, one per decile the plan covers or that has harm."""
    out = []
    for decile, cover, harm in zip(
        deciles["decile"].to_numpy("int64"),
        deciles["coverage_share"].to_numpy("float64"),
        deciles["harm_share"].to_numpy("float64"),
        strict=True,
    ):
        if cover == 0 and harm == 0:
            continue
        name = f"decile-{decile} neighbourhoods"
        if decile == 1:
            name += " (the most deprived tenth in England)"
        shares = f"({cover:.0%} of its ground, {harm:.0%} of the harm)"
        if harm == 0:
            out.append(
                f"{plan} covers {name} ({cover:.0%} of its ground) where no harm was recorded."
            )
            continue
        if cover == 0 and harm < SMALL_SHARE:
            continue  # nothing covered, little harm: nothing to say
        if cover == 0:
            out.append(f"{plan} does not cover {name}, which hold {harm:.0%} of the harm.")
            continue
        if max(cover, harm) < SMALL_SHARE:
            out.append(f"{plan} covers little of {name}, where little harm is {shares}.")
            continue
        ratio = cover / harm
        if ratio >= 1.25:
            out.append(f"{plan} covers {name} {ratio:.1f}x more than their share of harm {shares}.")
        elif ratio <= 0.8:
            times = "under a tenth of" if ratio < 0.1 else f"{ratio:.1f}x"
            out.append(
                f"{plan} covers {name} {times} their share of harm, less than it "
                f"justifies {shares}."
            )
        else:
            out.append(f"{plan} covers {name} in line with their share of harm {shares}.")
    return out


def _ages(area: Area, cover: shapely.Geometry) -> pd.DataFrame:
    cols = ["band", "residents", "covered", "share_covered"]
    table, polygons = area.census_age, area.lsoas_2021
    if table is None or polygons is None or not len(polygons):
        return pd.DataFrame(columns=cols)
    frac = lsoa_coverage(polygons.geometry, cover) / np.asarray(polygons.geometry.area, "float64")
    by_code = pd.Series(frac, index=polygons["lsoa_code"].astype(str))
    code = "lsoa21_code" if "lsoa21_code" in table else "lsoa_code"
    f = by_code.reindex(table[code].astype(str)).fillna(0).to_numpy()
    rows = []
    for column in [*(c for c in _AGE_LABELS if c in table), "total_usual_residents"]:
        if column not in table:
            continue
        people = pd.to_numeric(table[column], errors="coerce").fillna(0).to_numpy("float64")
        total, covered = float(people.sum()), float((people * f).sum())
        rows.append(
            (_AGE_LABELS.get(column, "all residents"), total, covered,
             covered / total if total else 0.0)
        )  # fmt: skip
    return pd.DataFrame(rows, columns=cols)


def fairness(
    area: Area,
    x: np.ndarray,
    y: np.ndarray,
    radius: float,
    events: pd.DataFrame,
    *,
    plan: str = "The plan",
    measure: str = "harm",
) -> Fairness:
    """Coverage of a plan's sites by IMD decile and age band against harm.

    Parameters
    ----------
    area
        The area pack (2011 LSOAs with ``imd``; optionally 2021 LSOAs and ``census_age``).
    x, y
        The plan's sites (BNG metres).
    radius
        Metres each site covers.
    events
        Crimes with ``x``, ``y`` and, when present, ``is_target`` (only those count) and
        ``harm`` (used when ``measure`` is ``"harm"``; ``"count"`` counts crimes).
    plan
        What the sentences call the plan ("CCTV", "The safe-space network").

    Raises
    ------
    PlanError
        If the pack has no LSOAs or no IMD deciles, or there are no sites.
    """
    if area.imd is None or not len(area.lsoas):
        raise PlanError("fairness needs the area pack's 2011 LSOAs and IMD 2019 deciles")
    if not len(x):
        raise PlanError("the plan has no sites")
    if measure not in ("harm", "count"):
        raise PlanError(f"measure must be 'harm' or 'count', got {measure!r}")
    cover = ground(x, y, radius)
    lsoas = area.lsoas.reset_index(drop=True)
    covered = lsoa_coverage(lsoas.geometry, cover)
    frac = covered / np.asarray(lsoas.geometry.area, "float64")
    target = events[events["is_target"].to_numpy(bool)] if "is_target" in events else events
    placed = place_xy(area, target["x"].to_numpy("float64"), target["y"].to_numpy("float64"),
                      lsoa=True)  # fmt: skip
    weight = (
        target["harm"].to_numpy("float64")
        if measure == "harm" and "harm" in target
        else np.ones(len(target))
    )
    positions = placed.lsoa if placed.lsoa is not None else np.full(len(target), -1)
    ok = positions >= 0
    harm = np.bincount(positions[ok], weights=weight[ok], minlength=len(lsoas))
    population = pd.to_numeric(lsoas["population"], errors="coerce").fillna(0).to_numpy()
    table = pd.DataFrame(
        {
            "lsoa_code": lsoas["lsoa_code"].astype(str),
            "decile": area.imd.reindex(lsoas["lsoa_code"].astype(str)).to_numpy(),
            "population": population,
            "covered_m2": covered,
            "covered_fraction": frac,
            "residents_covered": population * frac,
            "harm": harm,
        }
    )
    known = table.dropna(subset=["decile"]).astype({"decile": "int64"})
    grouped = known.groupby("decile").agg(
        lsoas=("lsoa_code", "size"),
        population=("population", "sum"),
        covered_m2=("covered_m2", "sum"),
        residents_covered=("residents_covered", "sum"),
        harm=("harm", "sum"),
    )
    grouped = grouped.reindex(range(1, 11), fill_value=0).reset_index()

    def share(column: str) -> np.ndarray:
        total = float(grouped[column].sum())
        return grouped[column].to_numpy("float64") / total if total > 0 else np.zeros(10)

    deciles = pd.DataFrame(
        {
            "decile": grouped["decile"],
            "lsoas": grouped["lsoas"].astype("int64"),
            "population_share": share("population"),
            "coverage_share": share("covered_m2"),
            "residents_covered_share": share("residents_covered"),
            "harm_share": share("harm"),
        }
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        deciles["ratio"] = np.where(
            deciles["harm_share"] > 0, deciles["coverage_share"] / deciles["harm_share"], np.nan
        )
    deciles = deciles[deciles["lsoas"] > 0].reset_index(drop=True)
    ages = _ages(area, cover)
    missing = [MISSING]
    if ages.empty:
        missing.append("Resident age make-up is not shown: the pack has no Census age table.")
    return Fairness(deciles, ages, verdicts(deciles, plan), missing, table)
