"""School journeys: where pupils walk between their secondary school and the places they go.

No street network is available offline, so a journey is the straight line from an open
secondary (or all-through) school to each of its nearest stations and town centres within
walking distance, sampled every few metres. Each journey carries the school's pupils shared
equally among its journeys (the median school's roll when the pack has no pupil number).
This is a planning approximation, said so wherever it shows: real routes bend along streets,
but they stay in the same corridor at the scale of a 250 m walking radius.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from upstream.area import Area

__all__ = ["Journeys", "school_journeys", "secondary_schools"]


@dataclass(frozen=True)
class Journeys:
    """Journeys as lines (one row each) and as points along them."""

    lines: pd.DataFrame
    """``school``, ``pupils``, ``destination``, ``kind`` (station / town centre), ``x0``,
    ``y0`` (the school), ``x1``, ``y1`` (the destination), ``length_m``, ``weight`` (the
    school's pupils shared among its journeys)."""
    points: pd.DataFrame
    """``journey`` (row of :attr:`lines`), ``school``, ``x``, ``y``, ``weight`` (the
    journey's weight spread evenly over its points)."""


def secondary_schools(area: Area) -> pd.DataFrame:
    """Open secondary and all-through schools of the pack (``name``, ``x``, ``y``,
    ``pupils``, ``inside``), with a pupil number for each (the median where missing)."""
    schools = area.schools
    if schools.empty or "secondary" not in schools:
        return pd.DataFrame(columns=["name", "x", "y", "pupils", "inside"])
    is_open = schools["open"].astype(bool) if "open" in schools else True
    chosen = schools[schools["secondary"].astype(bool) & is_open].copy()
    pupils = pd.to_numeric(chosen["pupils"], errors="coerce") if "pupils" in chosen else None
    if pupils is None:
        pupils = pd.Series(np.nan, index=chosen.index)
    fill = float(pupils.median()) if pupils.notna().any() else 1000.0
    chosen["pupils"] = pupils.fillna(fill)
    return chosen[["name", "x", "y", "pupils", "inside"]].reset_index(drop=True)


def _destinations(area: Area) -> pd.DataFrame:
    parts = []
    if not area.stations.empty:
        parts.append(area.stations[["name", "x", "y"]].assign(kind="station"))
    if not area.town_centres.empty:
        parts.append(area.town_centres[["name", "x", "y"]].assign(kind="town centre"))
    if not parts:
        return pd.DataFrame(columns=["name", "x", "y", "kind"])
    return pd.concat(parts, ignore_index=True)


def school_journeys(
    area: Area, *, per_school: int = 3, max_walk_m: float = 2500.0, step_m: float = 50.0
) -> Journeys:
    """Each school's journeys to its ``per_school`` nearest stations and town centres
    within ``max_walk_m`` metres (at least the nearest one, however far), as lines and as
    points every ``step_m`` metres."""
    schools = secondary_schools(area)
    places = _destinations(area)
    lines: list[dict[str, object]] = []
    if not schools.empty and not places.empty:
        px, py = places["x"].to_numpy("float64"), places["y"].to_numpy("float64")
        sx, sy = schools["x"].to_numpy("float64"), schools["y"].to_numpy("float64")
        rolls = schools["pupils"].to_numpy("float64")
        for n, name in enumerate(schools["name"].astype(str)):
            distance = np.hypot(px - sx[n], py - sy[n])
            order = np.argsort(distance, kind="stable")
            near = [j for j in order[:per_school] if distance[j] <= max_walk_m] or [order[0]]
            for j in near:
                lines.append(
                    {
                        "school": name,
                        "pupils": rolls[n],
                        "destination": places["name"].iat[j],
                        "kind": places["kind"].iat[j],
                        "x0": sx[n],
                        "y0": sy[n],
                        "x1": px[j],
                        "y1": py[j],
                        "length_m": distance[j],
                        "weight": rolls[n] / len(near),
                    }
                )
    line_frame = pd.DataFrame(
        lines,
        columns=[
            "school",
            "pupils",
            "destination",
            "kind",
            "x0",
            "y0",
            "x1",
            "y1",
            "length_m",
            "weight",
        ],
    )
    points = []
    arrays = {c: line_frame[c].to_numpy("float64") for c in ("x0", "y0", "x1", "y1")}
    lengths = line_frame["length_m"].to_numpy("float64")
    weights = line_frame["weight"].to_numpy("float64")
    for n, school in enumerate(line_frame["school"].astype(str)):
        t = np.linspace(0.0, 1.0, max(1, int(np.ceil(lengths[n] / step_m))) + 1)
        x0, y0 = arrays["x0"][n], arrays["y0"][n]
        points.append(
            pd.DataFrame(
                {
                    "journey": n,
                    "school": school,
                    "x": x0 + t * (arrays["x1"][n] - x0),
                    "y": y0 + t * (arrays["y1"][n] - y0),
                    "weight": weights[n] / len(t),
                }
            )
        )
    point_frame = (
        pd.concat(points, ignore_index=True)
        if points
        else pd.DataFrame(columns=["journey", "school", "x", "y", "weight"])
    )
    return Journeys(lines=line_frame, points=point_frame)
