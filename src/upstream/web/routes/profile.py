"""The strategic profile in the web app: the same sections as ``upstream profile``.

Visitors who have not signed in get the public version (partnership records only after
disclosure control, as ``upstream profile --public`` writes it); a live session of any role
gets the full version. The two are cached apart, so one is never served for the other.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from upstream.config import Settings
from upstream.report.profile import build_profile, render_sections
from upstream.vocab import is_month
from upstream.web.audience import PublicDep, mark_audience, signed_in
from upstream.web.deps import CacheDep, SettingsDep, templates
from upstream.web.routes.auth import OptionalSession
from upstream.web.views import page_version

__all__ = ["cache_name", "router"]

router = APIRouter(tags=["profile"])


def cache_name(end: str | None, public: bool) -> str:
    """The page cache's name for one version of the profile (the store version is added)."""
    return f"profile:{'public' if public else 'full'}:{end or ''}"


def _build(settings: Settings, end: str | None, public: bool) -> dict[str, Any]:
    profile = build_profile(settings, end=end, public=public)
    return {
        "profile": profile,
        "sections": render_sections(profile),
        "area_name": profile.area_name,
        "active": "profile",
    }


@router.get("/profile", response_class=HTMLResponse)
def profile_page(
    request: Request,
    settings: SettingsDep,
    cache: CacheDep,
    public: PublicDep,
    view: OptionalSession,
    end: str | None = None,
) -> HTMLResponse:
    """The serious-violence strategic profile (``?end=YYYY-MM`` picks the headline's end)."""
    if end is not None and not is_month(end):
        raise HTTPException(status_code=422, detail="end must be a month, YYYY-MM")
    context = cache.get(
        cache_name(end, public), page_version(settings), lambda: _build(settings, end, public)
    )
    response: HTMLResponse = templates.TemplateResponse(
        request, "profile.html", {**context, **signed_in(view)}
    )
    return mark_audience(response, public)
