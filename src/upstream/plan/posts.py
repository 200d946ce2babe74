"""Safer Routes posts: where N chaperone teams stand on the walks to and from school.

Candidate sites are the school gates and points along the school journeys
(:mod:`upstream.plan.journeys`), thinned to one every ``spacing`` metres, inside the area and
within 1,000 m of an open secondary or all-through school (a hard rule). Demand is the risk
surface (:mod:`upstream.plan.risk`): each cell's score, spread over the police.uk map points
in it where serious violence was recorded (its centre when none was). The
N sites that cover the most risk within ``radius`` metres are chosen exactly
(:func:`upstream.plan.coverage.max_coverage`) and numbered P01, P02... by marginal gain.

Each post says why it is there in one plain sentence: the street it stands on (police.uk's
location descriptions of the crimes nearest to it), the school walk it stands on with the
school's pupils, the risk expected within the radius next month and the crimes there in the
last three months.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from upstream.analysis.placenames import street
from upstream.area import Area, to_lonlat
from upstream.plan.coverage import Coverage, PlanError, cover_matrix, max_coverage
from upstream.plan.journeys import Journeys, school_journeys, secondary_schools
from upstream.plan.risk import RiskSurface
from upstream.vocab import month_index

__all__ = [
    "DEFAULT_CORRIDOR",
    "MAX_SCHOOL_M",
    "POST_COLUMNS",
    "PostPlan",
    "candidate_sites",
    "plan_posts",
]

MAX_SCHOOL_M = 1000.0
"""Every post lies within this many metres of an open secondary or all-through school."""

DEFAULT_CORRIDOR = 250.0
"""Metres off the straight school journeys that candidate sites may also lie (``--corridor``):
real routes bend along streets, and about a walking radius either side of the straight line
models "on the journey". Chosen on the validation months 2016-07..2016-12 of
``benchmarks/target.py`` (with :data:`upstream.plan.risk.DEFAULT_RECURRENCE` and
:data:`upstream.plan.risk.DEFAULT_PLAN_METHOD`)."""

POST_COLUMNS = (
    "post_id",
    "easting",
    "northing",
    "lon",
    "lat",
    "street",
    "schools",
    "pupils",
    "measure",
    "expected",
    "recent_events",
    "marginal_gain",
    "reason",
    "synthetic",
)
"""The columns of ``upstream plan posts --out``, in order."""

_GATE_M = 60.0
"""A post this close to a school stands at its gates."""
_STREET_M = 150.0
"""The farthest a police.uk map point may be from a post to name its street."""


@dataclass(frozen=True)
class PostPlan:
    """The posts chosen and what they were chosen from."""

    posts: pd.DataFrame
    """One row per post, columns :data:`POST_COLUMNS`, in post-id order."""
    coverage: Coverage
    """The solver's answer over :attr:`candidates` (indices into it)."""
    candidates: pd.DataFrame
    """``x``, ``y``, ``gate`` (True for a school gate)."""
    risk: RiskSurface
    journeys: Journeys
    radius: float

    @property
    def note(self) -> str:
        """What a reader must know about the plan: the risk's timing and the journeys."""
        return (
            f"{self.risk.note} School journeys are straight lines from each school to its "
            "nearest stations and town centres (no street network is available offline)."
        )


def _thin(xy: np.ndarray, spacing: float) -> list[int]:
    """Indices of the points kept, in order, when a point is dropped if a kept one lies
    closer than ``spacing`` metres (a grid of ``spacing`` cells: only the 3 x 3 around a
    point can hold one that close)."""
    cells: dict[tuple[int, int], list[int]] = {}
    kept: list[int] = []
    for i, (x, y) in enumerate(xy.tolist()):
        cx, cy = int(np.floor(x / spacing)), int(np.floor(y / spacing))
        near = (
            j for dx in (-1, 0, 1) for dy in (-1, 0, 1) for j in cells.get((cx + dx, cy + dy), ())
        )
        if any(np.hypot(xy[j, 0] - x, xy[j, 1] - y) < spacing for j in near):
            continue
        kept.append(i)
        cells.setdefault((cx, cy), []).append(i)
    return kept


def _corridor(area: Area, lines: pd.DataFrame, spacing: float, width: float) -> pd.DataFrame:
    """Points of a ``spacing`` lattice (aligned to multiples of it in BNG) within ``width``
    metres of a journey line, in lattice order (west to east, then south to north)."""
    if lines.empty or width <= 0:
        return pd.DataFrame({"x": [], "y": []})
    minx, miny, maxx, maxy = area.boundary.bounds
    xs = np.arange(np.floor(minx / spacing), np.ceil(maxx / spacing) + 1) * spacing
    ys = np.arange(np.floor(miny / spacing), np.ceil(maxy / spacing) + 1) * spacing
    gx, gy = (a.ravel() for a in np.meshgrid(xs, ys, indexing="ij"))
    near = np.zeros(gx.shape, dtype=bool)
    for x0, y0, x1, y1 in lines[["x0", "y0", "x1", "y1"]].to_numpy("float64").tolist():
        dx, dy = x1 - x0, y1 - y0
        t = np.clip(((gx - x0) * dx + (gy - y0) * dy) / max(dx * dx + dy * dy, 1e-9), 0.0, 1.0)
        near |= np.hypot(x0 + t * dx - gx, y0 + t * dy - gy) <= width
    return pd.DataFrame({"x": gx[near], "y": gy[near]})


