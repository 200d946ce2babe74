"""The home page: what data the event store holds, and where serious violence concentrates."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from upstream.config import Settings
from upstream.events import EventStore
from upstream.status import coverage_report
from upstream.web.deps import CacheDep, SettingsDep, templates
from upstream.web.figures import figure_json, monthly_figure, violence_map_figure
from upstream.web.views import home_page, store_version

__all__ = ["router"]

router = APIRouter(tags=["home"])


def _build(settings: Settings) -> dict[str, Any]:
    page = home_page(settings)
    figures: dict[str, str] = {}
    if page.violence is not None and page.violence.result.cells:
        figures["map"] = figure_json(violence_map_figure(page.violence))
        figures["monthly"] = figure_json(monthly_figure(page.violence))
    return {"page": page, "figures": figures, "area_name": page.area_name, "active": "home"}


def _context(settings: Settings, cache: CacheDep) -> dict[str, Any]:
    return cache.get("home", store_version(settings), lambda: _build(settings))


@router.get("/", response_class=HTMLResponse)
def home(request: Request, settings: SettingsDep, cache: CacheDep) -> HTMLResponse:
    """Data coverage per source and the serious-violence concentration map."""
    return templates.TemplateResponse(request, "home.html", _context(settings, cache))


@router.get("/api/coverage")
def coverage(settings: SettingsDep, cache: CacheDep) -> dict[str, Any]:
    """The event store's coverage report (what ``upstream status --json`` prints)."""
    store = EventStore(settings.events_dir)
    version = store_version(settings)
    report: dict[str, Any] = cache.get("coverage", version, lambda: coverage_report(store))
    return report
