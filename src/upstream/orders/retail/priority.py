"""Which premises to test first: a score from three parts, each shown (pure functions).

* **Schools**: how near the nearest open secondary or all-through school is -- full points
  at the school, falling in a straight line to none at ``school_radius_m``.
* **Previous failures**: sales to volunteers in the last ``failures_years`` years -- full
  points at ``failures_full`` sales or more.
* **Area risk**: police.uk possession-of-weapons crimes within ``risk_radius_m`` of the
  premises over the latest ``risk_months`` months, relative to the premises with the most
  (so the busiest gets full points).

Each part's points are its share times its weight (``retail.toml``); the score is their sum,
out of the weights' total (100 by default). Distances are straight lines in British
National Grid metres.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from upstream.orders.retail.schedule import RetailRules, add_months
from upstream.orders.retail.schemas import PremisesView

__all__ = ["PriorityScore", "explain", "priority_scores"]


@dataclass(frozen=True)
class PriorityScore:
    """One premises' score and its parts."""

    ref: str
    name: str
    premises_type: str
    x: float
    y: float
    school: str | None
    school_m: float | None
    school_points: float
    failures: int
    failures_points: float
    weapons_near: float
    risk_points: float
    score: float


def _nearest(points: pd.DataFrame, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if points.empty or len(x) == 0:
        return np.full(len(x), np.inf), np.full(len(x), -1)
    tree = cKDTree(points[["x", "y"]].to_numpy("float64"))
    distance, index = tree.query(np.column_stack([x, y]))
    return np.asarray(distance, "float64"), np.asarray(index, "int64")


def _near_counts(weapons: pd.DataFrame, x: np.ndarray, y: np.ndarray, radius: float) -> np.ndarray:
    if weapons.empty or len(x) == 0:
        return np.zeros(len(x))
    tree = cKDTree(weapons[["x", "y"]].to_numpy("float64"))
    weights = weapons["n"].to_numpy("float64")
    hits = tree.query_ball_point(np.column_stack([x, y]), r=radius)
    return np.array([float(weights[h].sum()) for h in hits])


def priority_scores(
    premises: Sequence[PremisesView],
    schools: pd.DataFrame,
    weapons: pd.DataFrame,
    rules: RetailRules,
    today: date,
) -> list[PriorityScore]:
    """Every premises' score, highest first (ties by reference).

    ``schools``: open secondary schools (``name``, ``x``, ``y``); ``weapons``: possession-of-
    weapons crimes in the window (``x``, ``y``, ``n``); both may be empty.
    """
    x = np.array([p.easting for p in premises], dtype="float64")
    y = np.array([p.northing for p in premises], dtype="float64")
    school_m, school_i = _nearest(schools, x, y)
    school_share = np.clip(1 - school_m / rules.school_radius_m, 0, 1)
    since = add_months(today, -12 * rules.failures_years)
    failures = np.array([sum(since <= d <= today for d in p.sold_on) for p in premises])
    failure_share = np.minimum(failures / rules.failures_full, 1.0)
    near = _near_counts(weapons, x, y, rules.risk_radius_m)
    risk_share = near / near.max() if len(near) and near.max() > 0 else np.zeros(len(near))
    out = []
    for i, p in enumerate(premises):
        has_school = bool(np.isfinite(school_m[i]))
        parts = (
            round(float(school_share[i] * rules.school_weight), 1),
            round(float(failure_share[i] * rules.failures_weight), 1),
            round(float(risk_share[i] * rules.risk_weight), 1),
        )
        out.append(
            PriorityScore(
                ref=p.ref,
                name=p.name,
                premises_type=p.premises_type.value,
                x=p.easting,
                y=p.northing,
                school=str(schools["name"].iloc[school_i[i]]) if has_school else None,
                school_m=round(float(school_m[i])) if has_school else None,
                school_points=parts[0],
                failures=int(failures[i]),
                failures_points=parts[1],
                weapons_near=float(near[i]),
                risk_points=parts[2],
                score=round(sum(parts), 1),
            )
        )
    return sorted(out, key=lambda s: (-s.score, s.ref))


def explain(score: PriorityScore, rules: RetailRules) -> str:
    """One premises' score in words."""
    school = (
        f"{score.school} is {score.school_m:,.0f} m away"
        if score.school is not None and score.school_m is not None
        else "no secondary school in the area pack"
    )
    return (
        f"{score.name} scores {score.score:.0f} of "
        f"{rules.school_weight + rules.failures_weight + rules.risk_weight:.0f}: "
        f"{score.school_points:.0f} for schools ({school}), "
        f"{score.failures_points:.0f} for {score.failures} sale(s) to volunteers in "
        f"{rules.failures_years} years, and {score.risk_points:.0f} for area risk "
        f"({score.weapons_near:.0f} possession-of-weapons crimes within "
        f"{rules.risk_radius_m:.0f} m)."
    )