def candidate_sites(
    area: Area,
    journeys: Journeys,
    *,
    spacing: float = 75.0,
    max_school_m: float = MAX_SCHOOL_M,
    corridor: float = 0.0,
) -> pd.DataFrame:
    """School gates and journey points, one per ``spacing`` metres, inside the area and
    within ``max_school_m`` of an open secondary or all-through school.

    Gates come first (each school's site, in name order), then journey points in journey
    order, then (with ``corridor`` metres) the points of a ``spacing`` lattice within that
    distance of a journey line, for routes that leave the straight line; a point is kept
    when no kept point lies within ``spacing`` metres. The order is deterministic, so the
    same inputs give the same sites.
    """
    schools = secondary_schools(area)
    gates = pd.DataFrame(
        {"x": schools["x"].to_numpy("float64"), "y": schools["y"].to_numpy("float64")}
    ).assign(gate=True)
    points = journeys.points[["x", "y"]].astype("float64").assign(gate=False)
    lattice = _corridor(area, journeys.lines, spacing, corridor).assign(gate=False)
    pool = pd.concat([gates, points, lattice], ignore_index=True)
    if pool.empty or schools.empty:
        return pd.DataFrame({"x": [], "y": [], "gate": []})
    xy = pool[["x", "y"]].to_numpy("float64")
    near_school = cKDTree(schools[["x", "y"]].to_numpy("float64")).query(xy)[0] <= max_school_m
    ok = np.flatnonzero(near_school & area.contains(xy[:, 0], xy[:, 1]))
    kept = ok[_thin(xy[ok], spacing)]
    return pool.iloc[kept].reset_index(drop=True)


def _segment_distance(px: float, py: float, lines: pd.DataFrame) -> np.ndarray:
    """Distance from a point to each journey line (school to destination)."""
    x0, y0 = lines["x0"].to_numpy("float64"), lines["y0"].to_numpy("float64")
    dx, dy = lines["x1"].to_numpy("float64") - x0, lines["y1"].to_numpy("float64") - y0
    length2 = np.maximum(dx * dx + dy * dy, 1e-9)
    t = np.clip(((px - x0) * dx + (py - y0) * dy) / length2, 0.0, 1.0)
    return np.asarray(np.hypot(x0 + t * dx - px, y0 + t * dy - py))


def _streets(events: pd.DataFrame, x: np.ndarray, y: np.ndarray) -> list[str | None]:
    """The street of the nearest police.uk map point described by a street, per site."""
    if "location" not in events or events.empty:
        return [None] * len(x)
    described = events[["x", "y", "location"]].drop_duplicates()
    names = described["location"].map(street)
    described = described[names.notna().to_numpy()].assign(street=names.dropna())
    if described.empty:
        return [None] * len(x)
    described = described.sort_values(["x", "y", "street"], kind="mergesort")
    described = described.drop_duplicates(["x", "y"])
    tree = cKDTree(described[["x", "y"]].to_numpy("float64"))
    distance, index = tree.query(np.column_stack([x, y]))
    labels = described["street"].tolist()
    return [labels[i] if d <= _STREET_M else None for d, i in zip(distance, index, strict=True)]


def _number(value: float, target: str) -> str:
    if target == "harm":
        return f"{value:,.0f}"
    return f"{value:.1f}" if value < 10 else f"{value:,.0f}"


def _reason(
    *,
    px: float,
    py: float,
    road: str | None,
    lines: pd.DataFrame,
    radius: float,
    expected: float,
    recent: int,
    risk: RiskSurface,
    recent_months: int,
) -> tuple[str, str, int]:
    """The post's sentence, its schools (``name (pupils)``; ...) and their pupils."""
    distance = _segment_distance(px, py, lines)
    near = lines.assign(distance=distance)[distance <= radius]
    by_school = (
        near.sort_values(["distance", "pupils"], ascending=[True, False], kind="mergesort")
        .drop_duplicates("school")
        .reset_index(drop=True)
    )
    served = by_school.sort_values(["pupils", "school"], ascending=[False, True], kind="mergesort")
    schools = "; ".join(
        f"{s} ({p:,.0f})" for s, p in zip(served["school"], served["pupils"], strict=True)
    )
    pupils = round(float(served["pupils"].sum())) if len(served) else 0
    where = f"on {road}" if road else "here"
    if by_school.empty:
        text = f"Stands {where}, within {MAX_SCHOOL_M:,.0f} m of a secondary school"
    else:
        first = by_school.iloc[0]
        gate = np.hypot(first["x0"] - px, first["y0"] - py) <= _GATE_M
        school = f"{first['school']} ({first['pupils']:,.0f} pupils)"
        if gate:
            text = f"Stands {where} at the gates of {school}"
        else:
            text = f"Stands {where} on the walk from {school} to {first['destination']}"
        others = by_school.iloc[1:]
        if len(others):
            text += (
                f", also on the way of {len(others)} other school(s) "
                f"({others['pupils'].sum():,.0f} pupils)"
            )
    when = " in the after-school window on school days" if risk.timed else ""
    if risk.target == "harm":
        what = f"harm of {_number(expected, 'harm')} (crime-severity weight) expected"
    else:
        what = f"{_number(expected, 'count')} serious-violence crimes expected"
    text += f"; {what} within {radius:,.0f} m{when} next month; "
    crimes = "" if risk.target == "count" else " serious-violence crimes"
    text += f"{recent:,}{crimes} in the last {recent_months} months of data"
    return text, schools, pupils


