"""Synthetic planning kit for the demo: safe spaces and a mobile-CCTV deployment history.

No partnership publishes its list of safe spaces or its camera moves, so the demo makes
plausible ones, every row marked ``synthetic`` and every name saying "(synthetic)":

* **Safe spaces** (:func:`demo_safe_spaces`), in the safe-space file format of
  :mod:`upstream.plan.spaces_file`: a library near each town centre (some closing before the
  end of the after-school window), a youth hub near some secondary schools, shops near
  stations and town centres (long hours), and one space closed for refurbishment. Each is
  placed 60-250 m from the place it belongs to, on a 10 m grid, inside the area.
* **CCTV history** (:func:`demo_cctv_history`): the deployments the planning rule of
  :mod:`upstream.plan.cctv` would have made in the months before the data end (so a
  before/after comparison has data on both sides), marked synthetic: no camera was moved.

:func:`write_demo_kit` writes both (the spaces file, and the history into the deployment
register); running it again changes nothing.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from upstream.area import Area
from upstream.plan.cctv import plan_cctv_from_events, record
from upstream.plan.files import write_csv_atomic
from upstream.plan.spaces_file import DEMO_SPACES_FILE, SPACE_COLUMNS
from upstream.vocab import month_index

__all__ = ["demo_cctv_history", "demo_safe_spaces", "write_demo_kit"]

"""The demo safe-space file's name in the synthetic folder."""

_LIBRARY_HOURS = ("Mon-Fri 09:00-19:00; Sat 10:00-16:00", "Mon-Fri 09:30-17:00; Sat 10:00-13:00")
_HUB_HOURS = "Mon-Fri 15:00-21:00; Sat 12:00-18:00"
_SHOP_HOURS = ("Mon-Sat 07:00-22:00; Sun 10:00-16:00", "Mon-Fri 08:00-18:00", "daily 06:00-23:00")


def _near(area: Area, rng: np.random.Generator, x: float, y: float) -> tuple[float, float]:
    for _ in range(200):
        r = rng.uniform(60.0, 250.0)
        theta = rng.uniform(0.0, 2 * np.pi)
        px = round((x + r * np.cos(theta)) / 10) * 10.0
        py = round((y + r * np.sin(theta)) / 10) * 10.0
        if area.contains(np.array([px]), np.array([py]))[0]:
            return px, py
    return float(x), float(y)


def demo_safe_spaces(area: Area, seed: int = 1) -> pd.DataFrame:
    """Plausible synthetic safe spaces on the area's town centres, stations and schools,
    in the columns of :data:`upstream.plan.spaces_file.SPACE_COLUMNS` (easting/northing)."""
    rng = np.random.default_rng(seed)
    rows: list[dict[str, object]] = []

    def add(name: str, kind: str, hours: str, x: float, y: float, near: str) -> None:
        px, py = _near(area, rng, x, y)
        rows.append(
            {
                "name": f"{name} (synthetic)",
                "address": f"synthetic address near {near}",
                "easting": px,
                "northing": py,
                "opening_hours": hours,
                "kind": kind,
            }
        )

    centres = area.town_centres
    for n, (name, x, y) in enumerate(zip(centres["name"], centres["x"], centres["y"], strict=True)):
        add(f"{name} Library", "library", _LIBRARY_HOURS[n % 2], x, y, str(name))
        add(f"{name} corner shop", "shop", _SHOP_HOURS[n % 3], x, y, str(name))
    stations = (
        area.stations[area.stations["inside"].astype(bool)] if len(area.stations) else area.stations
    )
    for n, (name, x, y) in enumerate(
        zip(stations["name"], stations["x"], stations["y"], strict=True)
    ):
        add(f"{name} newsagent", "shop", _SHOP_HOURS[(n + 1) % 3], x, y, str(name))
    schools = area.schools
    if "secondary" in schools:
        schools = schools[schools["secondary"].astype(bool) & schools["inside"].astype(bool)]
    for name, x, y in list(zip(schools["name"], schools["x"], schools["y"], strict=True))[::3]:
        add(f"Youth hub by {name}", "youth hub", _HUB_HOURS, x, y, str(name))
    if rows:  # one space closed for refurbishment
        rows[-1]["opening_hours"] = "closed"
    frame = pd.DataFrame(rows)
    frame["longitude"] = ""
    frame["latitude"] = ""
    frame["synthetic"] = "true"
    return frame[list(SPACE_COLUMNS)]


def demo_cctv_history(
    events: pd.DataFrame,
    area: Area,
    *,
    cameras: int = 4,
    weeks: int = 4,
    periods: int = 6,
    months_before_end: int = 9,
) -> pd.DataFrame:
    """A synthetic deployment history: the plan the CCTV rule makes from the data up to
    ``months_before_end`` months before their last month, every row ``synthetic``.

    ``events`` are police.uk crimes labelled for forecasting (``month``, ``x``, ``y``,
    ``is_target``, ``harm``; ``location`` names streets when present). Empty when the data
    hold fewer than ``months_before_end + 3`` months.
    """
    from upstream.forecast.service import target_months

    months = target_months(events)
    if len(months) < months_before_end + 3:
        return pd.DataFrame()
    last = month_index(months[-1])
    until_index = last - months_before_end
    until = f"{until_index // 12:04d}-{until_index % 12 + 1:02d}"
    plan = plan_cctv_from_events(
        events, area, until, cameras=cameras, weeks=weeks, periods=periods, synthetic=True
    )
    return plan.deployments


def write_demo_kit(
    folder: Path, register: Path, area: Area, events: pd.DataFrame, seed: int = 1
) -> list[str]:
    """Write the synthetic safe spaces to ``folder`` and the synthetic CCTV history into
    the deployment register; one line per step saying what was done (and that it is
    synthetic)."""
    spaces = demo_safe_spaces(area, seed)
    path = write_csv_atomic(spaces, Path(folder) / DEMO_SPACES_FILE)
    lines = [f"wrote {len(spaces)} SYNTHETIC safe spaces to {path}"]
    history = demo_cctv_history(events, area)
    if history.empty:
        lines.append("no SYNTHETIC CCTV history: the street-level data are too short")
        return lines
    added, replaced, same = record(history, register)
    lines.append(
        f"SYNTHETIC CCTV deployment history in {register}: {added} added, {replaced} replaced, "
        f"{same} already there"
    )
    return lines
