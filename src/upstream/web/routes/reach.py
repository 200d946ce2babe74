"""The Reach page: what providers report in their programme returns, and whether the
programmes reach the young people and places violence harms most.

Returns are partnership data about young people's participation (counts, some small), so
the page is for signed-in partnership users only; it holds no personal data. The section
comes from :func:`upstream.account.returns.section.reach_section`, kept per version of the
event store and of the returns file.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from upstream.account.returns import returns_path
from upstream.account.returns.section import reach_section
from upstream.config import Settings
from upstream.web.audience import signed_in
from upstream.web.deps import CacheDep, SettingsDep, templates
from upstream.web.routes.auth import ActorSession
from upstream.web.views import page_version

__all__ = ["router"]

router = APIRouter(tags=["reach"])


def _context(settings: Settings, cache: CacheDep) -> dict[str, Any]:
    path = returns_path(settings.data_dir)
    stamp = path.stat().st_mtime_ns if path.exists() else 0

    def build() -> dict[str, Any]:
        from upstream.area import area_from_settings

        return {
            "r": reach_section(settings),
            "area_name": area_from_settings(settings).name,
            "active": "reach",
        }

    return cache.get("reach", (page_version(settings), stamp), build)


@router.get("/reach", response_class=HTMLResponse)
def reach_page(
    request: Request, settings: SettingsDep, cache: CacheDep, view: ActorSession
) -> Response:
    """Who and where the Strengthen and Support programmes reach, against who and where
    violence harms."""
    page = templates.TemplateResponse(
        request, "reach.html", {**_context(settings, cache), **signed_in(view)}
    )
    page.headers["Cache-Control"] = "private, no-store"
    return page
