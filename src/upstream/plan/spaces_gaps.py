"""Gaps in the safe-space network: the largest uncovered risk cells and stretches of school
journeys, each named for people (street from police.uk locations, nearest school)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from upstream.analysis.placenames import describe_place, name_cells, street
from upstream.area import Area

__all__ = ["find_gaps", "journey_stretches", "name_points"]


def journey_stretches(points: pd.DataFrame, covered: np.ndarray) -> pd.DataFrame:
    """Runs of consecutive uncovered points along each journey.

    Returns ``journey``, ``school``, ``x0``, ``y0``, ``x1``, ``y1`` (ends), ``x``, ``y``
    (middle point), ``points``, ``weight`` (pupils' journey weight in the stretch).
    """
    rows = []
    frame = points.assign(covered=np.asarray(covered, dtype=bool))
    for journey, part in frame.groupby("journey", sort=True):
        run = (part["covered"] != part["covered"].shift()).cumsum()
        for _, stretch in part[~part["covered"]].groupby(run[~part["covered"]]):
            xs = stretch["x"].to_numpy("float64")
            ys = stretch["y"].to_numpy("float64")
            mid = len(stretch) // 2
            rows.append(
                {
                    "journey": journey,
                    "school": str(stretch["school"].to_numpy()[0]),
                    "x0": xs[0],
                    "y0": ys[0],
                    "x1": xs[-1],
                    "y1": ys[-1],
                    "x": xs[mid],
                    "y": ys[mid],
                    "points": len(stretch),
                    "weight": float(stretch["weight"].sum()),
                }
            )
    cols = ["journey", "school", "x0", "y0", "x1", "y1", "x", "y", "points", "weight"]
    return pd.DataFrame(rows, columns=cols)


def name_points(
    area: Area, x: np.ndarray, y: np.ndarray, size: int, described: pd.DataFrame | None
) -> pd.DataFrame:
    """:func:`~upstream.analysis.placenames.name_cells` for the cells holding points, with
    the street of the nearest described crime within ``2 * size`` metres where the cell
    itself has none (a point on a journey may lie in a cell without crimes)."""
    x = np.asarray(x, "float64")
    y = np.asarray(y, "float64")
    if described is not None and "location" not in described:
        described = None  # crimes without police.uk descriptions name no streets
    names = name_cells(area, (x // size) * size, (y // size) * size, size, described)
    if described is None or not len(described) or not len(names):
        return names
    streets = described["location"].map(street)
    known = described[streets.notna().to_numpy()]
    if not len(known):
        return names
    tree = cKDTree(known[["x", "y"]].to_numpy("float64"))
    distance, index = tree.query(np.column_stack([x, y]))
    fill = names["street"].isna().to_numpy() & (distance <= 2 * size)
    if fill.any():
        names.loc[fill, "street"] = streets[streets.notna()].to_numpy()[index[fill]]
        names["place"] = [
            describe_place(st, lm, ln, sc, sm)
            for st, lm, ln, sc, sm in zip(
                names["street"], names["landmark"], names["lsoa_name"], names["school"],
                names["school_m"], strict=True,
            )
        ]  # fmt: skip
    return names


def find_gaps(
    area: Area,
    risk_cells: pd.DataFrame,
    journey_points: pd.DataFrame,
    covered: np.ndarray,
    *,
    described: pd.DataFrame | None = None,
    top: int = 10,
) -> pd.DataFrame:
    """The ``top`` largest uncovered risk cells and journey stretches, named.

    ``covered`` marks the risk cells' centres, then the journey points, within a walk of
    an open space (in that order). Returns ``kind`` (``risk cell`` / ``journey stretch``),
    ``x``, ``y``, ``expected`` (crimes a month), ``journey_share`` (of all pupils'
    journeys), ``street``, ``school`` (the nearest secondary school, or the journey's
    school), ``school_m`` and ``description`` (one plain-English line).
    """
    n_risk = len(risk_cells)
    size = int(risk_cells["cell_size"].to_numpy()[0]) if n_risk else 150
    cols = ["kind", "x", "y", "expected", "journey_share", "street", "school", "school_m",
            "description"]  # fmt: skip
    parts = []
    risk = risk_cells.assign(uncovered=~covered[:n_risk]).reset_index(drop=True)
    risk = risk[risk["uncovered"] & (risk["score"] > 0)]
    risk = risk.sort_values(["score", "x_min", "y_min"], ascending=[False, True, True]).head(top)
    if len(risk):
        names = name_cells(area, risk["x_min"], risk["y_min"], size, described)
        parts.append(
            pd.DataFrame(
                {
                    "kind": "risk cell",
                    "x": (risk["x_min"] + size / 2).to_numpy(),
                    "y": (risk["y_min"] + size / 2).to_numpy(),
                    "expected": risk["score"].round(3).to_numpy(),
                    "journey_share": 0.0,
                    "street": names["street"].to_numpy(),
                    "school": names["school"].to_numpy(),
                    "school_m": names["school_m"].to_numpy(),
                    "description": [
                        f"{s:.2f} expected crimes a month, no open safe space within a walk: {p}"
                        for s, p in zip(risk["score"], names["place"], strict=True)
                    ],
                }
            )
        )
    total = float(journey_points["weight"].sum()) if len(journey_points) else 0.0
    if len(journey_points) and total > 0:
        stretches = journey_stretches(journey_points.reset_index(drop=True), covered[n_risk:])
        stretches = stretches.sort_values(["weight", "journey"], ascending=[False, True]).head(top)
        if len(stretches):
            names = name_points(
                area, stretches["x"].to_numpy(), stretches["y"].to_numpy(), size, described
            )
            length = np.hypot(stretches["x1"] - stretches["x0"], stretches["y1"] - stretches["y0"])
            share = stretches["weight"].to_numpy() / total
            parts.append(
                pd.DataFrame(
                    {
                        "kind": "journey stretch",
                        "x": stretches["x"].to_numpy(),
                        "y": stretches["y"].to_numpy(),
                        "expected": 0.0,
                        "journey_share": np.round(share, 4),
                        "street": names["street"].to_numpy(),
                        "school": stretches["school"].to_numpy(),
                        "school_m": np.round(_from_school(area, stretches), 0),
                        "description": [
                            f"{ln:.0f} m of the journey from {sc} with no open safe space "
                            f"within a walk ({100 * sh:.1f}% of pupils' journeys): {p}"
                            for ln, sc, sh, p in zip(
                                length, stretches["school"], share, names["place"], strict=True
                            )
                        ],
                    }
                )
            )
    if not parts:
        return pd.DataFrame(columns=cols)
    return pd.concat(parts, ignore_index=True)[cols]


def _from_school(area: Area, stretches: pd.DataFrame) -> np.ndarray:
    """Metres from each stretch's middle to its own school."""
    schools = area.schools.drop_duplicates("name").set_index("name")
    at = schools.reindex(stretches["school"].astype(str))
    return np.hypot(
        stretches["x"].to_numpy() - at["x"].to_numpy("float64"),
        stretches["y"].to_numpy() - at["y"].to_numpy("float64"),
    )
