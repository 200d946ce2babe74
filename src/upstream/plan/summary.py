"""The Plan page's sections: posts and rota, safe spaces, mobile CCTV, where risk is
changing, and the fairness of each plan, built from the stores with the defaults below.

Every section is a JSON-ready dict (figures as Plotly JSON), computed once per version of
the store and of the user files it reads (:func:`cached_plan_section`), because the
forecasts behind it take seconds. A section that cannot be made says why in ``reason``
instead of failing the page.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from upstream.area import Area, area_from_settings, definitions_from_settings
from upstream.config import Settings
from upstream.events import EventStore
from upstream.plotting import figure_json, reference_traces

__all__ = [
    "CAMERAS",
    "PERIODS",
    "SPACES_ADD",
    "TEAMS",
    "WEEKS",
    "cached_plan_section",
    "plan_section",
    "rota_grid",
    "safe_spaces_path",
]

TEAMS = 10
"""Chaperone teams the page plans for (the command line takes any number)."""
RADIUS = 250.0
CAMERAS = 4
WEEKS = 4
PERIODS = 3
SPACES_ADD = 5


def safe_spaces_path(settings: Settings) -> Path:
    """The safe-space list the page uses: ``UPSTREAM_SAFE_SPACES_FILE``, else the synthetic
    demonstration list ``make run`` writes."""
    from upstream.plan.spaces_file import DEMO_SPACES_FILE

    if settings.safe_spaces_file is not None:
        return Path(settings.safe_spaces_file)
    return settings.data_dir / "synthetic" / DEMO_SPACES_FILE


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    """Rows as plain dicts (NaN as None) for the template and JSON."""
    present = [c for c in columns if c in frame]
    out = frame[present].astype(object).where(frame[present].notna(), None)
    rows: list[dict[str, Any]] = []
    for row in out.to_dict(orient="records"):
        rows.append(
            {str(k): (v.item() if isinstance(v, np.generic) else v) for k, v in row.items()}
        )
    return rows


def _guarded(build: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """A section, or ``available: False`` with the one-line reason it cannot be made."""
    from upstream.analysis.emerging import EmergingError
    from upstream.forecast.base import ForecastError
    from upstream.ingest import IngestError
    from upstream.plan.coverage import PlanError
    from upstream.plan.hours import HoursError

    try:
        return {"available": True, **build()}
    except (PlanError, ForecastError, EmergingError, IngestError, HoursError) as exc:
        return {"available": False, "reason": str(exc)}


def _fairness(area: Area, x: Any, y: Any, radius: float, events: pd.DataFrame, plan: str) -> Any:
    from upstream.plan.fairness import fairness
    from upstream.plan.figures_kit import fairness_chart

    result = fairness(
        area, np.asarray(x, "float64"), np.asarray(y, "float64"), radius, events, plan=plan
    )
    return {
        "verdicts": result.verdicts,
        "missing": result.missing,
        "deciles": _records(
            result.deciles,
            ["decile", "lsoas", "population_share", "coverage_share", "harm_share", "ratio"],
        ),
        "figure": figure_json(fairness_chart(result, plan=plan)),
    }


def rota_grid(rows: pd.DataFrame) -> dict[str, Any]:
    """The rota as a printed grid: one row per team and shift, one column per day, each
    cell the post and its street (``days``: column labels; ``rows``: team, time, cells)."""
    if rows.empty:
        return {"days": [], "rows": []}
    days = rows[["date", "day"]].drop_duplicates().sort_values("date")
    labels = [
        f"{d} {str(v)[8:10]}/{str(v)[5:7]}" for v, d in zip(days["date"], days["day"], strict=True)
    ]
    out = []
    for (team, start, end), shift in rows.groupby(["team", "start", "end"], sort=True):
        by_day = {
            r["date"]: f"{r['post_id']} {r['street']}" if r["street"] else str(r["post_id"])
            for r in shift.to_dict(orient="records")
        }
        out.append(
            {
                "team": int(str(team)),
                "time": f"{start}–{end}",
                "cells": [by_day.get(d, "–") for d in days["date"]],
            }
        )
    return {"days": labels, "rows": out}


def _posts(events: pd.DataFrame, incidents: pd.DataFrame, area: Area, until: str) -> Any:
    from upstream.plan.figures import posts_map_figure
    from upstream.plan.posts import plan_posts
    from upstream.plan.risk import risk_surface
    from upstream.plan.rota import default_week, make_rota

    risk = risk_surface(events, area, until, incidents=incidents)
    plan = plan_posts(events, risk, area, TEAMS, radius=RADIUS)
    posts = plan.posts
    week = default_week(until, date.today())
    rota = make_rota(posts, TEAMS, week, area.calendar)
    figure = posts_map_figure(
        posts, area, risk=risk.cells, journeys=plan.journeys.lines, radius=RADIUS
    )
    return {
        "month": risk.month,
        "note": plan.note,
        "synthetic": bool(risk.synthetic),
        "teams": TEAMS,
        "radius": RADIUS,
        "share": plan.coverage.share,
        "posts": _records(
            posts,
            [
                "post_id",
                "street",
                "schools",
                "pupils",
                "expected",
                "recent_events",
                "marginal_gain",
                "reason",
                "easting",
                "northing",
            ],
        ),
        "figure": figure_json(figure),
        "rota": {
            "week": rota.week.isoformat(),
            "note": rota.note,
            "days": [d.isoformat() for d in rota.days],
            "rows": _records(
                rota.rows, ["date", "day", "start", "end", "team", "post_id", "street"]
            ),
            "grid": rota_grid(rota.rows),
        },
        "fairness": _fairness(
            area, posts["easting"], posts["northing"], RADIUS, events, "Safer Routes posts"
        ),
    }


def _spaces(settings: Settings, events: pd.DataFrame, area: Area, until: str) -> Any:
    from upstream.forecast.service import forecast_cells
    from upstream.plan.coverage import PlanError
    from upstream.plan.figures_kit import spaces_map
    from upstream.plan.journeys import school_journeys
    from upstream.plan.spaces import plan_spaces
    from upstream.plan.spaces_file import read_spaces_file

    path = safe_spaces_path(settings)
    if not path.exists():
        raise PlanError(
            "no safe-space list: set UPSTREAM_SAFE_SPACES_FILE to your list (CSV or XLSX), "
            "or run 'make run' for the synthetic demonstration list"
        )
    read = read_spaces_file(path, area, quarantine_dir=settings.quarantine_dir)
    cells = forecast_cells(events, area, until)
    plan = plan_spaces(
        read.spaces,
        area,
        cells,
        school_journeys(area).points,
        add=SPACES_ADD,
        described=events,
    )
    spaces = plan.spaces
    open_spaces = spaces[spaces["open_after_school"].astype(bool)]
    return {
        "file": path.name,
        "synthetic": bool(plan.synthetic),
        "walk": plan.walk,
        "total": len(spaces),
        "open": len(open_spaces),
        "risk_share": plan.risk_share,
        "journey_share": plan.journey_share,
        "spaces": _records(
            spaces, ["site_id", "name", "opening_hours", "open_after_school", "reason"]
        ),
        "gaps": _records(plan.gaps, ["kind", "expected", "journey_share", "description"]),
        "proposals": _records(
            plan.proposals, ["rank", "name", "street", "gain_risk", "gain_journey_share", "reason"]
        ),
        "figure": figure_json(spaces_map(plan, area)),
        "fairness": _fairness(
            area, open_spaces["x"], open_spaces["y"], plan.walk, events, "Open safe spaces"
        ),
    }


def _cctv(settings: Settings, events: pd.DataFrame, area: Area, until: str) -> Any:
    from upstream.plan.cctv import (
        CAMERA_RADIUS,
        before_after,
        plan_cctv_from_events,
        read_register,
        register_path,
        summarise_before_after,
    )
    from upstream.plan.figures_kit import cctv_map

    plan = plan_cctv_from_events(events, area, until, cameras=CAMERAS, weeks=WEEKS, periods=PERIODS)
    deployments = plan.deployments
    register = read_register(register_path(settings.data_dir))
    history: dict[str, Any] = {"rows": len(register)}
    if len(register):
        history["synthetic"] = bool(register["synthetic"].astype(bool).any())
        table = before_after(register, events, CAMERA_RADIUS, 3)
        history["summary"] = summarise_before_after(table, CAMERA_RADIUS, 3)
    return {
        "cameras": CAMERAS,
        "weeks": WEEKS,
        "periods": PERIODS,
        "separation": plan.separation,
        "max_stay": plan.max_stay,
        "surfaces": plan.surfaces,
        "deployments": _records(
            deployments,
            ["camera", "period", "start", "end", "street", "site_id", "easting", "northing"],
        ),
        "figure": figure_json(cctv_map(deployments, area)),
        "history": history,
        "fairness": _fairness(
            area,
            deployments["easting"],
            deployments["northing"],
            CAMERA_RADIUS,
            events,
            "Mobile CCTV",
        ),
    }


def _emerging(events: pd.DataFrame, area: Area, until: str) -> Any:
    from upstream.analysis.emerging import emerging_hot_spots, summary
    from upstream.analysis.figures_emerging import (
        EXPLANATION,
        emerging_map_figure,
        emerging_trend_figure,
        reading,
    )

    result = emerging_hot_spots(events, area, until)
    flagged = result.cells[result.cells["category"] != "no_pattern"]
    return {
        "reading": reading(result, area.name),
        "explanation": EXPLANATION,
        "cell_size": result.cell_size,
        "summary": _records(summary(result.cells), list(summary(result.cells).columns)),
        "cells": _records(flagged.head(20), ["label", "place", "slices_hot", "final_z", "reason"]),
        "map": figure_json(
            emerging_map_figure(result, area.boundary, reference=reference_traces(area))
        ),
        "trend": figure_json(emerging_trend_figure(result)),
    }


def plan_section(store: EventStore, settings: Settings) -> dict[str, Any]:
    """Every section of the Plan page, from the event store and the user files."""
    from upstream.forecast.data import incident_events, street_events
    from upstream.forecast.service import target_months

    area = area_from_settings(settings)
    definitions = definitions_from_settings(settings)
    events = street_events(store, definitions, location=True)
    months = target_months(events) if not events.empty else []
    if not months:
        return {
            "available": False,
            "reason": "No police.uk street-level serious violence in the event store yet.",
            "area_name": area.name,
        }
    until = months[-1]
    incidents = incident_events(store, definitions)
    return {
        "available": True,
        "area_name": area.name,
        "until": until,
        "posts": _guarded(lambda: _posts(events, incidents, area, until)),
        "spaces": _guarded(lambda: _spaces(settings, events, area, until)),
        "cctv": _guarded(lambda: _cctv(settings, events, area, until)),
        "emerging": _guarded(lambda: _emerging(events, area, until)),
    }


def cached_plan_section(store: EventStore, settings: Settings) -> dict[str, Any]:
    """:func:`plan_section`, kept on disk per version of the store, the safe-space list and
    the CCTV register (:func:`upstream.diskcache.cached_section`)."""
    from upstream.diskcache import cached_section
    from upstream.plan.cctv import register_path

    files = [safe_spaces_path(settings), register_path(settings.data_dir)]
    return cached_section(settings, "plan", lambda: plan_section(store, settings), files=files)
