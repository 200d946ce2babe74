"""The Evaluation page: did it work, and could an evaluation tell?

Public: it holds only open data (MPS borough series, IMD 2019) and arithmetic (power), no
partnership records. The content comes from
:func:`upstream.account.evaluation.page.cached_evaluation_page`, built once per store version
(by ``upstream bootstrap`` or the first view) and kept on disk.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from upstream.account.evaluation.page import cached_evaluation_page
from upstream.area import area_from_settings
from upstream.config import Settings
from upstream.web.audience import signed_in
from upstream.web.deps import CacheDep, SettingsDep, templates
from upstream.web.routes.auth import OptionalSession
from upstream.web.views import page_version

__all__ = ["router"]

router = APIRouter(tags=["evaluation"])


def _context(settings: Settings, cache: CacheDep) -> dict[str, Any]:
    def build() -> dict[str, Any]:
        return {
            "e": cached_evaluation_page(settings),
            "area_name": area_from_settings(settings).name,
            "active": "evaluation",
        }

    return cache.get("evaluation", page_version(settings), build)


@router.get("/evaluation", response_class=HTMLResponse)
def evaluation(
    request: Request, settings: SettingsDep, cache: CacheDep, view: OptionalSession
) -> HTMLResponse:
    """A worked evaluation of a known shock, and what an evaluation could detect."""
    return templates.TemplateResponse(
        request, "evaluation.html", {**_context(settings, cache), **signed_in(view)}
    )
