"""The public open-data page: disclosure-controlled tables, an MSOA map, the CSV files.

Public (no login), and deliberately apart from the case store and the sign-in machinery: this
module imports nothing from :mod:`upstream.cases` nor from the auth routes, and its content
comes only from the event store through :mod:`upstream.account.publish` (the architecture test
checks both). The CSV downloads are the same frames ``upstream publish`` writes.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from upstream.account.publish.export import csv_text, manifest_of
from upstream.account.publish.ledger import LEDGER
from upstream.account.publish.page import OpenDataPage, open_data_page
from upstream.account.publish.policy import DEFAULT_POLICY
from upstream.area import area_from_settings
from upstream.config import Settings
from upstream.events import EventStore
from upstream.web.deps import CacheDep, SettingsDep, templates
from upstream.web.views import page_version

__all__ = ["router"]

router = APIRouter(tags=["open data"])


def _page(settings: Settings, cache: CacheDep) -> OpenDataPage:
    def build() -> OpenDataPage:
        snapshot = EventStore(settings.events_dir).snapshot()
        area = area_from_settings(settings)
        return open_data_page(snapshot, area, DEFAULT_POLICY, settings.data_dir / LEDGER)

    return cache.get("open-data", page_version(settings), build)


@router.get("/open-data", response_class=HTMLResponse)
def open_data(request: Request, settings: SettingsDep, cache: CacheDep) -> HTMLResponse:
    """The published tables, the map, downloads and the disclosure policy in plain English."""
    page = _page(settings, cache)
    context: dict[str, Any] = {
        "p": page,
        "area_name": area_from_settings(settings).name,
        "active": "open-data",
    }
    return templates.TemplateResponse(request, "open_data.html", context)


@router.get("/open-data/files/{name}")
def open_data_file(name: str, settings: SettingsDep, cache: CacheDep) -> Response:
    """One published CSV file (the same as ``upstream publish`` writes)."""
    page = _page(settings, cache)
    stem = name.removesuffix(".csv")
    if not name.endswith(".csv") or stem not in page.data.frames:
        raise HTTPException(status_code=404, detail="no such open-data file")
    return PlainTextResponse(
        csv_text(page.data.frames[stem]),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{stem}.csv"'},
    )


@router.get("/open-data/manifest.json")
def open_data_manifest(settings: SettingsDep, cache: CacheDep) -> Response:
    """The manifest of the published files (as ``upstream publish`` writes it)."""
    page = _page(settings, cache)
    manifest = manifest_of(page.data, DEFAULT_POLICY, area_from_settings(settings))
    return Response(json.dumps(manifest, indent=2), media_type="application/json")
