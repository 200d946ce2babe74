"""The home page: what data the event store holds, and where serious violence concentrates."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse

from upstream.area import area_from_settings
from upstream.config import Settings
from upstream.web.audience import PublicDep, mark_audience, signed_in
from upstream.web.deps import CacheDep, SettingsDep, templates
from upstream.web.figures import figure_json, monthly_figure, violence_map_figure
from upstream.web.routes.auth import OptionalSession
from upstream.web.views import coverage as coverage_of
from upstream.web.views import home_page, page_version

__all__ = ["router"]

router = APIRouter(tags=["home"])


def _audience(public: bool) -> str:
    return "public" if public else "full"


def _build(settings: Settings, public: bool) -> dict[str, Any]:
    page = home_page(settings, public=public)
    figures: dict[str, str] = {}
    if page.violence is not None and page.violence.result.cells:
        area = area_from_settings(settings)
        figures["map"] = figure_json(violence_map_figure(page.violence, area))
        figures["monthly"] = figure_json(monthly_figure(page.violence))
    return {"page": page, "figures": figures, "area_name": page.area_name, "active": "home"}


@router.get("/", response_class=HTMLResponse)
def home(
    request: Request,
    settings: SettingsDep,
    cache: CacheDep,
    public: PublicDep,
    view: OptionalSession,
) -> HTMLResponse:
    """What upstream is and where to go, key findings, the serious-violence map and the
    data coverage per source."""
    context = cache.get(
        f"home:{_audience(public)}", page_version(settings), lambda: _build(settings, public)
    )
    response: HTMLResponse = templates.TemplateResponse(
        request, "home.html", {**context, **signed_in(view)}
    )
    return mark_audience(response, public)


@router.get("/api/coverage")
def coverage(settings: SettingsDep, cache: CacheDep, public: PublicDep) -> JSONResponse:
    """The event store's coverage report (what ``upstream status --json`` prints, without the
    store's location); for visitors who have not signed in, partnership counts of 1 to 9 and
    counts that would reveal them are null."""
    report: dict[str, Any] = cache.get(
        f"coverage:{_audience(public)}",
        page_version(settings),
        lambda: coverage_of(settings, public=public),
    )
    return mark_audience(JSONResponse(report), public)
