"""Health check and the plotly.js bundle served from the installed plotly package."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, RedirectResponse

__all__ = ["PLOTLY_JS_URL", "plotly_js_path", "router"]

router = APIRouter(tags=["system"])

PLOTLY_JS_URL = "/static/plotly.min.js"


@cache
def plotly_js_path() -> Path:
    """The ``plotly.min.js`` shipped inside the installed plotly Python package."""
    return Path(str(resources.files("plotly").joinpath("package_data", "plotly.min.js")))


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """Liveness: the app is up and answering."""
    return {"status": "ok"}


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> RedirectResponse:
    """Browsers ask for this on pages (such as JSON) that name no icon."""
    return RedirectResponse("/static/favicon.svg", status_code=308)


@router.get(PLOTLY_JS_URL, include_in_schema=False)
def plotly_js() -> FileResponse:
    """plotly.js from the plotly package, so pages work offline and nothing comes from a CDN."""
    path = plotly_js_path()
    if not path.is_file():
        raise HTTPException(status_code=404, detail="plotly.min.js is not in the plotly package")
    return FileResponse(
        path,
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=86400"},
    )
