"""The forecast as a page or report section: next month's map, a reading, the evidence.

:func:`forecast_section` is what the web page (``/forecast``) and the profile report call:
it forecasts the month after the latest street-level data with the default method and
backtests every registered method over the latest months (up to 12), all from the event
store, and returns plain data, the map as Plotly JSON and a plain-English reading.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from upstream.analysis.placenames import name_cells
from upstream.area import (
    Area,
    area_from_settings,
    cell_id,
    definitions_from_settings,
    place_xy,
    to_lonlat,
)
from upstream.config import Settings
from upstream.events import EventStore
from upstream.forecast.covariates import missing_covariates
from upstream.forecast.data import street_events
from upstream.forecast.figures import figure_json, forecast_map_figure
from upstream.forecast.metrics import flagged
from upstream.forecast.registry import DEFAULT_METHOD, METHODS
from upstream.forecast.service import forecast_cells, run_backtest, target_months
from upstream.plotting import reference_traces

__all__ = [
    "CELL_SIZE",
    "COVERAGE",
    "EVIDENCE_METHODS",
    "PLACE_COLUMNS",
    "cached_forecast_section",
    "forecast_section",
    "ranked_places",
    "reading",
]

CELL_SIZE = 150
COVERAGE = 0.05
"""The share of the area the reading talks about (the top 5% of cells)."""


def _pct(value: float) -> str:
    return f"{value * 100:.0f}%"


def reading(
    *,
    area_name: str,
    month: str,
    method_label: str,
    expected: float,
    flagged_cells: int,
    cells: int,
    expected_share: float,
    evidence: dict[str, Any] | None,
) -> str:
    """Plain-English reading of a forecast and its backtest."""
    text = (
        f"For {pd.Period(month, freq='M').strftime('%B %Y')}, the forecast ({method_label}) "
        f"expects about {expected:,.0f} serious-violence crimes in {area_name}. The "
        f"{flagged_cells} cells of {CELL_SIZE} m it ranks highest ({_pct(COVERAGE)} of "
        f"the {cells:,} cells) are expected to hold {_pct(expected_share)} of them."
    )
    if evidence is None:
        return text + " There is not yet enough history to test it on past months."
    own, base = evidence["own"], evidence["naive"]
    text += (
        f" Tested on each of the {evidence['n_months']} months from {evidence['first']} to "
        f"{evidence['last']}, forecasting each from the months before it only, its top "
        f"{_pct(COVERAGE)} of cells caught on average {_pct(own['hit_rate'])} of that month's "
        f"serious violence (between {_pct(own['hit_rate_min'])} and "
        f"{_pct(own['hit_rate_max'])}), against {_pct(base['hit_rate'])} for the cells with "
        f"most crimes in the previous 12 months"
    )
    worse = evidence["months_below_naive"]
    text += (
        f"; it did worse than those counts in {worse} of the {evidence['n_months']} months."
        if worse
        else "; it did no worse than those counts in any month."
    )
    text += (
        " Forecasts point to places to look at first; recorded crime depends on reporting, "
        "and police.uk locations are approximate."
    )
    return text


def _evidence(result: Any) -> dict[str, Any]:
    summary = result.summary()
    rows = []
    for rec in summary.to_dict("records"):
        rows.append(
            {
                "method": rec["method"],
                "coverage": float(rec["coverage"]),
                "hit_rate": float(rec["hit_rate_mean"]),
                "hit_rate_sd": float(rec["hit_rate_sd"]),
                "hit_rate_min": float(rec["hit_rate_min"]),
                "hit_rate_max": float(rec["hit_rate_max"]),
                "pai": float(rec["pai_mean"]),
                "pai_sd": float(rec["pai_sd"]),
                "pai_min": float(rec["pai_min"]),
                "pai_max": float(rec["pai_max"]),
                "pei": float(rec["pei_mean"]),
                "harm_capture": float(rec["harm_capture_mean"]),
            }
        )
    at = {r["method"]: r for r in rows if np.isclose(r["coverage"], COVERAGE)}
    worse = result.months_worse_than("naive", COVERAGE, "pai")
    months = sorted(result.scores["month"].unique())
    return {
        "table": rows,
        "own": at[DEFAULT_METHOD],
        "naive": at["naive"],
        "months_below_naive": int(worse[DEFAULT_METHOD]),
        "months_below_naive_by_method": {k: int(v) for k, v in worse.items()},
        "n_months": len(months),
        "first": months[0],
        "last": months[-1],
    }


EVIDENCE_METHODS: tuple[str, ...] = tuple(METHODS)
"""Methods backtested for the page: every registered one. The ensemble costs nothing extra:
its members are in the same backtest, so it is composed from their forecasts."""


PLACE_COLUMNS = (
    "rank",
    "cell_id",
    "x_min",
    "y_min",
    "cell_size",
    "epsg",
    "lon",
    "lat",
    "score",
    "street",
    "landmark",
    "lsoa_code",
    "lsoa_name",
    "school",
    "school_m",
    "place",
)
"""The columns of the ranked places (the page's table and its CSV)."""


def _described(store: EventStore, area: Area, crime_types: tuple[str, ...]) -> pd.DataFrame:
    """Serious violence inside the area as police.uk described its places: x, y, location
    and a count (nothing outside the area names a place in it)."""
    frame = store.query(
        "SELECT x, y, location, count(*) AS n FROM street WHERE x IS NOT NULL AND "
        "location IS NOT NULL AND list_contains($1, crime_type) GROUP BY ALL",
        [list(crime_types)],
    )
    return frame[place_xy(area, frame["x"], frame["y"]).inside].reset_index(drop=True)


def ranked_places(
    cells: pd.DataFrame, scores: pd.Series, area: Area, described: pd.DataFrame | None
) -> pd.DataFrame:
    """Every cell ranked by its forecast (ties: cell id), named for people.

    Columns :data:`PLACE_COLUMNS`: rank, cell id, lower-left corner and size in British
    National Grid metres (``epsg`` 27700), the centre's longitude and latitude (WGS84),
    the score, and the names of :func:`upstream.analysis.placenames.name_cells`.
    """
    order = flagged(scores, 1.0)
    ranked = cells.set_index(scores.index).loc[order].reset_index()
    size = int(ranked["cell_size"].iloc[0]) if len(ranked) else CELL_SIZE
    names = name_cells(area, ranked["x_min"], ranked["y_min"], size, described)
    lon, lat = to_lonlat(
        ranked["x_min"].to_numpy() + size / 2, ranked["y_min"].to_numpy() + size / 2
    )
    out = pd.DataFrame(
        {
            "rank": np.arange(1, len(ranked) + 1),
            "cell_id": ranked["cell_id"].to_numpy(),
            "x_min": ranked["x_min"].astype("int64").to_numpy(),
            "y_min": ranked["y_min"].astype("int64").to_numpy(),
            "cell_size": size,
            "epsg": 27700,
            "lon": np.round(lon, 6),
            "lat": np.round(lat, 6),
            "score": ranked["score"].round(6).to_numpy(),
        }
    )
    out = pd.concat([out, names.reset_index(drop=True)], axis=1)
    return out[list(PLACE_COLUMNS)].astype(object).where(out.notna(), None)


def forecast_section(
    store: EventStore, settings: Settings, *, methods: tuple[str, ...] = EVIDENCE_METHODS
) -> dict[str, Any]:
    """Next month's forecast map, reading and backtest evidence from the event store.

    Returns a dict with ``available`` (False, with ``reason``, when there are no
    street-level crimes) and otherwise: ``until`` (latest month of data), ``month``
    (forecast month), ``method``, ``method_summary``, ``paper``, ``cell_size``, ``cells``,
    ``expected_total``, ``flagged`` (top 5% cells), ``expected_share`` (their expected
    share), ``top_cells`` (ten highest: centre easting/northing and score), ``reading``,
    ``figure`` (Plotly JSON of the map), ``evidence`` (per method and coverage: mean, sd,
    min, max of hit rate and PAI, mean PEI and harm capture; months below naive) or None
    when there are fewer than four months, ``synthetic`` (always False: police.uk data) and
    ``missing_covariates`` (sentences naming the covariates the area pack cannot give).
    Only events inside the area are used (the placement edge rule).
    """
    definitions = definitions_from_settings(settings)
    area = area_from_settings(settings)
    events = street_events(store, definitions)
    if events.empty:
        return {"available": False, "reason": "No street-level crime is loaded."}
    events = events[place_xy(area, events["x"], events["y"]).inside].reset_index(drop=True)
    months = target_months(events) if not events.empty else []
    if not months:
        return {
            "available": False,
            "reason": f"No serious violence inside {area.name} is loaded.",
        }
    until = months[-1]
    cells = forecast_cells(events, area, until, cell_size=CELL_SIZE)
    scores = pd.Series(
        cells["score"].to_numpy(),
        index=pd.Index(cell_id(cells["x_min"], cells["y_min"]), name="cell_id"),
    )
    top_ids = flagged(scores, COVERAGE)
    top = cells.set_index(scores.index).loc[top_ids].reset_index(drop=True)
    places = ranked_places(
        cells, scores, area, _described(store, area, definitions.serious_violence)
    )
    total = float(cells["score"].sum())
    share = float(top["score"].sum() / total) if total > 0 else 0.0
    evidence = None
    last = min(12, len(months) - 3)
    if last >= 1:
        result = run_backtest(
            events,
            area,
            methods=methods,
            last=last,
            cell_size=CELL_SIZE,
        )
        evidence = _evidence(result)
    method = METHODS[DEFAULT_METHOD]
    month = str(pd.Period(until, freq="M") + 1)
    half = CELL_SIZE / 2
    return {
        "available": True,
        "synthetic": False,
        "area_name": area.name,
        "until": until,
        "month": month,
        "method": DEFAULT_METHOD,
        "method_summary": method.summary,
        "paper": method.paper,
        "cell_size": CELL_SIZE,
        "cells": len(cells),
        "expected_total": total,
        "flagged": len(top),
        "expected_share": share,
        "top_cells": [
            {
                "rank": i + 1,
                "x": float(r["x_min"]) + half,
                "y": float(r["y_min"]) + half,
                "score": float(r["score"]),
            }
            for i, r in enumerate(top.head(10).to_dict("records"))
        ],
        "places": places.to_dict("records"),
        "reading": reading(
            area_name=area.name,
            month=month,
            method_label=method.label,
            expected=total,
            flagged_cells=len(top),
            cells=len(cells),
            expected_share=share,
            evidence=evidence,
        ),
        "figure": figure_json(
            forecast_map_figure(cells, area.boundary, flagged=top, reference=reference_traces(area))
        ),
        "evidence": evidence,
        "missing_covariates": list(missing_covariates(area)),
    }


def cached_forecast_section(store: EventStore, settings: Settings) -> dict[str, Any]:
    """:func:`forecast_section`, kept on disk per version of the store.

    The backtest behind the evidence takes seconds; the result only changes with the store
    version (:func:`upstream.version.store_version`: the event store, the area pack, the
    definitions or the code), so it is computed once per version (by ``upstream bootstrap``
    or the first page view) and shared by every worker process and restart.
    """
    from upstream.diskcache import cached_section

    return cached_section(settings, "forecast", lambda: forecast_section(store, settings))
