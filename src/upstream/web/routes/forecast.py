"""The forecast page: next month's forecast map with its reading and backtest evidence."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, PlainTextResponse

from upstream.area import area_from_settings
from upstream.config import Settings
from upstream.csvsafe import safe_row
from upstream.events import EventStore
from upstream.forecast.metrics import COVERAGES
from upstream.forecast.registry import METHODS
from upstream.forecast.summary import PLACE_COLUMNS, cached_forecast_section
from upstream.formatting import months_between
from upstream.report.periods import source_period
from upstream.web.audience import signed_in
from upstream.web.deps import CacheDep, SettingsDep, templates
from upstream.web.routes.auth import OptionalSession
from upstream.web.views import page_version

__all__ = ["router"]

router = APIRouter(tags=["forecast"])

PLACES_SHOWN = 20
"""Ranked places listed on the page; the CSV holds them all."""


def _data_used(store: EventStore) -> tuple[str | None, bool]:
    """The street data the forecast learns from, with their months and age, and whether they
    end before last month (so the forecast month is not next month from today)."""
    street = store.coverage().get("police_uk_street")
    if street is None:
        return None, False
    today = date.today()
    stale = months_between(street["last"], today.strftime("%Y-%m")) > 1
    return source_period("police.uk street-level crime", street["months"], today), stale


def _build(settings: Settings) -> dict[str, Any]:
    store = EventStore(settings.events_dir)
    section = cached_forecast_section(store, settings)
    data_used, stale = _data_used(store)
    return {
        "f": section,
        "data_used": data_used,
        "stale": stale,
        "methods": METHODS,
        "coverages": COVERAGES,
        "area_name": area_from_settings(settings).name,
        "active": "forecast",
        "places_shown": PLACES_SHOWN,
    }


def _context(settings: Settings, cache: CacheDep) -> dict[str, Any]:
    return cache.get("forecast", page_version(settings), lambda: _build(settings))


@router.get("/forecast", response_class=HTMLResponse)
def forecast(
    request: Request, settings: SettingsDep, cache: CacheDep, view: OptionalSession
) -> HTMLResponse:
    """Where serious violence is forecast next month, and how well that has worked."""
    return templates.TemplateResponse(
        request, "forecast.html", {**_context(settings, cache), **signed_in(view)}
    )


@router.get("/forecast/places.csv")
def places_csv(settings: SettingsDep, cache: CacheDep) -> Response:
    """Every study-area square ranked by next month's forecast, named, as CSV."""
    section = _context(settings, cache)["f"]
    if not section.get("available"):
        return PlainTextResponse(section.get("reason", "no forecast"), status_code=404)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(PLACE_COLUMNS)
    for place in section["places"]:
        writer.writerow(safe_row("" if place[c] is None else place[c] for c in PLACE_COLUMNS))
    name = f"upstream-forecast-{section['month']}-places.csv"
    return PlainTextResponse(
        out.getvalue(),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
