"""The strategic profile in the web app: the same sections as ``upstream profile``."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from upstream.config import Settings
from upstream.report.profile import build_profile, render_sections
from upstream.web.deps import CacheDep, SettingsDep, templates
from upstream.web.views import store_version

__all__ = ["router"]

router = APIRouter(tags=["profile"])

_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def _build(settings: Settings, end: str | None) -> dict[str, Any]:
    profile = build_profile(settings, end=end)
    return {
        "profile": profile,
        "sections": render_sections(profile),
        "area_name": profile.area_name,
        "active": "profile",
    }


@router.get("/profile", response_class=HTMLResponse)
def profile_page(
    request: Request, settings: SettingsDep, cache: CacheDep, end: str | None = None
) -> HTMLResponse:
    """The serious-violence strategic profile (``?end=YYYY-MM`` picks the headline's end)."""
    if end is not None and not _MONTH.fullmatch(end):
        raise HTTPException(status_code=422, detail="end must be a month, YYYY-MM")
    context = cache.get(
        f"profile:{end or ''}", store_version(settings), lambda: _build(settings, end)
    )
    return templates.TemplateResponse(request, "profile.html", context)
