"""Mobile CCTV: where C cameras stand in each period of W weeks, the deployment register,
and a before/after comparison with the area around each site.

**Choosing sites** (a documented rule, deterministic): in each period the candidate sites are
the study grid's cells (their centres), ranked by forecast harm next month
(:func:`upstream.forecast.service.forecast_cells` with ``target="harm"``), ties by cell
id. Cameras are placed down the ranking, skipping a cell that is

* closer than ``separation`` metres (default 300 m) to a camera already placed this period;
* a *stayed-too-long* place: a camera has stood within ``separation`` metres of it in each
  of the previous ``max_stay`` periods (default 2). Then no camera may stand within
  ``separation`` of it for a period, so a camera cannot stay by creeping one cell along.

**Re-forecasting**: each period's surface is forecast from the data up to the last whole
month before the period starts, where the data reach that far; otherwise the plan holds the
latest surface it could make, and says so in ``surface`` for every period.

**Register** (:func:`record`): each deployment is one row (:data:`REGISTER_COLUMNS`) of a CSV
under the data dir (``<data dir>/plan/cctv_deployments.csv``), written atomically. A row is
keyed by camera, start date and the synthetic flag: recording the same plan again changes
nothing, and recording a changed plan replaces that camera's row for that start date.

**Before/after** (:func:`before_after`): serious-violence crimes within ``radius`` of each
site in the ``months`` whole months before the deployment's first month, and in its first
``months`` months (during and after), with the ring from ``radius`` to twice ``radius``
as a comparison area. The caveat (:data:`CAVEAT`) goes wherever the numbers show.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from upstream.analysis.placenames import name_cells
from upstream.area import Area, cell_ids
from upstream.plan.coverage import PlanError
from upstream.plan.files import write_csv_atomic
from upstream.vocab import month_index

__all__ = [
    "CAMERA_RADIUS",
    "CAVEAT",
    "REGISTER_COLUMNS",
    "CctvPlan",
    "before_after",
    "choose_sites",
    "default_start",
    "plan_cctv",
    "plan_cctv_from_events",
    "read_register",
    "record",
    "register_path",
    "summarise_before_after",
]

REGISTER_COLUMNS = (
    "deployment_id",
    "camera",
    "period",
    "site_id",
    "easting",
    "northing",
    "street",
    "start",
    "end",
    "expected_harm",
    "surface",
    "reason",
    "synthetic",
)
"""The deployment register's columns (also the columns of ``upstream plan cctv --out``)."""

CAMERA_RADIUS = 200.0
"""Metres a mobile camera is taken to watch: its site's radius in before/after comparisons
and in the fairness view."""

CAVEAT = (
    "Cameras go where harm was highest, and places picked for being unusually bad tend to "
    "get better on their own (regression to the mean); crime may also move to nearby streets "
    "(displacement) or fall there too (diffusion of benefit). A fall at the site is evidence, "
    "not proof, that the camera worked: compare it with the ring around it, and with sites "
    "of similar harm that had no camera."
)
"""What every before/after comparison says beside its numbers."""


def register_path(data_dir: Path) -> Path:
    """Where the deployment register lives under the data dir."""
    return Path(data_dir) / "plan" / "cctv_deployments.csv"


