"""What the priority map needs from outside the register: the area's open secondary schools
(the Plan page's :func:`upstream.plan.journeys.secondary_schools`) and police.uk
possession-of-weapons crimes near by, from the event store."""

from __future__ import annotations

import pandas as pd

from upstream.area import Area
from upstream.events import EventStore
from upstream.plan.journeys import secondary_schools
from upstream.vocab import month_index

__all__ = ["WEAPONS", "schools_of", "weapon_points"]

WEAPONS = "Possession of weapons"
"""The police.uk crime type counted as area risk."""


def schools_of(area: Area) -> pd.DataFrame:
    """Open secondary and all-through schools (``name``, ``x``, ``y``)."""
    return secondary_schools(area)[["name", "x", "y"]]


def weapon_points(store: EventStore, months: int) -> tuple[pd.DataFrame, str | None]:
    """Possession-of-weapons crimes per police.uk map point (``x``, ``y``, ``n``) over the
    latest ``months`` months loaded, and the months covered in words (None: no street crime
    loaded)."""
    empty = pd.DataFrame({"x": [], "y": [], "n": []})
    if not store.has("police_uk_street"):
        return empty, None
    rows = store.query(
        "SELECT x, y, month, count(*) AS n FROM street WHERE crime_type = $1 "
        "AND x IS NOT NULL AND y IS NOT NULL GROUP BY ALL",
        [WEAPONS],
    )
    if rows.empty:
        return empty, None
    index = rows["month"].astype(str).map(month_index)
    last = int(index.max())
    recent = rows[(index > last - months).to_numpy()]
    first = str(recent["month"].astype(str).min())
    span = f"{first} to {rows['month'].astype(str).max()}"
    points = pd.DataFrame(recent.groupby(["x", "y"], as_index=False)["n"].sum())
    return points, span
