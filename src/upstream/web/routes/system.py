"""Health check, the plotly.js bundle served from the installed plotly package, the API
description (``/openapi.json``), which outside development only signed-in users may read, and
the interactive API docs (``/api/docs``, signed-in users only), whose Swagger UI files are
served from the installed ``fastapi-offline`` package: nothing comes from a CDN."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse

from upstream.web.deps import templates
from upstream.web.routes.auth import OptionalSession

__all__ = [
    "DOCS_URL",
    "OPENAPI_URL",
    "PLOTLY_JS_URL",
    "openapi_router",
    "plotly_js_path",
    "router",
    "swagger_asset",
]

router = APIRouter(tags=["system"])

openapi_router = APIRouter(tags=["system"])
"""Installed instead of FastAPI's open ``/openapi.json`` outside development."""

OPENAPI_URL = "/openapi.json"
DOCS_URL = "/api/docs"
_SWAGGER = {"swagger-ui-bundle.js": "text/javascript", "swagger-ui.css": "text/css"}

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


@openapi_router.get(OPENAPI_URL, include_in_schema=False)
def openapi(request: Request, view: OptionalSession) -> JSONResponse:
    """The API description, for a live session of any role; 401 for anyone else."""
    if view is None:
        return JSONResponse({"detail": "log in first"}, status_code=401)
    return JSONResponse(request.app.openapi(), headers={"Cache-Control": "private, no-store"})


@cache
def swagger_asset(name: str) -> Path:
    """A Swagger UI file shipped inside the installed ``fastapi-offline`` package."""
    return Path(str(resources.files("fastapi_offline").joinpath("static", name)))


@router.get("/static/swagger/{name}", include_in_schema=False)
def swagger_file(name: str) -> FileResponse:
    """Swagger UI's script and style sheet, from the installed package (offline)."""
    if name not in _SWAGGER or not swagger_asset(name).is_file():
        raise HTTPException(status_code=404, detail="no such file")
    return FileResponse(
        swagger_asset(name),
        media_type=_SWAGGER[name],
        headers={"Cache-Control": "public, max-age=86400"},
    )


@router.get(DOCS_URL, include_in_schema=False)
def api_docs(request: Request, view: OptionalSession) -> Response:
    """The interactive API docs, for signed-in users (anyone else goes to the login page)."""
    if view is None:
        return RedirectResponse(f"/login?next={DOCS_URL}", status_code=303)
    response = templates.TemplateResponse(
        request,
        "api_docs.html",
        {"csrf_token": view.csrf_token, "openapi_url": OPENAPI_URL},
    )
    response.headers["Cache-Control"] = "no-store"
    return response