def default_start(until: str) -> date:
    """The first Monday on or after the first day of the month after ``until``."""
    index = month_index(until) + 1
    first = date(index // 12, index % 12 + 1, 1)
    return first + timedelta(days=(7 - first.weekday()) % 7)


def _month(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _previous_month(day: date) -> str:
    index = day.year * 12 + day.month - 1 - 1
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def choose_sites(
    x: np.ndarray,
    y: np.ndarray,
    score: np.ndarray,
    ids: np.ndarray,
    cameras: int,
    separation: float,
    barred: Sequence[tuple[float, float]] = (),
) -> list[int]:
    """Positions of the cells chosen for ``cameras`` cameras: down the ranking (score
    descending, then id ascending), at least ``separation`` metres apart, none within
    ``separation`` of a ``barred`` place. Cells of zero score are never chosen.

    Raises
    ------
    PlanError
        If fewer than ``cameras`` cells can be chosen.
    """
    order = np.lexsort((np.asarray(ids), -np.asarray(score, "float64")))
    chosen: list[int] = []
    bar = np.asarray(barred, "float64").reshape(-1, 2)
    for i in order:
        if score[i] <= 0 or not np.isfinite(score[i]):
            break
        if len(bar) and np.min(np.hypot(bar[:, 0] - x[i], bar[:, 1] - y[i])) < separation:
            continue
        if any(np.hypot(x[j] - x[i], y[j] - y[i]) < separation for j in chosen):
            continue
        chosen.append(int(i))
        if len(chosen) == cameras:
            return chosen
    raise PlanError(
        f"only {len(chosen)} site(s) with forecast harm can take a camera at least "
        f"{separation:.0f} m apart (asked for {cameras}); use fewer cameras or a smaller "
        "--min-separation"
    )


@dataclass(frozen=True)
class CctvPlan:
    """The deployments of a plan (:data:`REGISTER_COLUMNS`) and how it was made."""

    deployments: pd.DataFrame
    surfaces: list[str]
    """Per period, the data its surface was forecast from (or that it was held)."""
    separation: float
    max_stay: int


def plan_cctv(
    forecast: Callable[[str], pd.DataFrame],
    area: Area,
    until: str,
    last_month: str,
    *,
    cameras: int,
    weeks: int,
    periods: int = 6,
    separation: float = 300.0,
    max_stay: int = 2,
    start: date | None = None,
    described: pd.DataFrame | None = None,
    synthetic: bool = False,
) -> CctvPlan:
    """Where ``cameras`` cameras stand in each of ``periods`` periods of ``weeks`` weeks.

    Parameters
    ----------
    forecast
        ``forecast(month)`` -> :func:`~upstream.forecast.service.forecast_cells` frame of
        expected harm for the month after ``month`` (called once per distinct month).
    until, last_month
        The last month of data for the first period, and the last month the data hold
        (later periods are re-forecast up to it).
    start
        The first period's first day (default :func:`default_start`).
    described
        Crimes with ``x``, ``y`` and police.uk ``location``, to name streets.
    synthetic
        Mark every deployment synthetic (demo data).
    """
    if cameras < 1:
        raise PlanError(f"--cameras must be at least 1, got {cameras}")
    if weeks < 1 or periods < 1:
        raise PlanError("--weeks and --periods must be at least 1")
    if separation <= 0:
        raise PlanError(f"--min-separation must be positive, got {separation}")
    if max_stay < 1:
        raise PlanError(f"a site must be usable for at least one period, got {max_stay}")
    try:
        beyond = month_index(until) > month_index(last_month)
    except ValueError as exc:
        raise PlanError(f"--until must be a month YYYY-MM, got {until!r}") from exc
    if beyond:
        raise PlanError(f"--until {until} is outside the data, which end in {last_month}")
    first = start or default_start(until)
    surfaces: dict[str, pd.DataFrame] = {}
    rows: list[dict[str, object]] = []
    history: list[np.ndarray] = []  # camera places (x, y) per period
    notes: list[str] = []
    for period in range(periods):
        begin = first + timedelta(weeks=weeks * period)
        end = begin + timedelta(weeks=weeks) - timedelta(days=1)
        wanted = max(_previous_month(begin), until, key=month_index)
        month = min(wanted, last_month, key=month_index)
        if month not in surfaces:
            surfaces[month] = forecast(month)
        cells = surfaces[month]
        held = month_index(month) < month_index(wanted)
        notes.append(
            f"period {period + 1}: forecast from data to {month}"
            + (" (held: no later data)" if held else "")
        )
        size = float(cells["cell_size"].to_numpy()[0])
        cx = cells["x_min"].to_numpy("float64") + size / 2
        cy = cells["y_min"].to_numpy("float64") + size / 2
        ids = cell_ids(cells["x_min"].to_numpy(), cells["y_min"].to_numpy(), int(size))
        score = cells["score"].fillna(0).to_numpy("float64")
        barred = _stayed_too_long(history, cx, cy, separation, max_stay)
        picked = choose_sites(cx, cy, score, ids, cameras, separation, barred)
        history.append(np.column_stack([cx[picked], cy[picked]]))
        names = name_cells(
            area, cells["x_min"].to_numpy()[picked], cells["y_min"].to_numpy()[picked],
            int(size), described,
        )  # fmt: skip
        rank = {int(p): r for r, p in enumerate(np.lexsort((ids, -score)).tolist())}
        for camera, (i, place, street) in enumerate(
            zip(picked, names["place"], names["street"], strict=True), start=1
        ):
            name = f"{'demo ' if synthetic else ''}camera {camera}"
            rows.append(
                {
                    "deployment_id": f"{name.replace(' ', '-')}:{begin.isoformat()}",
                    "camera": name,
                    "period": period + 1,
                    "site_id": f"cctv-{cells['x_min'].to_numpy()[i]:.0f}-"
                    f"{cells['y_min'].to_numpy()[i]:.0f}",
                    "easting": round(float(cx[i]), 1),
                    "northing": round(float(cy[i]), 1),
                    "street": street,
                    "start": begin.isoformat(),
                    "end": end.isoformat(),
                    "expected_harm": round(float(score[i]), 2),
                    "surface": f"forecast from data to {month}" + (" (held)" if held else ""),
                    "reason": f"expected harm {score[i]:.1f} next month, rank {rank[i] + 1} of "
                    f"{len(score)} cells; {place}",
                    "synthetic": synthetic,
                }
            )
    frame = pd.DataFrame(rows, columns=list(REGISTER_COLUMNS))
    return CctvPlan(frame, notes, separation, max_stay)


def plan_cctv_from_events(events: pd.DataFrame, area: Area, until: str, **options: Any) -> CctvPlan:
    """:func:`plan_cctv` with each period's harm forecast from ``events`` (police.uk
    street-level crime, as :func:`upstream.forecast.data.read_events_file` gives them; with
    ``location`` the sites are named by street), re-forecast up to the data's last month.

    Raises
    ------
    PlanError
        If the events hold no serious-violence crimes.
    """
    from upstream.forecast.service import forecast_cells, target_months

    months = target_months(events)
    if not months:
        raise PlanError("no serious-violence crimes inside the area")
    options.setdefault("described", events if "location" in events else None)
    return plan_cctv(
        lambda month: forecast_cells(events, area, month, target="harm"),
        area,
        until,
        months[-1],
        **options,
    )


def _stayed_too_long(
    history: list[np.ndarray], x: np.ndarray, y: np.ndarray, separation: float, max_stay: int
) -> list[tuple[float, float]]:
    """Camera places of the last period that had a camera within ``separation`` in each of
    the previous ``max_stay`` periods (counting the last): no camera may stand near them."""
    if len(history) < max_stay:
        return []
    recent = history[-max_stay:]
    out = []
    for px, py in recent[-1]:
        if all(
            len(places) and np.min(np.hypot(places[:, 0] - px, places[:, 1] - py)) < separation
            for places in recent[:-1]
        ):
            out.append((float(px), float(py)))
    return out


def read_register(path: Path) -> pd.DataFrame:
    """The deployment register (empty when there is none yet).

    Raises
    ------
    PlanError
        If the file is not a register (its columns differ).
    """
    path = Path(path)
    if not path.is_file():
        return pd.DataFrame(columns=list(REGISTER_COLUMNS))
    frame = pd.read_csv(path, dtype={"street": object, "camera": str, "site_id": str})
    missing = [c for c in REGISTER_COLUMNS if c not in frame.columns]
    if missing:
        raise PlanError(f"{path}: not a CCTV deployment register (missing {', '.join(missing)})")
    frame["synthetic"] = frame["synthetic"].astype(str).str.lower().isin(["true", "1"])
    frame["street"] = frame["street"].astype(object).where(frame["street"].notna(), None)
    return frame[list(REGISTER_COLUMNS)]


def _cell(value: object) -> str:
    """A register cell as text, the same whether read back from the CSV or just made."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, int | float | np.integer | np.floating):
        return f"{float(value):.10g}"
    return str(value)


def record(deployments: pd.DataFrame, path: Path) -> tuple[int, int, int]:
    """Add ``deployments`` to the register at ``path`` (atomically).

    A row replaces the register's row with the same camera, start date and synthetic flag.
    Returns ``(added, replaced, unchanged)``.
    """
    old = read_register(path)
    key = ["camera", "start", "synthetic"]
    new = deployments[list(REGISTER_COLUMNS)].copy()
    merged = old.merge(new[key], on=key, how="left", indicator=True)
    keep = old[(merged["_merge"] == "left_only").to_numpy()]
    matched = old[(merged["_merge"] == "both").to_numpy()]
    both = matched.merge(new, on=key, suffixes=("_old", ""))
    same = sum(
        all(_cell(row[f"{c}_old"]) == _cell(row[c]) for c in REGISTER_COLUMNS if c not in key)
        for _, row in both.iterrows()
    )
    replaced = len(matched) - same
    added = len(new) - len(matched)
    if added or replaced:
        out = pd.concat([keep, new], ignore_index=True) if len(keep) else new
        out = out.sort_values(["synthetic", "start", "camera"], kind="stable")
        write_csv_atomic(out.reset_index(drop=True), path)
    return added, replaced, same


def before_after(
    register: pd.DataFrame,
    events: pd.DataFrame,
    radius: float = CAMERA_RADIUS,
    months: int = 3,
) -> pd.DataFrame:
    """Crimes near each deployment's site before and during/after it, and in the ring around.

    Parameters
    ----------
    register
        Deployments (:data:`REGISTER_COLUMNS`).
    events
        Crimes with ``month``, ``x``, ``y`` and ``is_target`` (only target crimes count).
    radius
        The site's radius in metres; the comparison ring runs from it to twice it.
    months
        Whole months before the deployment's first month, and from its first month on.

    Returns
    -------
    pandas.DataFrame
        Per deployment: ``deployment_id``, ``site_id``, ``start``, ``site_before``,
        ``site_after``, ``ring_before``, ``ring_after``, ``site_change``, ``ring_change``
        (proportional change, NaN when the before count is 0), ``covered`` (False when the
        events do not reach both windows: the counts are then NaN) and ``synthetic``.
    """
    if radius <= 0 or months < 1:
        raise PlanError("the radius must be positive and the months at least 1")
    target = events[events["is_target"].to_numpy(bool)] if "is_target" in events else events
    month_no = np.asarray([month_index(m) for m in target["month"].astype(str)], dtype="int64")
    have = {month_index(m) for m in pd.unique(events["month"].astype(str))}  # months with data
    tree = cKDTree(
        np.column_stack([target["x"].to_numpy("float64"), target["y"].to_numpy("float64")])
    )
    rows = []
    for dep in register.itertuples(index=False):
        first = month_index(str(dep.start)[:7])
        before = set(range(first - months, first))
        after = set(range(first, first + months))
        covered = before <= have and after <= have
        counts = dict.fromkeys(("site_before", "site_after", "ring_before", "ring_after"), np.nan)
        if covered:
            near = np.asarray(
                tree.query_ball_point([dep.easting, dep.northing], 2 * radius), "int64"
            )
            dist = np.hypot(
                target["x"].to_numpy("float64")[near] - dep.easting,
                target["y"].to_numpy("float64")[near] - dep.northing,
            )
            when = month_no[near]
            in_site, in_ring = dist <= radius, dist > radius
            is_before = np.isin(when, list(before))
            is_after = np.isin(when, list(after))
            counts = {
                "site_before": float((in_site & is_before).sum()),
                "site_after": float((in_site & is_after).sum()),
                "ring_before": float((in_ring & is_before).sum()),
                "ring_after": float((in_ring & is_after).sum()),
            }
        rows.append(
            {
                "deployment_id": dep.deployment_id,
                "site_id": dep.site_id,
                "start": dep.start,
                **counts,
                "covered": covered,
                "synthetic": bool(dep.synthetic),
            }
        )
    out = pd.DataFrame(
        rows,
        columns=["deployment_id", "site_id", "start", "site_before", "site_after",
                 "ring_before", "ring_after", "covered", "synthetic"],
    )  # fmt: skip
    with np.errstate(divide="ignore", invalid="ignore"):
        out["site_change"] = np.where(
            out["site_before"] > 0, out["site_after"] / out["site_before"] - 1, np.nan
        )
        out["ring_change"] = np.where(
            out["ring_before"] > 0, out["ring_after"] / out["ring_before"] - 1, np.nan
        )
    out.attrs["caveat"] = CAVEAT
    return out


def _change(before: float, after: float) -> str:
    if before == 0:
        return "no change to measure" if after == 0 else "up from none"
    return f"{after / before - 1:+.0%}"


def summarise_before_after(table: pd.DataFrame, radius: float, months: int) -> str:
    """One plain-English paragraph of :func:`before_after` totals, with the caveat.

    Deployments whose windows the data do not reach are left out, and said so; synthetic
    deployments are named as such.
    """
    used = table[table["covered"].astype(bool)]
    left = len(table) - len(used)
    if used.empty:
        return (
            "No deployment has data on both sides of its start yet: before/after needs "
            f"{months} months of crime data before and after each start. {CAVEAT}"
        )
    sb, sa = float(used["site_before"].sum()), float(used["site_after"].sum())
    rb, ra = float(used["ring_before"].sum()), float(used["ring_after"].sum())
    label = "deployment" + ("" if len(used) == 1 else "s")
    if used["synthetic"].all():
        label = f"SYNTHETIC {label} (no camera was moved)"
    text = (
        f"Across {len(used)} {label}: serious-violence crimes within {radius:.0f} m of the "
        f"cameras went from {sb:.0f} in the {months} months before to {sa:.0f} in the first "
        f"{months} months ({_change(sb, sa)}); {radius:.0f}-{2 * radius:.0f} m away, from "
        f"{rb:.0f} to {ra:.0f} ({_change(rb, ra)})."
    )
    if left:
        text += f" {left} deployment(s) left out: the data do not yet cover both sides."
    return f"{text} {CAVEAT}"
