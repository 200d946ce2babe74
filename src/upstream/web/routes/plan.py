"""The Plan page: Safer Routes posts and rota, safe spaces, mobile CCTV, where risk is
changing, and the fairness of each plan.

Deployment plans are operational (where chaperones and cameras will be), so every route
here needs a signed-in partnership user; they hold no personal data. The sections come from
:func:`upstream.plan.summary.cached_plan_section` (computed once per store version).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, PlainTextResponse

from upstream.config import Settings
from upstream.csvsafe import safe_row
from upstream.events import EventStore
from upstream.plan.summary import cached_plan_section
from upstream.web.audience import signed_in
from upstream.web.deps import CacheDep, SettingsDep, templates
from upstream.web.routes.auth import ActorSession
from upstream.web.views import page_version

__all__ = ["router"]

router = APIRouter(tags=["plan"])

POST_CSV = ("post_id", "easting", "northing", "street", "schools", "pupils", "expected",
            "recent_events", "marginal_gain", "reason")  # fmt: skip
ROTA_CSV = ("date", "day", "start", "end", "team", "post_id", "street")


def _context(settings: Settings, cache: CacheDep) -> dict[str, Any]:
    def build() -> dict[str, Any]:
        section = cached_plan_section(EventStore(settings.events_dir), settings)
        return {"p": section, "area_name": section["area_name"], "active": "plan"}

    return cache.get("plan", page_version(settings), build)


def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "private, no-store"
    return response


@router.get("/plan", response_class=HTMLResponse)
def plan_page(
    request: Request, settings: SettingsDep, cache: CacheDep, view: ActorSession
) -> Response:
    """Where chaperones, safe spaces and cameras would do most good, and whether the plan
    is fair to every neighbourhood."""
    page = templates.TemplateResponse(
        request, "plan.html", {**_context(settings, cache), **signed_in(view)}
    )
    return _private(page)


def _csv(rows: list[dict[str, Any]], columns: tuple[str, ...], name: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(safe_row("" if row.get(c) is None else row.get(c) for c in columns))
    return _private(
        PlainTextResponse(
            out.getvalue(),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    )


def _posts(settings: Settings, cache: CacheDep) -> dict[str, Any] | None:
    section = _context(settings, cache)["p"]
    posts: dict[str, Any] | None = section.get("posts") if section.get("available") else None
    return posts if posts and posts.get("available") else None


@router.get("/plan/posts.csv")
def posts_csv(settings: SettingsDep, cache: CacheDep, view: ActorSession) -> Response:
    """The Safer Routes posts of the page, with their reasons, as CSV."""
    posts = _posts(settings, cache)
    if posts is None:
        return PlainTextResponse("no posts: see the Plan page", status_code=404)
    return _csv(posts["posts"], POST_CSV, f"upstream-posts-{posts['month']}.csv")


@router.get("/plan/rota.csv")
def rota_csv(settings: SettingsDep, cache: CacheDep, view: ActorSession) -> Response:
    """The weekly rota of the page as CSV."""
    posts = _posts(settings, cache)
    if posts is None:
        return PlainTextResponse("no rota: see the Plan page", status_code=404)
    rota = posts["rota"]
    return _csv(rota["rows"], ROTA_CSV, f"upstream-rota-{rota['week']}.csv")