def plan_posts(
    events: pd.DataFrame,
    risk: RiskSurface,
    area: Area,
    teams: int,
    *,
    radius: float = 250.0,
    spacing: float = 75.0,
    journeys: Journeys | None = None,
    recent_months: int = 3,
    corridor: float = DEFAULT_CORRIDOR,
    time_limit: float = 60.0,
) -> PostPlan:
    """Choose ``teams`` posts covering the most risk within ``radius`` metres.

    Parameters
    ----------
    events
        The events the risk was forecast from (``month``, ``x``, ``y``, ``is_target``;
        ``location`` names streets when present): those in the last ``recent_months`` up
        to ``risk.until`` are the post's recent events.
    risk
        The risk surface (:func:`upstream.plan.risk.risk_surface`).
    corridor
        Also consider sites up to this many metres off the straight journey lines (0: on
        them only); see :func:`candidate_sites`.

    Raises
    ------
    PlanError
        If ``teams`` is below 1, the area pack has no open secondary schools, or there are
        fewer candidate sites than teams.
    """
    if teams < 1:
        raise PlanError(f"--teams must be 1 or more, got {teams}")
    if secondary_schools(area).empty:
        raise PlanError(
            "the area pack lists no open secondary or all-through schools: posts stand on "
            "school journeys, so none can be placed"
        )
    journeys = journeys if journeys is not None else school_journeys(area)
    sites = candidate_sites(area, journeys, spacing=spacing, corridor=corridor)
    if teams > len(sites):
        raise PlanError(
            f"--teams {teams} is more than the {len(sites)} candidate post sites on the school "
            f"journeys (one every {spacing:,.0f} m within {MAX_SCHOOL_M:,.0f} m of a school"
            f"{f', up to {corridor:,.0f} m off the straight lines' if corridor else ''})"
        )
    demand = risk.demand
    cover = cover_matrix(
        demand["x"].to_numpy(), demand["y"].to_numpy(), sites["x"].to_numpy(),
        sites["y"].to_numpy(), radius,
    )  # fmt: skip
    weights = demand["weight"].to_numpy("float64")
    chosen = max_coverage(weights, cover, teams, time_limit=time_limit)
    px = sites["x"].to_numpy("float64")[chosen.added]
    py = sites["y"].to_numpy("float64")[chosen.added]
    expected = np.asarray(cover[:, chosen.added].T @ weights, dtype="float64").ravel()
    recent_from = month_index(risk.until) - recent_months + 1
    month = events["month"].astype(str).map(month_index) if len(events) else pd.Series([])
    recent_rows = events[
        events["is_target"].to_numpy(dtype=bool)
        & (month >= recent_from).to_numpy()
        & (month <= month_index(risk.until)).to_numpy()
    ]
    recent_tree = cKDTree(recent_rows[["x", "y"]].to_numpy("float64")) if len(recent_rows) else None
    past = events[(month <= month_index(risk.until)).to_numpy()] if len(events) else events
    roads = _streets(past, px, py)
    lon, lat = to_lonlat(px, py)
    rows = []
    for n in range(len(px)):
        recent = len(recent_tree.query_ball_point([px[n], py[n]], r=radius)) if recent_tree else 0
        reason, schools, pupils = _reason(
            px=px[n],
            py=py[n],
            road=roads[n],
            lines=journeys.lines,
            radius=radius,
            expected=float(expected[n]),
            recent=recent,
            risk=risk,
            recent_months=recent_months,
        )
        rows.append(
            {
                "post_id": f"P{n + 1:02d}",
                "easting": round(float(px[n]), 1),
                "northing": round(float(py[n]), 1),
                "lon": float(lon[n]),
                "lat": float(lat[n]),
                "street": roads[n],
                "schools": schools,
                "pupils": pupils,
                "measure": "harm" if risk.target == "harm" else "serious-violence crimes",
                "expected": round(float(expected[n]), 4),
                "recent_events": recent,
                "marginal_gain": round(float(chosen.gains[n]), 4),
                "reason": reason,
                "synthetic": risk.synthetic,
            }
        )
    posts = pd.DataFrame(rows, columns=list(POST_COLUMNS))
    return PostPlan(posts, chosen, sites, risk, journeys, float(radius))
