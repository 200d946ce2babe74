"""The forecast page: next month's forecast map with its reading and backtest evidence."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from upstream.area import area_from_settings
from upstream.config import Settings
from upstream.events import EventStore
from upstream.forecast.metrics import COVERAGES
from upstream.forecast.registry import METHODS
from upstream.forecast.summary import cached_forecast_section
from upstream.version import store_version
from upstream.web.deps import CacheDep, SettingsDep, templates

__all__ = ["router"]

router = APIRouter(tags=["forecast"])


def _build(settings: Settings) -> dict[str, Any]:
    section = cached_forecast_section(EventStore(settings.events_dir), settings)
    return {
        "f": section,
        "methods": METHODS,
        "coverages": COVERAGES,
        "area_name": area_from_settings(settings).name,
        "active": "forecast",
    }


def _context(settings: Settings, cache: CacheDep) -> dict[str, Any]:
    return cache.get("forecast", store_version(settings), lambda: _build(settings))


@router.get("/forecast", response_class=HTMLResponse)
def forecast(request: Request, settings: SettingsDep, cache: CacheDep) -> HTMLResponse:
    """Where serious violence is forecast next month, and how well that has worked."""
    return templates.TemplateResponse(request, "forecast.html", _context(settings, cache))
