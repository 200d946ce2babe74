"""The forecast page: next month's forecast map with its reading and backtest evidence."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from upstream.config import Settings
from upstream.events import EventStore
from upstream.forecast.metrics import COVERAGES
from upstream.forecast.registry import METHODS
from upstream.forecast.summary import cached_forecast_section
from upstream.web.audience import signed_in
from upstream.web.deps import CacheDep, SettingsDep, templates
from upstream.web.routes.auth import OptionalSession
from upstream.web.views import store_version

__all__ = ["router"]

router = APIRouter(tags=["forecast"])


def _build(settings: Settings) -> dict[str, Any]:
    section = cached_forecast_section(EventStore(settings.events_dir), settings)
    return {
        "f": section,
        "methods": METHODS,
        "coverages": COVERAGES,
        "area_name": settings.area_name,
        "active": "forecast",
    }


def _context(settings: Settings, cache: CacheDep) -> dict[str, Any]:
    return cache.get("forecast", store_version(settings), lambda: _build(settings))


@router.get("/forecast", response_class=HTMLResponse)
def forecast(
    request: Request, settings: SettingsDep, cache: CacheDep, view: OptionalSession
) -> HTMLResponse:
    """Where serious violence is forecast next month, and how well that has worked."""
    return templates.TemplateResponse(
        request, "forecast.html", {**_context(settings, cache), **signed_in(view)}
    )
