"""The safe-space network: which spaces are open after school, how much of young people's
risk and of school journeys lies within a short walk of one, the gaps, and the best sites
to add.

* **Open after school**: a space counts as open when its opening hours (the format of
  :mod:`upstream.plan.hours`) cover the whole after-school window (default 15:00-17:30) on
  every school weekday, Monday to Friday. Spaces open on only some weekdays or for part of
  the window are listed as such but do not count.
* **Risk**: the forecast surface (:func:`upstream.forecast.service.forecast_cells`): each
  cell's centre carries its expected serious-violence crimes next month.
* **Journeys**: :func:`upstream.plan.journeys.school_journeys`: straight lines from each
  open secondary school to its nearest stations and town centres, points weighted by the
  school's pupils (no street network is available offline).
* **Covered**: within ``walk`` metres (default 400 m, straight line) of an open space.
* **Best additional sites** (maximal coverage with the open spaces fixed,
  :func:`upstream.plan.coverage.max_coverage`): the demand is a stated blend of the two
  shares, ``(1 - blend) * risk share + blend * journey share`` (default ``blend`` 0.5:
  half young people's risk, half pupils' journeys), so a site gains by covering either.
  Each added site's marginal gain is reported in both units: expected crimes a month and
  percentage points of pupils' journeys.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.sparse import csc_matrix, csr_matrix
from scipy.spatial import cKDTree

from upstream.area import Area
from upstream.plan.coverage import PlanError, cover_matrix, max_coverage
from upstream.plan.hours import DAYS, parse_hours
from upstream.plan.spaces_gaps import find_gaps, name_points

__all__ = [
    "SpacesPlan",
    "best_sites",
    "default_candidates",
    "open_after_school",
    "plan_spaces",
    "spaces_table",
]

SCHOOL_WEEKDAYS = range(5)


def open_after_school(hours: pd.Series, window: tuple[int, int]) -> pd.DataFrame:
    """Whether each space is open through ``window`` (minutes after midnight) on school days.

    Returns
    -------
    pandas.DataFrame
        ``weekdays_open`` (how many of Monday-Friday the whole window is covered),
        ``open_after_school`` (all five), ``partly_open`` (open at some time in the window
        on some weekday but not through it every day), ``open_days`` (e.g. ``"Mon-Fri"`` or
        ``"Mon, Wed"``).
    """
    start, end = window
    rows = []
    for text in hours.astype(str):
        parsed = parse_hours(text)
        full = [d for d in SCHOOL_WEEKDAYS if parsed.open_through(d, start, end)]
        some = any(parsed.open_at_all(d, start, end) for d in SCHOOL_WEEKDAYS)
        label = "Mon-Fri" if len(full) == 5 else ", ".join(DAYS[d] for d in full) or "none"
        rows.append((len(full), len(full) == 5, some and len(full) < 5, label))
    return pd.DataFrame(
        rows,
        columns=["weekdays_open", "open_after_school", "partly_open", "open_days"],
        index=hours.index,
    )


def default_candidates(
    area: Area, journey_points: pd.DataFrame, spacing: float = 200.0
) -> pd.DataFrame:
    """Candidate sites when none are given: town centres, stations inside the area, and
    points every ``spacing`` metres along school journeys (one per ~``spacing`` m square).

    Returns ``site_id``, ``name``, ``x``, ``y``, ``source``.
    """
    parts = []
    if len(area.town_centres):
        tc = area.town_centres
        parts.append(
            pd.DataFrame(
                {
                    "name": tc["name"].astype(str) + " town centre",
                    "x": tc["x"],
                    "y": tc["y"],
                    "source": "town centre",
                }
            )
        )
    if len(area.stations):
        st = area.stations[area.stations["inside"].astype(bool)]
        parts.append(
            pd.DataFrame(
                {
                    "name": "near " + st["name"].astype(str),
                    "x": st["x"],
                    "y": st["y"],
                    "source": "station",
                }
            )
        )
    if len(journey_points):
        key = (
            (journey_points["x"] // spacing).astype("int64").astype(str)
            + ":"
            + (journey_points["y"] // spacing).astype("int64").astype(str)
        )
        first = journey_points.loc[~key.duplicated()]
        parts.append(
            pd.DataFrame(
                {
                    "name": "on the way from " + first["school"].astype(str),
                    "x": first["x"].round(0),
                    "y": first["y"].round(0),
                    "source": "school journey",
                }
            )
        )
    out = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=["name", "x", "y", "source"])
    )
    out = out[area.contains(out["x"].to_numpy("float64"), out["y"].to_numpy("float64"))]
    out = out.reset_index(drop=True)
    # a journey point at a station or town centre is that place, named as such
    xy = out[["x", "y"]].to_numpy("float64")
    named = np.flatnonzero(out["source"].to_numpy() != "school journey")
    if len(named) and len(out):
        distance, _ = cKDTree(xy[named]).query(xy)
        out = out[(out["source"] != "school journey").to_numpy() | (distance >= spacing / 2)]
        out = out.reset_index(drop=True)
    out.insert(0, "site_id", [f"candidate-{i + 1:03d}" for i in range(len(out))])
    return out


@dataclass(frozen=True)
class Demand:
    """Demand points: risk cell centres and journey points, with both weights."""

    x: np.ndarray
    y: np.ndarray
    risk: np.ndarray
    """Expected crimes (0 for journey points)."""
    journey: np.ndarray
    """Journey weight (pupils; 0 for risk cells)."""

    def blended(self, blend: float) -> np.ndarray:
        """``(1 - blend) * risk share + blend * journey share`` per point."""
        r, j = self.risk.sum(), self.journey.sum()
        out = np.zeros(len(self.x))
        if r > 0:
            out += (1 - blend) * self.risk / r
        if j > 0:
            out += blend * self.journey / j
        return out


def best_sites(
    demand: Demand,
    fixed_xy: tuple[np.ndarray, np.ndarray],
    candidate_xy: tuple[np.ndarray, np.ndarray],
    k: int,
    walk: float,
    blend: float = 0.5,
) -> pd.DataFrame:
    """The ``k`` candidates that, added to the fixed sites, cover the most blended demand.

    Returns one row per added site in order of marginal gain: ``candidate`` (its position
    in the candidate list), ``gain_risk`` (expected crimes newly within a walk),
    ``gain_journey_share`` (share of pupils' journeys newly within a walk, 0-1),
    ``gain_blend``; and the frame's ``attrs`` hold ``optimal``.
    """
    if not 0 <= blend <= 1:
        raise PlanError(f"the journeys' weight in the demand must be between 0 and 1, got {blend}")
    sx = np.concatenate(
        [np.asarray(fixed_xy[0], "float64"), np.asarray(candidate_xy[0], "float64")]
    )
    sy = np.concatenate(
        [np.asarray(fixed_xy[1], "float64"), np.asarray(candidate_xy[1], "float64")]
    )
    n_fixed = len(fixed_xy[0])
    cover = cover_matrix(demand.x, demand.y, sx, sy, walk)
    weights = demand.blended(blend)
    result = max_coverage(weights, cover, k, fixed=list(range(n_fixed)))
    columns = csc_matrix(cover)
    reached = np.zeros(cover.shape[0], dtype=bool)
    for j in range(n_fixed):
        reached[columns[:, j].indices] = True
    journey_total = demand.journey.sum()
    rows = []
    for j, gain in zip(result.added, result.gains, strict=True):
        new = np.zeros_like(reached)
        new[columns[:, j].indices] = True
        new &= ~reached
        rows.append(
            {
                "candidate": j - n_fixed,
                "gain_risk": float(demand.risk[new].sum()),
                "gain_journey_share": float(demand.journey[new].sum() / journey_total)
                if journey_total > 0
                else 0.0,
                "gain_blend": gain,
            }
        )
        reached |= new
    out = pd.DataFrame(rows, columns=["candidate", "gain_risk", "gain_journey_share", "gain_blend"])
    out.attrs["optimal"] = result.optimal
    return out


@dataclass(frozen=True)
class SpacesPlan:
    """What the safe-space network covers, its gaps and the best sites to add."""

    spaces: pd.DataFrame
    """The spaces with ``open_after_school``, ``weekdays_open``, ``partly_open``,
    ``open_days``, ``risk_within_walk`` and ``reason``."""
    risk_covered: float
    risk_total: float
    journey_covered: float
    journey_total: float
    gaps: pd.DataFrame
    """Largest uncovered risk cells and journey stretches: ``kind``, ``x``, ``y``,
    ``expected``, ``journey_share``, ``street``, ``school``, ``school_m``, ``description``."""
    proposals: pd.DataFrame
    """Added sites in order of marginal gain: ``rank``, ``site_id``, ``name``, ``x``, ``y``,
    ``synthetic``, ``gain_risk``, ``gain_journey_share``, ``street``, ``reason``."""
    walk: float
    window: tuple[int, int]
    blend: float
    optimal: bool
    synthetic: bool
    """True when any space or candidate is synthetic (demo data): say so wherever shown."""

    @property
    def risk_share(self) -> float:
        return self.risk_covered / self.risk_total if self.risk_total > 0 else 0.0

    @property
    def journey_share(self) -> float:
        return self.journey_covered / self.journey_total if self.journey_total > 0 else 0.0


def _covered(cover: csr_matrix) -> np.ndarray:
    return np.asarray(cover.sum(axis=1)).ravel() > 0


def _window_text(window: tuple[int, int]) -> str:
    return "-".join(f"{m // 60:02d}:{m % 60:02d}" for m in window)


def plan_spaces(
    spaces: pd.DataFrame,
    area: Area,
    risk_cells: pd.DataFrame,
    journey_points: pd.DataFrame,
    *,
    candidates: pd.DataFrame | None = None,
    add: int = 0,
    walk: float = 400.0,
    window: tuple[int, int] = (900, 1050),
    blend: float = 0.5,
    described: pd.DataFrame | None = None,
    gaps: int = 10,
) -> SpacesPlan:
    """Coverage of the open safe spaces, the ``gaps`` largest gaps of each kind, and the
    ``add`` best additional sites from ``candidates`` (default :func:`default_candidates`).

    Parameters
    ----------
    spaces
        From :func:`upstream.plan.spaces_file.read_spaces_file` (``site_id``, ``name``,
        ``x``, ``y``, ``opening_hours``, ``synthetic``...).
    risk_cells
        :func:`~upstream.forecast.service.forecast_cells` output.
    journey_points
        :attr:`upstream.plan.journeys.Journeys.points`.
    described
        Crimes with ``x``, ``y`` and police.uk ``location``, to name streets (None: none).
    """
    if walk <= 0:
        raise PlanError(f"the walking distance must be positive, got {walk}")
    if add < 0:
        raise PlanError(f"the number of sites to add must be 0 or more, got {add}")
    opening = open_after_school(spaces["opening_hours"], window)
    spaces = pd.concat([spaces.reset_index(drop=True), opening.reset_index(drop=True)], axis=1)
    is_open = spaces["open_after_school"].to_numpy(bool)
    size = int(risk_cells["cell_size"].to_numpy()[0]) if len(risk_cells) else 150
    demand = Demand(
        x=np.concatenate([risk_cells["x_min"].to_numpy("float64") + size / 2,
                          journey_points["x"].to_numpy("float64")]),
        y=np.concatenate([risk_cells["y_min"].to_numpy("float64") + size / 2,
                          journey_points["y"].to_numpy("float64")]),
        risk=np.concatenate([risk_cells["score"].fillna(0).to_numpy("float64"),
                             np.zeros(len(journey_points))]),
        journey=np.concatenate([np.zeros(len(risk_cells)),
                                journey_points["weight"].to_numpy("float64")]),
    )  # fmt: skip
    sx, sy = spaces["x"].to_numpy("float64"), spaces["y"].to_numpy("float64")
    each = cover_matrix(demand.x, demand.y, sx, sy, walk)
    covered = _covered(each[:, np.flatnonzero(is_open)])
    spaces["risk_within_walk"] = np.round(np.asarray(csc_matrix(each).T @ demand.risk).ravel(), 3)
    spaces["reason"] = [_space_reason(row, walk, window) for row in spaces.to_dict("records")]
    gap_frame = find_gaps(area, risk_cells, journey_points, covered, described=described, top=gaps)
    if candidates is None:
        candidates = default_candidates(area, journey_points)
    proposals = pd.DataFrame(
        columns=["rank", "site_id", "name", "x", "y", "synthetic", "gain_risk",
                 "gain_journey_share", "street", "reason"]
    )  # fmt: skip
    optimal = True
    if add > 0:
        chosen = best_sites(
            demand,
            (sx[is_open], sy[is_open]),
            (candidates["x"].to_numpy("float64"), candidates["y"].to_numpy("float64")),
            add,
            walk,
            blend,
        )
        optimal = bool(chosen.attrs.get("optimal", True))
        picked = candidates.iloc[chosen["candidate"].to_numpy()].reset_index(drop=True)
        flags = picked["synthetic"] if "synthetic" in picked else pd.Series(False, picked.index)
        proposals = picked[["site_id", "name", "x", "y"]].assign(
            synthetic=flags.astype(bool).to_numpy(),
            gain_risk=chosen["gain_risk"].round(3).to_numpy(),
            gain_journey_share=chosen["gain_journey_share"].round(4).to_numpy(),
        )
        proposals.insert(0, "rank", range(1, len(proposals) + 1))
        places = name_points(
            area, proposals["x"].to_numpy(), proposals["y"].to_numpy(), size, described
        )
        proposals["street"] = places["street"].to_numpy()
        proposals["reason"] = [
            f"{place}: adds {g:.2f} expected serious-violence crimes a month and {100 * s:.1f}% of "
            f"pupils' school journeys within {walk:.0f} m of an open safe space (after those above)"
            for place, g, s in zip(
                places["place"],
                proposals["gain_risk"],
                proposals["gain_journey_share"],
                strict=True,
            )
        ]
    synthetic = bool(spaces["synthetic"].any()) or bool(
        "synthetic" in candidates and candidates["synthetic"].astype(bool).any()
    )
    return SpacesPlan(
        spaces=spaces,
        risk_covered=float(demand.risk[covered].sum()),
        risk_total=float(demand.risk.sum()),
        journey_covered=float(demand.journey[covered].sum()),
        journey_total=float(demand.journey.sum()),
        gaps=gap_frame,
        proposals=proposals,
        walk=walk,
        window=window,
        blend=blend,
        optimal=optimal,
        synthetic=synthetic,
    )


def _space_reason(row: dict[Hashable, Any], walk: float, window: tuple[int, int]) -> str:
    span = _window_text(window)
    if row["open_after_school"]:
        head = f"open {span} every school weekday"
    elif row["partly_open"]:
        head = f"not open through {span} every school weekday (only {row['open_days']})"
    else:
        head = f"closed {span} on school days"
    risk = float(row["risk_within_walk"])
    return f"{head}; {risk:.2f} expected crimes a month within {walk:.0f} m"


TABLE_COLUMNS = (
    "role", "rank", "site_id", "name", "easting", "northing", "open_after_school",
    "expected_crimes", "journey_share", "reason", "synthetic",
)  # fmt: skip
"""Columns of ``upstream plan spaces --out``."""


def spaces_table(plan: SpacesPlan) -> pd.DataFrame:
    """One table of the plan: the existing spaces (``role`` ``open`` or ``not open``), the
    proposed sites (``proposed``, by rank) and the gaps (``gap: risk cell`` or
    ``gap: journey stretch``), each with a plain-English ``reason``."""
    s = plan.spaces
    existing = pd.DataFrame(
        {
            "role": np.where(s["open_after_school"], "open", "not open"),
            "rank": pd.NA,
            "site_id": s["site_id"],
            "name": s["name"],
            "easting": s["x"],
            "northing": s["y"],
            "open_after_school": s["open_after_school"],
            "expected_crimes": s["risk_within_walk"],
            "journey_share": np.nan,
            "reason": s["reason"],
            "synthetic": s["synthetic"],
        }
    )
    p = plan.proposals
    proposed = pd.DataFrame(
        {
            "role": "proposed",
            "rank": p["rank"],
            "site_id": p["site_id"],
            "name": p["name"],
            "easting": p["x"],
            "northing": p["y"],
            "open_after_school": pd.NA,
            "expected_crimes": p["gain_risk"],
            "journey_share": p["gain_journey_share"],
            "reason": p["reason"],
            "synthetic": p["synthetic"],
        }
    )
    g = plan.gaps
    gaps = pd.DataFrame(
        {
            "role": "gap: " + g["kind"].astype(str),
            "rank": range(1, len(g) + 1),
            "site_id": pd.NA,
            "name": g["street"],
            "easting": g["x"].round(0),
            "northing": g["y"].round(0),
            "open_after_school": pd.NA,
            "expected_crimes": g["expected"],
            "journey_share": g["journey_share"],
            "reason": g["description"],
            "synthetic": False,
        }
    )
    parts = [f for f in (existing, proposed, gaps) if len(f)]
    return (
        pd.concat(parts, ignore_index=True)[list(TABLE_COLUMNS)]
        if parts
        else pd.DataFrame(columns=list(TABLE_COLUMNS))
    )
