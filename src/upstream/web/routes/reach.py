"""The Reach page: what providers report in their programme returns, and whether the
programmes reach the young people and places violence harms most.

Returns are partnership data about young people's participation (counts, some small), so
the page is for signed-in partnership users only; it holds no personal data. The section
comes from :func:`upstream.account.returns.section.reach_section`, kept per version of the
event store and of the returns file.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
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


def _plan_costs(settings: Settings) -> pd.DataFrame | None:
    """The action plan's programme budgets, when this installation has the action plan
    (the same call ``upstream vfm`` makes through :func:`upstream.cli._plan_costs`)."""
    try:
        from upstream.account.actions import programme_budgets
    except ImportError:
        return None
    from upstream.cases.db import case_store

    frame: pd.DataFrame = programme_budgets(case_store(settings).engine)
    return frame


def _context(settings: Settings, cache: CacheDep) -> dict[str, Any]:
    path = returns_path(settings.data_dir)
    stamp = path.stat().st_mtime_ns if path.exists() else 0
    costs = _plan_costs(settings)
    digest = None if costs is None else int(pd.util.hash_pandas_object(costs).sum())

    def build() -> dict[str, Any]:
        from upstream.area import area_from_settings

        return {
            "r": reach_section(settings, costs),
            "area_name": area_from_settings(settings).name,
            "active": "reach",
        }

    return cache.get("reach", (page_version(settings), stamp, digest), build)


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
